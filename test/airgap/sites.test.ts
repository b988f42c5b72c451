/**
 * Air-gapped and mixed-hardware sites: telemetry is an explicit setting, the
 * inventory holds the image of every GPU Operator component the chart values
 * enable, sandboxes get a runtime class only when the stack asks, and a
 * corporate upstream proxy is wired with its credentials in a Secret.
 */
import { describe, expect, it } from "vitest";
import { IMAGES } from "../../catalog/artifacts";
import { GPU_COMPONENTS, enabledGpuComponents, gpuComponentOf } from "../../catalog/gpuComponents";
import { resolveConfig } from "../../config/load";
import { NO_SECRETS } from "../../config/secrets";
import { buildInventory, type Inventory } from "../../inventory/inventory";
import { networkPolicies } from "../../security/networkPolicies";
import { relaxations } from "../../security/relaxations";
import { gpuOperatorValues } from "../../values/gpuOperator";
import { openshellValues } from "../../values/openshell";
import type { Values } from "../../lib/tree";
import { find, redactSecrets } from "../harness/mocks";
import { MIRROR, planFor } from "../harness/planFor";
import { provided } from "../harness/presence";
import { buildConfigMap, runExample, runProgram } from "../harness/program";
import { stagingValues } from "../harness/stackConfig";

const server = (v: Values) => v["server"] as Record<string, unknown>;
const dev = { tier: "dev", kubernetesVersion: "1.34" };

describe("telemetry", () => {
  it.each([
    ["dev, online", dev],
    ["staging, online", { tier: "staging", kubernetesVersion: "1.34" }],
    ["prod, mirrored", { tier: "prod", kubernetesVersion: "1.34", registry: MIRROR }],
  ])("%s: off, and passed to the chart explicitly", (_name, values) => {
    const secrets = "registry" in values ? provided("registryPassword") : NO_SECRETS;
    expect(server(openshellValues(planFor(values, secrets)))["telemetryEnabled"]).toBe(false);
  });

  it("a stack opts in; in a mirrored stack the opt-in is printed as a relaxation on every run", () => {
    expect(server(openshellValues(planFor({ ...dev, gateway: { telemetry: true } })))["telemetryEnabled"]).toBe(true);
    const mirrored = planFor({ tier: "prod", kubernetesVersion: "1.34", registry: MIRROR, gateway: { telemetry: true } }, provided("registryPassword"));
    expect(relaxations(mirrored)).toContain("the gateway and every sandbox send telemetry to NVIDIA (gateway.telemetry), from a mirrored stack");
  });

  it("charts before 0.0.103 cannot turn it off: false is refused, naming the first chart that honours it", () => {
    const values = { ...dev, catalog: { versions: { openshell: "0.0.102" } } };
    expect(() => resolveConfig({ stack: "t", values, secrets: NO_SECRETS })).toThrow(
      "gateway.telemetry: false is not honoured by OpenShell 0.0.102: the gateway sends telemetry and server.telemetryEnabled first appears in chart 0.0.103; set catalog.versions.openshell to 0.0.103 or newer, or set gateway.telemetry to true",
    );
    expect(resolveConfig({ stack: "t", values: { ...values, gateway: { telemetry: true } }, secrets: NO_SECRETS }).gateway.telemetry).toBe(true);
  });

  it("the prod example passes telemetry off to the chart it installs", async () => {
    const values = find(await runExample("prod"), "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as Values;
    expect(server(values)["telemetryEnabled"]).toBe(false);
  });
});

/** Images of the GPU Operator components the values enable that the inventory lacks. */
function missingGpuImages(values: Values, inventory: Inventory): string[] {
  const sources = new Set(inventory.images.map((i) => i.source.replace(/-(ubuntu|rhel|rocky)[0-9.]+$/, "")));
  return enabledGpuComponents(values).flatMap((component) =>
    IMAGES.filter((img) => gpuComponentOf(img) === component)
      .filter((img) => ![...sources].some((s) => s.startsWith(`${img.repository}:`)))
      .map((img) => `${component}: ${img.repository}`),
  );
}

describe("every GPU Operator component the values enable is in the inventory", () => {
  it("prod: walking the chart values the graph passes finds no component without its image", async () => {
    const ev = await runExample("prod");
    const values = find(ev, "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart").inputs["values"] as Values;
    const inventory = buildInventory(planFor({ tier: "prod", kubernetesVersion: "1.34", registry: MIRROR, gpu: { enabled: true, nodeOperatingSystems: ["ubuntu22.04", "ubuntu24.04"] } }, provided("registryPassword")));
    expect(enabledGpuComponents(values)).toEqual(["operator", "validator", "driver", "toolkit", "devicePlugin", "dcgmExporter", "gfd", "nfd"]);
    expect(missingGpuImages(values, inventory)).toEqual([]);
  });

  it("negative control: a component switched on in the values without its image in the inventory is caught", async () => {
    const values = find(await runExample("prod"), "kubernetes:helm.sh/v4:Chart", "gpu-operator-chart").inputs["values"] as Values;
    const inventory = buildInventory(planFor({ tier: "dev", kubernetesVersion: "1.34", gpu: { enabled: true } }));
    const enabled = { ...values, gds: { ...(values["gds"] as Values), enabled: true }, ccManager: { ...(values["ccManager"] as Values), enabled: true } };
    expect(missingGpuImages(enabled, inventory)).toEqual(["gds: nvcr.io/nvidia/cloud-native/nvidia-fs"]);
    // Sandbox workloads on in the values alone start cc-manager (now on) and nothing else: the VM operands stay off explicitly.
    const sandbox = { ...enabled, sandboxWorkloads: { enabled: true } };
    expect(missingGpuImages(sandbox, inventory).sort()).toEqual(["ccManager: nvcr.io/nvidia/cloud-native/k8s-cc-manager", "gds: nvcr.io/nvidia/cloud-native/nvidia-fs"]);
  });

  it("sandbox workloads on: the VM operands are enabled and in the inventory", () => {
    const plan = planFor({ ...dev, gpu: { enabled: true, sandboxWorkloads: true } });
    const values = gpuOperatorValues(plan);
    expect(enabledGpuComponents(values)).toEqual(expect.arrayContaining(["vgpuDeviceManager", "vfioManager", "sandboxDevicePlugin", "kataSandboxDevicePlugin"]));
    expect(missingGpuImages(values, buildInventory(plan))).toEqual([]);
  });

  it("what the platform does not use is switched off explicitly, whatever the upstream default", () => {
    const values = gpuOperatorValues(planFor({ ...dev, gpu: { enabled: true } }));
    const explicit = GPU_COMPONENTS.filter((c) => c.upstreamEnabled !== "always").map((c) => [c.key, (values[c.key] as Values | undefined)?.["enabled"]]);
    expect(Object.fromEntries(explicit)).toEqual({
      driver: true,
      toolkit: true,
      devicePlugin: true,
      dcgm: false,
      dcgmExporter: true,
      gfd: true,
      migManager: false,
      nodeStatusExporter: false,
      gds: false,
      gdrcopy: false,
      vgpuManager: false,
      vgpuDeviceManager: false,
      vfioManager: false,
      sandboxDevicePlugin: false,
      kataSandboxDevicePlugin: false,
      ccManager: false,
      nfd: true,
    });
    expect(values["gpuCluster"]).toEqual({ deployCR: false });
  });
});

describe("runtime classes where they belong", () => {
  it("GPUs on: no default runtime class for sandboxes (GPUs come through nvidia.com/gpu and CDI)", () => {
    const v = openshellValues(planFor({ ...dev, gpu: { enabled: true } }));
    expect(server(v)["defaultRuntimeClassName"]).toBeUndefined();
    expect((gpuOperatorValues(planFor({ ...dev, gpu: { enabled: true } }))["cdi"] as Values)["enabled"]).toBe(true);
  });

  it("gateway.sandboxRuntimeClass: the default for every sandbox, with the init-container supervisor even where image volumes exist", () => {
    const v = openshellValues(planFor({ tier: "dev", kubernetesVersion: "1.35", gateway: { sandboxRuntimeClass: "kata-qemu" } }));
    expect(server(v)["defaultRuntimeClassName"]).toBe("kata-qemu");
    expect((v["supervisor"] as Values)["sideloadMethod"]).toBe("init-container");
    expect((openshellValues(planFor({ tier: "dev", kubernetesVersion: "1.35" }))["supervisor"] as Values)["sideloadMethod"]).toBe("image-volume");
  });
});

const PROXY = { url: "http://proxy.corp.example:3128", noProxy: [".corp.example", "10.0.0.0/8"], cidrs: ["10.9.0.5/32"] };

describe("corporate upstream proxy", () => {
  it("values: url, no-proxy list, and the credentials only as a Secret reference", () => {
    const plan = planFor({ ...dev, gateway: { supervisorTopology: "sidecar", upstreamProxy: { ...PROXY, allowCleartextCredentials: true } } }, provided("upstreamProxyCredentials"));
    const v = openshellValues(plan);
    expect(v["upstreamProxy"]).toEqual({
      url: "http://proxy.corp.example:3128",
      noProxy: ".corp.example,10.0.0.0/8",
      connectByHostname: false,
      authSecret: { name: "openshell-upstream-proxy-auth", key: "credentials" },
      authAllowInsecure: true,
    });
    expect((v["supervisor"] as Values)["topology"]).toBe("sidecar");
    expect(openshellValues(planFor({ ...dev, gateway: { upstreamProxy: PROXY } }))["upstreamProxy"]).toEqual({
      url: "http://proxy.corp.example:3128",
      noProxy: ".corp.example,10.0.0.0/8",
      connectByHostname: false,
    });
  });

  it("sandboxes may reach the proxy's addresses on its port, and nothing else is opened", () => {
    const egress = (values: Record<string, unknown>) =>
      networkPolicies(planFor(values)).find((p) => p.metadata.name === "sandbox-egress")!.spec.egress as unknown[];
    const withProxy = egress({ ...dev, gateway: { upstreamProxy: PROXY } });
    const without = egress(dev);
    expect(withProxy).toEqual([without[0], { to: [{ ipBlock: { cidr: "10.9.0.5/32" } }], ports: [{ protocol: "TCP", port: 3128 }] }, ...without.slice(1)]);
  });

  it("the Secret holds the credentials in the sandbox namespace; they never appear in chart values", async () => {
    const ev = await runProgram(
      "staging",
      buildConfigMap(stagingValues({ gateway: { oidc: { issuer: "https://login.example.internal" }, supervisorTopology: "sidecar", upstreamProxy: { ...PROXY, allowCleartextCredentials: true } } }), {
        upstreamProxyCredentials: "proxyuser:fixture-proxy-pw-77",
      }),
    );
    const secret = find(ev, "kubernetes:core/v1:Secret", "gateway-upstream-proxy");
    expect(secret.inputs["metadata"]).toEqual({
      name: "openshell-upstream-proxy-auth",
      namespace: "openshell-sandboxes",
      labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" },
    });
    expect(secret.inputs["stringData"]).toEqual({ credentials: "proxyuser:fixture-proxy-pw-77" });
    const chart = find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart");
    expect(JSON.stringify(redactSecrets(chart.rawInputs))).not.toContain("fixture-proxy-pw-77");
    expect(JSON.stringify(chart.inputs)).not.toContain("fixture-proxy-pw-77");
    expect(chart.dependsOn).toContain(secret.urn);
  });

  it.each([
    [{ upstreamProxy: PROXY }, { catalog: { versions: { openshell: "0.0.106" } } }, [], "gateway.upstreamProxy.url: OpenShell 0.0.106 has no upstream proxy: upstreamProxy.* first appears in chart 0.0.107; set catalog.versions.openshell to 0.0.107 or newer"],
    [{ upstreamProxy: { ...PROXY, allowCleartextCredentials: true } }, {}, ["upstreamProxyCredentials"], 'gateway.supervisorTopology: must be "sidecar" with upstreamProxyCredentials: OpenShell refuses proxy credential Secrets in the combined topology (the gateway does not start)'],
    [{ supervisorTopology: "sidecar", upstreamProxy: PROXY }, {}, ["upstreamProxyCredentials"], "gateway.upstreamProxy.allowCleartextCredentials: required with upstreamProxyCredentials: they reach the http:// proxy in cleartext Basic auth; set it to true to accept that"],
    [{ upstreamProxy: { url: PROXY.url } }, {}, [], "gateway.upstreamProxy.cidrs: required with gateway.upstreamProxy.url: the proxy's addresses, which sandboxes must be allowed to reach (a NetworkPolicy needs addresses, not a host name)"],
    [{ upstreamProxy: { url: "https://user:pw@proxy:3128", cidrs: ["10.0.0.1/32"] } }, {}, [], 'gateway.upstreamProxy.url: must be http://host:port (no https, no user:password@, a port), got "https://user:pw@proxy:3128"'],
    [{ upstreamProxy: { noProxy: [".corp"] } }, {}, ["upstreamProxyCredentials"], "gateway.upstreamProxy.noProxy: only used with gateway.upstreamProxy.url, which is not set"],
  ] as const)("refused: %j", (gateway, extra, secrets, line) => {
    expect(() => resolveConfig({ stack: "t", values: { ...dev, gateway, ...extra }, secrets: provided(...secrets) })).toThrow(`  - ${line}`);
  });
});
