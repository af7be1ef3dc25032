export * from './rng';
export * from './errors';
