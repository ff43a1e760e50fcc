import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFoundError, SchemaError } from '../errors/ContractError.js';
import { MemoryStore } from '../testing/index.js';
import { createJsonIfAbsent, formatJson, parseJson, readJson, validateDocument, writeJson } from './Json.js';

const Marker = z.strictObject({
  run_id: z.string(),
  n: z.number().int().min(0),
  tags: z.array(z.string()),
  created: z.iso.date(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected a lower-case hex sha256')
    .optional(),
});
type Marker = z.infer<typeof Marker>;

const good: Marker = { run_id: '20240101_000000_corn_usa', n: 3, tags: ['a', 'ü'], created: '2024-01-01' };

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'json-io-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('writeJson / readJson on LocalStore', () => {
  it('writes 2-space JSON with a final newline and reads it back', async () => {
    const file = path.join(dir, 'sub', '_rundir.json');
    await writeJson(file, good, Marker);
    const text = await fs.readFile(file, 'utf8');
    expect(text).toBe(
      '{\n  "run_id": "20240101_000000_corn_usa",\n  "n": 3,\n  "tags": [\n    "a",\n    "ü"\n  ],\n  "created": "2024-01-01"\n}\n',
    );
    expect(await readJson(file, Marker)).toEqual(good);
  });

  it('refuses to write an invalid value and leaves nothing behind', async () => {
    const file = path.join(dir, 'bad.json');
    const bad = { ...good, n: -1 } as Marker;
    await expect(writeJson(file, bad, Marker)).rejects.toThrow(SchemaError);
    await expect(writeJson(file, bad, Marker)).rejects.toThrow(
      `${file} (not written): field "n": too small: expected number to be >=0, found number -1`,
    );
    await expect(fs.stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('names the location and the JSON path of every issue', async () => {
    const file = path.join(dir, 'issues.json');
    await fs.writeFile(
      file,
      JSON.stringify({ run_id: 5, n: 1.5, tags: ['x', 2], created: '2024-13-01', extra: true, sha256: 'ABC' }),
    );
    const error = await readJson(file, Marker).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    const message = (error as Error).message;
    expect(message).toContain(`${file}: field "run_id": expected string, found number 5`);
    expect(message).toContain('field "n": expected int, found number 1.5');
    expect(message).toContain('field "tags[1]": expected string, found number 2');
    expect(message).toContain('field "created": invalid ISO date, found string "2024-13-01"');
    expect(message).toContain('field "sha256": expected a lower-case hex sha256, found string "ABC"');
    expect(message).toContain('unexpected field "extra"; remove it');
    expect(message).not.toContain('\n');
  });

  it('reports a missing field as missing', () => {
    expect(() => validateDocument('/r/x.json', { n: 1, tags: [], created: '2024-01-01' }, Marker)).toThrow(
      '/r/x.json: field "run_id": expected string, found nothing (the field is missing)',
    );
  });

  it('reports syntax errors with line and column on one line', async () => {
    const file = path.join(dir, 'syntax.json');
    await fs.writeFile(file, '{\n  "run_id": "x",\n  "n": tru\n}\n');
    await expect(readJson(file, Marker)).rejects.toThrow(
      `${file}: is not valid JSON: line 3, column 8: unexpected "t"`,
    );
    const cases: [string, string][] = [
      ['{"a": 1', 'line 1, column 8: unexpected end of input'],
      ['{"a": 1}\n}', 'line 2, column 1: unexpected "}" after the end of the JSON value'],
      ['{"a": "x\ny"}', 'line 1, column 9: control character inside a string'],
      ['[1, 2,]', 'line 1, column 7: unexpected "]"'],
      ['{"a" 1}', 'line 1, column 6: expected ":", found "1"'],
      ['{"a": 01}', 'line 1, column 8: expected "}", found "1"'],
    ];
    for (const [text, expected] of cases) {
      let message = '';
      try {
        parseJson(text, 'doc.json', z.unknown());
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`doc.json: is not valid JSON: ${expected}`);
      expect(message).not.toContain('\n');
    }
    expect(() => parseJson('  \n', 'doc.json', z.unknown())).toThrow('doc.json: is empty, expected a JSON document');
  });

  it('accepts a leading BOM and rejects invalid UTF-8', async () => {
    const file = path.join(dir, 'bom.json');
    await fs.writeFile(file, `\uFEFF${JSON.stringify(good)}`);
    expect(await readJson(file, Marker)).toEqual(good);
    await fs.writeFile(file, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]));
    await expect(readJson(file, z.unknown())).rejects.toThrow(`${file}: is not valid UTF-8 text`);
  });

  it('throws NotFoundError for a missing file', async () => {
    await expect(readJson(path.join(dir, 'absent.json'), Marker)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('createJsonIfAbsent creates once and then leaves the file untouched', async () => {
    const file = path.join(dir, 'once.json');
    expect(await createJsonIfAbsent(file, good, Marker)).toBe('created');
    expect(await createJsonIfAbsent(file, { ...good, n: 99 }, Marker)).toBe('exists');
    expect((await readJson(file, Marker)).n).toBe(3);
    await expect(
      createJsonIfAbsent(path.join(dir, 'never.json'), { ...good, run_id: 1 } as unknown as Marker, Marker),
    ).rejects.toThrow(SchemaError);
  });
});

describe('over an in-memory Store', () => {
  it('round-trips without touching the local filesystem', async () => {
    const store = new MemoryStore();
    const location = 's3://mem-bucket/runs/r1/_rundir.json';
    await writeJson(location, good, Marker, { store });
    expect(new TextDecoder().decode(store.objects.get(location))).toBe(formatJson(good));
    expect(await readJson(location, Marker, { store })).toEqual(good);
    expect(await createJsonIfAbsent(location, good, Marker, { store })).toBe('exists');
    expect([...store.objects.keys()]).toEqual([location]);
  });
});
