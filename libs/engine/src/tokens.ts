/** Injection token for the validated TailorConfig. */
export const TAILOR_CONFIG = Symbol('TAILOR_CONFIG');
/** Whether this process serves the API (and maybe runs jobs in-process) or is a dedicated worker. */
export const ENGINE_ROLE = Symbol('ENGINE_ROLE');
export type EngineRole = 'api' | 'worker';
