import { Rng, invalid, showValue } from '@tailor/common';
import type { DefinitionReader } from '../definition-reader';
import { frozenDefinition } from '../frozen-definition';
import {
  Choices,
  crossoverOps,
  mutateOps,
  oneHotOps,
  parseOpArray,
  sampleOps,
  validateWith,
} from '../op-list/op-list';
import type { SearchSpace } from '../search-space';
import {
  NB201_SIZE,
  Nasbench201Arch,
  nasbench201All,
  nasbench201String,
  parseNasbench201String,
} from './nasbench201.arch';
import { nasbench201Cost, type Nasbench201Macro } from './nasbench201.cost';
import {
  NB201_EDGES,
  NB201_OPS,
  readNasbench201Definition,
  type Nasbench201Op,
} from './nasbench201.definition';

const CHOICES: Choices = NB201_EDGES.map(() => NB201_OPS);

/**
 * NAS-Bench-201. Archs are the 6 edge ops; the canonical string is the benchmark's own arch string
 * (no isomorphism merging: the benchmark trains and indexes all 15,625 strings separately).
 */
class Nasbench201Space implements SearchSpace<Nasbench201Arch> {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly inputShape: readonly number[];
  readonly definition: Readonly<Record<string, unknown>>;
  readonly enumerable = true;
  readonly encodingLength = NB201_EDGES.length * NB201_OPS.length;
  private readonly macro: Nasbench201Macro;

  constructor(reader: DefinitionReader) {
    const def = readNasbench201Definition(reader);
    this.id = def.id;
    this.name = def.name;
    this.description = def.description;
    this.inputShape = Object.freeze([...def.inputShape]);
    this.definition = frozenDefinition(reader);
    this.macro = def;
  }

  cardinality(): bigint {
    return BigInt(NB201_SIZE);
  }

  enumerate(): Iterable<Nasbench201Arch> {
    return nasbench201All();
  }

  parse(input: unknown, field = 'arch'): Nasbench201Arch {
    if (typeof input === 'string') return parseNasbench201String(input, field);
    if (Array.isArray(input))
      return Object.freeze(parseOpArray(input, CHOICES, field, false) as Nasbench201Op[]);
    throw invalid(
      field,
      `must be a NAS-Bench-201 arch string or an array of ${NB201_EDGES.length} op names, got ${showValue(input)}`,
    );
  }

  validate(
    input: unknown,
  ): { ok: true; arch: Nasbench201Arch } | { ok: false; field: string; message: string } {
    return validateWith((value, field) => this.parse(value, field), input);
  }

  canonical(arch: Nasbench201Arch): string {
    return nasbench201String(arch);
  }

  toJSON(arch: Nasbench201Arch): unknown {
    return [...arch];
  }

  sample(rng: Rng): Nasbench201Arch {
    return Object.freeze(sampleOps(CHOICES, rng) as Nasbench201Op[]);
  }

  mutate(arch: Nasbench201Arch, rng: Rng, probability: number): Nasbench201Arch {
    return Object.freeze(mutateOps(arch, CHOICES, rng, probability) as Nasbench201Op[]);
  }

  crossover(a: Nasbench201Arch, b: Nasbench201Arch, rng: Rng): Nasbench201Arch {
    return Object.freeze(crossoverOps(a, b, rng) as Nasbench201Op[]);
  }

  /** MFLOPs (millions of MACs) of the `numClasses`-class network of the definition (CIFAR-10: 10). */
  flops(arch: Nasbench201Arch): number {
    return nasbench201Cost(arch, this.macro).millions().flops;
  }

  params(arch: Nasbench201Arch): number {
    return nasbench201Cost(arch, this.macro).millions().params;
  }

  /** 30 dims: one-hot over the 5 ops for each of the 6 edges, in string edge order. */
  encode(arch: Nasbench201Arch): number[] {
    return oneHotOps(arch, CHOICES);
  }

  encodingNames(): string[] {
    return NB201_EDGES.flatMap((edge) => NB201_OPS.map((op) => `edge${edge.to}<-${edge.from}=${op}`));
  }
}

export function createNasbench201Space(reader: DefinitionReader): SearchSpace<Nasbench201Arch> {
  return new Nasbench201Space(reader);
}
