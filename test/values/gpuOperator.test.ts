import { describe, expect, it } from "vitest";
import { IMAGES } from "../../catalog/artifacts";
import { gpuOperatorValues, pullSecretKeys, timeSlicingConfig } from "../../values/gpuOperator";
import { provided } from "../harness/presence";
import { MIRROR, planFor } from "../harness/planFor";

const gpu = (extra: Record<string, unknown> = {}) => ({ tier: "staging", kubernetesVersion: "1.34", gpu: { enabled: true, ...extra } });

describe("gpuOperatorValues", () => {
  it("online: switches and every component image pinned explicitly", () => {
    const v = gpuOperatorValues(planFor(gpu()));
    expect([v["driver"], v["toolkit"], v["nfd"], v["mig"], v["migManager"], v["cdi"], v["sandboxWorkloads"], v["operator"], v["devicePlugin"]]).toEqual([
      { enabled: true, image: "driver", repository: "nvcr.io/nvidia", version: "595.91.07", manager: { image: "k8s-driver-manager", repository: "nvcr.io/nvidia/cloud-native", version: "v0.12.0" } },
      { enabled: true, image: "container-toolkit", repository: "nvcr.io/nvidia/k8s", version: "v1.20.0" },
      { enabled: true },
      { strategy: "single" },
      { enabled: false, image: "k8s-mig-manager", repository: "nvcr.io/nvidia/cloud-native", version: "v0.15.0" },
      { enabled: true },
      { enabled: false },
      { image: "gpu-operator", repository: "nvcr.io/nvidia", runtimeClass: "nvidia", version: "v26.7.0" },
      { enabled: true, image: "k8s-device-plugin", repository: "nvcr.io/nvidia", version: "v0.20.0" },
    ]);
    expect(v["node-feature-discovery"]).toEqual({ image: { repository: "registry.k8s.io/nfd/node-feature-discovery", tag: "v0.19.0" } });
  });

  it("mirrored: every image key on the mirror, pull secrets as names for the operator's keys and {name} for NFD", () => {
    const v = gpuOperatorValues(planFor({ ...gpu(), tier: "prod", registry: MIRROR }, provided("registryPassword")));
    const images: string[] = [];
    const secrets: [string, unknown][] = [];
    const walk = (o: unknown, path: string[]): void => {
      if (typeof o !== "object" || o === null || Array.isArray(o)) return;
      const rec = o as Record<string, unknown>;
      if (typeof rec["repository"] === "string") images.push(String(rec["repository"]));
      if ("imagePullSecrets" in rec) secrets.push([path.join("."), rec["imagePullSecrets"]]);
      for (const [k, x] of Object.entries(rec)) walk(x, [...path, k]);
    };
    walk(v, []);
    expect(images.length).toBe(IMAGES.filter((i) => i.id.startsWith("gpuOperator.")).length);
    expect(images.filter((r) => !r.startsWith("harbor.example.internal/mirror/"))).toEqual([]);
    expect(secrets).toEqual([
      ["ccManager", ["platform-registry-credentials"]],
      ["dcgm", ["platform-registry-credentials"]],
      ["dcgmExporter", ["platform-registry-credentials"]],
      ["devicePlugin", ["platform-registry-credentials"]],
      ["draDriver", ["platform-registry-credentials"]],
      ["driver", ["platform-registry-credentials"]],
      ["gdrcopy", ["platform-registry-credentials"]],
      ["gds", ["platform-registry-credentials"]],
      ["gfd", ["platform-registry-credentials"]],
      ["kataSandboxDevicePlugin", ["platform-registry-credentials"]],
      ["migManager", ["platform-registry-credentials"]],
      ["node-feature-discovery", [{ name: "platform-registry-credentials" }]],
      ["nodeStatusExporter", ["platform-registry-credentials"]],
      ["operator", ["platform-registry-credentials"]],
      ["sandboxDevicePlugin", ["platform-registry-credentials"]],
      ["toolkit", ["platform-registry-credentials"]],
      ["validator", ["platform-registry-credentials"]],
      ["vfioManager", ["platform-registry-credentials"]],
      ["vgpuDeviceManager", ["platform-registry-credentials"]],
    ]);
  });

  it("the driver keeps its bare version: the operator appends -<node OS>", () => {
    const v = gpuOperatorValues(planFor({ ...gpu(), tier: "prod", registry: MIRROR }, provided("registryPassword")));
    expect([(v["driver"] as Record<string, unknown>)["repository"], (v["driver"] as Record<string, unknown>)["version"]]).toEqual([
      "harbor.example.internal/mirror/nvcr.io/nvidia",
      "595.91.07",
    ]);
  });

  it("time-slicing points the device plugin at the ConfigMap profile; nodes with drivers and NFD skip them", () => {
    const v = gpuOperatorValues(planFor(gpu({ timeSlicingReplicas: 4, driver: false, nfd: false, migStrategy: "mixed", driverRepoConfigMap: "repo-mirror" })));
    expect((v["devicePlugin"] as Record<string, unknown>)["config"]).toEqual({ create: false, default: "any", name: "gpu-time-slicing" });
    expect([(v["driver"] as Record<string, unknown>)["enabled"], (v["driver"] as Record<string, unknown>)["repoConfig"], v["nfd"], v["mig"]]).toEqual([
      false,
      { configMapName: "repo-mirror" },
      { enabled: false },
      { strategy: "mixed" },
    ]);
    expect(timeSlicingConfig(4)).toBe("version: v1\nsharing:\n  timeSlicing:\n    resources:\n      - name: nvidia.com/gpu\n        replicas: 4\n");
  });

  it("nested component keys (driver.manager, *.driverManager) take no pull secret of their own", () => {
    expect(pullSecretKeys(IMAGES.flatMap((i) => i.bindings))).not.toContain("driver.manager");
    expect(pullSecretKeys(IMAGES.flatMap((i) => i.bindings))).toHaveLength(18);
  });
});
