/**
 * The whole program under the mock engine, once per example stack, with only
 * the stack's secret settings supplied (as a user would with
 * `pulumi config set --secret`). The agent-sandbox manifest is a fixture
 * served at the URL the plan resolves.
 */
import { describe, expect, it } from "vitest";
import { EvaluationError, find, inventoryOf, redactSecrets, type Evaluation } from "./harness/mocks";
import { kubernetesObjects, validateAll } from "./harness/k8sSchema";
import { PROD_MANIFEST_URL, UPSTREAM_MANIFEST_URL, runExample, runProgram } from "./harness/program";
import { EXAMPLE_SECRETS, EXAMPLE_STACKS, exampleStackConfig } from "./harness/stackConfig";

const PKI = [
  "agent-platform:platform:Pki pki",
  "kubernetes:core/v1:Secret pki-client-ca",
  "kubernetes:core/v1:Secret pki-client-tls",
  "kubernetes:core/v1:Secret pki-client-tls-sandboxes",
  "kubernetes:core/v1:Secret pki-jwt-keys",
  "kubernetes:core/v1:Secret pki-kek",
  "kubernetes:core/v1:Secret pki-server-tls",
  "random:index/randomBytes:RandomBytes pki-kek",
  "tls:index/certRequest:CertRequest pki-client-csr",
  "tls:index/certRequest:CertRequest pki-server-csr",
  "tls:index/locallySignedCert:LocallySignedCert pki-client-cert",
  "tls:index/locallySignedCert:LocallySignedCert pki-server-cert",
  "tls:index/privateKey:PrivateKey pki-ca-key",
  "tls:index/privateKey:PrivateKey pki-client-key",
  "tls:index/privateKey:PrivateKey pki-jwt-key",
  "tls:index/privateKey:PrivateKey pki-server-key",
  "tls:index/selfSignedCert:SelfSignedCert pki-ca",
];
/** A namespace the graph owns: the Namespace, its default service account patch, its NetworkPolicies. */
const ns = (name: string, policies: string[], pull = false) => [
  `kubernetes:core/v1:Namespace namespaces-${name}`,
  `kubernetes:core/v1:ServiceAccountPatch namespaces-${name}-default-sa`,
  ...(pull ? [`kubernetes:core/v1:Secret namespaces-${name}-pull`] : []),
  ...["default-deny", "allow-dns", ...policies].map((p) => `kubernetes:networking.k8s.io/v1:NetworkPolicy policies-${name}-${p}`),
];
const CORE = (pull: boolean, postgres: boolean) => [
  "agent-platform:platform:AgentSandbox agent-sandbox",
  "agent-platform:platform:Namespaces namespaces",
  "agent-platform:platform:OpenShellGateway gateway",
  "agent-platform:platform:Policies policies",
  "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition agent-sandbox-crd-sandboxes.agents.x-k8s.io",
  "kubernetes:core/v1:ConfigMap agent-sandbox-migration",
  "kubernetes:core/v1:ConfigMap agent-sandbox-migration-done",
  "kubernetes:core/v1:ConfigMap policies-egress",
  "kubernetes:core/v1:LimitRange policies-sandbox-limits",
  "kubernetes:core/v1:ResourceQuota policies-sandbox-quota",
  "kubernetes:helm.sh/v4:Chart gateway-chart",
  "kubernetes:core/v1:ServiceAccount gateway-service-account",
  "kubernetes:yaml/v2:ConfigGroup agent-sandbox-controller",
  "pulumi:providers:kubernetes k8s",
  ...ns("agent-sandbox-system", ["controller"], pull),
  ...ns("openshell", ["gateway-ingress", "gateway-egress", ...(postgres ? ["postgres"] : [])], pull),
  ...ns("openshell-sandboxes", ["sandbox-egress"], pull),
  ...PKI,
];
const MONITORS = ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor gateway-service-monitor", "kubernetes:monitoring.coreos.com/v1:PodMonitor database-pod-monitor"];
const POSTGRES_HA = (pull: boolean) => [
  ...MONITORS,
  "agent-platform:platform:Database database",
  "kubernetes:helm.sh/v4:Chart database-operator",
  "kubernetes:policy/v1:PodDisruptionBudget gateway-pdb",
  "kubernetes:postgresql.cnpg.io/v1:Cluster database-cluster",
  ...ns("cnpg-system", ["operator"], pull),
];

const EXPECTED: Record<string, string[]> = {
  dev: [...CORE(false, false), "pulumi:pulumi:Stack agent-platform-dev"],
  staging: [
    ...CORE(false, true),
    ...POSTGRES_HA(false),
    "agent-platform:platform:Storage storage",
    "kubernetes:helm.sh/v4:Chart storage-nfs",
    "kubernetes:storage.k8s.io/v1:StorageClass storage-class-nfs",
    ...ns("csi-nfs", ["csi-egress"]),
    "pulumi:pulumi:Stack agent-platform-staging",
  ],
  prod: [
    ...CORE(true, true),
    ...POSTGRES_HA(true),
    "kubernetes:core/v1:Secret gateway-inference",
    "agent-platform:platform:Storage storage",
    "kubernetes:storage.k8s.io/v1:StorageClass storage-class-cephfs",
    "agent-platform:platform:GpuOperator gpu-operator",
    "kubernetes:helm.sh/v4:Chart gpu-operator-chart",
    ...ns("gpu-operator", ["gpu-operator"], true),
    "pulumi:pulumi:Stack agent-platform-prod",
  ],
};

describe.each(EXAMPLE_STACKS)("example stack %s", (stack) => {
  it("registers exactly the expected resources", async () => {
    const ev = await runExample(stack);
    expect(inventoryOf(ev)).toEqual([...EXPECTED[stack]!].sort());
  });

  it("sends every Kubernetes resource through the one explicit provider", async () => {
    const ev = await runExample(stack);
    const provider = find(ev, "pulumi:providers:kubernetes", "k8s");
    const ref = `${provider.urn}::k8s-id`;
    const k8s = ev.resources.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8s).toHaveLength(EXPECTED[stack]!.filter((line) => line.startsWith("kubernetes:")).length);
    expect(k8s.filter((r) => r.provider !== ref).map((r) => r.name)).toEqual([]);
  });

  it("gives every plain Kubernetes object a valid schema", async () => {
    const ev = await runExample(stack);
    const results = await validateAll(kubernetesObjects(ev));
    expect(results.filter((r) => r.status === "invalid")).toEqual([]);
    expect(results.filter((r) => r.status === "valid").length).toBeGreaterThan(10);
  });

  it("is reproducible: two evaluations register byte-identical inputs and outputs", async () => {
    const a = await runExample(stack);
    const b = await runExample(stack);
    const shape = (ev: Evaluation) =>
      JSON.stringify({
        resources: ev.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent, inputs: r.rawInputs, deps: r.dependsOn })),
        outputs: ev.outputs,
      });
    expect(shape(b)).toBe(shape(a));
  });

  it("keeps every supplied secret out of plain inputs and plain outputs", async () => {
    const ev = await runExample(stack);
    const plain = JSON.stringify({
      inputs: ev.resources.map((r) => redactSecrets(r.rawInputs)),
      outputs: { ...ev.outputs, clientKey: undefined, clientCertificate: undefined },
    });
    for (const value of Object.values(EXAMPLE_SECRETS[stack]!)) expect(plain).not.toContain(value);
    expect(plain).not.toContain("PRIVATE KEY");
  });
});

describe("provider inputs per example stack", () => {
  it("dev uses the ambient kubeconfig, server-side apply and the stack name as cluster identity", async () => {
    const ev = await runExample("dev");
    expect(find(ev, "pulumi:providers:kubernetes", "k8s").inputs).toEqual({ clusterIdentifier: "dev", enableServerSideApply: "true" });
  });

  it("prod pins its context and a cluster identifier independent of the kubeconfig", async () => {
    const ev = await runExample("prod");
    expect(find(ev, "pulumi:providers:kubernetes", "k8s").inputs).toEqual({
      clusterIdentifier: "prod-cluster",
      context: "prod",
      enableServerSideApply: "true",
    });
  });
});

describe("the agent-sandbox manifest", () => {
  it("dev reads the pinned release asset from upstream; prod reads the mirror's file server", async () => {
    expect((await runExample("dev")).fetched).toEqual([UPSTREAM_MANIFEST_URL]);
    expect((await runExample("prod")).fetched).toEqual([PROD_MANIFEST_URL]);
  });

  it("prod stops before registering anything but the stack when the file differs from the pinned digest", async () => {
    const failure = await runProgram("prod", exampleStackConfig("prod", EXAMPLE_SECRETS["prod"])).then(
      () => undefined,
      (err: unknown) => err as EvaluationError,
    );
    expect(failure?.message).toMatch(
      new RegExp(
        `^manifest "agent-sandbox" from ${PROD_MANIFEST_URL.replace(/\./g, "\\.")} has sha256 [0-9a-f]{64}, expected e30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0`,
      ),
    );
    expect(failure?.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("an unreachable source is a clear error", async () => {
    const failure = await runProgram("dev", exampleStackConfig("dev"), {}).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(failure?.message).toBe(
      `manifest "agent-sandbox" could not be read from ${UPSTREAM_MANIFEST_URL}: fetch failed: no network in tests (${UPSTREAM_MANIFEST_URL})`,
    );
  });
});

describe("stack outputs", () => {
  it("dev: endpoint, port-forward command, CA in plain, client certificate and key as secrets, no database Secret", async () => {
    const ev = await runExample("dev");
    expect(ev.outputs["gatewayEndpoint"]).toBe("openshell.openshell.svc.cluster.local:8080");
    expect(ev.outputs["portForwardCommand"]).toBe("kubectl port-forward svc/openshell 8080:8080 -n openshell");
    expect(String(ev.outputs["caCertificate"])).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(String(ev.outputs["clientCertificate"])).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(String(ev.outputs["clientKey"])).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(ev.outputs["databaseSecretName"]).toBe("");
    expect(ev.outputs["certificateExpiry"]).toEqual({
      ca: "2036-11-19T00:00:00.000Z",
      server: "2027-11-22T00:00:00.000Z",
      client: "2027-11-22T00:00:00.000Z",
    });
  });

  it("staging names the CloudNativePG app Secret the gateway reads", async () => {
    expect((await runExample("staging")).outputs["databaseSecretName"]).toBe("openshell-db-app");
  });

  it("prod exports only mirror references for every image it pulls", async () => {
    const ev = await runExample("prod");
    const m = "harbor.example.internal/mirror";
    expect(ev.outputs["images"]).toEqual([
      `${m}/ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0`,
      `${m}/ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie`,
      `${m}/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da`,
      `${m}/ghcr.io/nvidia/openshell/gateway:0.0.111`,
      `${m}/ghcr.io/nvidia/openshell/supervisor:0.0.111`,
      `${m}/nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.12.0`,
      `${m}/nvcr.io/nvidia/driver:595.91.07-ubuntu22.04`,
      `${m}/nvcr.io/nvidia/driver:595.91.07-ubuntu24.04`,
      `${m}/nvcr.io/nvidia/gpu-operator:v26.7.0`,
      `${m}/nvcr.io/nvidia/k8s-device-plugin:v0.20.0`,
      `${m}/nvcr.io/nvidia/k8s/container-toolkit:v1.20.0`,
      `${m}/nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-distroless`,
      `${m}/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1`,
      `${m}/registry.k8s.io/nfd/node-feature-discovery:v0.19.0`,
      `${m}/registry.k8s.io/pause:3.10`,
    ]);
  });

  it("dev exports the public references", async () => {
    expect((await runExample("dev")).outputs["images"]).toEqual([
      "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
      "ghcr.io/nvidia/openshell/gateway:0.0.111",
      "ghcr.io/nvidia/openshell/supervisor:0.0.111",
      "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1",
      "registry.k8s.io/pause:3.10",
    ]);
  });
});

describe("secrets", () => {
  it("prod without its secret settings fails naming both, before any resource", async () => {
    const config = exampleStackConfig("prod");
    const failure = await runProgram("prod", config).then(
      () => undefined,
      (err: unknown) => err as EvaluationError,
    );
    expect(failure?.message.split("\n").slice(0, 3)).toEqual([
      'stack "prod" has 2 configuration errors:',
      '  - inferenceApiKey: required when inference.provider is "nvidia-nim"; set it with `pulumi config set --secret inferenceApiKey <value>`',
      "  - registryPassword: required when registry.username is set; set it with `pulumi config set --secret registryPassword <value>`",
    ]);
    expect(failure?.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

