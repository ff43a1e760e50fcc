import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the built entries (the test task depends on the build) in a fresh Node process, whose CommonJS module cache
// shows whether the AWS SDK was loaded.
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

function inFreshNode(body: string): Record<string, boolean> {
  const script = `
    import { createRequire } from 'node:module';
    const sdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@aws-sdk'));
    const seen = {};
    ${body}
    process.stdout.write(JSON.stringify(seen));`;
  const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, boolean>;
}

describe('the AWS SDK is loaded on first use', () => {
  it('not by importing the store and io entries or by local reads; by the first S3 store', () => {
    const seen = inFreshNode(`
      const { storeFor, S3Store } = await import('@commodity-hindcast/rundir-contract/store');
      await import('@commodity-hindcast/rundir-contract/io');
      await storeFor(process.cwd() + '/package.json').read(process.cwd() + '/package.json');
      seen.afterImportAndLocalRead = sdkLoaded();
      new S3Store({ region: 'us-east-1' });
      seen.afterS3Store = sdkLoaded();`);
    expect(seen).toEqual({ afterImportAndLocalRead: false, afterS3Store: true });
  });

  it("keeps a caller's own S3Client (the SDK's one CommonJS build: instanceof holds)", () => {
    const seen = inFreshNode(`
      const { S3Client } = await import('@aws-sdk/client-s3');
      const { S3Store } = await import('@commodity-hindcast/rundir-contract/store');
      const client = new S3Client({ region: 'us-east-1' });
      seen.kept = new S3Store(client).client === client;`);
    expect(seen).toEqual({ kept: true });
  });
});
