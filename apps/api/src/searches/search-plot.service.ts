import { Injectable } from '@nestjs/common';
import {
  type MetricRef,
  type Principal,
  SearchesService,
  type SearchRequest,
  metricKey,
} from '@tailor/engine';
import { renderSearchPlot } from '@tailor/search';

const LABELS: Record<string, string> = { flops: 'FLOPs (M MACs)', params: 'parameters (M)' };
const label = (metric: string): string => {
  const [kind, name] = metric.split(':');
  if (kind === 'latency') return `latency on ${name} (ms)`;
  if (kind === 'accuracy') return `${name} accuracy (%)`;
  return LABELS[metric] ?? metric;
};

/** Picks the axes from the request (x: the first latency budget, y: the first other objective) and draws. */
@Injectable()
export class SearchPlotService {
  constructor(private readonly searches: SearchesService) {}

  async render(id: string, who: Principal): Promise<string> {
    const search = await this.searches.get(id, who);
    const req = search.request as SearchRequest;
    const records = await this.searches.allEvaluations(id, who);
    const key = (r: MetricRef) => metricKey(r, 'metric');
    const latencyLimit = req.constraints.find((c) => c.metric === 'latency' && c.max !== undefined);
    const latencyObjective = req.objectives.find((o) => o.metric === 'latency');
    const xRef = latencyLimit ?? latencyObjective ?? { metric: 'flops' as const };
    const x = key(xRef);
    const yRef = req.objectives.find((o) => key(o) !== x) ?? {
      metric: 'params' as const,
      goal: 'min' as const,
    };
    const y = key(yRef);
    return renderSearchPlot({
      records,
      x: { metric: x, label: label(x) },
      y: { metric: y, label: label(y), goal: yRef.goal ?? (yRef.metric === 'accuracy' ? 'max' : 'min') },
      budget: latencyLimit?.max ?? null,
      title: `${req.name ?? req.searchSpace} — ${search.status}, ${records.length} evaluations`,
      bestKey: search.best?.key ?? null,
    });
  }
}
