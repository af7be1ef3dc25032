import { invalid, showValue } from '@tailor/common';
import { NB201_EDGES, NB201_OPS, type Nasbench201Op } from './nasbench201.definition';
import { pythonShuffle } from './python-shuffle';

/** One op per edge, in the edge order of the arch string: (1←0), (2←0), (2←1), (3←0), (3←1), (3←2). */
export type Nasbench201Arch = readonly Nasbench201Op[];

export const NB201_SIZE = NB201_OPS.length ** NB201_EDGES.length; // 15,625
/** Seed NAS-Bench-201 shuffled its product-ordered list with (see python-shuffle.ts). */
export const NB201_SHUFFLE_SEED = 88;
const TEMPLATE = '|op~0|+|op~0|op~1|+|op~0|op~1|op~2|';

/** The benchmark's arch string, e.g. `|nor_conv_3x3~0|+|none~0|skip_connect~1|+|…~0|…~1|…~2|`. */
export function nasbench201String(arch: Nasbench201Arch): string {
  const nodes: string[] = [];
  NB201_EDGES.forEach((edge, i) => {
    nodes[edge.to - 1] = `${nodes[edge.to - 1] ?? '|'}${arch[i]}~${edge.from}|`;
  });
  return nodes.join('+');
}

/** Parses the benchmark's arch string; errors name the edge and the bad token. */
export function parseNasbench201String(text: string, field: string): Nasbench201Arch {
  const groups = text.split('+');
  if (groups.length !== 3) {
    throw invalid(field, `expected 3 "+"-separated nodes like ${TEMPLATE}, got ${showValue(text)}`);
  }
  const ops: Nasbench201Op[] = [];
  groups.forEach((group, node) => {
    const tokens = group.split('|');
    // "|a~0|b~1|" splits into ["", "a~0", "b~1", ""].
    if (tokens.length !== node + 3 || tokens[0] !== '' || tokens[tokens.length - 1] !== '') {
      throw invalid(
        field,
        `node ${node + 1} must be ${node + 1} "|op~input|" entries like ${TEMPLATE}, got ${showValue(group)}`,
      );
    }
    tokens.slice(1, -1).forEach((token, from) => {
      const edge = ops.length;
      const [op, input, ...rest] = token.split('~');
      if (input !== String(from) || rest.length > 0) {
        throw invalid(
          `${field}[${edge}]`,
          `edge into node ${node + 1} must read "op~${from}", got ${showValue(token)}`,
        );
      }
      if (!(NB201_OPS as readonly string[]).includes(op)) {
        throw invalid(
          `${field}[${edge}]`,
          `unknown op ${showValue(op)}, expected one of ${NB201_OPS.join(', ')}`,
        );
      }
      ops.push(op as Nasbench201Op);
    });
  });
  return Object.freeze(ops);
}

/** Position in the product order (first edge most significant), i.e. `CellStructure.gen_all` order. */
function productCode(arch: Nasbench201Arch): number {
  return arch.reduce((code, op) => code * NB201_OPS.length + NB201_OPS.indexOf(op), 0);
}

function fromProductCode(code: number): Nasbench201Arch {
  const ops: Nasbench201Op[] = new Array<Nasbench201Op>(NB201_EDGES.length);
  for (let e = NB201_EDGES.length - 1; e >= 0; e--) {
    ops[e] = NB201_OPS[code % NB201_OPS.length];
    code = Math.floor(code / NB201_OPS.length);
  }
  return Object.freeze(ops);
}

let codeByIndex: Uint16Array | undefined;
let indexByCode: Uint16Array | undefined;

/** Product codes in official index order; computed once (≈2 ms). */
function officialOrder(): { codeByIndex: Uint16Array; indexByCode: Uint16Array } {
  if (!codeByIndex || !indexByCode) {
    const shuffled = pythonShuffle(
      Array.from({ length: NB201_SIZE }, (_, i) => i),
      NB201_SHUFFLE_SEED,
    );
    codeByIndex = Uint16Array.from(shuffled);
    indexByCode = new Uint16Array(NB201_SIZE);
    shuffled.forEach((code, index) => (indexByCode![code] = index));
  }
  return { codeByIndex, indexByCode };
}

/** The arch with official NAS-Bench-201 index `index`. */
export function nasbench201ArchAt(index: number, field = 'index'): Nasbench201Arch {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SIZE) {
    throw invalid(field, `must be an integer in [0, ${NB201_SIZE - 1}], got ${showValue(index)}`);
  }
  return fromProductCode(officialOrder().codeByIndex[index]);
}

/** Official NAS-Bench-201 index of an arch (inverse of the enumerate order). */
export function nasbench201Index(arch: Nasbench201Arch): number {
  return officialOrder().indexByCode[productCode(arch)];
}

/** All archs in official index order. */
export function* nasbench201All(): Generator<Nasbench201Arch> {
  const { codeByIndex: order } = officialOrder();
  for (const code of order) yield fromProductCode(code);
}

/** Node labels of `nasbench201Graph`: `ops[i]` indexes this list. */
export const NB201_GRAPH_LABELS = ['input', ...NB201_OPS, 'output'] as const;

/**
 * The cell as a DAG with ops on nodes (NAS-Bench-101 style, as graph predictors expect): node 0 is the
 * input, nodes 1–6 are the six edge ops in string order, node 7 is the output. Op node (to←from) reads
 * every op feeding node `from` (or the input) and feeds every op leaving node `to` (or the output when
 * `to` is 3). `none` ops stay as nodes so every graph has the same 8 nodes.
 */
export function nasbench201Graph(arch: Nasbench201Arch): { ops: number[]; adjacency: number[][] } {
  const n = NB201_EDGES.length + 2;
  const output = n - 1;
  const adjacency = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  NB201_EDGES.forEach((edge, i) => {
    const self = i + 1;
    if (edge.from === 0) adjacency[0][self] = 1;
    NB201_EDGES.forEach((prev, j) => {
      if (prev.to === edge.from) adjacency[j + 1][self] = 1;
    });
    if (edge.to === NB201_EDGES[NB201_EDGES.length - 1].to) adjacency[self][output] = 1;
  });
  const ops = [0, ...arch.map((op) => NB201_OPS.indexOf(op) + 1), NB201_GRAPH_LABELS.length - 1];
  return { ops, adjacency };
}
