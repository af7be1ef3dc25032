import { readFileSync } from 'node:fs';
import { NB201_ACCURACY, NB201_LATENCY } from './shared-data';

let cache:
  { archs: string[]; latency: Record<string, number[]>; accuracy: Record<string, number[]> } | undefined;

function load() {
  if (!cache) {
    const lat = JSON.parse(readFileSync(NB201_LATENCY, 'utf8'));
    const acc = JSON.parse(readFileSync(NB201_ACCURACY, 'utf8'));
    cache = { archs: lat.archs, latency: lat.devices, accuracy: acc.accuracy };
  }
  return cache;
}

/** Best CIFAR-style accuracy among NAS-Bench-201 archs under a latency budget, by plain enumeration. */
export function nb201Oracle(device: string, maxMs: number, dataset = 'cifar100') {
  const { archs, latency, accuracy } = load();
  let best = -1;
  archs.forEach((_, i) => {
    if (latency[device][i] <= maxMs && (best < 0 || accuracy[dataset][i] > accuracy[dataset][best])) best = i;
  });
  return { arch: archs[best], accuracy: accuracy[dataset][best], latency: latency[device][best] };
}
