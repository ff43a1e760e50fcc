import { parseConfigTrain } from '../../config/ConfigDifference.js';
import { parseResolvedConfig } from '../../config/loadConfig.js';
import type { ResolvedConfig } from '../../config/ExperimentConfig.js';
import { decodeUtf8 } from '../../io/Json.js';
import { configResolvedPath, configTrainPath } from '../../layout/RunLayout.js';
import type { RunDirListing } from '../../result/RunDirListing.js';
import type { RunDirMarker } from '../../schemas/JsonArtifacts.js';
import { errorMessage as message } from '../../errors/errorMessage.js';
import type { AddCheck } from './CheckLog.js';

/**
 * config_resolved.yaml: present, valid, and of the experiment _rundir.json names; undefined when unusable. The config
 * returned for the semantic checks is the one the stages ran with: config_train.yaml applied when a resume wrote one
 * (its own validity is checked with the other artifacts; an unusable one leaves config_resolved.yaml in force).
 */
export async function checkConfig(
  listing: RunDirListing,
  marker: RunDirMarker | undefined,
  add: AddCheck,
): Promise<ResolvedConfig | undefined> {
  const { store } = listing;
  const configPath = configResolvedPath();
  let config: ResolvedConfig | undefined;
  if (!listing.has(configPath)) {
    add(
      configPath,
      'presence',
      'fail',
      `missing: run creation writes it; without it no stage can run — create the run with 'commodity-hindcast run hindcast --config <config>'`,
      'config_resolved',
    );
  } else {
    add(configPath, 'presence', 'pass', undefined, 'config_resolved');
    const where = listing.location(configPath);
    try {
      config = parseResolvedConfig(decodeUtf8(await store.read(where), where), where);
      if (marker && config.experiment_key !== marker.experiment_key) {
        add(
          configPath,
          'schema',
          'fail',
          `experiment_key ${config.experiment_key} differs from ${marker.experiment_key} in _rundir.json; the config belongs to another experiment`,
          'config_resolved',
        );
      } else add(configPath, 'schema', 'pass', undefined, 'config_resolved');
    } catch (error) {
      add(configPath, 'schema', 'fail', message(error), 'config_resolved');
    }
  }
  if (config && listing.has(configTrainPath())) {
    const where = listing.location(configTrainPath());
    try {
      config = parseConfigTrain(decodeUtf8(await store.read(where), where), config, where).config;
    } catch {
      // Reported by the artifact checks of config_train.yaml.
    }
  }
  return config;
}
