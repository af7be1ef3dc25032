import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tailor/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/libs/*'], message: 'Import libs through @tailor/<lib>.' }] }],
    },
  },
  {
    // Only libs/config reads process.env (house style); tests and scripts set it up.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/**', '**/*.spec.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through @tailor/config.' }] },
  },
  {
    // Only libs/queue may import bull.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/queue/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['bull', '@nestjs/bull'], patterns: [{ group: ['**/libs/*'], message: 'Import libs through @tailor/<lib>.' }] }] },
  },
);
