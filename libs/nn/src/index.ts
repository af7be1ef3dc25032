export * from './ir';
export { WeightInit } from './init';
export { GraphBuilder, type ConvOptions } from './graph-builder';
export { buildNetwork, type BuildOptions } from './build-network';
export { toTfjs, predictTfjs } from './tfjs-emitter';
export { toOnnx, type OnnxOptions } from './onnx-emitter';
export { runOnnx, type OnnxResult } from './onnx-runner';
export { registerWasmGradKernels } from './wasm-grad-kernels';
