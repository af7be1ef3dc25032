export * from './protocol';
export * from './device-identity';
