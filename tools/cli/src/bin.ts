#!/usr/bin/env node
import { processContext } from './program/CliContext.js';
import { runCli } from './program/runCli.js';

// `commodity-hindcast rundir list | head -3`: a reader that stops early is not a failure of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), processContext());
