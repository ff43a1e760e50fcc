#!/usr/bin/env node
import { processContext } from './program/CliContext.js';
import { runCli } from './program/runCli.js';

// `commodity-hindcast rundir list | head -3`: a reader that stops early is not a failure of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// The AWS SDK warns on Node < 22 about its releases after January 2027, in nine lines on stderr before our one-line
// cause. This CLI supports Node >= 20.19 (package.json engines) and pins the SDK, so the warning tells a user nothing
// to do; an explicit setting of the SDK's own switch is respected.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runCli(process.argv.slice(2), processContext());
