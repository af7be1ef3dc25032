// Jest runs each spec in a vm context with its own typed-array constructors, but native addons
// (onnxruntime-node) create outputs with the main realm's Float32Array, and onnxruntime-common's
// `instanceof Float32Array` check then fails inside jest only. This environment hands the sandbox
// the main realm's typed-array constructors so both sides agree. Production code never needs it.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = NodeRealmEnvironment;
