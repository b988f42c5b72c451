/** The air-gap audit: every string in every registered input that points at a public host. */
import type { Evaluation } from "../harness/mocks";

export const PUBLIC_HOSTS = [
  "ghcr.io",
  "nvcr.io",
  "registry.k8s.io",
  "docker.io",
  "index.docker.io",
  "quay.io",
  "gcr.io",
  "github.com",
  "raw.githubusercontent.com",
  "objects.githubusercontent.com",
  "helm.ngc.nvidia.com",
  "registry-1.docker.io",
];

/** The host a string starts at: `host/…` image references, `oci://host/…`, `https://host/…`. */
export function leadingHost(v: string): string | undefined {
  const m = /^(?:(?:oci|https?):\/\/)?([a-z0-9.-]+\.[a-z]{2,}|localhost)(?::\d+)?(?:\/|$)/i.exec(v.trim());
  return m?.[1]?.toLowerCase();
}

export const isPublic = (host: string): boolean => PUBLIC_HOSTS.includes(host) || host.endsWith(".github.io") || host.endsWith(".pkg.dev");

export function publicStrings(value: unknown, path = ""): string[] {
  if (typeof value === "string") {
    const host = leadingHost(value);
    return host !== undefined && isPublic(host) ? [`${path} = ${value}`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => publicStrings(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => publicStrings(v, path === "" ? k : `${path}.${k}`));
  return [];
}

/** Audit of a whole evaluation: resource inputs (chart values and manifest objects included) and stack outputs. */
export function audit(ev: Evaluation): string[] {
  return [
    ...ev.resources.flatMap((r) => publicStrings(r.inputs, `${r.type} ${r.name}`)),
    ...publicStrings(ev.outputs, "outputs"),
    ...(ev.fetched ?? []).flatMap((u) => publicStrings(u, "fetched")),
  ];
}
