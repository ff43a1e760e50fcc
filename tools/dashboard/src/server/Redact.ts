import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';

// Environment variables whose values must never reach a page or a log line.
const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'];

/**
 * Text safe to show: the values of the AWS credential variables replaced by `***`, and the user-info part of any
 * URL (`https://user:secret@host`) dropped. Error messages of the S3 client may quote an endpoint as configured.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1');
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (value && value.length >= 4) out = out.split(value).join('***');
  }
  return out;
}

/** One line about an error, redacted. */
export function describeError(error: unknown): string {
  return redact(errorMessage(error));
}
