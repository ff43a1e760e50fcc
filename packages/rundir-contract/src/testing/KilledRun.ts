import { errorMessage } from '../errors/errorMessage.js';
import type { Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import type { FaultyStore } from './FaultyStore.js';
import type { RecordingStore } from './RecordingStore.js';

/** One killed run, on a fresh upstream: the stage dies at write n + 1. */
export interface KilledRunProbe {
  /** `<stage> <mode> mode`, for messages. */
  where: string;
  n: number;
  faulty: FaultyStore;
  /** How many output files (not temporaries or leases) the killed run left. */
  leftFiles(): number;
  run(store: Store): Promise<{ error?: unknown }>;
  /** The readers' view of the stage's output. */
  isComplete(): Promise<boolean>;
  /** Validator failures the stage's files add to the upstream's; undefined when the mode writes outside a run directory. */
  newValidatorFailures: (() => Promise<string[]>) | undefined;
  recording(): RecordingStore;
  display(location: Location): string;
}

function message(error: unknown): string {
  return errorMessage(error, { name: true });
}

/**
 * (e) A crash at write n + 1 must leave nothing that readers or the validator accept as complete, the run must
 * report the failure rather than swallow it, and a plain re-run must complete the stage.
 */
export async function checkKilledRun(probe: KilledRunProbe): Promise<string[]> {
  const at = `killed at write ${probe.n + 1}`;
  const failures: string[] = [];
  const killed = await probe.run(probe.faulty);
  if (!probe.faulty.tripped) {
    failures.push(
      `${at}: the run made only ${probe.n} writes this time (a first run made more): writes must not depend on chance`,
    );
    return failures;
  }
  if (killed.error === undefined)
    failures.push(`${at}: the run succeeded although a write failed: a stage must fail when a write fails`);
  if (await probe.isComplete()) failures.push(`${at}: readers accept the stage's output as complete after the crash`);
  const validator = await probe.newValidatorFailures?.();
  const left = probe.leftFiles();
  if (validator !== undefined && left > 0 && validator.length === 0) {
    failures.push(`${at}: validateRunDir accepts the ${left} file${left === 1 ? '' : 's'} a crashed run left`);
  }

  const rerun = probe.recording();
  const resumed = await probe.run(rerun);
  if (resumed.error !== undefined) {
    failures.push(`${at}: the re-run failed: ${message(resumed.error)}`);
    return failures;
  }
  if (!(await probe.isComplete()))
    failures.push(`${at}: the re-run did not complete the stage (readers do not accept its output)`);
  const after = await probe.newValidatorFailures?.();
  for (const line of after ?? []) failures.push(`${at}: after the re-run, validateRunDir: ${line}`);
  return failures;
}
