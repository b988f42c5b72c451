/**
 * The framework sections through the whole program under mocks: the
 * Frameworks component's exact children (names, types, parents), what they
 * wait for, the session key and CA Secrets, schema validity of every plain
 * object, the mirrored audit over the new objects; and nothing when off.
 */
import { describe, expect, it } from "vitest";
import { audit } from "../airgap/audit";
import { find } from "../harness/mocks";
import { kubernetesObjects, validateAll } from "../harness/k8sSchema";
import { FIXTURE_SHA256, buildConfigMap, runExample, runProgram } from "../harness/program";
import { FRAMEWORKS_DEV_VALUES } from "../harness/frameworks";

const FRAMEWORKS = "agent-platform:platform:Frameworks";

describe("dev-frameworks (every section on)", () => {
  const run = () => runProgram("dev", buildConfigMap({ ...FRAMEWORKS_DEV_VALUES }));

  it("registers exactly these framework objects under the Frameworks component", async () => {
    const ev = await run();
    const component = find(ev, FRAMEWORKS, "frameworks");
    const children = ev.resources.filter((r) => r.parent === component.urn).map((r) => `${r.type} ${r.name}`);
    expect(children.sort()).toEqual(
      [
        "kubernetes:core/v1:ConfigMap frameworks-nemoclaw-configmap-nemoclaw-blueprint",
        "kubernetes:core/v1:ConfigMap frameworks-openhands-configmap-openhands-config",
        "kubernetes:core/v1:ResourceQuota frameworks-openhands-runtimes-quota-openhands-runtimes",
        "kubernetes:core/v1:Secret frameworks-agent-sandboxes-secret-openhands-session-key",
        "kubernetes:core/v1:Secret frameworks-nemoclaw-secret-nemoclaw-openshell-target",
        "kubernetes:core/v1:Secret frameworks-openhands-secret-openhands-session-key",
        "kubernetes:core/v1:ServiceAccount frameworks-openhands-sa-openhands",
        "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate frameworks-agent-sandboxes-sandboxtemplate-openhands-agent-server",
        "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate frameworks-agent-sandboxes-sandboxtemplate-python-tools",
        "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxWarmPool frameworks-agent-sandboxes-sandboxwarmpool-openhands-pool",
        "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxWarmPool frameworks-agent-sandboxes-sandboxwarmpool-python-tools",
        "kubernetes:rbac.authorization.k8s.io/v1:Role frameworks-agent-sandboxes-role-openhands-agent-sandbox",
        "kubernetes:rbac.authorization.k8s.io/v1:Role frameworks-openhands-runtimes-role-openhands-runtime",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding frameworks-agent-sandboxes-rolebinding-openhands-agent-sandbox",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding frameworks-openhands-runtimes-rolebinding-openhands-runtime",
        "random:index/randomPassword:RandomPassword frameworks-session-key",
      ].sort(),
    );
    for (const ns of ["agent-sandboxes", "openhands", "openhands-runtimes", "nemoclaw"]) expect(find(ev, "kubernetes:core/v1:Namespace", `namespaces-${ns}`).inputs["metadata"]).toBeDefined();
  });

  it("templates wait for the extension CRDs, the controller and the session key; pools for their templates", async () => {
    const ev = await run();
    const urn = (type: string, name: string) => find(ev, type, name).urn;
    const tpl = find(ev, "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate", "frameworks-agent-sandboxes-sandboxtemplate-openhands-agent-server");
    const crds = ev.resources.filter((r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").map((r) => r.urn);
    expect(crds.length).toBeGreaterThan(0);
    for (const c of crds) expect(tpl.dependsOn).toContain(c);
    expect(tpl.dependsOn).toContain(urn("kubernetes:yaml/v2:ConfigGroup", "agent-sandbox-controller"));
    expect(tpl.dependsOn).toContain(urn("kubernetes:core/v1:Namespace", "namespaces-agent-sandboxes"));
    expect(tpl.dependsOn).toContain(urn("kubernetes:core/v1:Secret", "frameworks-agent-sandboxes-secret-openhands-session-key"));
    const pool = find(ev, "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxWarmPool", "frameworks-agent-sandboxes-sandboxwarmpool-openhands-pool");
    expect(pool.dependsOn).toContain(tpl.urn);
  });

  it("one random session key in both namespaces, as a secret; the gateway CA in NemoClaw's Secret", async () => {
    const ev = await run();
    const key = find(ev, "random:index/randomPassword:RandomPassword", "frameworks-session-key");
    expect([key.inputs["length"], key.inputs["special"]]).toEqual([48, false]);
    for (const ns of ["agent-sandboxes", "openhands"]) {
      const s = find(ev, "kubernetes:core/v1:Secret", `frameworks-${ns}-secret-openhands-session-key`);
      expect(s.inputs["metadata"]).toEqual({ name: "openhands-session-key", namespace: ns, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" } });
      expect(Object.keys(s.inputs["stringData"] as object)).toEqual(["key"]);
      expect(s.propertyDependencies["stringData"]).toEqual([key.urn]);
    }
    const ca = find(ev, "kubernetes:core/v1:Secret", "frameworks-nemoclaw-secret-nemoclaw-openshell-target");
    expect(ca.propertyDependencies["stringData"]).toEqual([find(ev, "tls:index/selfSignedCert:SelfSignedCert", "pki-ca").urn]);
    expect(Object.keys(ca.inputs["stringData"] as object)).toEqual(["ca.pem"]);
  });

  it("every plain object validates against the Kubernetes schemas", async () => {
    const results = await validateAll(kubernetesObjects(await run()));
    expect(results.filter((r) => r.status === "invalid")).toEqual([]);
    expect(results.filter((r) => r.status === "skipped").map((r) => r.object)).toEqual(
      expect.arrayContaining(["extensions.agents.x-k8s.io/v1beta1 SandboxTemplate agent-sandboxes/openhands-agent-server", "extensions.agents.x-k8s.io/v1beta1 SandboxWarmPool agent-sandboxes/openhands-pool"]),
    );
  });
});

describe("mirrored prod with every framework section", () => {
  it("the new objects point at the mirror only", async () => {
    const ev = await runProgram(
      "prod",
      buildConfigMap(
        {
          tier: "prod",
          kubernetesVersion: "1.34",
          registry: { mode: "mirrored", host: "harbor.example.internal", pathPrefix: "mirror", username: "robot", manifestBaseUrl: "https://files.example.internal/platform-manifests" },
          catalog: { versions: { openshell: "0.0.116" }, manifestSha256: { "agent-sandbox-with-extensions": FIXTURE_SHA256 } },
          gateway: { oidc: { issuer: "https://login.example.internal" } },
          policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
          agentSandbox: { extensions: true, templates: { tools: { image: "ghcr.io/example/tools:1.2.3", port: 8080 } } },
          openhands: { agentSandbox: { enabled: true }, kubernetesRuntime: { enabled: true, ingressDomain: "oh.example.internal" } },
          nemoclaw: { enabled: true },
        },
        { registryPassword: "pw" },
      ),
      {
        "https://files.example.internal/platform-manifests/agent-sandbox-with-extensions/v1.0.1/sandbox-with-extensions.yaml": (await import("../harness/examples")).FIXTURE_MANIFEST,
      },
    );
    const tools = find(ev, "kubernetes:extensions.agents.x-k8s.io/v1beta1:SandboxTemplate", "frameworks-agent-sandboxes-sandboxtemplate-tools");
    expect((tools.inputs["spec"] as { podTemplate: { spec: { containers: { image: string }[]; imagePullSecrets: unknown } } }).podTemplate.spec).toMatchObject({
      containers: [{ image: "harbor.example.internal/mirror/ghcr.io/example/tools:1.2.3" }],
      imagePullSecrets: [{ name: "platform-registry-credentials" }],
    });
    for (const ns of ["agent-sandboxes", "openhands", "openhands-runtimes", "nemoclaw"]) find(ev, "kubernetes:core/v1:Secret", `namespaces-${ns}-pull`);
    expect(audit(ev)).toEqual([]);
  });
});

describe("off (the example stacks)", () => {
  it.each(["dev", "staging", "prod"])("%s registers no framework object", async (stack) => {
    const ev = await runExample(stack);
    expect(ev.resources.filter((r) => r.type === FRAMEWORKS || r.name.startsWith("frameworks-"))).toEqual([]);
    expect(ev.resources.filter((r) => r.type.includes("extensions.agents.x-k8s.io"))).toEqual([]);
  });
});
