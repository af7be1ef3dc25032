import { invalid, Rng } from '@tailor/common';

/** Total element count of a shape, validating each dimension (errors name `field[i]`). */
export function elementCount(shape: readonly number[], field = 'shape'): number {
  if (!Array.isArray(shape) || shape.length === 0)
    throw invalid(field, 'must be a non-empty array of dimensions');
  return shape.reduce((acc, dim, i) => {
    if (!Number.isInteger(dim) || dim < 1)
      throw invalid(`${field}[${i}]`, `must be a positive integer, got ${dim}`);
    return acc * dim;
  }, 1);
}

/**
 * Fixed pseudo-random input in [-1, 1): latency can depend on values (denormals, ReLU sparsity
 * in some kernels), so every runtime and every device sees exactly the same numbers for a seed.
 */
export function seededFloat32(shape: readonly number[], seed: number): Float32Array {
  if (!Number.isInteger(seed)) throw invalid('seed', `must be an integer, got ${seed}`);
  const rng = Rng.fromSeed(seed);
  const data = new Float32Array(elementCount(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.next() * 2 - 1;
  return data;
}
