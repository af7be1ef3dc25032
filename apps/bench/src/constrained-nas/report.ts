import { table } from '../farm/util';
import type { ConstrainedNasArgs } from './args';

export interface TaskResult {
  device: string;
  budgetMs: number;
  arch: string | null;
  trueMs: number | null;
  violation: boolean | null;
  accuracy: number | null;
  oracleAccuracy: number;
  gap: number | null;
  /** Device measurements the search itself made (verification; plus calibration when it calibrated). */
  measurements: number;
  /** Distinct archs measured on the device so far, calibration included (the budget's meter). */
  deviceMeasurementsSoFar: number;
  wallSeconds: number;
  stoppedBecause: string | null;
}

const f = (x: number | null, d = 2): string => (x === null ? '—' : x.toFixed(d));

export function formatReport(
  results: TaskResult[],
  predictorSeconds: number,
  args: ConstrainedNasArgs,
): string {
  const rows = results.map((r) => [
    r.device,
    f(r.budgetMs, 3),
    f(r.trueMs, 3),
    r.violation === null ? 'no answer' : r.violation ? 'YES' : 'no',
    f(r.accuracy),
    f(r.oracleAccuracy),
    f(r.gap),
    String(r.measurements),
    String(r.deviceMeasurementsSoFar),
    f(r.wallSeconds, 0),
  ]);
  const scored = results.filter((r) => r.gap !== null);
  const perDevice = new Map<string, number>();
  for (const r of results)
    perDevice.set(r.device, Math.max(perDevice.get(r.device) ?? 0, r.deviceMeasurementsSoFar));
  const lines = [
    `constrained NAS, ${args.dataset} accuracy, at most ${args.maxMeasurements} measurements per device ` +
      `(predictor meta-trained in ${predictorSeconds.toFixed(0)} s)`,
    '',
    table(
      [
        'device',
        'budget ms',
        'true ms',
        'violation',
        'accuracy',
        'oracle',
        'gap',
        'search meas.',
        'device meas.',
        'wall s',
      ],
      rows,
    ),
    '',
    `tasks ${results.length}, violations ${results.filter((r) => r.violation === true).length}, ` +
      `no answer ${results.filter((r) => r.arch === null).length}, ` +
      `mean gap ${(scored.reduce((s, r) => s + (r.gap as number), 0) / Math.max(1, scored.length)).toFixed(3)} points, ` +
      `measurements per device ${[...perDevice].map(([d, n]) => `${d} ${n}`).join(', ')}`,
  ];
  return lines.join('\n');
}
