import type { FbnetArch, LayerDesc, Nasbench201Arch, SearchSpace } from '@tailor/search-spaces';
import { buildFbnet } from './builders/fbnet.builder';
import { buildMbconv } from './builders/mbconv.builder';
import { buildNasbench201 } from './builders/nasbench201.builder';
import { GraphBuilder } from './graph-builder';
import type { NnGraph } from './ir';

export interface BuildOptions {
  /** Seeds every weight and BN statistic; same (space, arch, seed) → bit-identical weights. */
  readonly seed: number;
  /** Batch the network is meant for (metadata; emitted models keep the batch dynamic). Default 1. */
  readonly batchSize?: number;
  /** Input height = width. NB201/FBNet: any size (default the space's); elastic spaces take it from the arch. */
  readonly resolution?: number;
  /** Classifier width; defaults to the space's (params then equal `space.params(arch)`). */
  readonly numClasses?: number;
}

/** Spaces that expose their subnet's concrete layer list (ofa-mbv3, fmnist-mbv3). */
interface LayerDescribingSpace<A> extends SearchSpace<A> {
  describeLayers(arch: A): LayerDesc[];
  readonly inputShape: readonly number[];
}

const describesLayers = <A>(space: SearchSpace<A>): space is LayerDescribingSpace<A> =>
  typeof (space as Partial<LayerDescribingSpace<A>>).describeLayers === 'function';

/**
 * Builds the inference network of `arch` as a backend-neutral IR with seeded weights (BN unfolded,
 * running statistics used). Feed the IR to `toTfjs` and/or `toOnnx`.
 */
export function buildNetwork<A>(space: SearchSpace<A>, arch: A, opts: BuildOptions): NnGraph {
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  const b = new GraphBuilder(opts.seed);
  let built: { output: string; inputShape: [number, number, number]; numClasses: number };
  if (space.id === 'nasbench201') {
    built = buildNasbench201(b, space.definition, arch as unknown as Nasbench201Arch, opts);
  } else if (space.id === 'fbnet') {
    built = buildFbnet(b, space.definition, arch as unknown as FbnetArch, opts);
  } else if (describesLayers(space)) {
    const layers = space.describeLayers(arch);
    const first = layers[0];
    if (opts.resolution !== undefined && first?.type === 'conv' && first.inputSize !== opts.resolution) {
      throw new RangeError(
        `${space.id} takes its resolution from the arch (${first.inputSize}), not from options (${opts.resolution})`,
      );
    }
    built = buildMbconv(b, layers, space.inputShape[2], opts);
  } else {
    throw new RangeError(`no network builder for search space ${space.id}`);
  }
  return b.finish(
    {
      spaceId: space.id,
      arch: space.canonical(arch),
      seed: opts.seed,
      batchSize: opts.batchSize ?? 1,
      numClasses: built.numClasses,
    },
    built.output,
  );
}
