import {
  isActiveSlot,
  layerSlots,
  NB201_EDGES,
  NB201_OPS,
  type ElasticArch,
  type ElasticSpace,
  type Nasbench201Arch,
  type SearchSpace,
} from '@tailor/search-spaces';

/**
 * The predictor's view of an arch: the space's own encoding (HELP's encodings, see SearchSpace.encode),
 * plus log FLOPs and log params (cost is the first-order driver of latency on every device), plus for
 * NAS-Bench-201 a graph-aware block: the one-hot ops again, but only on edges that lie on a path from the
 * cell input to its output. An op on a dead edge is pruned by graph compilers (HW-NAS-Bench's pixel3 and
 * raspi4 report ~0 ms for cells cut off by `none`), which a flat one-hot encoding cannot see.
 */
export function archFeatures(space: SearchSpace, arch: unknown): number[] {
  const base = space.encode(arch);
  const cost = [Math.log1p(space.flops(arch)), Math.log1p(space.params(arch))];
  return [...base, ...extraFeatures(space, arch), ...cost];
}

/**
 * Per-layer joint one-hots where the space's own (HELP) encoding is factorized: HELP encodes an FBNet
 * layer as kernel + expansion flags and an OFA block as separate ks and e one-hots, so a layer's cost —
 * which depends on kernel × expansion jointly — is not linear in them. Latency is close to additive over
 * layers, so a one-hot per (layer, op) makes it nearly linear in the features.
 */
function extraFeatures(space: SearchSpace, arch: unknown): number[] {
  if (space.id === 'nasbench201') return activeEdgeOneHot(arch as Nasbench201Arch);
  if (space.id === 'fbnet') {
    const ops = (space.definition.ops as { name: string }[]).map((o) => o.name);
    return (arch as string[]).flatMap((op) => ops.map((name) => (name === op ? 1 : 0)));
  }
  if (isElastic(space)) return elasticJointOneHot(space, arch);
  return [];
}

export function archFeatureNames(space: SearchSpace): string[] {
  let extra: string[] = [];
  if (space.id === 'nasbench201')
    extra = NB201_EDGES.flatMap((e) => NB201_OPS.map((op) => `active.edge${e.to}<-${e.from}=${op}`));
  else if (space.id === 'fbnet') {
    const ops = (space.definition.ops as { name: string }[]).map((o) => o.name);
    extra = (space.definition.layers as unknown[]).flatMap((_, i) => ops.map((op) => `layer${i}=${op}`));
  } else if (isElastic(space)) {
    const { kernels, expandRatios } = space.spec;
    extra = Array.from({ length: layerSlots(space.spec) }, (_, i) => i).flatMap((i) =>
      kernels.flatMap((k) => expandRatios.map((e) => `slot${i}=k${k}e${e}`)),
    );
  }
  return [...space.encodingNames(), ...extra, 'log1p(mflops)', 'log1p(mparams)'];
}

function isElastic(space: SearchSpace): space is ElasticSpace<unknown> {
  return typeof (space as Partial<ElasticSpace<unknown>>).describeLayers === 'function' && 'spec' in space;
}

/** One-hot of (kernel, expand) per block slot, zero for slots beyond the stage's depth. */
function elasticJointOneHot(space: ElasticSpace<unknown>, arch: unknown): number[] {
  const { kernels, expandRatios } = space.spec;
  const a = arch as Pick<ElasticArch, 'ks' | 'e' | 'd'>;
  return a.ks.flatMap((k, i) => {
    const active = isActiveSlot(space.spec, a.d, i);
    return kernels.flatMap((kc) => expandRatios.map((ec) => (active && kc === k && ec === a.e[i] ? 1 : 0)));
  });
}

/** One-hot op per edge, zero for edges not on any input→output path of non-`none` edges. */
export function activeEdgeOneHot(arch: Nasbench201Arch): number[] {
  const alive = (i: number): boolean => arch[i] !== 'none';
  const nodes = 1 + Math.max(...NB201_EDGES.map((e) => e.to));
  const fromInput = new Array<boolean>(nodes).fill(false);
  fromInput[0] = true;
  for (let n = 1; n < nodes; n++)
    fromInput[n] = NB201_EDGES.some((e, i) => e.to === n && alive(i) && fromInput[e.from]);
  const toOutput = new Array<boolean>(nodes).fill(false);
  toOutput[nodes - 1] = true;
  for (let n = nodes - 2; n >= 0; n--)
    toOutput[n] = NB201_EDGES.some((e, i) => e.from === n && alive(i) && toOutput[e.to]);
  return NB201_EDGES.flatMap((e, i) => {
    const live = alive(i) && fromInput[e.from] && toOutput[e.to];
    return NB201_OPS.map((op) => (live && arch[i] === op ? 1 : 0));
  });
}
