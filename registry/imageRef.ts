/**
 * Container image references: parse, validate and format them the way the
 * container runtimes do (the distribution "reference" grammar), with Docker
 * Hub normalisation (`nginx` → `docker.io/library/nginx`).
 *
 * Pure functions, no Pulumi: the catalog, the registry resolver, the
 * inventory and the tests all share them.
 */

/** A fully-qualified image reference. `tag` and `digest` may both be set. */
export interface ImageRef {
  /** Registry host, with port if any: `ghcr.io`, `harbor.example.internal:8443`. */
  readonly registry: string;
  /** Path inside the registry: `nvidia/openshell/gateway`, `library/nginx`. */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. Survives every rewrite. */
  readonly digest?: string;
}

export const DOCKER_HUB = "docker.io";

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/;

export class ImageRefError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid image reference "${input}": ${reason}`);
    this.name = "ImageRefError";
  }
}

/** True when the first path segment names a registry rather than a Docker Hub namespace. */
function looksLikeRegistry(segment: string): boolean {
  return segment.includes(".") || segment.includes(":") || segment === "localhost";
}

/** Validates a registry host (with optional port). */
export function isValidRegistryHost(host: string): boolean {
  return HOST.test(host);
}

/** Validates a repository path (`a/b/c`, lower-case components). */
export function isValidRepository(repository: string): boolean {
  return repository.length > 0 && repository.split("/").every((c) => COMPONENT.test(c));
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/**
 * Parses an image reference. Docker Hub references are normalised
 * (`nginx:1.27` → registry `docker.io`, repository `library/nginx`), and
 * `index.docker.io` is folded into `docker.io`.
 */
export function parseImageRef(input: string): ImageRef {
  if (input.length === 0) throw new ImageRefError(input, "empty");
  if (input.trim() !== input) throw new ImageRefError(input, "leading or trailing whitespace");
  if (input.includes("://")) throw new ImageRefError(input, "an image reference has no URL scheme");

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ImageRefError(input, `bad digest "${digest}"`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ImageRefError(input, `bad tag "${tag}"`);
  }

  const segments = rest.split("/");
  let registry: string;
  let path: string[];
  if (segments.length > 1 && looksLikeRegistry(segments[0]!)) {
    registry = segments[0]!;
    path = segments.slice(1);
    if (!HOST.test(registry)) throw new ImageRefError(input, `bad registry host "${registry}"`);
  } else {
    registry = DOCKER_HUB;
    path = segments;
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && path.length === 1) path = ["library", ...path];

  const repository = path.join("/");
  if (!isValidRepository(repository)) {
    throw new ImageRefError(input, `bad repository "${repository}" (lower-case letters, digits and . _ - separators)`);
  }
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Formats a reference in canonical, fully-qualified form. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ""}${
    ref.digest !== undefined ? `@${ref.digest}` : ""
  }`;
}

/** `registry/repository` without tag or digest (what Helm `repository` values want). */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * The tag part a `repository` + `tag` values pair should carry: the tag, or
 * `tag@digest` when the reference is digest-pinned (charts that render
 * `repository:tag` then pull by digest). A digest without a tag cannot be
 * expressed that way, so it is an error.
 */
export function tagForValues(ref: ImageRef): string {
  if (ref.tag === undefined) {
    throw new ImageRefError(formatImageRef(ref), "a values tag needs a tag (digest-only references cannot be split)");
  }
  return ref.digest !== undefined ? `${ref.tag}@${ref.digest}` : ref.tag;
}
