import { parseResolvedConfig } from '../../config/loadConfig.js';
import type { ResolvedConfig } from '../../config/ExperimentConfig.js';
import { decodeUtf8 } from '../../io/Json.js';
import { configResolvedPath } from '../../layout/RunLayout.js';
import type { RunDirListing } from '../../result/RunDirListing.js';
import type { RunDirMarker } from '../../schemas/JsonArtifacts.js';
import { errorMessage as message } from '../../errors/errorMessage.js';
import type { AddCheck } from './CheckLog.js';

/** config_resolved.yaml: present, valid, and of the experiment _rundir.json names; undefined when unusable. */
export async function checkConfig(listing: RunDirListing, marker: RunDirMarker | undefined, add: AddCheck): Promise<ResolvedConfig | undefined> {
  const { store } = listing;
  const configPath = configResolvedPath();
  let config: ResolvedConfig | undefined;
  if (!listing.has(configPath)) {
    add(configPath, 'presence', 'fail', `missing: run creation writes it; without it no stage can run — create the run with 'commodity-hindcast run hindcast --config <config>'`, 'config_resolved');
  } else {
    add(configPath, 'presence', 'pass', undefined, 'config_resolved');
    const where = listing.location(configPath);
    try {
      config = parseResolvedConfig(decodeUtf8(await store.read(where), where), where);
      if (marker && config.experiment_key !== marker.experiment_key) {
        add(configPath, 'schema', 'fail', `experiment_key ${config.experiment_key} differs from ${marker.experiment_key} in _rundir.json; the config belongs to another experiment`, 'config_resolved');
      } else add(configPath, 'schema', 'pass', undefined, 'config_resolved');
    } catch (error) {
      add(configPath, 'schema', 'fail', message(error), 'config_resolved');
    }
  }
  return config;
}
