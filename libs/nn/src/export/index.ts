export * from './export-files';
export * from './onnx-export';
export * from './tar';
export * from './tfjs-directory-handler';
export * from './tfjs-export';
export * from './verify-export';
