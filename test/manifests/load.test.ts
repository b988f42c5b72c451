import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManifestError, loadManifest, sha256Hex, type ManifestReader } from "../../manifests/load";

const URL_ = "https://files.example.internal/m/agent-sandbox/v0.5.6/sandbox.yaml";
const BODY = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: agent-sandbox-system\n";
const enc = (s: string) => new TextEncoder().encode(s);

const reader = (body: string | Error): ManifestReader => ({
  readUrl: async () => {
    if (body instanceof Error) throw body;
    return enc(body);
  },
  readFile: async () => {
    throw new Error("not used");
  },
});

const req = (extra: Partial<Parameters<typeof loadManifest>[0]> = {}) => ({
  id: "agent-sandbox",
  location: { kind: "url" as const, url: URL_ },
  digestKey: 'catalog.manifestSha256["agent-sandbox"]',
  ...extra,
});

describe("loadManifest", () => {
  it("returns the text, verified when a digest is expected", async () => {
    expect(await loadManifest(req(), reader(BODY))).toBe(BODY);
    expect(await loadManifest(req({ sha256: sha256Hex(BODY) }), reader(BODY))).toBe(BODY);
  });

  it("the digest is over the bytes, as sha256sum computes it", () => {
    expect(sha256Hex(enc("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("names the location and the reason when the source is unreachable", async () => {
    await expect(loadManifest(req(), reader(new Error("HTTP 404 Not Found")))).rejects.toThrow(
      new ManifestError(`manifest "agent-sandbox" could not be read from ${URL_}: HTTP 404 Not Found`),
    );
  });

  it("refuses an empty file", async () => {
    await expect(loadManifest(req(), reader("  \n"))).rejects.toThrow(`manifest "agent-sandbox" from ${URL_} is empty`);
  });

  it("refuses a file whose digest differs, naming both digests and the setting", async () => {
    const expected = "0".repeat(64);
    await expect(loadManifest(req({ sha256: expected }), reader(BODY))).rejects.toThrow(
      `manifest "agent-sandbox" from ${URL_} has sha256 ${sha256Hex(BODY)}, expected ${expected} (catalog.manifestSha256["agent-sandbox"]); ` +
        "the file differs from the one that was verified: re-mirror it, or update the digest after checking it",
    );
  });

  it("reads a local file with the default reader (sites without a file server)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "manifests-"));
    const path = join(dir, "sandbox.yaml");
    writeFileSync(path, BODY);
    expect(await loadManifest(req({ location: { kind: "file", path }, sha256: sha256Hex(BODY) }))).toBe(BODY);
    await expect(loadManifest(req({ location: { kind: "file", path: join(dir, "missing.yaml") } }))).rejects.toThrow(
      `manifest "agent-sandbox" could not be read from ${join(dir, "missing.yaml")}: ENOENT`,
    );
  });
});
