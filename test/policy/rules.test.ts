/** Each rule fails on a bad resource and passes a good one; then all rules run over every example stack's graph. */
import { describe, expect, it } from "vitest";
import {
  configMapViolations,
  defaultDenyViolations,
  imagesOf,
  latestTagViolations,
  mirrorViolations,
  packConfig,
  plainHttpChartViolations,
  podSecurityViolations,
  resourceViolations,
  type PackConfig,
  type Res,
} from "../../policy/rules";
import { runExample } from "../harness/program";

const PROD: PackConfig = { tier: "prod", mirrorHost: "harbor.example.internal" };
const deployment = (...images: string[]): Res => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "web",
  props: { spec: { template: { spec: { initContainers: [{ name: "i", image: images[0] }], containers: images.slice(1).map((image, n) => ({ name: `c${n}`, image })) } } } },
});

describe("mirror-only", () => {
  it("flags images, charts and manifest URLs outside the mirror", () => {
    expect(mirrorViolations(deployment("harbor.example.internal/mirror/ghcr.io/a:1", "ghcr.io/nvidia/openshell/gateway:0.0.111"), PROD)).toEqual([
      "image ghcr.io/nvidia/openshell/gateway:0.0.111 is not pulled from the mirror harbor.example.internal",
    ]);
    expect(mirrorViolations({ type: "kubernetes:helm.sh/v4:Chart", name: "c", props: { chart: "gpu-operator", repositoryOpts: { repo: "https://helm.ngc.nvidia.com/nvidia" } } }, PROD)).toEqual([
      "chart gpu-operator comes from helm.ngc.nvidia.com, not the mirror harbor.example.internal",
    ]);
    expect(mirrorViolations({ type: "kubernetes:yaml/v2:ConfigGroup", name: "g", props: { files: ["https://github.com/x/releases/download/v1/a.yaml"] } }, PROD)).toEqual([
      "manifest https://github.com/x/releases/download/v1/a.yaml is not on the mirror",
    ]);
    expect(
      mirrorViolations({ type: "kubernetes:postgresql.cnpg.io/v1:Cluster", name: "db", props: { spec: { imageName: "ghcr.io/cloudnative-pg/postgresql:18.4" } } }, PROD),
    ).toEqual(["image ghcr.io/cloudnative-pg/postgresql:18.4 is not pulled from the mirror harbor.example.internal"]);
  });

  it("passes mirrored references, and does nothing for online stacks", () => {
    expect(mirrorViolations(deployment("harbor.example.internal/mirror/ghcr.io/a:1", "harbor.example.internal/m/b:2"), PROD)).toEqual([]);
    expect(mirrorViolations({ type: "kubernetes:helm.sh/v4:Chart", name: "c", props: { chart: "oci://harbor.example.internal/mirror/ghcr.io/x/chart" } }, PROD)).toEqual([]);
    expect(mirrorViolations(deployment("ghcr.io/a:1", "ghcr.io/b:2"), { tier: "dev" })).toEqual([]);
  });

  it("reads every place a pod names an image, image volumes included", () => {
    const pod: Res = {
      type: "kubernetes:core/v1:Pod",
      name: "p",
      props: { spec: { containers: [{ name: "a", image: "a:1" }], ephemeralContainers: [{ name: "d", image: "d:1" }], volumes: [{ name: "v", image: { reference: "v:1" } }] } },
    };
    expect(imagesOf(pod)).toEqual(["a:1", "d:1", "v:1"]);
  });

  it("reads a SandboxTemplate's pod template, so warm-pool images must come from the mirror too", () => {
    const template: Res = {
      type: "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate",
      name: "t",
      props: { spec: { podTemplate: { spec: { containers: [{ name: "agent-server", image: "ghcr.io/openhands/agent-server:1.41.0-python" }] } } } },
    };
    expect(imagesOf(template)).toEqual(["ghcr.io/openhands/agent-server:1.41.0-python"]);
    expect(mirrorViolations(template, PROD)).toEqual(["image ghcr.io/openhands/agent-server:1.41.0-python is not pulled from the mirror harbor.example.internal"]);
  });
});

describe("no-latest-tags", () => {
  it("flags latest and untagged images in staging/prod, allows them in dev", () => {
    expect(latestTagViolations(deployment("ghcr.io/a:latest", "nginx", "ghcr.io/c:1.0"), { tier: "staging" })).toEqual([
      "image ghcr.io/a:latest uses the latest tag (not allowed in staging)",
      "image nginx has no tag, which means latest (not allowed in staging)",
    ]);
    expect(latestTagViolations(deployment("ghcr.io/a:latest", "nginx"), { tier: "dev" })).toEqual([]);
    expect(latestTagViolations(deployment(`ghcr.io/a@sha256:${"e".repeat(64)}`, "ghcr.io/b:2"), { tier: "prod" })).toEqual([]);
  });
});

describe("namespace-pod-security", () => {
  it("requires an enforce label with a valid level", () => {
    const ns = (labels: Record<string, string>): Res => ({ type: "kubernetes:core/v1:Namespace", name: "n", props: { metadata: { name: "team", labels } } });
    expect(podSecurityViolations(ns({}))).toEqual(["namespace team has no pod-security.kubernetes.io/enforce label (privileged, baseline or restricted)"]);
    expect(podSecurityViolations(ns({ "pod-security.kubernetes.io/enforce": "strict" }))).toHaveLength(1);
    expect(podSecurityViolations(ns({ "pod-security.kubernetes.io/enforce": "restricted" }))).toEqual([]);
  });
});

describe("namespace-default-deny", () => {
  const ns: Res = { type: "kubernetes:core/v1:Namespace", name: "n", props: { metadata: { name: "team" } } };
  const np = (spec: Record<string, unknown>): Res => ({ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "p", props: { metadata: { namespace: "team" }, spec } });

  it("flags a namespace without one, or with a policy that is not a default-deny", () => {
    expect(defaultDenyViolations([ns])).toEqual(["namespace team has no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)"]);
    expect(defaultDenyViolations([ns, np({ podSelector: {}, policyTypes: ["Ingress"], ingress: [] })])).toHaveLength(1);
    expect(defaultDenyViolations([ns, np({ podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] })])).toHaveLength(1);
    expect(defaultDenyViolations([ns, np({ podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] })])).toHaveLength(1);
  });

  it("passes a namespace with an empty-selector policy denying both ways", () => {
    expect(defaultDenyViolations([ns, np({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] })])).toEqual([]);
  });
});

describe("no-secrets-in-configmaps", () => {
  it.each(["api-key", "token", "DB_PASSWORD", "client-secret", "aws_credentials", "key", "tls.key"])("flags %s", (key) => {
    expect(configMapViolations({ type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { data: { [key]: "x" } } })).toEqual([
      `ConfigMap cm has a secret-looking key "${key}": put it in a Secret`,
    ]);
  });
  it.each(["policy.yaml", "any", "monkey.txt", "keyboard-layout", "ca.crt"])("passes %s", (key) => {
    expect(configMapViolations({ type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { data: { [key]: "x" } } })).toEqual([]);
  });
});

describe("no-plain-http-charts-in-prod", () => {
  const chart = (props: Record<string, unknown>): Res => ({ type: "kubernetes:helm.sh/v4:Chart", name: "c", props: { chart: "x", ...props } });
  it("flags plainHttp and http:// repositories in prod only", () => {
    expect(plainHttpChartViolations(chart({ plainHttp: true, repositoryOpts: { repo: "http://charts.lab" } }), PROD)).toEqual([
      "chart x is pulled over plain HTTP (plainHttp)",
      "chart repository http://charts.lab is plain HTTP",
    ]);
    expect(plainHttpChartViolations(chart({ plainHttp: true }), { tier: "staging" })).toEqual([]);
    expect(plainHttpChartViolations(chart({ repositoryOpts: { repo: "https://charts.lab" } }), PROD)).toEqual([]);
  });
});

describe("the example stacks pass the pack", () => {
  const configs: Record<string, PackConfig> = { dev: { tier: "dev" }, staging: { tier: "staging" }, prod: PROD };
  it.each(["dev", "staging", "prod"])("%s: no violation from any rule", async (stack) => {
    const ev = await runExample(stack);
    const resources: Res[] = ev.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
    // ConfigGroup objects become resources in a real preview: check them as such.
    for (const r of ev.resources.filter((x) => x.type === "kubernetes:yaml/v2:ConfigGroup")) {
      for (const o of (r.inputs["objs"] as Record<string, unknown>[]) ?? []) {
        const [group, version] = String(o["apiVersion"]).includes("/") ? String(o["apiVersion"]).split("/") : ["core", String(o["apiVersion"])];
        resources.push({ type: `kubernetes:${group}/${version}:${String(o["kind"])}`, name: String((o["metadata"] as { name: string }).name), props: o });
      }
    }
    expect(resources.flatMap((r) => resourceViolations(r, configs[stack]!))).toEqual([]);
    expect(defaultDenyViolations(resources)).toEqual([]);
  });
});

describe("pack configuration", () => {
  it("defaults to the strictest tier without a mirror; keeps what is given", () => {
    expect(packConfig({})).toEqual({ tier: "prod" });
    expect(packConfig({ tier: "dev" })).toEqual({ tier: "dev" });
    expect(packConfig({ tier: "prod", mirrorHost: "harbor.example.internal" })).toEqual(PROD);
  });
});
