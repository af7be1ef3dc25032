import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** `../shared/data` beside the repository: real data we load by path and never copy in. */
export const SHARED_DATA = resolve(__dirname, '../../../shared/data');
export const NB201_LATENCY = resolve(SHARED_DATA, 'help/nasbench201.json');
export const NB201_ACCURACY = resolve(SHARED_DATA, 'nasbench201/accuracy.json');
export const FBNET_LATENCY = resolve(SHARED_DATA, 'help/fbnet.json');

if (!existsSync(NB201_LATENCY))
  throw new Error(`tests need ../shared/data beside the repository (looked for ${NB201_LATENCY})`);
