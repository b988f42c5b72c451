/**
 * The OpenShell gateway chart under mocks: helm.v4.Chart renders in the
 * provider, so its children do not exist here; the chart reference, version,
 * values and dependencies we pass are the contract asserted.
 */
import { describe, expect, it } from "vitest";
import { find, type Evaluation, type Registered } from "../harness/mocks";
import { buildConfigMap, runExample, runProgram } from "../harness/program";
import { EXAMPLE_SECRETS } from "../harness/stackConfig";

const chartOf = (ev: Evaluation) => find(ev, "kubernetes:helm.sh/v4:Chart", "gateway-chart");
const urnOf = (ev: Evaluation, type: string, name: string) => find(ev, type, name).urn;

describe("gateway chart per example stack", () => {
  it("dev: the pinned OCI chart from upstream, release openshell in namespace openshell", async () => {
    const chart = chartOf(await runExample("dev"));
    const { values, ...rest } = chart.inputs;
    expect(rest).toEqual({ chart: "oci://ghcr.io/nvidia/openshell/helm-chart", version: "0.0.111", name: "openshell", namespace: "openshell" });
    expect((values as Record<string, unknown>)["pkiInitJob"]).toEqual({ enabled: false });
    expect((values as Record<string, unknown>)["certManager"]).toEqual({ enabled: false });
  });

  it("prod: the chart from the mirror, authenticated with the mirror credentials as a secret", async () => {
    const chart = chartOf(await runExample("prod"));
    expect(chart.inputs["chart"]).toBe("oci://harbor.example.internal/mirror/ghcr.io/nvidia/openshell/helm-chart");
    expect(chart.inputs["repositoryOpts"]).toEqual({ username: "robot$platform-pull", password: EXAMPLE_SECRETS["prod"]!["registryPassword"] });
    expect(chart.secretPaths).toEqual(["repositoryOpts.password"]);
  });

  it.each(["dev", "staging", "prod"])("%s: values hold no secret, no key material, and have sorted keys", async (stack) => {
    const ev = await runExample(stack);
    const chart = chartOf(ev);
    expect(chart.secretPaths.filter((p) => p.startsWith("values"))).toEqual([]);
    const text = JSON.stringify(chart.inputs["values"]);
    for (const v of Object.values(EXAMPLE_SECRETS[stack]!)) expect(text).not.toContain(v);
    expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(Object.keys(chart.inputs["values"] as object)).toEqual([...Object.keys(chart.inputs["values"] as object)].sort());
  });

  it.each([
    ["dev", undefined],
    ["staging", "openshell-db-app"],
    ["prod", "openshell-db-app"],
  ])("%s: server.externalDbSecret is %s (set exactly when Postgres)", async (stack, secret) => {
    const server = (chartOf(await runExample(stack)).inputs["values"] as { server: Record<string, unknown> }).server;
    expect(server["externalDbSecret"]).toBe(secret);
  });

  it("prod: three replicas as a Deployment, supervisor as an image volume only where Kubernetes supports it", async () => {
    const values = chartOf(await runExample("prod")).inputs["values"] as Record<string, unknown>;
    expect([values["replicaCount"], values["workload"], (values["supervisor"] as Record<string, unknown>)["sideloadMethod"]]).toEqual([
      3,
      { kind: "deployment" },
      "init-container",
    ]);
  });

  it("waits for the agent-sandbox CRDs and controller, every PKI Secret, the database and the namespaces", async () => {
    const ev = await runExample("prod");
    const deps = new Set(chartOf(ev).dependsOn);
    const required = [
      urnOf(ev, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", "agent-sandbox-crd-sandboxes.agents.x-k8s.io"),
      urnOf(ev, "kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller"),
      ...["pki-server-tls", "pki-client-ca", "pki-client-tls", "pki-jwt-keys", "pki-kek"].map((n) => urnOf(ev, "kubernetes:core/v1:Secret", n)),
      urnOf(ev, "kubernetes:postgresql.cnpg.io/v1:Cluster", "database-cluster"),
      urnOf(ev, "kubernetes:core/v1:Namespace", "namespaces-openshell"),
      urnOf(ev, "kubernetes:core/v1:Secret", "namespaces-openshell-pull"),
      urnOf(ev, "kubernetes:core/v1:Secret", "gateway-inference"),
    ];
    expect(required.filter((u) => !deps.has(u))).toEqual([]);
  });

  it("dev has no database dependency and no PodDisruptionBudget", async () => {
    const ev = await runExample("dev");
    expect(ev.resources.filter((r) => r.type.includes("Cluster") || r.type.includes("PodDisruptionBudget"))).toEqual([]);
  });

  it("HA stacks get a PodDisruptionBudget on the chart's selector labels", async () => {
    const pdb = find(await runExample("staging"), "kubernetes:policy/v1:PodDisruptionBudget", "gateway-pdb");
    expect(pdb.inputs).toEqual({
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: {
        name: "openshell",
        namespace: "openshell",
        labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" },
      },
      spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } } },
    });
  });
});

describe("inference credentials", () => {
  it("prod: the API key lands in a Secret in the gateway namespace, endpoint and model as plain annotations", async () => {
    const secret: Registered = find(await runExample("prod"), "kubernetes:core/v1:Secret", "gateway-inference");
    expect(secret.inputs).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "openshell-inference-credentials",
        namespace: "openshell",
        labels: {
          "app.kubernetes.io/managed-by": "pulumi",
          "app.kubernetes.io/part-of": "agent-platform",
          "openshell.platform/inference-provider": "nvidia-nim",
        },
        annotations: { "openshell.platform/endpoint": "https://nim.example.internal/v1", "openshell.platform/model": "meta/llama-3.1-70b-instruct" },
      },
      type: "Opaque",
      stringData: { "api-key": EXAMPLE_SECRETS["prod"]!["inferenceApiKey"] },
    });
  });

  it("no ConfigMap anywhere carries it", async () => {
    const ev = await runExample("prod");
    const configMaps = ev.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
    expect(JSON.stringify(configMaps)).not.toContain(EXAMPLE_SECRETS["prod"]!["inferenceApiKey"]);
  });
});

describe("OpenShift", () => {
  it("grants the privileged SCC to the sandbox service account only, and drops the chart's fixed UIDs", async () => {
    const ev = await runProgram("dev", buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", cluster: { openshift: true } }));
    expect(find(ev, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "gateway-sandbox-scc").inputs).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: {
        name: "openshell-sandbox-scc-privileged",
        namespace: "openshell-sandboxes",
        labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" },
      },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:openshift:scc:privileged" },
      subjects: [{ kind: "ServiceAccount", name: "openshell-sandbox", namespace: "openshell-sandboxes" }],
    });
    const values = chartOf(ev).inputs["values"] as Record<string, unknown>;
    expect([values["podSecurityContext"], values["securityContext"]]).toEqual([{ fsGroup: null, seccompProfile: { type: "RuntimeDefault" } }, { runAsUser: null }]);
  });
});

