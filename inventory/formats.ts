/** Inventory renderings: a plain list, a Hauler manifest, a skopeo sync file, JSON. */
import { stringify } from "yaml";
import { parseImageRef } from "../registry/imageRef";
import type { Inventory } from "./inventory";

export type Format = "list" | "hauler" | "skopeo" | "json";
export const FORMATS: readonly Format[] = ["list", "hauler", "skopeo", "json"];

export function toList(inv: Inventory): string {
  const lines = [`# ${inv.stack}: ${inv.images.length} images, ${inv.charts.length} charts, ${inv.files.length} files (${inv.registryMode})`];
  for (const i of inv.images) lines.push(`image\t${i.source}\t${i.mirror}\t${i.runtimeOnly ? "run-time" : "rendered"}\t${i.why.join("; ")}`);
  for (const c of inv.charts) lines.push(`chart\t${c.source} ${c.name} ${c.version}\t${c.mirror}\t${c.why}`);
  for (const f of inv.files) lines.push(`file\t${f.source}\t${f.mirror}\t${f.sha256 ?? "(no sha256)"}\t${f.why}`);
  return `${lines.join("\n")}\n`;
}

/** Hauler v1 content manifest (Images, Charts, Files) of the upstream references. */
export function toHauler(inv: Inventory): string {
  const meta = (kind: string) => ({ name: `agent-platform-${inv.stack}-${kind}` });
  const docs = [
    { apiVersion: "content.hauler.cattle.io/v1", kind: "Images", metadata: meta("images"), spec: { images: inv.images.map((i) => ({ name: i.source })) } },
    {
      apiVersion: "content.hauler.cattle.io/v1",
      kind: "Charts",
      metadata: meta("charts"),
      spec: {
        charts: inv.charts.map((c) =>
          c.source.startsWith("oci://")
            ? { name: c.name, repoURL: c.source.slice(0, c.source.lastIndexOf("/")), version: c.version }
            : { name: c.name, repoURL: c.source, version: c.version },
        ),
      },
    },
    { apiVersion: "content.hauler.cattle.io/v1", kind: "Files", metadata: meta("files"), spec: { files: inv.files.map((f) => ({ path: f.source, name: f.name })) } },
  ];
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
}

/**
 * skopeo sync YAML (`skopeo sync --src yaml --dest docker --scoped <file>
 * <mirror-host>/<prefix>` reproduces the prefix layout). Charts and files
 * are not images: they are listed in the header for helm/hauler/curl.
 */
export function toSkopeo(inv: Inventory): string {
  const byRegistry: Record<string, { images: Record<string, string[]> }> = {};
  for (const i of inv.images) {
    const ref = parseImageRef(i.source);
    const reg = (byRegistry[ref.registry] ??= { images: {} });
    const tags = (reg.images[ref.repository] ??= []);
    const pin = ref.digest ?? ref.tag!;
    if (!tags.includes(pin)) tags.push(pin);
  }
  const header = [
    `# skopeo sync source for stack ${inv.stack}; not images (fetch with helm or hauler, curl):`,
    ...inv.charts.map((c) => `#   chart ${c.source} ${c.name} ${c.version}`),
    ...inv.files.map((f) => `#   file ${f.source}${f.sha256 !== undefined ? ` sha256 ${f.sha256}` : ""}`),
  ];
  return `${header.join("\n")}\n${stringify(byRegistry, { lineWidth: 0, sortMapEntries: true })}`;
}

export function toJson(inv: Inventory): string {
  return `${JSON.stringify(inv, null, 2)}\n`;
}

export function render(inv: Inventory, format: Format): string {
  switch (format) {
    case "list":
      return toList(inv);
    case "hauler":
      return toHauler(inv);
    case "skopeo":
      return toSkopeo(inv);
    case "json":
      return toJson(inv);
  }
}
