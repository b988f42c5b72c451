/**
 * The mirror inventory of a stack: every image (run-time-only ones and one
 * GPU driver per node OS included), every chart and every raw manifest the
 * stack pulls, with its upstream reference, where this stack pulls it from,
 * and why. Derived from the plan, so it is what the graph deploys.
 */
import type { ImageBinding } from "../catalog/artifacts";
import type { Plan } from "../plan/types";

export interface InventoryImage {
  readonly source: string;
  /** Where the stack pulls it (the source itself when online). */
  readonly mirror: string;
  readonly runtimeOnly: boolean;
  /** Catalog ids and reasons (two components can pull one image). */
  readonly why: readonly string[];
  /** Where the graph sets it: `<chart>: <values key>`, a manifest container, a resource field. */
  readonly setBy: readonly string[];
}

export interface InventoryChart {
  readonly name: string;
  readonly version: string;
  /** `oci://…` reference or HTTP repository URL. */
  readonly source: string;
  readonly mirror: string;
  readonly why: string;
}

export interface InventoryFile {
  readonly name: string;
  readonly version: string;
  readonly source: string;
  /** URL on the mirror's file server, or a local path. */
  readonly mirror: string;
  readonly sha256?: string;
  readonly why: string;
}

export interface Inventory {
  readonly stack: string;
  readonly registryMode: "online" | "mirrored";
  readonly images: readonly InventoryImage[];
  readonly charts: readonly InventoryChart[];
  readonly files: readonly InventoryFile[];
}

function describeBinding(b: ImageBinding): string {
  switch (b.kind) {
    case "repository-tag":
      return `${b.chart}: ${b.repository}, ${b.tag}`;
    case "repository-image-version":
      return `${b.chart}: ${b.repository}, ${b.image}, ${b.version}`;
    case "reference":
      return `${b.chart}: ${b.path}`;
    case "manifest":
      return `${b.manifest} manifest: container ${b.container}`;
    case "resource":
      return `${b.resource}: ${b.path}`;
  }
}

export function buildInventory(plan: Plan): Inventory {
  const images = new Map<string, { mirror: string; runtimeOnly: boolean; why: Set<string>; setBy: Set<string> }>();
  for (const img of plan.images) {
    const manifests = new Set(plan.manifests.map((m) => m.id));
    const setBy = img.bindings.filter((b) => b.kind !== "manifest" || manifests.has(b.manifest)).map(describeBinding);
    for (const pull of img.pulls) {
      const entry = images.get(pull.source) ?? { mirror: pull.resolved, runtimeOnly: true, why: new Set<string>(), setBy: new Set<string>() };
      entry.runtimeOnly = entry.runtimeOnly && img.runtimeOnly;
      entry.why.add(`${img.id}: ${img.why}${pull.nodeOs !== undefined ? ` (nodes running ${pull.nodeOs})` : ""}`);
      for (const s of setBy) entry.setBy.add(s);
      images.set(pull.source, entry);
    }
  }
  return {
    stack: plan.stack,
    registryMode: plan.registry.mode,
    images: [...images.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([source, e]) => ({ source, mirror: e.mirror, runtimeOnly: e.runtimeOnly, why: [...e.why].sort(), setBy: [...e.setBy].sort() })),
    charts: plan.charts.map((c) => ({
      name: c.source.kind === "oci" ? c.source.url.split("/").pop()! : c.source.name,
      version: c.version,
      source: c.source.kind === "oci" ? c.source.url : c.source.repo,
      mirror: c.location.repo !== undefined ? `${c.location.repo} (chart ${c.location.chart})` : c.location.chart,
      why: `${c.id} chart, release namespace ${c.namespace}`,
    })),
    files: plan.manifests.map((m) => ({
      name: m.asset,
      version: m.version,
      source: m.sourceUrl,
      mirror: m.location.kind === "url" ? m.location.url : m.location.path,
      ...(m.sha256 !== undefined ? { sha256: m.sha256 } : {}),
      why: `${m.id} manifest`,
    })),
  };
}
