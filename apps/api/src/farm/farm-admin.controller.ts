import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { FarmAdminService, type Principal } from '@tailor/engine';
import { AdminOnly, CurrentPrincipal } from '../http/auth';
import { uuidParam } from '../http/params';

export class CreateEnrollmentTokenDto {
  /** A label, e.g. the machine it is for. */
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  /** Hours until the token stops working (default 24, at most 720). */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(720)
  expiresInHours?: number;
  /** How many agents may register with it (default 1). */
  @IsOptional() @IsInt() @Min(1) @Max(10_000) maxUses?: number;
}

/** Admin: who may join the device farm, and who is in it. */
@ApiTags('device farm (admin)')
@ApiBearerAuth()
@AdminOnly()
@Controller('farm')
export class FarmAdminController {
  constructor(private readonly farm: FarmAdminService) {}

  /** Create an enrollment token for `tailor agent --enroll-token`; the token is shown only here. */
  @Post('enrollment-tokens')
  @HttpCode(201)
  @ApiBody({
    type: CreateEnrollmentTokenDto,
    examples: {
      lab: {
        summary: 'Three Raspberry Pis, valid for a week',
        value: { name: 'lab pis', maxUses: 3, expiresInHours: 168 },
      },
    },
  })
  createToken(@Body() body: CreateEnrollmentTokenDto, @CurrentPrincipal() who: Principal) {
    return this.farm.createToken(body, who);
  }

  @Get('enrollment-tokens')
  listTokens() {
    return this.farm.listTokens();
  }

  /** Revoke a token: no new agent can register with it (registered agents are unaffected). */
  @Delete('enrollment-tokens/:id')
  @HttpCode(204)
  async revokeToken(@Param('id', uuidParam) id: string) {
    await this.farm.revokeToken(id);
  }

  @Get('agents')
  listAgents() {
    return this.farm.listAgents();
  }

  /** Revoke an agent: its secret stops working at once and the tasks it held go back to the queue. */
  @Delete('agents/:id')
  revokeAgent(@Param('id', uuidParam) id: string) {
    return this.farm.revokeAgent(id);
  }
}
