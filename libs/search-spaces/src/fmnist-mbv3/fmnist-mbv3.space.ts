import type { DefinitionReader } from '../definition-reader';
import { type ElasticSpace, createElasticSpace } from '../mbconv/elastic-space';

/** Elastic width multiplier of the stage channels (stem and head keep their width). */
export type FmnistWidth = 0.75 | 1.0;

/**
 * One subnet of the Fashion-MNIST elastic MobileNetV3: `ks[12]` and `e[12]` per block slot (4 stages ×
 * 3 slots, stage-major), `d[4]` depth per stage, `w` the stage width multiplier (optional on input,
 * default 1.0; parsed archs always carry it). The input resolution is fixed at 28, so there is no `r`.
 */
export interface FmnistArch {
  readonly ks: readonly number[];
  readonly e: readonly number[];
  readonly d: readonly number[];
  readonly w?: FmnistWidth;
}

export type FmnistMbv3Space = ElasticSpace<FmnistArch>;

/**
 * The `fmnist-mbv3` space from `search-spaces/fmnist-mbv3.json`: small enough that a later issue can
 * train its supernet with tfjs on a 2-core CPU (largest subnet ≈ 23 MMACs, 0.34M params). Encoding:
 * OFA/HELP-style one-hots of ks and e (inactive slots all zeros) plus a width one-hot.
 */
export function createFmnistMbv3Space(reader: DefinitionReader): FmnistMbv3Space {
  return createElasticSpace<FmnistArch>(reader, {
    id: 'fmnist-mbv3',
    toArch: (g) => ({ ks: [...g.ks], e: [...g.e], d: [...g.d], w: g.w as FmnistWidth }),
    toGenes: (a) => a,
  });
}
