/**
 * Version strings: parsing and ordering of the release versions the catalog
 * pins (`v0.5.6`, `0.0.111`, `v26.7.0`, `1.30.0`) and Kubernetes minor
 * versions (`1.33`).
 */

export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)$/;
const MINOR = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/;

/** Parses `1.2.3` or `v1.2.3`; undefined for anything else (pre-releases included). */
export function parseSemver(version: string): Semver | undefined {
  const m = SEMVER.exec(version);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareSemver(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Parses a Kubernetes version (`1.33`, `v1.33`, `1.33.2`) into major and minor. */
export function parseKubernetesVersion(version: string): { major: number; minor: number } | undefined {
  const m = MINOR.exec(version);
  if (m === null) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/** `1.30` ≤ version (minor granularity). */
export function kubernetesAtLeast(version: string, minor: number, major = 1): boolean {
  const v = parseKubernetesVersion(version);
  if (v === undefined) return false;
  return v.major > major || (v.major === major && v.minor >= minor);
}
