import type { FarmSettings } from '@tailor/config';

/** An agent that has missed three heartbeats is offline (its leases go back to the queue). */
export const offlineAfterSec = (farm: FarmSettings): number => 3 * farm.heartbeatSec;
