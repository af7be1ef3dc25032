import { detectDatasetKind, parseDatasetFile } from './dataset-file-parser';
import { expectInvalid } from './testing/expect-invalid';
import { fakeResolveSpace } from './testing/fake-space-resolver';
import { accuracySample, latencySample } from './testing/sample-tables';

const parseFile = (content: Buffer | string) =>
  parseDatasetFile(content, fakeResolveSpace, { fileName: 'f.json' });

describe('detectDatasetKind', () => {
  it('tells latency from accuracy tables', () => {
    expect(detectDatasetKind(latencySample())).toBe('latency');
    expect(detectDatasetKind(accuracySample())).toBe('accuracy');
    // HELP's nasbench201.json carries `accuracy: null` next to its devices.
    expect(detectDatasetKind({ ...latencySample(), accuracy: null })).toBe('latency');
  });

  it('says what is missing or what was found', () => {
    const { latencyUnit: _u, ...noUnit } = latencySample();
    expectInvalid(() => detectDatasetKind(noUnit), 'latencyUnit', 'nothing');
    const { devices: _d, ...noDevices } = latencySample();
    expectInvalid(() => detectDatasetKind(noDevices), 'devices', 'nothing');
    const { archs: _a, ...noArchs } = accuracySample();
    expectInvalid(() => detectDatasetKind(noArchs), 'archs', 'nothing');
    expectInvalid(() => detectDatasetKind({ foo: 1 }), '(root)', '["foo"]');
    expectInvalid(() => detectDatasetKind('text'), '(root)', '"text"');
  });
});

describe('parseDatasetFile', () => {
  it('parses either kind from a buffer or a string, with a BOM', () => {
    const latency = parseFile(Buffer.from(JSON.stringify(latencySample())));
    expect(latency.kind).toBe('latency');
    const accuracy = parseFile(`\uFEFF${JSON.stringify(accuracySample(), null, 2)}`);
    expect(accuracy.kind).toBe('accuracy');
    expect(accuracy.summary.fileName).toBe('f.json');
  });

  it('locates a JSON syntax error by line and column and shows the text there', () => {
    const text = '{\n  "schemaVersion": 1,\n  "archs": [1, 2,]\n}';
    const err = expectInvalid(() => parseFile(text), 'file', 'line 3, column 18');
    expect(err.message).toContain('"archs": [1, 2,]');
    expect(err.message).toContain('f.json');
    expect(err.details).toMatchObject({ line: 3, column: 18, file: 'f.json' });
  });

  it('reports truncated, empty, non-UTF-8 and otherwise malformed files', () => {
    const json = JSON.stringify(latencySample());
    expectInvalid(() => parseFile(json.slice(0, 100)), 'file', 'not valid JSON at line 1, column 101');
    expectInvalid(() => parseFile(' \n'), 'file', 'is empty');
    expectInvalid(() => parseFile(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'file', 'not UTF-8');
    expectInvalid(() => parseFile('{"a": tru}'), 'file', 'tru');
  });

  it('passes validation errors of the table through', () => {
    const json = latencySample();
    json.devices.pixel3[2] = -0.5;
    expectInvalid(() => parseFile(JSON.stringify(json)), 'devices.pixel3[2]', '-0.5');
  });
});
