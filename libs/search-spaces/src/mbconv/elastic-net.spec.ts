import * as fs from 'fs';
import * as path from 'path';
import { TailorError } from '@tailor/common';
import { DefinitionReader } from '../definition-reader';
import { readElasticNetSpec } from './elastic-net';

interface Definition {
  stages: { stride: number; activation: string }[];
  choices: { kernel: number[]; depth: number[] };
  resolution: { max: number };
  width: { default: number; scales: string[] };
}
const base = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../../search-spaces/ofa-mbv3.json'), 'utf8'),
) as Definition;

function readWith(edit: (d: Definition) => void): unknown {
  const d = structuredClone(base);
  edit(d);
  try {
    return readElasticNetSpec(new DefinitionReader('search-spaces/ofa-mbv3.json', d));
  } catch (err) {
    expect(err).toBeInstanceOf(TailorError);
    return (err as TailorError).message;
  }
}

describe('readElasticNetSpec', () => {
  it('reads the OFA definition', () => {
    const spec = readWith(() => {});
    expect(spec).toMatchObject({
      kernels: [3, 5, 7],
      expandRatios: [3, 4, 6],
      depths: [2, 3, 4],
      widths: [1, 1.2],
    });
    expect((spec as { resolutions: number[] }).resolutions).toHaveLength(25);
  });

  it('names the file, the path and the bad value', () => {
    expect(readWith((d) => (d.stages[2].stride = 3))).toBe(
      'search-spaces/ofa-mbv3.json: stages[2].stride must be ≤ 2, got 3',
    );
    expect(readWith((d) => (d.choices.kernel = [3, 4]))).toContain('choices.kernel[1] must be odd, got 4');
    expect(readWith((d) => (d.choices.depth = [3, 2]))).toContain(
      'choices.depth[1] must be ascending, got 2',
    );
    expect(readWith((d) => (d.stages[0].activation = 'gelu'))).toContain(
      'stages[0].activation must be one of',
    );
    expect(readWith((d) => (d.resolution.max = 226))).toContain(
      'resolution.max must be min + a multiple of step 4, got 226',
    );
    expect(readWith((d) => (d.width.default = 0.5))).toContain(
      'width.default must be one of 1, 1.2, got 0.5',
    );
    expect(readWith((d) => (d.width.scales = ['stem', 'tail']))).toContain('width.scales[1] must be one of');
  });
});
