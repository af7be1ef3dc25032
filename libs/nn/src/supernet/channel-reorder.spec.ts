import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { ElasticSpace, FmnistArch } from '@tailor/search-spaces';
import { loadSpaces, seededInput } from '../testing/parity';
import { reorderChannels } from './channel-reorder';
import { ElasticSupernet } from './elastic-supernet';
import { archFromGenes, largestGenes } from './supernet-params';

const space = loadSpaces().get('fmnist-mbv3') as ElasticSpace<FmnistArch>;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('reorderChannels', () => {
  it('keeps the function of the full network and leaves channels sorted by importance', () => {
    const net = ElasticSupernet.create(space, 11);
    const largest = archFromGenes(space, largestGenes(space.spec));
    const x = tf.tensor4d(seededInput(4 * 784, 2), [4, 28, 28, 1]);
    const before = net.forward(x, largest, { kind: 'batch' });
    reorderChannels(net);
    const after = net.forward(x, largest, { kind: 'batch' });
    const scale = Math.max(1, tf.max(tf.abs(before)).dataSync()[0]);
    expect(tf.max(tf.abs(tf.sub(before, after))).dataSync()[0] / scale).toBeLessThan(1e-5);
    const importance = tf.sum(tf.abs(net.params.slots[7].project), [0, 1, 3]).arraySync() as number[];
    for (let i = 1; i < importance.length; i++) expect(importance[i]).toBeLessThanOrEqual(importance[i - 1]);
    // Something actually moved: a second call finds nothing left to sort.
    const snapshot = net.params.slots[7].project.dataSync().slice();
    reorderChannels(net);
    expect(Array.from(net.params.slots[7].project.dataSync())).toEqual(Array.from(snapshot));
    tf.dispose([x, before, after]);
    net.dispose();
  });
});
