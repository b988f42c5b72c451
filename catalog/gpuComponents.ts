/**
 * The GPU Operator's ClusterPolicy components at the pinned chart (v26.7.0):
 * whether each is on by upstream default, and what else gates it. The graph
 * sets `enabled` explicitly for every one (values/gpuOperator.ts), and which
 * images a stack may pull is read back from those same values through this
 * table, so the inventory cannot drift from what the operator deploys.
 *
 * From gpu-operator v26.7.0: deployments/gpu-operator/values.yaml (defaults),
 * controllers/state_manager.go isStateEnabled (sandbox gating: vGPU, VFIO,
 * sandbox and Kata device plugins, cc-manager only with sandbox workloads;
 * cc-manager and the Kata plugin in kata mode, the KubeVirt plugin in
 * kubevirt mode; mig-manager only on MIG-capable GPUs; the DRA driver only
 * with gpuCluster.deployCR).
 */
import type { ImageEntry } from "./artifacts";

export interface GpuComponent {
  /** The values key (`driver`, `ccManager`, …); `nfd` is the node-feature-discovery subchart. */
  readonly key: string;
  /** `enabled` when the values do not say; "always" for components without the key. */
  readonly upstreamEnabled: boolean | "always";
  /** Deployed only with `sandboxWorkloads.enabled` (VM passthrough and vGPU). */
  readonly sandboxOnly: boolean;
  /** A values switch that must also be true, with its upstream default. */
  readonly alsoNeeds?: { readonly path: string; readonly upstream: boolean };
  /** Where the pods run, when not on every GPU node. */
  readonly nodes?: string;
}

export const GPU_COMPONENTS: readonly GpuComponent[] = [
  { key: "operator", upstreamEnabled: "always", sandboxOnly: false },
  { key: "validator", upstreamEnabled: "always", sandboxOnly: false },
  { key: "driver", upstreamEnabled: true, sandboxOnly: false },
  { key: "toolkit", upstreamEnabled: true, sandboxOnly: false },
  { key: "devicePlugin", upstreamEnabled: true, sandboxOnly: false },
  { key: "dcgm", upstreamEnabled: false, sandboxOnly: false },
  { key: "dcgmExporter", upstreamEnabled: true, sandboxOnly: false },
  { key: "gfd", upstreamEnabled: true, sandboxOnly: false },
  { key: "migManager", upstreamEnabled: true, sandboxOnly: false, nodes: "MIG-capable GPUs" },
  { key: "nodeStatusExporter", upstreamEnabled: false, sandboxOnly: false },
  { key: "gds", upstreamEnabled: false, sandboxOnly: false, nodes: "a sidecar of the driver pods" },
  { key: "gdrcopy", upstreamEnabled: false, sandboxOnly: false, nodes: "a sidecar of the driver pods" },
  { key: "vgpuManager", upstreamEnabled: false, sandboxOnly: true, nodes: "vm-vgpu nodes" },
  { key: "vgpuDeviceManager", upstreamEnabled: true, sandboxOnly: true, nodes: "vm-vgpu nodes" },
  { key: "vfioManager", upstreamEnabled: true, sandboxOnly: true, nodes: "vm-passthrough nodes" },
  { key: "sandboxDevicePlugin", upstreamEnabled: true, sandboxOnly: true, nodes: "VM nodes in kubevirt mode" },
  { key: "kataSandboxDevicePlugin", upstreamEnabled: true, sandboxOnly: true, nodes: "VM nodes in kata mode" },
  { key: "ccManager", upstreamEnabled: true, sandboxOnly: true, nodes: "confidential-computing-capable GPUs in kata mode" },
  { key: "draDriver", upstreamEnabled: "always", sandboxOnly: false, alsoNeeds: { path: "gpuCluster.deployCR", upstream: false } },
  { key: "nfd", upstreamEnabled: true, sandboxOnly: false },
];

/** The component an image belongs to: its values key's first segment (the NFD subchart is `nfd`). */
export function gpuComponentOf(image: ImageEntry): string | undefined {
  for (const b of image.bindings) {
    if (b.kind === "repository-image-version" && b.chart === "gpuOperator") return b.repository.split(".")[0];
    if (b.kind === "repository-tag" && b.chart === "gpuOperator" && b.repository.startsWith("node-feature-discovery.")) return "nfd";
  }
  return undefined;
}

type Tree = { readonly [key: string]: unknown };

function at(values: Tree, path: string): unknown {
  let cur: unknown = values;
  for (const p of path.split(".")) cur = typeof cur === "object" && cur !== null ? (cur as Tree)[p] : undefined;
  return cur;
}

const flag = (values: Tree, path: string, upstream: boolean): boolean => {
  const v = at(values, path);
  return typeof v === "boolean" ? v : upstream;
};

/** The components a set of chart values enables: explicitly, or by the upstream default at the pin. */
export function enabledGpuComponents(values: Tree): string[] {
  const sandbox = flag(values, "sandboxWorkloads.enabled", false);
  return GPU_COMPONENTS.filter((c) => {
    const on = c.upstreamEnabled === "always" ? true : flag(values, `${c.key}.enabled`, c.upstreamEnabled);
    const gate = c.alsoNeeds === undefined || flag(values, c.alsoNeeds.path, c.alsoNeeds.upstream);
    return on && gate && (!c.sandboxOnly || sandbox);
  }).map((c) => c.key);
}
