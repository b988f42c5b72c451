/**
 * The GPU Operator component switches the graph sets: `enabled` for every
 * ClusterPolicy component with the key, from the stack's `gpu` settings, the
 * ones the platform does not use switched off explicitly (so an upstream
 * default can never start a component whose image is not mirrored). The same
 * tree decides which GPU images the inventory lists (catalog/selection.ts).
 */
import type { Config } from "../config/schema";
import type { Values } from "../lib/tree";

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
