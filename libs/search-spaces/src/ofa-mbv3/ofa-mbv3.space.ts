import type { DefinitionReader } from '../definition-reader';
import { type ElasticSpace, createElasticSpace } from '../mbconv/elastic-space';

/** OFA's supernets come in width multipliers 1.0 and 1.2 (ofa_mbv3_d234_e346_k357_w1.0 / _w1.2). */
export type OfaWidth = 1.0 | 1.2;

/**
 * One OFA MobileNetV3 subnet: OFA's / HELP's `{ks[20], e[20], d[5], r}` plus the width multiplier.
 * `w` is optional on input (HELP's configs have none) and defaults to 1.0; parsed archs always carry it.
 */
export interface OfaArch {
  readonly ks: readonly number[];
  readonly e: readonly number[];
  readonly d: readonly number[];
  readonly r: number;
  readonly w?: OfaWidth;
}

export type OfaMbv3Space = ElasticSpace<OfaArch>;

/**
 * The `ofa-mbv3` space from `search-spaces/ofa-mbv3.json`. Its 145-dim encoding is exactly HELP's
 * `arch_encoding_ofa` (60 ks + 60 e one-hots, inactive blocks all zeros, then 25 resolution one-hots);
 * HELP encodes no width, so w1.0 and w1.2 versions of a subnet encode equally — predictors trained on
 * HELP's data (all w1.0) should only be asked about w1.0 archs.
 */
export function createOfaMbv3Space(reader: DefinitionReader): OfaMbv3Space {
  return createElasticSpace<OfaArch>(reader, {
    id: 'ofa-mbv3',
    toArch: (g) => ({ ks: [...g.ks], e: [...g.e], d: [...g.d], r: g.r, w: g.w as OfaWidth }),
    toGenes: (a) => a,
  });
}
