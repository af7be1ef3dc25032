import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FarmAgentsService } from '@tailor/engine';
import type { AgentEntity } from '@tailor/persistence';
import { AgentOnly, CurrentAgent, Public } from '../http/auth';
import {
  ExtendLeasesDto,
  FailureDto,
  HeartbeatDto,
  LeaseDto,
  RegisterAgentDto,
  ResultDto,
} from './agent-protocol.dto';

const uuid = new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 });

/**
 * Routes for device-farm agents (`tailor agent`). Everything but `register` needs the agent's secret;
 * user and admin keys are refused here. See device-farm/README.md for the protocol.
 */
@ApiTags('agent (device farm)')
@ApiBearerAuth()
@Controller('agent')
export class AgentController {
  constructor(private readonly farm: FarmAgentsService) {}

  /** Enroll with an enrollment token; returns the agent id and secret (shown once) and its device. */
  @Post('register')
  @Public()
  @HttpCode(201)
  register(@Body() body: RegisterAgentDto) {
    return this.farm.register(body);
  }

  /** Every `heartbeatIntervalSec`; an agent missing 3 is offline and its leases go back to the queue. */
  @Post('heartbeat')
  @AgentOnly()
  @HttpCode(200)
  heartbeat(@Body() body: HeartbeatDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.heartbeat(agent, body);
  }

  /** Long-poll (≤ 30 s) for up to `max` measurement tasks of this agent's device. */
  @Post('lease')
  @AgentOnly()
  @HttpCode(200)
  lease(
    @Body() body: LeaseDto,
    @CurrentAgent() agent: AgentEntity,
    @Res({ passthrough: true }) res: Response,
  ) {
    let gone = false;
    res.on('close', () => (gone = !res.writableEnded));
    return this.farm.lease(agent, body.max ?? 1, body.waitSec ?? 25, () => gone);
  }

  /** Extend the leases of tasks still being measured. */
  @Post('leases/extend')
  @AgentOnly()
  @HttpCode(200)
  extend(@Body() body: ExtendLeasesDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.extend(agent, body.taskIds);
  }

  /** Report a measurement. 409 when this agent does not hold the task or it already has a result. */
  @Post('tasks/:id/result')
  @AgentOnly()
  @HttpCode(201)
  result(@Param('id', uuid) id: string, @Body() body: ResultDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.result(agent, id, body);
  }

  /** Report that a task could not be measured (or give it back unmeasured with `released`). */
  @Post('tasks/:id/failure')
  @AgentOnly()
  @HttpCode(200)
  failure(@Param('id', uuid) id: string, @Body() body: FailureDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.failure(agent, id, body);
  }
}
