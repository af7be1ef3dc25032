import { type Rng, invalid, showValue } from '@tailor/common';
import { type ElasticNetSpec, layerSlots } from './elastic-net';
import { type ElasticArch, isActiveSlot } from './elastic-layers';
import { formatWidth } from './elastic-arch';

/**
 * Sampling, mutation, crossover and encoding of elastic archs. The genes are `ks[slot]`, `e[slot]`,
 * `d[stage]`, and `r` / `w` when the space has more than one choice for them. Like OFA's
 * `sample_active_subnet`, sampling is uniform per gene (so not uniform over distinct networks:
 * deeper stages have more distinct settings); inactive slots are sampled too, so a later depth
 * mutation has genes to wake up.
 */
export function sampleElastic(spec: ElasticNetSpec, rng: Rng): ElasticArch {
  const slots = layerSlots(spec);
  const ks = Array.from({ length: slots }, () => rng.pick(spec.kernels));
  const e = Array.from({ length: slots }, () => rng.pick(spec.expandRatios));
  const d = spec.stages.map(() => rng.pick(spec.depths));
  const r = rng.pick(spec.resolutions);
  const w = rng.pick(spec.widths);
  return { ks, e, d, r, w };
}

/** Each gene is independently resampled (possibly to the same value) with `probability`. */
export function mutateElastic(
  spec: ElasticNetSpec,
  arch: ElasticArch,
  rng: Rng,
  probability: number,
): ElasticArch {
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))
    throw invalid('probability', `must be a number in [0, 1], got ${showValue(probability)}`);
  const gene = <T>(value: T, choices: readonly T[]): T => (rng.bool(probability) ? rng.pick(choices) : value);
  return {
    ks: arch.ks.map((k) => gene(k, spec.kernels)),
    e: arch.e.map((x) => gene(x, spec.expandRatios)),
    d: arch.d.map((x) => gene(x, spec.depths)),
    r: spec.resolutions.length > 1 ? gene(arch.r, spec.resolutions) : arch.r,
    w: spec.widths.length > 1 ? gene(arch.w, spec.widths) : arch.w,
  };
}

/** Uniform crossover: every gene comes from either parent with probability 1/2. */
export function crossoverElastic(a: ElasticArch, b: ElasticArch, rng: Rng): ElasticArch {
  const pick = <T>(x: T, y: T): T => (rng.bool() ? x : y);
  return {
    ks: a.ks.map((k, i) => pick(k, b.ks[i])),
    e: a.e.map((x, i) => pick(x, b.e[i])),
    d: a.d.map((x, i) => pick(x, b.d[i])),
    r: pick(a.r, b.r),
    w: pick(a.w, b.w),
  };
}

/**
 * One-hot encoding in HELP's `arch_encoding_ofa` layout: all `ks` one-hots (|kernels| per slot), then
 * all `e` one-hots, then the resolution one-hot (only when elastic), then — when `encodeWidth` — the
 * width one-hot. Inactive slots are all zeros, as in HELP, so equal networks encode equally.
 */
export function encodeElastic(spec: ElasticNetSpec, arch: ElasticArch): number[] {
  const out: number[] = [];
  const oneHot = (value: number, choices: readonly number[], on = true): void => {
    for (const c of choices) out.push(on && c === value ? 1 : 0);
  };
  arch.ks.forEach((k, i) => oneHot(k, spec.kernels, isActiveSlot(spec, arch.d, i)));
  arch.e.forEach((x, i) => oneHot(x, spec.expandRatios, isActiveSlot(spec, arch.d, i)));
  if (spec.resolutions.length > 1) oneHot(arch.r, spec.resolutions);
  if (spec.encodeWidth) oneHot(arch.w, spec.widths);
  return out;
}

export function elasticEncodingNames(spec: ElasticNetSpec): string[] {
  const slots = Array.from({ length: layerSlots(spec) }, (_, i) => i);
  return [
    ...slots.flatMap((i) => spec.kernels.map((k) => `ks[${i}]=${k}`)),
    ...slots.flatMap((i) => spec.expandRatios.map((x) => `e[${i}]=${x}`)),
    ...(spec.resolutions.length > 1 ? spec.resolutions.map((r) => `r=${r}`) : []),
    ...(spec.encodeWidth ? spec.widths.map((w) => `w=${formatWidth(w)}`) : []),
  ];
}

export function elasticEncodingLength(spec: ElasticNetSpec): number {
  const slots = layerSlots(spec);
  return (
    slots * (spec.kernels.length + spec.expandRatios.length) +
    (spec.resolutions.length > 1 ? spec.resolutions.length : 0) +
    (spec.encodeWidth ? spec.widths.length : 0)
  );
}
