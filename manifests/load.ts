/**
 * Obtaining a raw manifest before any resource exists: from a URL (upstream
 * or the mirror's file server) or a local file, verified against its sha256
 * when one is expected. Reading is injectable so tests need no network.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ManifestLocation } from "../registry/resolver";

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

/** Returns the bytes at a location (the digest is over bytes, as `sha256sum` computes it). */
export interface ManifestReader {
  readUrl(url: string): Promise<Uint8Array>;
  readFile(path: string): Promise<Uint8Array>;
}

/** Reads over HTTP(S) with the runtime's fetch, and files from disk. */
export const DEFAULT_READER: ManifestReader = {
  async readUrl(url) {
    const res = await fetch(url, { redirect: "follow" });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  readFile: (path) => readFile(path),
};

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export interface LoadRequest {
  /** Manifest id, for messages. */
  readonly id: string;
  readonly location: ManifestLocation;
  /** Expected sha256 (hex); verified when set (the configuration rules decide where it must be). */
  readonly sha256?: string;
  /** Config path that holds the digest, for messages. */
  readonly digestKey: string;
}

function where(loc: ManifestLocation): string {
  return loc.kind === "url" ? loc.url : loc.path;
}

/** Loads and verifies a manifest; every failure names the manifest, the location and the fix. */
export async function loadManifest(req: LoadRequest, reader: ManifestReader = DEFAULT_READER): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = req.location.kind === "url" ? await reader.readUrl(req.location.url) : await reader.readFile(req.location.path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ManifestError(`manifest "${req.id}" could not be read from ${where(req.location)}: ${reason}`);
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.trim().length === 0) {
    throw new ManifestError(`manifest "${req.id}" from ${where(req.location)} is empty`);
  }
  if (req.sha256 !== undefined) {
    const actual = sha256Hex(bytes);
    if (actual !== req.sha256) {
      throw new ManifestError(
        `manifest "${req.id}" from ${where(req.location)} has sha256 ${actual}, expected ${req.sha256} (${req.digestKey}); ` +
          `the file differs from the one that was verified: re-mirror it, or update the digest after checking it`,
      );
    }
  }
  return text;
}
