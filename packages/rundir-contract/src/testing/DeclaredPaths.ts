import { artifactById } from '../layout/Artifacts.js';
import type { StageModeDeclaration } from '../layout/StageDeclaration.js';
import { relativeLocation, type Location } from '../location/Location.js';

/** Where a written location falls: the run directory or features_dir, its relative path, and what declares it. */
export interface ClassifiedPath {
  root: 'run' | 'features';
  relative: string;
  /** The declared artifact id, `manifest` for the mode's manifest, or undefined when nothing declares it. */
  declaredAs?: string;
  /** A temporary, staging, trash or lease entry of the store (allowed during a run, not after it). */
  transient?: boolean;
}

// A store's own bookkeeping beside the files it writes: temporary files and staging folders renamed or copied into
// place, trash of a replaced folder, writer leases. A stage may create them during a run but must not leave them.
const WRITER_ENTRY_PREFIXES = ['.tmp-', '.staging-', '.trash-', '.lease-'];

/** True when some segment of a relative path is a store's temporary, staging, trash or lease entry. */
function isWriterEntry(relative: string): boolean {
  return relative.split('/').some((segment) => WRITER_ENTRY_PREFIXES.some((prefix) => segment.startsWith(prefix)));
}

/** A layout pattern as a regex; every placeholder is one path segment (a Zarr store also matches its files). */
function patternRegex(pattern: string, zarr: boolean): RegExp {
  const body = pattern.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
  return new RegExp(`^${body}${zarr ? '(?:/.+)?' : ''}$`);
}

/** Classifies locations against one mode's declaration. */
export class DeclaredPaths {
  private readonly artifacts: { id: string; root: 'run' | 'features'; regex: RegExp }[];
  private readonly manifest: RegExp | undefined;

  constructor(
    readonly mode: StageModeDeclaration,
    readonly runDir: Location,
    readonly featuresDir: Location,
  ) {
    this.artifacts = mode.writes.map((id) => {
      const artifact = artifactById(id);
      return {
        id,
        root: artifact.scope === 'features' ? 'features' : 'run',
        regex: patternRegex(artifact.pattern, artifact.format === 'zarr'),
      };
    });
    this.manifest = mode.manifest === null ? undefined : patternRegex(mode.manifest, false);
  }

  /** True when the mode writes into features_dir (some of its artifacts live there). */
  get writesFeatures(): boolean {
    return this.artifacts.some((a) => a.root === 'features');
  }

  classify(location: Location): ClassifiedPath | undefined {
    const inRun = relativeLocation(this.runDir, location);
    if (inRun !== undefined && inRun !== '') {
      if (isWriterEntry(inRun)) return { root: 'run', relative: inRun, transient: true };
      if (this.manifest?.test(inRun)) return { root: 'run', relative: inRun, declaredAs: 'manifest' };
      const found = this.artifacts.find((a) => a.root === 'run' && a.regex.test(inRun));
      return { root: 'run', relative: inRun, ...(found ? { declaredAs: found.id } : {}) };
    }
    const inFeatures = relativeLocation(this.featuresDir, location);
    if (inFeatures !== undefined && inFeatures !== '') {
      if (isWriterEntry(inFeatures)) return { root: 'features', relative: inFeatures, transient: true };
      const found = this.artifacts.find((a) => a.root === 'features' && a.regex.test(inFeatures));
      return { root: 'features', relative: inFeatures, ...(found ? { declaredAs: found.id } : {}) };
    }
    return undefined;
  }

  /** How a location reads in messages: relative to its root (features_dir paths prefixed), else in full. */
  display(location: Location): string {
    const c = this.classify(location);
    if (!c) return location;
    return c.root === 'features' ? `features_dir/${c.relative}` : c.relative;
  }

  /** True for a store's temporary, staging, trash or lease entry. */
  isTransient(location: Location): boolean {
    return this.classify(location)?.transient === true;
  }

  /** What the mode declares, for messages. */
  describe(): string {
    const manifest =
      this.mode.manifest === null ? `${this.mode.writtenLast ?? 'no marker'} last` : `manifest ${this.mode.manifest}`;
    return `writes ${this.mode.writes.join(', ')}; ${manifest}`;
  }
}
