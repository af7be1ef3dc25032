import { NB201_EDGES, NB201_OPS, type Nasbench201Arch, type SearchSpace } from '@tailor/search-spaces';

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
  if (space.id !== 'nasbench201') return [...base, ...cost];
  return [...base, ...activeEdgeOneHot(arch as Nasbench201Arch), ...cost];
}

export function archFeatureNames(space: SearchSpace): string[] {
  const active =
    space.id === 'nasbench201'
      ? NB201_EDGES.flatMap((e) => NB201_OPS.map((op) => `active.edge${e.to}<-${e.from}=${op}`))
      : [];
  return [...space.encodingNames(), ...active, 'log1p(mflops)', 'log1p(mparams)'];
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
