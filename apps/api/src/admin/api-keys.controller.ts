import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiKeysService, type Principal } from '@tailor/engine';
import { AdminOnly, CurrentPrincipal } from '../http/auth';

export class CreateApiKeyDto {
  /** Who the key is for. */
  @IsString()
  @MaxLength(64)
  name: string;

  /** `user` (default) sees only its own searches; `admin` can also import data and mint keys. */
  @IsOptional()
  @IsIn(['user', 'admin'])
  role?: 'user' | 'admin';
}

@ApiTags('api keys')
@ApiBearerAuth()
@AdminOnly()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** Mint a key; the secret is in this response only. */
  @Post()
  @ApiBody({ type: CreateApiKeyDto, examples: { alice: { value: { name: 'alice', role: 'user' } } } })
  create(@Body() body: CreateApiKeyDto) {
    return this.keys.issue(body.name, body.role ?? 'user');
  }

  @Get()
  list() {
    return this.keys.list();
  }

  /** Revoke a key at once. */
  @Delete(':id')
  @HttpCode(204)
  async revoke(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
    @CurrentPrincipal() who: Principal,
  ) {
    await this.keys.revoke(id, who);
  }
}
