/** The exit codes of `commodity-hindcast`: 0 done, 1 the work failed, 2 the command line is wrong. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
