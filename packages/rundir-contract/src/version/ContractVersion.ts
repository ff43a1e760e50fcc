import { UnsupportedContractVersionError } from '../errors/ContractError.js';

/** The version of the run-directory contract, stamped into every `_rundir.json` and manifest. */
export const CONTRACT_VERSION = '1.0.0';

/** Major versions of run directories this contract can read. */
export const SUPPORTED_CONTRACT_MAJORS: readonly number[] = [1];

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

export function parseSemVer(version: string): SemVer | undefined {
  const m = SEMVER.exec(version);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Throws UnsupportedContractVersionError when `version` (from `where`) is not a supported major. */
export function assertSupportedContractVersion(version: unknown, where: string): void {
  const parsed = typeof version === 'string' ? parseSemVer(version) : undefined;
  if (!parsed) {
    throw new UnsupportedContractVersionError(
      `${where}: contract_version ${JSON.stringify(version)} is not a semantic version (expected e.g. "${CONTRACT_VERSION}")`,
    );
  }
  if (!SUPPORTED_CONTRACT_MAJORS.includes(parsed.major)) {
    throw new UnsupportedContractVersionError(
      `${where}: contract version ${version} (major ${parsed.major}) is not supported by this contract ${CONTRACT_VERSION} ` +
        `(supported majors: ${SUPPORTED_CONTRACT_MAJORS.join(', ')}); use a commodity-hindcast release that reads major ${parsed.major}`,
    );
  }
}
