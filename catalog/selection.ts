/**
 * Which catalog artifacts a stack pulls, from its component switches.
 * Shared by validation (a perRegistry mirror must map every source registry
 * in use) and by the plan.
 */
import type { Config } from "../config/schema";
import { CHARTS, IMAGES, MANIFESTS, type ChartEntry, type Condition, type ImageEntry, type ManifestEntry } from "./artifacts";

export type Switches = Pick<Config, "agentSandbox" | "database" | "gpu" | "storage">;

export function conditionHolds(condition: Condition, s: Switches): boolean {
  const gpu = s.gpu.enabled;
  switch (condition) {
    case "always":
      return true;
    case "agentSandbox.extensions":
      return s.agentSandbox.extensions;
    case "postgres":
      return s.database.engine === "postgres";
    case "gpu":
      return gpu;
    case "gpu.driver":
      return gpu && s.gpu.driver;
    case "gpu.toolkit":
      return gpu && s.gpu.toolkit;
    case "gpu.nfd":
      return gpu && s.gpu.nfd;
    case "gpu.mig":
      return gpu && s.gpu.mig;
    case "gpu.sandboxWorkloads":
      return gpu && s.gpu.sandboxWorkloads;
    case "gpu.disabledByDefault":
      return false;
    case "nfs":
      return s.storage.nfs.enabled;
    case "nfs.snapshots":
      return s.storage.nfs.enabled && s.storage.nfs.snapshots;
    case "cephfs":
      return s.storage.cephfs.mode === "standalone";
  }
}

export interface Selection {
  readonly charts: readonly ChartEntry[];
  readonly manifests: readonly ManifestEntry[];
  /** Images the stack pulls (run-time-only ones included). */
  readonly images: readonly ImageEntry[];
  /**
   * Images whose keys the installed charts' values set: the pulled ones plus
   * the disabled components of those charts (set too, so switching one on
   * later cannot fall back to a public registry).
   */
  readonly valueImages: readonly ImageEntry[];
}

/** The agent-sandbox release asset a stack applies (core, or core plus extensions). */
export function selectManifests(s: Pick<Config, "agentSandbox">): ManifestEntry[] {
  return [MANIFESTS[s.agentSandbox.extensions ? "agent-sandbox-with-extensions" : "agent-sandbox"]];
}

export function selectArtifacts(s: Switches): Selection {
  const charts = Object.values(CHARTS).filter((c) => {
    switch (c.id) {
      case "openshell":
        return true;
      case "gpuOperator":
        return s.gpu.enabled;
      case "cloudnativePg":
        return s.database.engine === "postgres";
      case "csiDriverNfs":
        return s.storage.nfs.enabled;
      case "cephCsiCephfs":
        return s.storage.cephfs.mode === "standalone";
    }
  });
  const manifests = selectManifests(s);
  const images = IMAGES.filter((i) => conditionHolds(i.when, s));
  const installed = new Set<string>(charts.map((c) => c.id));
  const valueImages = IMAGES.filter(
    (i) => images.includes(i) || i.bindings.some((b) => b.kind !== "manifest" && b.kind !== "resource" && installed.has(b.chart)),
  );
  return { charts, manifests, images, valueImages };
}
