/**
 * The registry resolver: where every image, chart and raw manifest is pulled
 * from, online (the public source) or mirrored (a private registry such as
 * Harbor, and a file server or local directory for manifests).
 *
 * Pure functions of (source reference, settings). The graph, the inventory and
 * the tests all call these, so what an air-gapped site mirrors is exactly what
 * the graph deploys.
 */
import { ImageRef, formatImageRef, isValidRegistryHost, isValidRepository, parseImageRef } from "./imageRef";

/** How mirrored image paths are laid out on the mirror. */
export type MirrorLayout = "prefix" | "perRegistry";

export interface MirrorSettings {
  readonly mode: "mirrored";
  /** Mirror registry host, with port if any: `harbor.example.internal`. */
  readonly host: string;
  /**
   * `prefix`: one project holds every source registry under its own path:
   * `<host>/<pathPrefix>/<source-registry>/<repository>`.
   * `perRegistry`: each source registry maps to its own location, e.g. Harbor
   * proxy-cache projects: `ghcr.io` → `harbor.example.internal/ghcr-proxy`.
   */
  readonly layout: MirrorLayout;
  /** Path under the host for the `prefix` layout; may be empty. */
  readonly pathPrefix: string;
  /** Source registry host → `host[:port][/path]` for the `perRegistry` layout. */
  readonly registries: Readonly<Record<string, string>>;
  /** The mirror speaks plain HTTP (charts are then pulled with `plainHttp`). */
  readonly plainHttp: boolean;
  /**
   * Explicit chart locations, checked before the default rule. Keys are a
   * source HTTP repository URL (`https://helm.ngc.nvidia.com/nvidia`) or an
   * OCI prefix (`oci://ghcr.io/nvidia/openshell`); values an HTTP(S) chart
   * repository URL or an `oci://` base.
   */
  readonly chartRepositories: Readonly<Record<string, string>>;
  /** Base URL of a file server holding `<id>/<version>/<asset>`. */
  readonly manifestBaseUrl?: string;
  /** Local directory holding `<id>/<version>/<asset>` (sites without a file server). */
  readonly manifestDir?: string;
}

export type RegistrySettings = { readonly mode: "online" } | MirrorSettings;

export class MirrorMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MirrorMappingError";
  }
}

/** Splits `host[:port][/path]` into host and path. */
export function splitLocation(location: string): { host: string; path: string } {
  const trimmed = location.replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  return slash < 0 ? { host: trimmed, path: "" } : { host: trimmed.slice(0, slash), path: trimmed.slice(slash + 1) };
}

function joinPath(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join("/");
}

/**
 * The path segment a source registry gets under a `prefix` mirror. A port
 * cannot appear in a repository path, so `host:5000` becomes `host_5000`.
 */
export function registrySegment(registry: string): string {
  return registry.replace(":", "_");
}

/** Maps a (registry, repository) pair onto the mirror. */
function mirrorLocation(registry: string, repository: string, m: MirrorSettings): { registry: string; repository: string } {
  if (m.layout === "prefix") {
    return { registry: m.host, repository: joinPath(m.pathPrefix, registrySegment(registry), repository) };
  }
  const target = m.registries[registry];
  if (target === undefined) {
    const mapped = Object.keys(m.registries).sort();
    throw new MirrorMappingError(
      `no mirror location for source registry "${registry}" (registry.registries maps: ${
        mapped.length > 0 ? mapped.join(", ") : "nothing"
      })`,
    );
  }
  const { host, path } = splitLocation(target);
  return { registry: host, repository: joinPath(path, repository) };
}

/** Rewrites a parsed image reference for the settings. Tag and digest are kept. */
export function resolveImageRef(ref: ImageRef, settings: RegistrySettings): ImageRef {
  if (settings.mode === "online") return ref;
  const loc = mirrorLocation(ref.registry, ref.repository, settings);
  return { ...ref, registry: loc.registry, repository: loc.repository };
}

/** Rewrites an image reference string; returns it in canonical form. */
export function resolveImage(reference: string, settings: RegistrySettings): string {
  return formatImageRef(resolveImageRef(parseImageRef(reference), settings));
}

// ---------------------------------------------------------------- charts

/** Where a chart is published upstream. */
export type ChartSource =
  | { readonly kind: "oci"; /** `oci://ghcr.io/nvidia/openshell/helm-chart` */ readonly url: string }
  | { readonly kind: "http"; readonly repo: string; readonly name: string };

/** The inputs `helm.v4.Chart` needs to pull a chart: `chart`, `repositoryOpts.repo`, `plainHttp`. */
export interface ChartLocation {
  readonly chart: string;
  readonly repo?: string;
  readonly plainHttp: boolean;
}

function stripSlash(s: string): string {
  return s.replace(/\/+$/, "");
}

function parseOci(url: string): { host: string; path: string } {
  if (!url.startsWith("oci://")) throw new MirrorMappingError(`not an OCI reference: "${url}"`);
  return splitLocation(url.slice("oci://".length));
}

function parseHttp(url: string): { host: string; path: string } {
  const m = /^https?:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (m === null) throw new MirrorMappingError(`not an HTTP(S) chart repository URL: "${url}"`);
  return { host: m[1]!, path: stripSlash(m[2] ?? "") };
}

/** Applies an explicit chart mapping target to a chart name. */
function chartAt(target: string, name: string, plainHttp: boolean): ChartLocation {
  if (target.startsWith("oci://")) return { chart: `${stripSlash(target)}/${name}`, plainHttp };
  return { chart: name, repo: stripSlash(target), plainHttp: false };
}

/** The `chartRepositories` entry that maps a chart (the longest OCI prefix wins), if any. */
export function chartMapping(source: ChartSource, chartRepositories: Readonly<Record<string, string>>): { readonly key: string; readonly target: string } | undefined {
  const explicit = Object.entries(chartRepositories).map(([k, v]) => ({ key: stripSlash(k), target: v }));
  if (source.kind === "http") return explicit.find((e) => e.key === stripSlash(source.repo));
  const url = stripSlash(source.url);
  return explicit.filter((e) => e.key.startsWith("oci://") && (url === e.key || url.startsWith(`${e.key}/`))).sort((a, b) => b.key.length - a.key.length)[0];
}

/** The registry a chart is pulled from under the default rule (no `chartRepositories` entry): its source host. */
export function chartSourceHost(source: ChartSource): string {
  return source.kind === "http" ? parseHttp(source.repo).host : parseOci(stripSlash(source.url)).host;
}

/**
 * Resolves where a chart is pulled from. Mirrored: an explicit
 * `chartRepositories` entry wins; otherwise the chart lives in the mirror
 * registry as an OCI artifact at the same place an image of that path would.
 */
export function resolveChart(source: ChartSource, settings: RegistrySettings): ChartLocation {
  if (settings.mode === "online") {
    return source.kind === "oci"
      ? { chart: source.url, plainHttp: false }
      : { chart: source.name, repo: source.repo, plainHttp: false };
  }
  const hit = chartMapping(source, settings.chartRepositories);
  if (source.kind === "http") {
    if (hit !== undefined) return chartAt(hit.target, source.name, settings.plainHttp);
    const { host, path } = parseHttp(source.repo);
    const loc = mirrorLocation(host, joinPath(path, source.name), settings);
    return { chart: `oci://${loc.registry}/${loc.repository}`, plainHttp: settings.plainHttp };
  }
  const url = stripSlash(source.url);
  if (hit !== undefined) {
    const remainder = url.slice(hit.key.length).replace(/^\//, "");
    const lastSlash = remainder.lastIndexOf("/");
    const target = lastSlash < 0 ? hit.target : `${stripSlash(hit.target)}/${remainder.slice(0, lastSlash)}`;
    return chartAt(target, lastSlash < 0 ? remainder : remainder.slice(lastSlash + 1), settings.plainHttp);
  }
  const { host, path } = parseOci(url);
  const loc = mirrorLocation(host, path, settings);
  return { chart: `oci://${loc.registry}/${loc.repository}`, plainHttp: settings.plainHttp };
}

// ------------------------------------------------------------- manifests

/** A raw manifest published as a release asset. */
export interface ManifestSource {
  /** Stable id, also the first path segment on a mirror: `agent-sandbox`. */
  readonly id: string;
  readonly version: string;
  readonly asset: string;
  readonly url: string;
}

export type ManifestLocation = { readonly kind: "url"; readonly url: string } | { readonly kind: "file"; readonly path: string };

/**
 * Online: the upstream URL. Mirrored: `<manifestBaseUrl>/<id>/<version>/<asset>`
 * or, without a file server, `<manifestDir>/<id>/<version>/<asset>`.
 */
export function resolveManifest(source: ManifestSource, settings: RegistrySettings): ManifestLocation {
  if (settings.mode === "online") return { kind: "url", url: source.url };
  const rel = `${source.id}/${source.version}/${source.asset}`;
  if (settings.manifestBaseUrl !== undefined) return { kind: "url", url: `${stripSlash(settings.manifestBaseUrl)}/${rel}` };
  if (settings.manifestDir !== undefined) return { kind: "file", path: `${stripSlash(settings.manifestDir)}/${rel}` };
  throw new MirrorMappingError(
    `manifest "${source.id}" has no mirror location: set registry.manifestBaseUrl or registry.manifestDir`,
  );
}

// ------------------------------------------------------------ validation

/** Validates a `perRegistry` target or a mirror host; returns a reason or undefined. */
export function checkLocation(location: string): string | undefined {
  const { host, path } = splitLocation(location);
  if (!isValidRegistryHost(host)) return `"${host}" is not a registry host`;
  if (path !== "" && !isValidRepository(path)) return `"${path}" is not a valid registry path`;
  return undefined;
}

