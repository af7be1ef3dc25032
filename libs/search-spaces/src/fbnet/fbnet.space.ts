import { Rng, invalid, showValue } from '@tailor/common';
import type { DefinitionReader } from '../definition-reader';
import { frozenDefinition } from '../frozen-definition';
import {
  Choices,
  crossoverOps,
  mutateOps,
  notEnumerable,
  parseOpArray,
  sampleOps,
  validateWith,
} from '../op-list/op-list';
import type { SearchSpace } from '../search-space';
import { fbnetCost } from './fbnet.cost';
import {
  FBNET_OPS,
  readFbnetDefinition,
  type FbnetDefinition,
  type FbnetOp,
  type FbnetOpSpec,
} from './fbnet.definition';

/** One op name per searchable layer. */
export type FbnetArch = readonly FbnetOp[];

/** HELP's per-layer encoding (utils.arch_enc): kernel one-hot then expansion/group one-hot; skip = zeros. */
const LAYER_FEATURES = ['kernel3', 'kernel5', 'e1', 'e1_g2', 'e3', 'e6'] as const;

function layerFeatures(op: FbnetOpSpec): number[] {
  const out = new Array<number>(LAYER_FEATURES.length).fill(0);
  if (op.type === 'skip') return out;
  out[LAYER_FEATURES.indexOf(`kernel${op.kernel}` as (typeof LAYER_FEATURES)[number])] = 1;
  const slot = op.groups > 1 ? `e${op.expansion}_g${op.groups}` : `e${op.expansion}`;
  out[LAYER_FEATURES.indexOf(slot as (typeof LAYER_FEATURES)[number])] = 1;
  return out;
}

/**
 * HW-NAS-Bench's FBNet space. Every layer offers all 9 ops (HW-NAS-Bench turns `skip` on a
 * shape-changing layer into a conv1x1), so the canonical string is simply the op names joined by `-`.
 */
class FbnetSpace implements SearchSpace<FbnetArch> {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly inputShape: readonly number[];
  readonly definition: Readonly<Record<string, unknown>>;
  readonly enumerable = false;
  readonly encodingLength: number;
  private readonly def: FbnetDefinition;
  private readonly choices: Choices;
  private readonly specs: ReadonlyMap<string, FbnetOpSpec>;

  constructor(reader: DefinitionReader) {
    this.def = readFbnetDefinition(reader);
    this.id = this.def.id;
    this.name = this.def.name;
    this.description = this.def.description;
    this.inputShape = Object.freeze([...this.def.inputShape]);
    this.definition = frozenDefinition(reader);
    this.choices = this.def.layers.map(() => FBNET_OPS);
    this.specs = new Map(this.def.ops.map((op) => [op.name, op]));
    this.encodingLength = this.def.layers.length * LAYER_FEATURES.length;
    // Every op must be buildable on every layer (the g2 ops need even expanded channels).
    for (const spec of this.def.ops) {
      if (spec.type === 'mbconv')
        this.def.layers.forEach((layer) => this.checkGroups(reader, spec, layer.in, layer.out));
    }
  }

  private checkGroups(
    reader: DefinitionReader,
    spec: FbnetOpSpec & { type: 'mbconv' },
    cin: number,
    cout: number,
  ): void {
    if ((cin * spec.expansion) % spec.groups !== 0 || cout % spec.groups !== 0) {
      reader.fail('layers', `cannot host ${spec.name} (channels not divisible by ${spec.groups})`, {
        cin,
        cout,
      });
    }
  }

  cardinality(): bigint {
    return BigInt(FBNET_OPS.length) ** BigInt(this.def.layers.length);
  }

  enumerate(): Iterable<FbnetArch> {
    throw notEnumerable(this.id, this.cardinality());
  }

  /** Accepts the canonical string, an array of op names, or an array of op indices (fbnet.json `archs`). */
  parse(input: unknown, field = 'arch'): FbnetArch {
    if (typeof input === 'string') {
      const parts = input.split('-');
      if (parts.length !== this.choices.length) {
        throw invalid(
          field,
          `expected ${this.choices.length} "-"-separated op names, got ${showValue(input)}`,
        );
      }
      return Object.freeze(parseOpArray(parts, this.choices, field, false) as FbnetOp[]);
    }
    if (Array.isArray(input))
      return Object.freeze(parseOpArray(input, this.choices, field, true) as FbnetOp[]);
    throw invalid(
      field,
      `must be a "-"-joined string or an array of ${this.choices.length} op names or indices, got ${showValue(input)}`,
    );
  }

  validate(input: unknown): { ok: true; arch: FbnetArch } | { ok: false; field: string; message: string } {
    return validateWith((value, field) => this.parse(value, field), input);
  }

  canonical(arch: FbnetArch): string {
    return arch.join('-');
  }

  toJSON(arch: FbnetArch): unknown {
    return [...arch];
  }

  sample(rng: Rng): FbnetArch {
    return Object.freeze(sampleOps(this.choices, rng) as FbnetOp[]);
  }

  mutate(arch: FbnetArch, rng: Rng, probability: number): FbnetArch {
    return Object.freeze(mutateOps(arch, this.choices, rng, probability) as FbnetOp[]);
  }

  crossover(a: FbnetArch, b: FbnetArch, rng: Rng): FbnetArch {
    return Object.freeze(crossoverOps(a, b, rng) as FbnetOp[]);
  }

  /** MFLOPs (millions of MACs) of the CIFAR-100 network. */
  flops(arch: FbnetArch): number {
    return this.cost(arch).flops;
  }

  params(arch: FbnetArch): number {
    return this.cost(arch).params;
  }

  private cost(arch: FbnetArch): { flops: number; params: number } {
    return fbnetCost(
      arch.map((op) => this.spec(op)),
      this.def,
    ).millions();
  }

  private spec(op: FbnetOp): FbnetOpSpec {
    const spec = this.specs.get(op);
    if (!spec) throw invalid('arch', `unknown op ${showValue(op)}, expected one of ${FBNET_OPS.join(', ')}`);
    return spec;
  }

  /** HELP's 132-dim encoding: 6 dims per layer [kernel3, kernel5, e1, e1_g2, e3, e6], skip = zeros. */
  encode(arch: FbnetArch): number[] {
    return arch.flatMap((op) => layerFeatures(this.spec(op)));
  }

  encodingNames(): string[] {
    return this.def.layers.flatMap((_, i) => LAYER_FEATURES.map((f) => `layer${i}.${f}`));
  }
}

export function createFbnetSpace(reader: DefinitionReader): SearchSpace<FbnetArch> {
  return new FbnetSpace(reader);
}
