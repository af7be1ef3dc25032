/**
 * `npm run bench:ofa`: what once-for-all buys on this machine's devices. Starts the real service with
 * local agents, then reports (1) the corner subnets' test accuracy, (2) per device and budget the OFA
 * search's subnet next to the largest network scaled down uniformly to the same budget, both exported
 * and timed on the device, and (3) the same specialized subnets trained from scratch. Tables on stdout.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readManifest } from '@tailor/nn';
import { defaultSearchSpacesDir, SearchSpaceRegistry } from '@tailor/search-spaces';
import { REPO_ROOT, startApi } from '../farm/server';
import { duration, fmt, log, table } from '../farm/util';
import { parseOfaBenchArgs } from './ofa-args';
import {
  type ExportOutcome,
  SPACE,
  calibratedDevices,
  exportAndMeasure,
  ofaSearch,
  predictMs,
} from './ofa-steps';
import { trainTwins } from './scratch-twins';
import { uniformArchs } from './uniform';

const SMALLEST = 'w0.75-d1,1,1,1-ks3,x,x,3,x,x,3,x,x,3,x,x-e2,x,x,2,x,x,2,x,x,2,x,x';
const LARGEST = 'w1.0-d3,3,3,3-ks7,7,7,7,7,7,7,7,7,7,7,7-e4,4,4,4,4,4,4,4,4,4,4,4';
const SHIPPED = path.join(REPO_ROOT, 'search-spaces/supernets/fmnist-mbv3');
/** Uniform archs tried per budget before giving up (each try is an export timed on the device). */
const UNIFORM_TRIES = 3;

interface Row {
  device: string;
  fraction: number;
  budgetMs: number;
  arch: string;
  validation: number | null;
  specialized: ExportOutcome;
  uniformArch: string | null;
  uniform: ExportOutcome | null;
  searchSeconds: number;
}

interface ShippedState {
  seconds: number;
  config: { imagesPerEpoch?: number; phases: Array<{ epochs: number }> };
}

async function main(): Promise<void> {
  const args = parseOfaBenchArgs(process.argv.slice(2));
  const started = Date.now();
  const workDir = args.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-ofa-'));
  fs.mkdirSync(workDir, { recursive: true });
  const space = SearchSpaceRegistry.load(defaultSearchSpacesDir()).get(SPACE);
  const shipped = readManifest<ShippedState>(SHIPPED).state;
  const epochs = args.scratchEpochs ?? shipped.config.phases.reduce((n, p) => n + p.epochs, 0);
  const imagesPerEpoch = args.scratchImagesPerEpoch ?? shipped.config.imagesPerEpoch ?? 55_000;
  log(`work dir ${workDir}; starting the API with ${args.devices} local agent(s)`);
  const api = await startApi(workDir, {}, ['--agents', String(args.devices)]);
  const corners: Array<[string, string, ExportOutcome]> = [];
  const rows: Row[] = [];
  try {
    const devices = await calibratedDevices(api.admin, args.devices);
    const supernets = await api.admin.ok<Array<{ id: string; status: string }>>(
      'GET',
      `supernets?searchSpace=${SPACE}`,
    );
    const supernet = supernets.find((s) => s.status === 'succeeded');
    if (!supernet) throw new Error('no succeeded fmnist-mbv3 supernet');
    for (const [name, arch] of [
      ['largest', LARGEST],
      ['smallest', SMALLEST],
    ]) {
      log(`exporting the ${name} subnet (test set, timed on ${devices[0].id})`);
      corners.push([
        name,
        arch,
        await exportAndMeasure(api.admin, `supernets/${supernet.id}/exports`, {
          arch,
          device: devices[0].id,
        }),
      ]);
    }
    const uniform = uniformArchs(space);
    for (const device of devices) {
      const [low, high] = await predictMs(api.admin, device.id, [SMALLEST, LARGEST]);
      const uniformMs = await predictMs(api.admin, device.id, uniform);
      for (const fraction of args.budgets) {
        const budgetMs = Math.round(1000 * (low + fraction * (high - low))) / 1000;
        log(`${device.id}: OFA search under ${budgetMs} ms`);
        const answer = await ofaSearch(api.admin, device.id, budgetMs, args.evaluations);
        if (!answer) {
          log(`${device.id}: nothing confirmed under ${budgetMs} ms; skipped`);
          continue;
        }
        const specialized = await exportAndMeasure(api.admin, `searches/${answer.searchId}/exports`, {
          candidate: 0,
        });
        let uniformArch: string | null = null;
        let uniformOut: ExportOutcome | null = null;
        const fits = uniform.filter((_, i) => uniformMs[i] <= budgetMs).slice(0, UNIFORM_TRIES);
        for (const arch of fits) {
          const out = await exportAndMeasure(api.admin, `supernets/${supernet.id}/exports`, {
            arch,
            device: device.id,
          });
          if (out.deviceMs !== null && out.deviceMs <= budgetMs) {
            [uniformArch, uniformOut] = [arch, out];
            break;
          }
          log(`${device.id}: uniform ${arch} measured ${out.deviceMs} ms > ${budgetMs}; next`);
        }
        rows.push({
          device: device.id,
          fraction,
          budgetMs,
          arch: answer.key,
          validation: answer.validationAccuracy,
          specialized,
          uniformArch,
          uniform: uniformOut,
          searchSeconds: answer.seconds,
        });
        log(
          `${device.id} ≤ ${budgetMs} ms: OFA ${fmt(specialized.testAccuracy, 2)} % vs uniform ${fmt(uniformOut?.testAccuracy, 2)} %`,
        );
      }
    }
  } finally {
    await api.stop();
  }
  const twins = args.skipScratch
    ? new Map()
    : await trainTwins(
        rows.map((r) => r.arch),
        { workDir, epochs, imagesPerEpoch },
      );

  const out: string[] = [];
  out.push(
    `## bench:ofa — ${new Date().toISOString()} — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`,
  );
  out.push(
    '',
    `### Corner subnets (BN recalibrated on 2,000 training images; 10,000 test images; latency on ${rows[0]?.device ?? '–'})`,
    '',
  );
  out.push(
    table(
      ['subnet', 'params (M)', 'MMACs', 'test acc %', 'ONNX acc %', 'device ms'],
      corners.map(([name, , o]) => [
        name,
        fmt(o.params, 3),
        fmt(o.flops, 2),
        fmt(o.testAccuracy, 2),
        fmt(o.onnxAccuracy, 2),
        fmt(o.deviceMs ?? undefined, 3),
      ]),
    ),
  );
  out.push('', '### Specialized (OFA search) vs from scratch vs uniformly scaled, per device and budget', '');
  out.push(
    table(
      [
        'device',
        'budget ms',
        'OFA subnet',
        'params (M)',
        'MMACs',
        'OFA test %',
        'OFA device ms',
        'from scratch test %',
        'Δ OFA − scratch',
        'uniform subnet',
        'uniform test %',
        'uniform device ms',
      ],
      rows.map((r) => {
        const twin = twins.get(r.arch);
        return [
          r.device,
          fmt(r.budgetMs, 3),
          r.arch,
          fmt(r.specialized.params, 3),
          fmt(r.specialized.flops, 2),
          fmt(r.specialized.testAccuracy, 2),
          fmt(r.specialized.deviceMs ?? undefined, 3),
          fmt(twin?.testAccuracy, 2),
          twin ? fmt(r.specialized.testAccuracy - twin.testAccuracy, 2) : '–',
          r.uniformArch ?? 'none fits',
          fmt(r.uniform?.testAccuracy, 2),
          fmt(r.uniform?.deviceMs ?? undefined, 3),
        ];
      }),
    ),
  );
  out.push('', '### Training time', '');
  const twinSeconds = [...twins.values()].map((t) => t.trainingSeconds);
  out.push(
    table(
      ['what', 'images seen', 'seconds', 'per specialized subnet'],
      [
        [
          'supernet (progressive shrinking, shipped)',
          String(
            shipped.config.phases.reduce((n, p) => n + p.epochs, 0) *
              (shipped.config.imagesPerEpoch ?? 55_000),
          ),
          fmt(shipped.seconds, 0),
          `${fmt(rows.length ? rows.reduce((n, r) => n + r.searchSeconds, 0) / rows.length : undefined, 0)} s search`,
        ],
        ...twinSeconds.map((s, i) => [
          `from scratch #${i + 1}`,
          String(epochs * imagesPerEpoch),
          fmt(s, 0),
          `${fmt(s, 0)} s`,
        ]),
      ],
    ),
  );
  out.push(
    '',
    `from-scratch twins: ${epochs} epochs × ${imagesPerEpoch} images; wall time ${duration(Date.now() - started)}`,
  );
  console.log(out.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
