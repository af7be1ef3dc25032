import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Rng, TailorError } from '@tailor/common';

/** Where Debian's `dataset-fashion-mnist` package puts the IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Grayscale images as raw bytes (0–255), row-major `count × height × width`, with their labels. */
export interface ImageSet {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
}

export interface FashionMnist {
  /** Training images minus the validation split. */
  readonly train: ImageSet;
  /** A seeded split of the training file, kept apart from the test set for model selection. */
  readonly validation: ImageSet;
  readonly test: ImageSet;
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

function readIdx(path: string): Buffer {
  const candidates = [path, `${path}.gz`];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new TailorError(
      'NOT_FOUND',
      `${path}(.gz) not found: install Fashion-MNIST (apt-get install dataset-fashion-mnist) or pass its folder`,
      'dataDir',
    );
  }
  const raw = readFileSync(found);
  return found.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** Parses an IDX3 image file and its IDX1 label file, checking magic numbers and counts. */
export function parseIdxPair(imagesFile: Buffer, labelsFile: Buffer, name: string): ImageSet {
  if (imagesFile.readUInt32BE(0) !== IMAGES_MAGIC) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${name}: not an IDX3 image file (magic ${imagesFile.readUInt32BE(0)})`,
    );
  }
  if (labelsFile.readUInt32BE(0) !== LABELS_MAGIC) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${name}: not an IDX1 label file (magic ${labelsFile.readUInt32BE(0)})`,
    );
  }
  const count = imagesFile.readUInt32BE(4);
  const height = imagesFile.readUInt32BE(8);
  const width = imagesFile.readUInt32BE(12);
  if (labelsFile.readUInt32BE(4) !== count) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `${name}: ${count} images but ${labelsFile.readUInt32BE(4)} labels`,
    );
  }
  if (imagesFile.length !== 16 + count * height * width || labelsFile.length !== 8 + count) {
    throw new TailorError('INVALID_ARGUMENT', `${name}: file sizes do not match the IDX headers`);
  }
  return {
    images: new Uint8Array(imagesFile.buffer, imagesFile.byteOffset + 16, count * height * width),
    labels: new Uint8Array(labelsFile.buffer, labelsFile.byteOffset + 8, count),
    count,
    height,
    width,
  };
}

/** The images at `indices`, copied, in that order. */
export function subset(set: ImageSet, indices: readonly number[]): ImageSet {
  const pixels = set.height * set.width;
  const images = new Uint8Array(indices.length * pixels);
  const labels = new Uint8Array(indices.length);
  indices.forEach((idx, i) => {
    images.set(set.images.subarray(idx * pixels, (idx + 1) * pixels), i * pixels);
    labels[i] = set.labels[idx];
  });
  return { images, labels, count: indices.length, height: set.height, width: set.width };
}

export interface LoadOptions {
  readonly dataDir?: string;
  /** Training images held out for validation (default 5,000), chosen by `splitSeed`. */
  readonly validationSize?: number;
  readonly splitSeed?: number;
}

/**
 * Loads Fashion-MNIST from IDX files (gzipped or not). The validation split is a fixed seeded draw from
 * the training file, so model selection never sees the test set and every run splits alike.
 */
export function loadFashionMnist(opts: LoadOptions = {}): FashionMnist {
  const dir = opts.dataDir ?? DEBIAN_FASHION_MNIST_DIR;
  const validationSize = opts.validationSize ?? 5000;
  const trainAll = parseIdxPair(
    readIdx(join(dir, 'train-images-idx3-ubyte')),
    readIdx(join(dir, 'train-labels-idx1-ubyte')),
    'train',
  );
  const test = parseIdxPair(
    readIdx(join(dir, 't10k-images-idx3-ubyte')),
    readIdx(join(dir, 't10k-labels-idx1-ubyte')),
    'test',
  );
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize >= trainAll.count) {
    throw new TailorError(
      'INVALID_ARGUMENT',
      `must be an integer in [0, ${trainAll.count}), got ${validationSize}`,
      'validationSize',
    );
  }
  const order = Rng.fromSeed(opts.splitSeed ?? 0).shuffle(
    Array.from({ length: trainAll.count }, (_, i) => i),
  );
  const validation = order.slice(0, validationSize).sort((a, b) => a - b);
  const train = order.slice(validationSize).sort((a, b) => a - b);
  return { train: subset(trainAll, train), validation: subset(trainAll, validation), test };
}
