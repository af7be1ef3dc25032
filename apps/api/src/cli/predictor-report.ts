import type { EvaluationReport, PredictionScores } from '@tailor/predictors';

const f3 = (x: number): string => x.toFixed(3);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The evaluation as a plain-text table: per device, then means, ours first, baselines after. */
export function formatEvaluation(r: EvaluationReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.searchSpace}: ${r.mode === 'leave-one-out' ? 'leave-one-out on metaValid' : 'test file'}, ` +
      `${r.samples} samples + ${r.devices[0] ? 'reference archs' : ''}, ${r.seeds} seeds; ` +
      `meta-trained on ${r.metaTrain.length} devices in ${r.trainingSeconds.toFixed(0)} s ` +
      `(${r.training.members} members × ${r.training.steps} steps)`,
  );
  lines.push('');
  const header = [
    'device',
    'query',
    'spearman',
    '±',
    'kendall',
    'MAPE',
    '±10%',
    '90%-int',
    'FLOPs ρ',
    'nearest ρ',
    'MLP ρ',
    'nearest source',
  ];
  const rows = r.devices.map((d) => [
    d.device,
    String(d.queryArchs),
    f3(d.methods.tailor.spearman),
    f3(d.spearmanStd),
    f3(d.methods.tailor.kendall),
    pct(d.methods.tailor.mape),
    pct(d.methods.tailor.within10),
    pct(d.intervalCoverage),
    f3(d.methods.flopsLinear.spearman),
    f3(d.methods.nearestSource.spearman),
    f3(d.methods.scratchMlp.spearman),
    d.nearestSourceDevice.join('/'),
  ]);
  const m = r.mean;
  rows.push([
    'mean',
    '',
    f3(m.spearman),
    '',
    f3(m.kendall),
    pct(m.mape),
    pct(m.within10),
    '',
    f3(m.baselines.flopsLinear.spearman),
    f3(m.baselines.nearestSource.spearman),
    f3(m.baselines.scratchMlp.spearman),
    '',
  ]);
  lines.push(...table(header, rows));
  lines.push('');
  lines.push('baselines (same splits), means:');
  const b = (name: string, s: PredictionScores): string =>
    `  ${name.padEnd(14)} spearman ${f3(s.spearman)}  kendall ${f3(s.kendall)}  MAPE ${pct(s.mape)}  ±10% ${pct(s.within10)}`;
  lines.push(b('tailor', m));
  lines.push(b('FLOPs linear', m.baselines.flopsLinear));
  lines.push(b('nearest source', m.baselines.nearestSource));
  lines.push(b('MLP scratch', m.baselines.scratchMlp));
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
}
