import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/ContractError.js';
import { joinLocation } from '../location/Location.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { loadConfig, parseResolvedConfig, serializeResolvedConfig } from './loadConfig.js';

const CORN_TEXT = readFileSync(new URL('./__fixtures__/corn_usa.yaml', import.meta.url), 'utf8');

describe.skipIf(s3SkipReason !== '')(`loadConfig from S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;

  beforeAll(async () => {
    s3 = await createTestBucket('config');
  });
  afterAll(async () => {
    await s3?.drop();
  });

  it('reads an s3:// config through storeFor and resolves paths under an s3:// INPUT_DATA_DIR', async () => {
    const configUri = joinLocation(s3.base, 'configs', 'corn_usa.yaml');
    await s3.store.write(configUri, CORN_TEXT);
    const dataRoot = joinLocation(s3.base, 'commodity');
    const config = await loadConfig({ configPath: configUri, env: { INPUT_DATA_DIR: dataRoot } });
    expect(config.experiment_key).toBe('corn_usa');
    expect(config.builders.yields!.filepath).toBe(`${dataRoot}/data/nass/corn_county.parquet`);
    expect(config.run_dir_base).toBe(`${dataRoot}/runs`);

    // config_resolved.yaml written to S3 reads back identical, with no INPUT_DATA_DIR needed.
    const resolvedUri = joinLocation(s3.base, 'runs', 'r1', 'config_resolved.yaml');
    await s3.store.write(resolvedUri, serializeResolvedConfig(config));
    const text = Buffer.from(await s3.store.read(resolvedUri)).toString('utf8');
    expect(parseResolvedConfig(text, resolvedUri)).toEqual(config);
  });

  it('names the missing s3:// config', async () => {
    const missing = joinLocation(s3.base, 'configs', 'absent.yaml');
    const error = await loadConfig({ configPath: missing, env: { INPUT_DATA_DIR: '/data' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${missing}: config file not found; check the --config path (a local path or an s3:// URI)`,
    );
  });
});
