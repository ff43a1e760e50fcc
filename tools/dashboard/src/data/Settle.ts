import { describeError } from '../server/Redact.js';

/** A value read, or why it could not be: pages show the problem in its place and go on. */
export type Settled<T> = { ok: true; value: T } | { ok: false; problem: string };

export async function settle<T>(read: () => Promise<T> | T): Promise<Settled<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, problem: describeError(error) };
  }
}
