import { Inject, Injectable } from '@nestjs/common';
import { invalid, Rng } from '@tailor/common';
import type { TailorConfig } from '@tailor/config';
import { defaultSearchSpacesDir, SearchSpace, SearchSpaceRegistry, summarize } from '@tailor/search-spaces';
import { TAILOR_CONFIG } from '../tokens';

export const MAX_SAMPLE = 1000;

/** The design spaces of `search-spaces/*.json`, loaded and validated once at start. */
@Injectable()
export class SearchSpacesService {
  private readonly registry: SearchSpaceRegistry;

  constructor(@Inject(TAILOR_CONFIG) config: TailorConfig) {
    this.registry = SearchSpaceRegistry.load(config.searchSpacesDir ?? defaultSearchSpacesDir());
  }

  list() {
    return this.registry.list().map(summarize);
  }

  get(id: string, field = 'searchSpace'): SearchSpace {
    return this.registry.get(id, field);
  }

  describe(id: string) {
    const space = this.get(id, 'id');
    return { ...summarize(space), definition: space.definition, encodingNames: space.encodingNames() };
  }

  /** Parses user archs (canonical strings or structured JSON); the first bad one fails with its path. */
  inspect(id: string, archs: readonly unknown[]) {
    const space = this.get(id, 'id');
    return this.parseArchs(space, archs).map((arch) => this.describeArch(space, arch));
  }

  sample(id: string, count: number, seed: number) {
    const space = this.get(id, 'id');
    return this.sampleArchs(space, count, seed).map((arch) => this.describeArch(space, arch));
  }

  /** 1 to MAX_SAMPLE user archs, parsed; the first bad one fails naming `archs[i]`. */
  parseArchs<A>(space: SearchSpace<A>, archs: readonly unknown[]): A[] {
    if (archs.length === 0 || archs.length > MAX_SAMPLE)
      throw invalid('archs', `must hold 1 to ${MAX_SAMPLE} architectures, got ${archs.length}`);
    return archs.map((input, i) => space.parse(input, `archs[${i}]`));
  }

  /** `count` seeded random archs (the same seed gives the same archs); `field` names the count in errors. */
  sampleArchs<A>(space: SearchSpace<A>, count: number, seed: number, field = 'count'): A[] {
    if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE)
      throw invalid(field, `must be an integer in [1, ${MAX_SAMPLE}], got ${count}`);
    const rng = Rng.fromSeed(seed);
    return Array.from({ length: count }, () => space.sample(rng));
  }

  private describeArch(space: SearchSpace, arch: unknown) {
    return {
      key: space.canonical(arch),
      arch: space.toJSON(arch),
      flops: space.flops(arch),
      params: space.params(arch),
      encoding: space.encode(arch),
    };
  }
}
