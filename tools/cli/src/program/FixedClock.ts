import { CommandError } from './CommandError.js';

/**
 * `SOURCE_DATE_EPOCH` (reproducible-builds.org): whole seconds since 1970-01-01 UTC. When set, every time the CLI
 * hands to the contract and the stages — the run id, the marker's `created_at`, manifests' `started_at` and
 * `finished_at`, delivery dates — is that instant, so two runs of the same inputs are byte-identical (the kill -9
 * resume test compares them). Unset: the real clock.
 */
const FIXED_TIME_VARIABLE = 'SOURCE_DATE_EPOCH';

/** The fixed clock from the environment, or undefined when the variable is unset or empty. */
export function fixedClock(env: NodeJS.ProcessEnv): (() => Date) | undefined {
  const text = env[FIXED_TIME_VARIABLE]?.trim();
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,12}$/.test(text))
    throw new CommandError(
      `${FIXED_TIME_VARIABLE}=${text}: expected whole seconds since 1970-01-01 UTC (e.g. 1733310000); unset it to use the real clock`,
    );
  const instant = new Date(Number(text) * 1000);
  return () => new Date(instant);
}

/** `{ now }` for a stage's options when the clock is fixed, else nothing (the stage reads the real clock). */
export function clockOption(env: NodeJS.ProcessEnv): { now?: () => Date } {
  const now = fixedClock(env);
  return now ? { now } : {};
}
