// Nest 12 ships ESM only; jest on Node 20 runs CommonJS and cannot require ESM (Node >= 24.9 can).
// So @nestjs/* is compiled to CommonJS by babel on the fly; our TypeScript goes through ts-jest.
const nestEsmToCjs = [
  'babel-jest',
  {
    babelrc: false,
    configFile: false,
    plugins: [require.resolve('./test/jest/import-meta-to-cjs.js'), '@babel/plugin-transform-modules-commonjs'],
  },
];
const aliases = {
  '^@tailor/(common|config|search-spaces|search|datasets|persistence|queue|engine|nn|measurement|farm|predictors)$': '<rootDir>/libs/$1/src',
  '^@tailor/device-farm$': '<rootDir>/device-farm/src',
};
const shared = {
  testEnvironment: 'node',
  // CI runs every suite in band on a 2-core machine right after e2e suites that spawn servers and train
  // predictors; jest's 5 s default then timed out fast tests (agent, Bull retries) that take < 1 s alone.
  testTimeout: 30_000,
  moduleNameMapper: aliases,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
    '^.+/node_modules/@nestjs/.+\\.js$': nestEsmToCjs,
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/)'],
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/device-farm'], testMatch: ['**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
