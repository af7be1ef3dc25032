export * from './mbconv-layer';
export * from './mbconv-cost';
export {
  type ElasticNetSpec,
  type FixedBlockSpec,
  type HeadSpec,
  type StageSpec,
  type StemSpec,
  type WidthScaledPart,
  layerSlots,
  maxDepth,
  readElasticNetSpec,
} from './elastic-net';
export {
  type ElasticArch,
  describeElasticLayers,
  elasticCardinality,
  isActiveSlot,
  scaledChannels,
} from './elastic-layers';
export { formatElasticArch, parseElasticArch } from './elastic-arch';
export {
  crossoverElastic,
  elasticEncodingNames,
  encodeElastic,
  mutateElastic,
  sampleElastic,
} from './elastic-ops';
export {
  type ArchGenes,
  type ElasticSpace,
  type ElasticSpaceOptions,
  createElasticSpace,
} from './elastic-space';
