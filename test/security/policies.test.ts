/**
 * Per-environment policies: the exact NetworkPolicy set per namespace with
 * its ports, Pod Security labels, the L7 egress ConfigMap, quota and limits;
 * through the program under mocks for every example stack.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { egressPolicy } from "../../security/egress";
import { networkPolicies } from "../../security/networkPolicies";
import { psaVersion } from "../../security/podSecurity";
import { byType, find, type Evaluation } from "../harness/mocks";
import { provided } from "../harness/presence";
import { planFor } from "../harness/planFor";
import { runExample } from "../harness/program";

type Np = { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
const policiesOf = (ev: Evaluation) => byType(ev, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as unknown as Np);
const byNamespace = (ev: Evaluation) => {
  const out: Record<string, string[]> = {};
  for (const p of policiesOf(ev)) (out[p.metadata.namespace] ??= []).push(p.metadata.name);
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
};

describe("NetworkPolicies per namespace", () => {
  it("dev", async () => {
    expect(byNamespace(await runExample("dev"))).toEqual({
      "agent-sandbox-system": ["allow-dns", "controller", "default-deny"],
      openshell: ["allow-dns", "default-deny", "gateway-egress", "gateway-ingress"],
      "openshell-sandboxes": ["allow-dns", "default-deny", "sandbox-egress"],
    });
  });

  it("prod", async () => {
    expect(byNamespace(await runExample("prod"))).toEqual({
      "agent-sandbox-system": ["allow-dns", "controller", "default-deny"],
      "cnpg-system": ["allow-dns", "default-deny", "operator"],
      "gpu-operator": ["allow-dns", "default-deny", "gpu-operator"],
      openshell: ["allow-dns", "default-deny", "gateway-egress", "gateway-ingress", "postgres"],
      "openshell-sandboxes": ["allow-dns", "default-deny", "sandbox-egress"],
    });
  });

  it("every namespace the graph creates has Pod Security labels and a default-deny", async () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const ev = await runExample(stack);
      const denied = new Set(policiesOf(ev).filter((p) => p.metadata.name === "default-deny").map((p) => p.metadata.namespace));
      for (const ns of byType(ev, "kubernetes:core/v1:Namespace")) {
        const meta = ns.inputs["metadata"] as { name: string; labels: Record<string, string> };
        expect(meta.labels["pod-security.kubernetes.io/enforce"]).toMatch(/^(privileged|baseline|restricted)$/);
        expect(denied.has(meta.name)).toBe(true);
      }
    }
  });

  it("default-deny selects every pod and allows nothing; DNS goes to kube-dns on UDP and TCP 53", async () => {
    const ps = policiesOf(await runExample("dev")).filter((p) => p.metadata.namespace === "openshell");
    expect(ps.find((p) => p.metadata.name === "default-deny")!.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    expect(ps.find((p) => p.metadata.name === "allow-dns")!.spec).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    });
  });

  it("prod gateway: sandboxes, Envoy Gateway and Prometheus in; API server, Postgres and HTTPS out", async () => {
    const ps = policiesOf(await runExample("prod")).filter((p) => p.metadata.namespace === "openshell");
    const gw = { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } };
    expect(ps.find((p) => p.metadata.name === "gateway-ingress")!.spec).toEqual({
      podSelector: gw,
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshell-sandboxes" } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } } },
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
        { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9090 }] },
      ],
    });
    expect(ps.find((p) => p.metadata.name === "gateway-egress")!.spec).toEqual({
      podSelector: gw,
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "10.40.0.10/32" } }, { ipBlock: { cidr: "10.40.0.11/32" } }, { ipBlock: { cidr: "10.40.0.12/32" } }], ports: [{ protocol: "TCP", port: 6443 }] },
        { to: [{ podSelector: { matchLabels: { "cnpg.io/cluster": "openshell-db" } } }], ports: [{ protocol: "TCP", port: 5432 }] },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ],
    });
  });

  it("prod Postgres: gateway on 5432, instances and the CNPG operator on 5432 and 8000", async () => {
    const pg = policiesOf(await runExample("prod")).find((p) => p.metadata.name === "postgres")!;
    expect(pg.spec["ingress"]).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshell" } }, podSelector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } } }], ports: [{ protocol: "TCP", port: 5432 }] },
      { from: [{ podSelector: { matchLabels: { "cnpg.io/cluster": "openshell-db" } } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 8000 }] },
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "cnpg-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "cloudnative-pg" } } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 8000 }] },
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9187 }] },
    ]);
  });

  it("webhooks: the API server reaches agent-sandbox and CNPG on 9443", async () => {
    const ps = policiesOf(await runExample("prod"));
    for (const [ns, name] of [["agent-sandbox-system", "controller"], ["cnpg-system", "operator"]] as const) {
      const p = ps.find((x) => x.metadata.namespace === ns && x.metadata.name === name)!;
      expect((p.spec["ingress"] as unknown[])[0]).toEqual({
        from: [{ ipBlock: { cidr: "10.40.0.10/32" } }, { ipBlock: { cidr: "10.40.0.11/32" } }, { ipBlock: { cidr: "10.40.0.12/32" } }],
        ports: [{ protocol: "TCP", port: 9443 }],
      });
    }
  });

  it("sandboxes: the gateway on 8080, and public addresses on 443 only (strict); any address on 80/443 in dev (relaxed)", async () => {
    const sandboxEgress = (ev: Evaluation) => policiesOf(ev).find((p) => p.metadata.name === "sandbox-egress")!.spec;
    expect(sandboxEgress(await runExample("prod"))).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshell" } }, podSelector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } } }],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"] } }],
          ports: [{ protocol: "TCP", port: 443 }],
        },
      ],
    });
    expect((sandboxEgress(await runExample("dev"))["egress"] as unknown[])[1]).toEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
      ports: [
        { protocol: "TCP", port: 80 },
        { protocol: "TCP", port: 443 },
      ],
    });
  });

  it("sandboxes sharing the gateway namespace are selected by exclusion, and need the named relaxation", () => {
    const plan = planFor({ tier: "dev", kubernetesVersion: "1.34", gateway: { sandboxNamespace: "openshell" }, relaxations: { sharedSandboxNamespace: true } });
    const egress = networkPolicies(plan).find((p) => p.metadata.name === "sandbox-egress")!;
    expect(egress.metadata.namespace).toBe("openshell");
    expect(egress.spec.podSelector).toEqual({
      matchExpressions: [
        { key: "app.kubernetes.io/name", operator: "NotIn", values: ["openshell"] },
        { key: "cnpg.io/cluster", operator: "DoesNotExist" },
      ],
    });
  });

  it("the chart's own sandbox ingress policy stays on (not duplicated here)", async () => {
    const values = find(await runExample("prod"), "kubernetes:helm.sh/v4:Chart", "gateway-chart").inputs["values"] as Record<string, unknown>;
    expect(values["networkPolicy"]).toEqual({ enabled: true });
  });
});

describe("Pod Security labels", () => {
  const labelsOf = async (stack: string) =>
    Object.fromEntries(
      byType(await runExample(stack), "kubernetes:core/v1:Namespace").map((r) => {
        const m = r.inputs["metadata"] as { name: string; labels: Record<string, string> };
        return [m.name, [m.labels["pod-security.kubernetes.io/enforce"], m.labels["pod-security.kubernetes.io/audit"], m.labels["pod-security.kubernetes.io/enforce-version"]]];
      }),
    );

  it("prod (strict): restricted where the workload allows it, privileged for sandboxes and node agents", async () => {
    expect(await labelsOf("prod")).toEqual({
      "agent-sandbox-system": ["restricted", "restricted", "v1.34"],
      openshell: ["restricted", "restricted", "v1.34"],
      "openshell-sandboxes": ["privileged", "baseline", "v1.34"],
      "cnpg-system": ["restricted", "restricted", "v1.34"],
      "gpu-operator": ["privileged", "baseline", "v1.34"],
    });
  });

  it("dev (relaxed): baseline enforced where restricted is the target, still audited at restricted", async () => {
    expect(await labelsOf("dev")).toEqual({
      "agent-sandbox-system": ["baseline", "restricted", "v1.34"],
      openshell: ["baseline", "restricted", "v1.34"],
      "openshell-sandboxes": ["privileged", "baseline", "v1.34"],
    });
  });

  it("versions are pinned to the cluster's minor", () => {
    expect([psaVersion("1.30"), psaVersion("v1.35.2")]).toEqual(["v1.30", "v1.35"]);
  });

  it("the controller the release ships gets the securityContext restricted requires", async () => {
    const objs = find(await runExample("prod"), "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller").inputs["objs"] as Record<string, unknown>[];
    const pod = (objs.find((o) => o["kind"] === "Deployment") as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    expect(pod["securityContext"]).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect((pod["containers"] as Record<string, unknown>[])[0]!["securityContext"]).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });

  it("default service accounts stop mounting tokens in every owned namespace", async () => {
    const ev = await runExample("prod");
    const patches = byType(ev, "kubernetes:core/v1:ServiceAccountPatch");
    expect(patches.map((p) => [(p.inputs["metadata"] as { namespace: string }).namespace, p.inputs["automountServiceAccountToken"]]).sort()).toEqual([
      ["agent-sandbox-system", false],
      ["cnpg-system", false],
      ["gpu-operator", false],
      ["openshell", false],
      ["openshell-sandboxes", false],
    ]);
  });
});

describe("L7 egress allow-list", () => {
  it("prod: only the inference endpoint, enforced, POST and GET under its base path", async () => {
    const cm = find(await runExample("prod"), "kubernetes:core/v1:ConfigMap", "policies-egress");
    expect((cm.inputs["metadata"] as { name: string; namespace: string }).name).toBe("openshell-egress-policy");
    expect(parse((cm.inputs["data"] as Record<string, string>)["policy.yaml"]!)).toEqual({
      network_policies: {
        inference: {
          binaries: [{ path: "/**" }],
          endpoints: [
            {
              enforcement: "enforce",
              host: "nim.example.internal",
              port: 443,
              protocol: "rest",
              rules: [{ allow: { method: "GET", path: "/v1/**" } }, { allow: { method: "POST", path: "/v1/**" } }],
            },
          ],
          name: "inference",
        },
      },
      version: 1,
    });
  });

  it("dev: package registries read-only; an entry without methods or paths gets full access", () => {
    const doc = egressPolicy(planFor({ tier: "dev", kubernetesVersion: "1.34", policies: { egress: [{ name: "corp", host: "*.corp.example", port: 8443 }] } }));
    expect(Object.keys(doc["network_policies"] as object)).toEqual(["corp"]);
    const dev = egressPolicy(planFor({ tier: "dev", kubernetesVersion: "1.34" }));
    expect(Object.keys(dev["network_policies"] as object)).toEqual(["github", "github-content", "npm", "pypi", "pypi-files"]);
    expect((doc["network_policies"] as Record<string, { endpoints: unknown[] }>)["corp"]!.endpoints).toEqual([
      { access: "full", enforcement: "enforce", host: "*.corp.example", port: 8443, protocol: "rest" },
    ]);
  });

  it("duplicate names are refused (the inference endpoint takes 'inference')", () => {
    expect(() =>
      planFor(
        { tier: "dev", kubernetesVersion: "1.34", inference: { provider: "openai-compatible", endpoint: "https://llm.lab/v1" }, policies: { egress: [{ name: "inference", host: "x.lab" }] } },
        provided("inferenceApiKey"),
      ),
    ).toThrow('policies.egress: names must be unique (the inference endpoint takes "inference"): inference');
  });
});

describe("sandbox quota and limits", () => {
  it("prod: the tier's quota, GPUs included, and container defaults", async () => {
    const ev = await runExample("prod");
    expect(find(ev, "kubernetes:core/v1:ResourceQuota", "policies-sandbox-quota").inputs["spec"]).toEqual({
      hard: {
        pods: "200",
        "requests.cpu": "128",
        "requests.memory": "512Gi",
        "limits.cpu": "256",
        "limits.memory": "1Ti",
        "requests.storage": "2Ti",
        persistentvolumeclaims: "200",
        "requests.nvidia.com/gpu": "16",
      },
    });
    expect(find(ev, "kubernetes:core/v1:LimitRange", "policies-sandbox-limits").inputs["spec"]).toEqual({
      limits: [{ type: "Container", defaultRequest: { cpu: "250m", memory: "512Mi" }, default: { cpu: "2", memory: "4Gi" } }],
    });
    expect((find(ev, "kubernetes:core/v1:ResourceQuota", "policies-sandbox-quota").inputs["metadata"] as { namespace: string }).namespace).toBe("openshell-sandboxes");
  });

  it("dev: a laptop-sized quota", async () => {
    const hard = (find(await runExample("dev"), "kubernetes:core/v1:ResourceQuota", "policies-sandbox-quota").inputs["spec"] as { hard: Record<string, string> }).hard;
    expect([hard["pods"], hard["requests.cpu"], hard["requests.nvidia.com/gpu"]]).toEqual(["20", "8", "1"]);
  });
});

describe("relaxations are named and printed", () => {
  it("dev lists each one; a strict stack with known API-server addresses has none", async () => {
    const { relaxations } = await import("../../security/relaxations");
    expect(relaxations(planFor({ tier: "dev", kubernetesVersion: "1.34" }))).toEqual([
      "namespace agent-sandbox-system: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)",
      "namespace openshell: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)",
      "API-server egress is allowed to any address (policies.apiServer.cidrs: 0.0.0.0/0)",
      "the gateway accepts users without an OIDC token (gateway.allowUnauthenticatedUsers)",
    ]);
    expect(relaxations(planFor({ tier: "prod", kubernetesVersion: "1.34" }))).toEqual([]);
  });

  it("the program prints them as warnings, each once; a strict stack prints none", async () => {
    expect((await runExample("dev")).warnings).toEqual([
      "relaxed: namespace agent-sandbox-system: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)",
      "relaxed: namespace openshell: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)",
      "relaxed: API-server egress is allowed to any address (policies.apiServer.cidrs: 0.0.0.0/0)",
      "relaxed: the gateway accepts users without an OIDC token (gateway.allowUnauthenticatedUsers)",
    ]);
    expect((await runExample("prod")).warnings).toEqual([]);
  });
});
