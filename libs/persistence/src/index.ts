export * from './data-source';
export * from './embedded/embedded-postgres';
export * from './entities';
export * from './migrations';
export * from './persistence.module';
export * from './repositories';
