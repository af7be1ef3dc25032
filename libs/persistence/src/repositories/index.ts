export * from './api-keys.repository';
export * from './database-health.repository';
export * from './datasets.repository';
export * from './db-errors';
export * from './devices.repository';
export * from './searches.repository';
export * from './tables.repository';
