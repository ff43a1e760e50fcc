/**
 * Port 9 (discard) on loopback: nothing listens there, so a connection is refused at once. Every registry and
 * proxy setting that is not one of the test's own loopback servers points here, so a request that would
 * leave the machine fails the install instead of reaching the internet.
 */
const TRAP_URL = 'http://127.0.0.1:9/';

/**
 * The environment of every child process: the parent's, minus the npm_* settings pnpm hands to scripts (they
 * would carry the workspace's registry and store settings into the throwaway copies), plus the trap as the
 * default registry and as the HTTP(S) proxy for everything but loopback.
 */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || /^(https?|no|all)_proxy$/i.test(key) || key === 'INPUT_DATA_DIR') continue;
    env[key] = value;
  }
  const noProxy = '127.0.0.1,localhost';
  return {
    ...env,
    npm_config_registry: TRAP_URL,
    npm_config_proxy: TRAP_URL,
    npm_config_https_proxy: TRAP_URL,
    npm_config_noproxy: noProxy,
    HTTP_PROXY: TRAP_URL,
    HTTPS_PROXY: TRAP_URL,
    http_proxy: TRAP_URL,
    https_proxy: TRAP_URL,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    npm_config_update_notifier: 'false',
    TURBO_TELEMETRY_DISABLED: '1',
    ...extra,
  };
}
