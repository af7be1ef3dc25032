/** The device-farm agent (`tailor agent …`): pure Node, no NestJS. */
export { runAgentCommand, type AgentCommandOptions } from './cli';
export { Agent, EXIT_ERROR, EXIT_OK, EXIT_REVOKED, EXIT_USAGE, type AgentOptions } from './agent';
export {
  AGENT_USAGE,
  agentCommandArgs,
  parseAgentArgs,
  UsageError,
  type AgentArgs,
  type AgentLaunch,
  type ParsedArgs,
} from './args';
export { MeasureExecutor, type TaskExecutor, type TaskOutcome } from './executor';
export { loadReplayTable, ReplayExecutor, ReplaySetupError, type ReplayTable } from './replay';
export { AGENT_VERSION, hardwareFingerprint } from './identity';
export { checkStateMatches, loadState, saveState, StateError, type AgentState } from './state';
export { Progress, type AgentIo } from './progress';
export { AgentHttp, backoffDelay, HttpError, ServerUnreachable } from './http';
