import { resolve } from 'node:path';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('has embedded defaults with an empty environment', () => {
    const c = loadConfig({}, {});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.dataDir.endsWith('.tailor')).toBe(true);
    expect(c.fashionMnistDir).toBe('/usr/share/datasets/fashion-mnist');
  });

  it('resolves TAILOR_FASHION_MNIST_DIR to an absolute folder', () => {
    expect(loadConfig({}, { TAILOR_FASHION_MNIST_DIR: 'data/fmnist' }).fashionMnistDir).toBe(
      resolve('data/fmnist'),
    );
  });

  it('lets command-line overrides win', () => {
    expect(loadConfig({ port: 4000 }, { PORT: '5000' }).port).toBe(4000);
  });

  it('names the variable and the value when it is bad', () => {
    expect(() => loadConfig({}, { PORT: 'abc' })).toThrow(/PORT: .*"abc"/);
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must use postgres/);
    expect(() => loadConfig({}, { TAILOR_ADMIN_KEY: 'short' })).toThrow(/TAILOR_ADMIN_KEY/);
  });
});
