import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotFoundError, SchemaError } from '../errors/ContractError.js';
import { MemoryStore } from '../testing/index.js';
import { formatYaml, parseYaml, readYaml, writeYaml } from './Yaml.js';

const Config = z.strictObject({
  experiment_key: z.string(),
  seasons: z.array(z.number().int()),
  start: z.string(),
  model: z.strictObject({ kind: z.enum(['ridge', 'gbdt']), alpha: z.number() }),
  note: z.string().nullable(),
});
type Config = z.infer<typeof Config>;

const config: Config = {
  experiment_key: 'corn_usa',
  seasons: [2018, 2019],
  start: '2018-05-01',
  model: { kind: 'ridge', alpha: 0.5 },
  note: 'a: colon, "quotes", and a long line '.repeat(5),
};

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'yaml-io-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('YAML IO', () => {
  it('writes block YAML without folding and reads it back equal', async () => {
    const file = path.join(dir, 'config_resolved.yaml');
    await writeYaml(file, config, Config);
    const text = await fs.readFile(file, 'utf8');
    expect(
      text.startsWith(
        "experiment_key: corn_usa\nseasons:\n  - 2018\n  - 2019\nstart: '2018-05-01'\nmodel:\n  kind: ridge\n  alpha: 0.5\n",
      ),
    ).toBe(true);
    // The long note stays on one line (lineWidth -1): exactly 9 lines of text.
    expect(text.split('\n')).toHaveLength(10);
    expect(await readYaml(file, Config)).toEqual(config);
  });

  it('keeps dates as strings (YAML 1.2 core schema) and rejects duplicate keys', () => {
    expect(parseYaml('d: 2020-01-01\n', 'x.yaml', z.object({ d: z.string() }))).toEqual({ d: '2020-01-01' });
    expect(() => parseYaml('a: 1\na: 2\n', 'x.yaml', z.unknown())).toThrow(
      'x.yaml: is not valid YAML: line 2, column 1: duplicated mapping key',
    );
  });

  it('names the file and the 1-based line of a syntax error, on one line', async () => {
    const file = path.join(dir, 'broken.yaml');
    await fs.writeFile(file, 'experiment_key: corn_usa\nmodel:\n  kind: ridge\n    alpha: 1\n');
    const error = await readYaml(file, Config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as Error).message).toBe(
      `${file}: is not valid YAML: line 4, column 10: bad indentation of a mapping entry; fix the syntax or regenerate the file`,
    );
    expect(() => parseYaml('', 'empty.yaml', z.unknown())).toThrow(
      'empty.yaml: is not valid YAML: expected a document, but the input is empty',
    );
  });

  it('validates against the schema with field paths', async () => {
    const file = path.join(dir, 'invalid.yaml');
    await fs.writeFile(file, 'experiment_key: 7\nseasons: [2018, x]\nstart: "2018"\nmodel: {kind: lasso, alpha: 1}\n');
    const message = await readYaml(file, Config).catch((e: Error) => e.message);
    expect(message).toContain(`${file}: field "experiment_key": expected string, found number 7`);
    expect(message).toContain('field "seasons[1]": expected number, found string "x"');
    expect(message).toContain(
      'field "model.kind": invalid option: expected one of "ridge"|"gbdt", found string "lasso"',
    );
    expect(message).toContain('field "note": expected string, found nothing (the field is missing)');
  });

  it('refuses invalid values and unrepresentable ones before writing', async () => {
    const file = path.join(dir, 'never.yaml');
    await expect(writeYaml(file, { ...config, seasons: [1.5] }, Config)).rejects.toThrow(
      `${file} (not written): field "seasons[0]"`,
    );
    const Anything = z.custom<unknown>(() => true);
    await expect(writeYaml(file, { f: () => 1 }, Anything)).rejects.toThrow(
      `${file} (not written): cannot be represented as YAML`,
    );
    await expect(fs.stat(file)).rejects.toThrow(/ENOENT/);
    await expect(readYaml(file, Config)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('works over an in-memory Store', async () => {
    const store = new MemoryStore();
    const location = 's3://mem-bucket/runs/r1/config_resolved.yaml';
    await writeYaml(location, config, Config, { store });
    expect(new TextDecoder().decode(store.objects.get(location))).toBe(formatYaml(config));
    expect(await readYaml(location, Config, { store })).toEqual(config);
  });
});
