export * from './rng';
export * from './errors';
export * from './quantile';
export * from './poll';
