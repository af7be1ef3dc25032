import { Initial1763800000000 } from './1763800000000-initial';
import { DeviceFarm1763900000000 } from './1763900000000-device-farm';
import { Predictors1764000000000 } from './1764000000000-predictors';
import { Supernets1764100000000 } from './1764100000000-supernets';
import { Exports1764200000000 } from './1764200000000-exports';

/** Listed explicitly (not globbed) so the same list works from ts-jest, the tsc build and the CLI. */
export const MIGRATIONS = [
  Initial1763800000000,
  DeviceFarm1763900000000,
  Predictors1764000000000,
  Supernets1764100000000,
  Exports1764200000000,
] as const;
