/**
 * Which catalog artifacts a stack pulls, from its component switches.
 * Shared by validation (a perRegistry mirror must map every source registry
 * in use) and by the plan.
 */
// Type only (a justified climb): these rules read the typed stack settings, while config/schema.ts validates against this catalog's data.
import type { Config } from "../config/schema";
import { CHARTS, IMAGES, MANIFESTS, type ChartEntry, type Condition, type ImageEntry, type ManifestEntry } from "./artifacts";
import { usesCatalogAgentServer } from "./frameworks";
import { enabledGpuComponents, gpuComponentOf, gpuComponentValues } from "./gpuComponents";

export type Switches = Pick<Config, "agentSandbox" | "database" | "gpu" | "storage" | "openhands">;

export function conditionHolds(condition: Condition, s: Switches): boolean {
  switch (condition) {
    case "always":
      return true;
    case "agentSandbox.extensions":
      return s.agentSandbox.extensions;
    case "postgres":
      return s.database.engine === "postgres";
    case "gpu":
      return s.gpu.enabled;
    case "nfs":
      return s.storage.nfs.enabled;
    case "nfs.snapshots":
      return s.storage.nfs.enabled && s.storage.nfs.snapshots;
    case "cephfs":
      return s.storage.cephfs.mode === "standalone";
    case "openhands.agentServer":
      return s.agentSandbox.extensions && usesCatalogAgentServer(s);
    case "openhands.kubernetesRuntime":
      return s.openhands.kubernetesRuntime.enabled;
  }
}

/** Whether an image is pulled: its condition holds, and for a GPU Operator component, the chart values enable it. */
function pulled(image: ImageEntry, s: Switches, gpuOn: readonly string[]): boolean {
  if (!conditionHolds(image.when, s)) return false;
  const component = gpuComponentOf(image);
  return component === undefined || gpuOn.includes(component);
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
  const gpuOn = s.gpu.enabled ? enabledGpuComponents(gpuComponentValues(s.gpu)) : [];
  const images = IMAGES.filter((i) => pulled(i, s, gpuOn));
  const installed = new Set<string>(charts.map((c) => c.id));
  const valueImages = IMAGES.filter(
    (i) => images.includes(i) || i.bindings.some((b) => b.kind !== "manifest" && b.kind !== "resource" && installed.has(b.chart)),
  );
  return { charts, manifests, images, valueImages };
}
