export * from './statistics';
export * from './protocol';
export * from './seeded-input';
export * from './runtimes/runtime';
export * from './runtimes/resolve-runtime';
export { TfjsRuntime, tfjsProcessOwner } from './runtimes/tfjs-runtime';
export { OnnxRuntime } from './runtimes/onnx-runtime';
