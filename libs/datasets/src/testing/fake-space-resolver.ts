import { invalid, notFound, showValue } from '@tailor/common';
import type { ArchParser, SpaceResolver } from '../dataset-types';

/**
 * Small stand-ins for the real search spaces, for unit tests: they check the same shapes as the
 * HELP files (NB201 strings, 22 FBNet op indices, OFA configs) without depending on libs/search-spaces.
 */
const NB201_OP = '(none|skip_connect|nor_conv_1x1|nor_conv_3x3|avg_pool_3x3)';
const NB201 = new RegExp(
  `^\\|${NB201_OP}~0\\|\\+\\|${NB201_OP}~0\\|${NB201_OP}~1\\|\\+\\|${NB201_OP}~0\\|${NB201_OP}~1\\|${NB201_OP}~2\\|$`,
);

const nasbench201: ArchParser = {
  id: 'nasbench201',
  parse(input, field = 'arch') {
    if (typeof input !== 'string' || !NB201.test(input)) {
      throw invalid(field, `must be a NAS-Bench-201 arch string, got ${showValue(input)}`);
    }
    return input;
  },
  canonical: (arch) => arch as string,
  toJSON: (arch) => arch,
};

function intList(input: unknown, field: string, length: number, allowed: (x: number) => boolean): number[] {
  if (!Array.isArray(input) || input.length !== length) {
    throw invalid(field, `must be an array of ${length} integers, got ${showValue(input)}`);
  }
  input.forEach((x: unknown, i) => {
    if (!Number.isInteger(x) || !allowed(x as number))
      throw invalid(`${field}[${i}]`, `is not allowed, got ${showValue(x)}`);
  });
  return input as number[];
}

const fbnet: ArchParser = {
  id: 'fbnet',
  parse: (input, field = 'arch') => intList(input, field, 22, (x) => x >= 0 && x <= 8),
  canonical: (arch) => (arch as number[]).join(','),
  toJSON: (arch) => arch,
};

interface OfaArch {
  ks: number[];
  e: number[];
  d: number[];
  r: number;
}

const ofa: ArchParser = {
  id: 'ofa-mbv3',
  parse(input, field = 'arch') {
    if (input === null || typeof input !== 'object')
      throw invalid(field, `must be an object, got ${showValue(input)}`);
    const o = input as Record<string, unknown>;
    const r = o.r;
    if (!Number.isInteger(r) || (r as number) < 128 || (r as number) > 224 || (r as number) % 4 !== 0) {
      throw invalid(`${field}.r`, `must be 128..224 in steps of 4, got ${showValue(r)}`);
    }
    return {
      ks: intList(o.ks, `${field}.ks`, 20, (x) => [3, 5, 7].includes(x)),
      e: intList(o.e, `${field}.e`, 20, (x) => [3, 4, 6].includes(x)),
      d: intList(o.d, `${field}.d`, 5, (x) => [2, 3, 4].includes(x)),
      r,
    } as OfaArch;
  },
  // Layers past a stage's depth do not run, so they are left out of the identity.
  canonical(arch) {
    const { ks, e, d, r } = arch as OfaArch;
    const active = (xs: number[]) => d.map((depth, s) => xs.slice(s * 4, s * 4 + depth).join('')).join('-');
    return `ks${active(ks)}_e${active(e)}_r${r}`;
  },
  toJSON: (arch) => arch,
};

const spaces = new Map([nasbench201, fbnet, ofa].map((s) => [s.id, s]));

export const fakeResolveSpace: SpaceResolver = (id) => {
  const space = spaces.get(id);
  if (!space) throw notFound('searchSpace', `no search space ${showValue(id)}`);
  return space;
};
