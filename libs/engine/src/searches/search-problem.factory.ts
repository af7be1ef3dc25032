import { Injectable } from '@nestjs/common';
import { Rng } from '@tailor/common';
import { createAlgorithm, type SearchProblem } from '@tailor/search';
import type { SearchSpace } from '@tailor/search-spaces';
import type { FarmMeasureContext } from '../farm/farm-latency.service';
import { MetricEvaluator } from './metric-evaluator';
import { MetricSourcesService } from './metric-sources.service';
import { resolveProblem, type SearchRequest } from './search-request';
import { SearchSpacesService } from '../search-spaces/search-spaces.service';

export interface PreparedSearch {
  readonly space: SearchSpace;
  readonly problem: SearchProblem;
  readonly evaluator: MetricEvaluator;
}

/** Turns a request into a search problem with its evaluator; shared by submit-time checks and the runner. */
@Injectable()
export class SearchProblemFactory {
  constructor(
    private readonly spaces: SearchSpacesService,
    private readonly sources: MetricSourcesService,
  ) {}

  async prepare(req: SearchRequest, farmContext?: FarmMeasureContext): Promise<PreparedSearch> {
    const space = this.spaces.get(req.searchSpace);
    const resolved = resolveProblem(req);
    const problem: SearchProblem = {
      space,
      objectives: resolved.objectives,
      constraints: resolved.constraints,
    };
    // Builds the algorithm once so bad options fail at submit with the option's name.
    createAlgorithm(req.algorithm, problem, Rng.fromSeed(req.seed), req.options ?? {});
    const refs = [
      ...req.objectives.map((ref, i) => ({ ref, field: `objectives[${i}]` })),
      ...req.constraints.map((ref, i) => ({ ref, field: `constraints[${i}]` })),
    ];
    const sources = await this.sources.load(space, refs, farmContext);
    const evaluator = new MetricEvaluator(space, problem.objectives, problem.constraints, sources);
    return { space, problem, evaluator };
  }
}
