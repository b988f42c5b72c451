/**
 * What a stack's settings select from the catalog: the artifacts it pulls
 * (from its component switches), the GPU Operator component switches, and
 * the SandboxTemplates and warm pools it renders. Shared by validation (a
 * perRegistry mirror must map every source registry in use) and by the plan;
 * here rather than in catalog/ so the catalog stays facts that know no stack.
 */
import { CHARTS, IMAGES, MANIFESTS, type ChartEntry, type Condition, type ImageEntry, type ManifestEntry } from "../catalog/artifacts";
import { enabledGpuComponents, gpuComponentOf } from "../catalog/gpuComponents";
import type { Values } from "../lib/tree";
import type { Config } from "./schema";

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

/**
 * The GPU Operator component switches the graph sets: `enabled` for every
 * ClusterPolicy component with the key, from the stack's `gpu` settings, the
 * ones the platform does not use switched off explicitly (so an upstream
 * default can never start a component whose image is not mirrored). The same
 * tree decides which GPU images the inventory lists (selectArtifacts above).
 */
export function gpuComponentValues(g: Config["gpu"]): Values {
  const sandbox = g.sandboxWorkloads;
  return {
    driver: { enabled: g.driver },
    toolkit: { enabled: g.toolkit },
    devicePlugin: { enabled: true },
    gfd: { enabled: true },
    dcgmExporter: { enabled: true },
    migManager: { enabled: g.mig },
    nfd: { enabled: g.nfd },
    sandboxWorkloads: { enabled: sandbox },
    // VM passthrough and vGPU operands: only with sandbox workloads.
    vfioManager: { enabled: sandbox },
    vgpuDeviceManager: { enabled: sandbox },
    sandboxDevicePlugin: { enabled: sandbox },
    kataSandboxDevicePlugin: { enabled: sandbox },
    // Not used by the platform: off even where upstream turns them on (ccManager is on upstream).
    ccManager: { enabled: false },
    vgpuManager: { enabled: false },
    dcgm: { enabled: false },
    nodeStatusExporter: { enabled: false },
    gds: { enabled: false },
    gdrcopy: { enabled: false },
    kataManager: { enabled: false },
    gpuCluster: { deployCR: false },
  };
}

// ------------------------------------------------ effective agent-sandbox objects


type TemplateSettings = Config["agentSandbox"]["templates"][string];
type PoolSettings = Config["agentSandbox"]["warmPools"][string];

/** The template the OpenHands SDK path adds when the stack defines no template of that name. */
export const OPENHANDS_TEMPLATE_NAME = "openhands-agent-server";

/**
 * The SandboxTemplates and SandboxWarmPools a stack renders: its own, plus,
 * with openhands.agentSandbox on, the openhands-agent-server template and
 * the SDK's warm pool when the stack does not define them.
 */
export function effectiveAgentSandbox(c: Pick<Config, "agentSandbox" | "openhands">): {
  templates: Readonly<Record<string, TemplateSettings>>;
  warmPools: Readonly<Record<string, PoolSettings>>;
} {
  const templates: Record<string, TemplateSettings> = { ...c.agentSandbox.templates };
  const warmPools: Record<string, PoolSettings> = { ...c.agentSandbox.warmPools };
  const oh = c.openhands.agentSandbox;
  if (oh.enabled && warmPools[oh.warmPool] === undefined) {
    if (templates[OPENHANDS_TEMPLATE_NAME] === undefined) templates[OPENHANDS_TEMPLATE_NAME] = { preset: "openhands-agent-server" };
    warmPools[oh.warmPool] = { template: OPENHANDS_TEMPLATE_NAME, replicas: oh.replicas };
  }
  return { templates, warmPools };
}

/** Whether a rendered template runs the catalog's OpenHands agent-server image (a preset without its own image). */
export function usesCatalogAgentServer(c: Pick<Config, "agentSandbox" | "openhands">): boolean {
  return Object.values(effectiveAgentSandbox(c).templates).some((t) => t.preset === "openhands-agent-server" && t.image === undefined);
}
