import { type Rng, TailorError } from '@tailor/common';
import type { DefinitionReader } from '../definition-reader';
import { frozenDefinition } from '../frozen-definition';
import type { SearchSpace } from '../search-space';
import { type ElasticNetSpec, readElasticNetSpec } from './elastic-net';
import { type ElasticArch, describeElasticLayers, elasticCardinality } from './elastic-layers';
import { formatElasticArch, parseElasticArch, validateWith } from './elastic-arch';
import {
  crossoverElastic,
  elasticEncodingLength,
  elasticEncodingNames,
  encodeElastic,
  mutateElastic,
  sampleElastic,
} from './elastic-ops';
import type { LayerDesc } from './mbconv-layer';
import { networkCost } from './mbconv-cost';

/** A search space over the subnets of an elastic MBConv network, plus its layer list for builders. */
export interface ElasticSpace<A> extends SearchSpace<A> {
  readonly spec: ElasticNetSpec;
  /** Concrete layers of the subnet (type, channels, kernel, stride, expand, SE, activation, input size). */
  describeLayers(arch: A): LayerDesc[];
}

export interface ElasticSpaceOptions<A> {
  readonly id: string;
  /** Full genes → the space's arch shape (which may drop a fixed `r`). */
  readonly toArch: (genes: ElasticArch) => A;
  /** The space's arch → genes; a missing `r` is the largest resolution, a missing `w` the default width. */
  readonly toGenes: (arch: A) => ArchGenes;
}

export type ArchGenes = Omit<ElasticArch, 'r' | 'w'> & { readonly r?: number; readonly w?: number };

/** Elastic spaces are never enumerated: even the Fashion-MNIST one has far more than 10^6 archs. */
const ENUMERATION_LIMIT = 1_000_000n;

export function createElasticSpace<A>(
  reader: DefinitionReader,
  opts: ElasticSpaceOptions<A>,
): ElasticSpace<A> {
  reader.expectId(opts.id);
  const name = reader.string('name');
  const description = reader.string('description');
  const spec = readElasticNetSpec(reader);
  const definition = frozenDefinition(reader);
  const maxR = spec.resolutions[spec.resolutions.length - 1];
  const cardinality = elasticCardinality(spec);
  const { toArch } = opts;
  const toGenes = (arch: A): ElasticArch => {
    const g = opts.toGenes(arch);
    return { ks: g.ks, e: g.e, d: g.d, r: g.r ?? maxR, w: g.w ?? spec.defaultWidth };
  };
  const parse = (input: unknown, field = 'arch'): A => toArch(parseElasticArch(spec, input, field));
  const layers = (arch: A): LayerDesc[] => describeElasticLayers(spec, toGenes(arch));

  return {
    id: opts.id,
    name,
    description,
    inputShape: [maxR, maxR, spec.inputChannels],
    definition,
    spec,
    cardinality: () => cardinality,
    enumerable: cardinality <= ENUMERATION_LIMIT,
    enumerate(): Iterable<A> {
      throw new TailorError('UNPROCESSABLE', `${opts.id} has ${cardinality} archs and cannot be enumerated`);
    },
    parse,
    validate: (input) => validateWith(parse, input),
    canonical: (arch) => formatElasticArch(spec, toGenes(arch)),
    toJSON: (arch) => toArch(toGenes(arch)),
    sample: (rng: Rng) => toArch(sampleElastic(spec, rng)),
    mutate: (arch, rng, probability) => toArch(mutateElastic(spec, toGenes(arch), rng, probability)),
    crossover: (a, b, rng) => toArch(crossoverElastic(toGenes(a), toGenes(b), rng)),
    flops: (arch) => networkCost(layers(arch)).macs / 1e6,
    params: (arch) => networkCost(layers(arch)).params / 1e6,
    encode: (arch) => encodeElastic(spec, toGenes(arch)),
    encodingLength: elasticEncodingLength(spec),
    encodingNames: () => elasticEncodingNames(spec),
    describeLayers: layers,
  };
}
