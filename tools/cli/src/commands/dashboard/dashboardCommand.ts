import { InvalidArgumentError, Option } from 'commander';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { RegisterVerb } from '../../program/Verb.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535)
    throw new InvalidArgumentError(`expected a port 0-65535, got ${JSON.stringify(value)}`);
  return port;
}

/**
 * `dashboard --runs-base B`: the read-only web dashboard (tools/dashboard) over the run directories of B, local or
 * S3, until interrupted. It listens on 127.0.0.1 unless --host says otherwise.
 */
export const registerDashboardCommand: RegisterVerb = (program, context) => {
  program
    .command('dashboard')
    .description('serve a read-only web dashboard of the run directories under a runs base (local or s3://)')
    .requiredOption('--runs-base <B>', 'where the runs are: a folder or s3://bucket/prefix')
    .addOption(new Option('--port <n>', 'the port to listen on').argParser(parsePort).default(8080))
    .option('--host <h>', 'the address to listen on', '127.0.0.1')
    .action(async (flags: { runsBase: string; port: number; host: string }) => {
      const { startDashboard } = await import('@commodity-hindcast/dashboard');
      const runsBase = resolveLocation(flags.runsBase, context.cwd);
      const server = await startDashboard({ runsBase, port: flags.port, host: flags.host, log: context.stderr });
      context.stdout(`dashboard of ${runsBase} on ${server.url} (read-only; Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
};
