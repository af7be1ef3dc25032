import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { FarmAgentsService } from '@tailor/engine';
import type { AgentEntity } from '@tailor/persistence';
import { AgentOnly, CurrentAgent, Public } from '../http/auth';
import { uuidParam } from '../http/params';
import {
  ExtendLeasesDto,
  FailureDto,
  HeartbeatDto,
  LeaseDto,
  RegisterAgentDto,
  ResultDto,
} from './agent-protocol.dto';

const example = (type: unknown, summary: string, value: object) =>
  ApiBody({ type: type as never, examples: { example: { summary, value } } });
const TASK_ID = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';

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
  @example(RegisterAgentDto, 'A laptop running onnxruntime with 2 threads', {
    enrollmentToken: 'tfe_…',
    name: 'lab-laptop-onnxruntime',
    agentVersion: '0.1.0',
    fingerprint: {
      cpuModel: 'AMD EPYC',
      cores: 2,
      memoryGiB: 23.5,
      os: 'linux 6.1.0',
      arch: 'x64',
      nodeVersion: 'v20.20.2',
    },
    runtime: { name: 'onnxruntime', version: '1.30.0', threads: 2, batchSize: 1 },
  })
  @Public()
  @HttpCode(201)
  register(@Body() body: RegisterAgentDto) {
    return this.farm.register(body);
  }

  /** Every `heartbeatIntervalSec`; an agent missing 3 is offline and its leases go back to the queue. */
  @Post('heartbeat')
  @example(HeartbeatDto, 'Measuring one task', { state: 'measuring', taskIds: [TASK_ID] })
  @AgentOnly()
  @HttpCode(200)
  heartbeat(@Body() body: HeartbeatDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.heartbeat(agent, body);
  }

  /** Long-poll (≤ 30 s) for up to `max` measurement tasks of this agent's device. */
  @Post('lease')
  @example(LeaseDto, 'One task, waiting up to 25 s', { max: 1, waitSec: 25 })
  @AgentOnly()
  @HttpCode(200)
  lease(
    @Body() body: LeaseDto,
    @CurrentAgent() agent: AgentEntity,
    @Res({ passthrough: true }) res: Response,
  ) {
    const hungUp = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) hungUp.abort();
    });
    return this.farm.lease(agent, body.max ?? 1, body.waitSec ?? 25, hungUp.signal);
  }

  /** Extend the leases of tasks still being measured. */
  @Post('leases/extend')
  @example(ExtendLeasesDto, 'Still measuring', { taskIds: [TASK_ID] })
  @AgentOnly()
  @HttpCode(200)
  extend(@Body() body: ExtendLeasesDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.extend(agent, body.taskIds);
  }

  /** Report a measurement. 409 when this agent does not hold the task or it already has a result. */
  @Post('tasks/:id/result')
  @example(ResultDto, 'Five repeats, no re-measure', {
    samples: [0.52, 0.51, 0.53, 0.52, 0.5],
    runsPerRepeat: [192, 196, 189, 192, 200],
    buildMs: 41.2,
    firstRunMs: 3.1,
    remeasured: false,
    noisy: false,
    replayed: false,
    startedAt: '2026-11-22T04:00:00.000Z',
    finishedAt: '2026-11-22T04:00:01.000Z',
  })
  @AgentOnly()
  @HttpCode(201)
  result(@Param('id', uuidParam) id: string, @Body() body: ResultDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.result(agent, id, body);
  }

  /** Report that a task could not be measured (or give it back unmeasured with `released`). */
  @Post('tasks/:id/failure')
  @example(FailureDto, 'The model could not be built', {
    reason: 'unknown search space "x"',
    retryable: false,
  })
  @AgentOnly()
  @HttpCode(200)
  failure(@Param('id', uuidParam) id: string, @Body() body: FailureDto, @CurrentAgent() agent: AgentEntity) {
    return this.farm.failure(agent, id, body);
  }
}
