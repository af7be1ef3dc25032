import { Initial1763800000000 } from './1763800000000-initial';

/** Listed explicitly (not globbed) so the same list works from ts-jest, the tsc build and the CLI. */
export const MIGRATIONS = [Initial1763800000000] as const;
