/* eslint-disable @typescript-eslint/no-explicit-any -- REST bodies, read field by field as a user's script would */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil, TailorError } from '@tailor/common';
import { loadFashionMnist } from '@tailor/nn';
import { DemoClient } from './demo-client';
import { startDemoServer } from './demo-server';
import { checkOnnxFile } from './onnx-check';

export const DEMO_USAGE = `Usage: tailor demo [--agents 2] [--out ./demo-output] [--evaluations 2000] [--budget-fraction 0.4]
  Starts Tailor on embedded defaults with N local agents, waits for their devices to be calibrated, runs an
  OFA search per device (most accurate subnet under a latency budget placed --budget-fraction of the way
  from the smallest to the largest subnet's predicted latency), exports the answer as ONNX and TF.js,
  downloads both into --out and checks the ONNX file with onnxruntime on the Fashion-MNIST test set.`;

interface DemoArgs {
  agents: number;
  out: string;
  evaluations: number;
  budgetFraction: number;
}

const SPACE = 'fmnist-mbv3';
const SMALLEST = 'w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x';
const LARGEST = 'w1.0-d3,3,3,3-ks7,7,7,7,7,7,7,7,7,7,7,7-e4,4,4,4,4,4,4,4,4,4,4,4';
const MIN = 60_000;

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const a: DemoArgs = { agents: 2, out: 'demo-output', evaluations: 2000, budgetFraction: 0.4 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, raw] = [argv[i], argv[i + 1]];
    const num = Number(raw);
    const bad = (why: string) => {
      throw new TailorError('INVALID_ARGUMENT', `${why}, got "${raw}"\n${DEMO_USAGE}`, flag);
    };
    if (raw === undefined) throw new TailorError('INVALID_ARGUMENT', `needs a value\n${DEMO_USAGE}`, flag);
    if (flag === '--agents')
      a.agents = Number.isInteger(num) && num >= 1 && num <= 4 ? num : bad('must be an integer in [1, 4]');
    else if (flag === '--out') a.out = raw;
    else if (flag === '--evaluations')
      a.evaluations = Number.isInteger(num) && num >= 100 ? num : bad('must be an integer ≥ 100');
    else if (flag === '--budget-fraction')
      a.budgetFraction = num > 0 && num < 1 ? num : bad('must be a number in (0, 1)');
    else throw new TailorError('INVALID_ARGUMENT', `unknown option "${flag}"\n${DEMO_USAGE}`, flag);
  }
  return a;
}

const say = (line: string) => console.log(`[demo ${new Date().toISOString().slice(11, 19)}] ${line}`);
const pct = (x: number) => `${x.toFixed(2)} %`;

/** `tailor demo`: the whole loop a user goes through, over REST, with a check of the downloaded file. */
export async function runDemoCommand(argv: readonly string[], main: string): Promise<number> {
  const args = parseDemoArgs(argv);
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'tailor-demo-'));
  const key = randomBytes(16).toString('hex');
  const started = Date.now();
  say(
    `starting tailor serve --agents ${args.agents} on a fresh data dir (${dataDir}); log: ${out}/server.log`,
  );
  const server = await startDemoServer({
    main,
    dataDir,
    agents: args.agents,
    adminKey: key,
    logFile: join(out, 'server.log'),
  });
  const api = new DemoClient(server.url, key);
  const rows: string[][] = [];
  let ok = true;
  try {
    say(`API at ${server.url} (Swagger UI at ${server.url}/docs)`);
    const devices = await pollUntil(
      `${args.agents} local agents`,
      () => api.get<any[]>('/devices'),
      (ds) => ds.filter((d) => d.kind === 'farm' && d.agents?.online > 0).length >= args.agents,
      {
        timeoutMs: 3 * MIN,
        describe: (ds) =>
          `agents enrolled: ${
            ds
              .filter((d) => d.kind === 'farm' && d.agents?.online > 0)
              .map((d) => `${d.id} (${d.runtime?.name})`)
              .join(', ') || 'none yet'
          }`,
        onChange: say,
      },
    );
    const farm = devices.filter((d) => d.kind === 'farm');
    const supernet = await pollUntil(
      'the shipped supernet',
      () => api.get<any[]>(`/supernets?searchSpace=${SPACE}`),
      (s) => s.some((x) => x.status === 'succeeded'),
      { timeoutMs: MIN },
    ).then((s) => s.find((x) => x.status === 'succeeded'));
    say(`supernet ${supernet.id} (${supernet.source}) serves ${SPACE}`);
    for (const device of farm) {
      const row = await demoDevice(api, device.id, supernet.id, args, out);
      ok &&= row.ok;
      rows.push(row.cells);
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  printTable(rows);
  say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; files in ${out}`);
  return ok ? 0 : 1;
}

async function demoDevice(api: DemoClient, device: string, supernetId: string, args: DemoArgs, out: string) {
  say(`${device}: waiting for its calibration (the local agent measures reference subnets)`);
  await pollUntil(
    `${device}'s calibration`,
    () => api.get<any[]>(`/devices/${device}/calibrations?searchSpace=${SPACE}`),
    (cs) => cs.some((c) => c.status === 'succeeded'),
    {
      timeoutMs: 10 * MIN,
      describe: (cs) => {
        const c = cs[0];
        return c ? `${device}: calibration ${c.status}, ${c.measurements ?? 0} measurements` : '';
      },
      onChange: say,
    },
  );
  const predicted = await api.post<any>('/predict/latency', {
    searchSpace: SPACE,
    device,
    archs: [SMALLEST, LARGEST],
  });
  const [low, high] = predicted.predictions.map((p: { ms: number }) => p.ms);
  const budget = Math.round(1000 * (low + args.budgetFraction * (high - low))) / 1000;
  say(
    `${device}: predicted ${low.toFixed(3)} ms (smallest) … ${high.toFixed(3)} ms (largest); budget ${budget} ms`,
  );

  const search = await api.post<any>('/searches', {
    name: `demo ${device}`,
    searchSpace: SPACE,
    algorithm: 'ofa',
    objectives: [{ metric: 'accuracy', dataset: 'fashion-mnist', goal: 'max' }],
    constraints: [{ metric: 'latency', device, max: budget }],
    budget: { evaluations: args.evaluations },
    seed: 0,
    verification: { maxMeasurements: 10, accuracyTopK: 3 },
  });
  await pollUntil(
    `search ${search.id}`,
    () => api.get<any>(`/searches/${search.id}`),
    (s) => ['succeeded', 'failed', 'cancelled'].includes(s.status),
    {
      timeoutMs: 20 * MIN,
      describe: (s) =>
        `${device}: search ${s.status} ${s.progress?.percent ?? 0} % (${s.progress?.evaluations ?? 0} evaluations)` +
        (s.status === 'running' && s.progress?.percent >= 100
          ? ' — verifying on the device and the validation split'
          : ''),
      onChange: say,
    },
  );
  const result = await api.get<any>(`/searches/${search.id}/result`);
  const best = result.best;
  if (!best) {
    say(`${device}: no subnet confirmed within ${budget} ms (${result.verification?.stoppedBecause})`);
    return { ok: false, cells: [device, String(budget), 'none', '', '', '', '', ''] };
  }
  say(
    `${device}: answer ${best.key} — predicted ${pct(best.predictedAccuracy ?? best.metrics['accuracy:fashion-mnist'])}, ` +
      `validation ${best.validationAccuracy !== undefined ? pct(best.validationAccuracy) : 'n/a'}, measured ${best.metrics[`latency:${device}`].toFixed(3)} ms ` +
      `(${result.deviceMeasurements} device measurements)`,
  );

  const exp = await api.post<any>(`/searches/${search.id}/exports`, {
    candidate: 0,
    formats: ['onnx', 'tfjs'],
  });
  const done = await pollUntil(
    `export ${exp.id}`,
    () => api.get<any>(`/exports/${exp.id}`),
    (e) => e.status === 'succeeded' || e.status === 'failed',
    {
      timeoutMs: 20 * MIN,
      describe: (e) =>
        `${device}: export ${e.status}${e.status === 'running' && e.progress ? ` — ${e.progress.stage}` : ''}`,
      onChange: say,
    },
  );
  if (done.status !== 'succeeded') {
    say(`${device}: export failed: ${done.error}`);
    return { ok: false, cells: [device, String(budget), best.key, '', '', '', '', ''] };
  }
  const r = done.result;
  say(
    `${device}: export verified — subnet ${pct(100 * r.subnetAccuracy)}, ONNX ${pct(100 * r.onnx.accuracy)}, ` +
      `TF.js ${pct(100 * r.tfjs.accuracy)} on ${r.testImages} test images; max |ONNX − TF.js| ${r.maxAbsDiff.toExponential(1)}; ` +
      `device latency ${r.latency?.ms?.toFixed(3) ?? 'n/a'} ms (budget ${budget})`,
  );
  const files: Record<string, string> = {};
  for (const format of ['onnx', 'tfjs']) {
    const d = await api.download(`/exports/${exp.id}/download?format=${format}`);
    const sha = createHash('sha256').update(d.bytes).digest('hex');
    if (sha !== d.etag) throw new Error(`${d.fileName}: sha256 ${sha} ≠ ETag ${d.etag}`);
    files[format] = join(out, `${device}-${d.fileName}`);
    writeFileSync(files[format], d.bytes);
    say(`${device}: downloaded ${files[format]} (${d.bytes.length} bytes, sha256 matches the ETag)`);
  }
  const check = await checkOnnxFile(files.onnx, loadFashionMnist().test);
  const accOk = Math.abs(check.accuracy - r.onnx.accuracy) <= 0.001;
  const latOk = r.latency?.withinBudget === true;
  say(
    `${device}: downloaded ONNX run here with onnxruntime: ${pct(100 * check.accuracy)} on ${check.images} test images ` +
      `(${accOk ? 'matches' : 'DIFFERS FROM'} the export's ${pct(100 * r.onnx.accuracy)}); ${check.medianMs.toFixed(3)} ms median ` +
      `in this process; on the device ${r.latency?.ms?.toFixed(3) ?? 'n/a'} ms ${latOk ? '≤' : 'NOT ≤'} budget ${budget} ms`,
  );
  return {
    ok: accOk && latOk,
    cells: [
      device,
      budget.toFixed(3),
      best.key,
      `${r.params.toFixed(3)} M / ${r.flops.toFixed(2)} MMACs`,
      pct(100 * check.accuracy),
      r.latency?.ms?.toFixed(3) ?? 'n/a',
      check.medianMs.toFixed(3),
      accOk && latOk ? 'ok' : 'FAILED',
    ],
  };
}

function printTable(rows: string[][]): void {
  const head = [
    'device',
    'budget ms',
    'subnet',
    'params / MACs',
    'ONNX test acc',
    'device ms',
    'here ms',
    'check',
  ];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  console.log(
    ['', line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'),
  );
}
