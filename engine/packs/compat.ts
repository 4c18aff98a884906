/**
 * Engine compatibility: a pack declares the engine versions it works with as a semver range;
 * prereleases count (a pack for `^0.2.0` runs on `0.2.1-rc.1`).
 */
import semver from 'semver';

/** Undefined when `range` admits `engineVersion`; otherwise why not. */
export function engineIncompatibility(range: string, engineVersion: string): string | undefined {
  if (semver.validRange(range) === null) return `engine range "${range}" is not a valid semver range`;
  if (!semver.satisfies(engineVersion, range, { includePrerelease: true })) return `requires engine ${range}, this engine is ${engineVersion}`;
  return undefined;
}
