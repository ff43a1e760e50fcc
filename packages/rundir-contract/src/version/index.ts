export {
  CONTRACT_VERSION,
  SUPPORTED_CONTRACT_MAJORS,
  assertSupportedContractVersion,
  parseSemVer,
} from './ContractVersion.js';
export type { SemVer } from './ContractVersion.js';
export { CONTRACT_PACKAGE } from './PackageInfo.js';
