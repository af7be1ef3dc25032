import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { SupernetsRepository } from '@tailor/persistence';
import { AccuracyPredictor, ensureTrainingBackend } from '@tailor/predictors';
import type { SearchSpace } from '@tailor/search-spaces';

/** The dataset a supernet's subnets are scored on: `accuracy:fashion-mnist` in a search. */
export const SUPERNET_DATASET = 'fashion-mnist';
/** Where a supernet's accuracy predictor lives (`tailor supernet predictor --out`). */
export const ACCURACY_PREDICTOR_FILE = 'accuracy-predictor.json';

/** Predicted top-1 accuracy in percent (the unit of every accuracy table) for a batch of archs. */
export type AccuracyFetcher = (archs: readonly unknown[]) => number[];

export interface SupernetAccuracySource {
  readonly supernetId: string;
  /** Its weights: the search's top candidates are scored on the validation split from them. */
  readonly checkpointDir: string;
  readonly predict: AccuracyFetcher;
}

/**
 * OFA's accuracy model in a search: the newest succeeded supernet of the space that has an accuracy
 * predictor answers `accuracy:fashion-mnist`. Predictors are cached per file and modification time, so a
 * search loop does not re-read them and a retrained predictor is picked up.
 */
@Injectable()
export class SupernetAccuracy {
  private readonly cache = new Map<string, { mtimeMs: number; predictor: AccuracyPredictor }>();

  constructor(private readonly supernets: SupernetsRepository) {}

  async load(space: SearchSpace, dataset: string): Promise<SupernetAccuracySource | null> {
    if (dataset !== SUPERNET_DATASET) return null;
    for (const row of await this.supernets.list(space.id)) {
      if (row.status !== 'succeeded') continue;
      const file = join(row.checkpointDir, ACCURACY_PREDICTOR_FILE);
      if (!existsSync(file)) continue;
      const predictor = await this.predictorAt(file);
      if (predictor.spaceId !== space.id || predictor.encodingLength !== space.encodingLength) continue;
      return {
        supernetId: row.id,
        checkpointDir: row.checkpointDir,
        predict: (archs) => predictor.predict(archs.map((a) => space.encode(a))).map((p) => 100 * p),
      };
    }
    return null;
  }

  private async predictorAt(file: string): Promise<AccuracyPredictor> {
    const { mtimeMs } = statSync(file);
    const hit = this.cache.get(file);
    if (hit?.mtimeMs === mtimeMs) return hit.predictor;
    await ensureTrainingBackend();
    hit?.predictor.dispose();
    const predictor = AccuracyPredictor.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
    this.cache.set(file, { mtimeMs, predictor });
    return predictor;
  }
}
