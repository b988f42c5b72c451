import { describe, expect, it } from "vitest";
import { ManifestError } from "../../manifests/load";
import { AGENT_SANDBOX_HEALTH, agentSandboxHealth } from "../../catalog/artifacts";
import { DEPENDS_ON_ANNOTATION, imagesOf, objectRef, parseManifest, prepareAgentSandbox, usedObjects, type AgentSandboxOptions, type K8sObject } from "../../manifests/agentSandbox";
import { FIXTURE_MANIFEST, FIXTURE_V05_MANIFEST } from "../harness/program";

const online: AgentSandboxOptions = {
  id: "agent-sandbox",
  sourceImage: "registry.k8s.io/agent-sandbox/agent-sandbox-controller",
  controllerImage: "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1",
};
const mirrored: AgentSandboxOptions = {
  ...online,
  controllerImage: "harbor.example.internal/mirror/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1",
  pullSecretName: "platform-registry-credentials",
};

describe("parseManifest", () => {
  it("reads every object of a release-shaped file, skipping empty documents", () => {
    expect(parseManifest("agent-sandbox", FIXTURE_MANIFEST).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/agent-sandbox-system",
      "ServiceAccount/agent-sandbox-controller",
      "ClusterRoleBinding/agent-sandbox-controller",
      "Service/agent-sandbox-controller",
      "Deployment/agent-sandbox-controller",
      "CustomResourceDefinition/sandboxes.agents.x-k8s.io",
      "ClusterRole/agent-sandbox-controller",
    ]);
  });

  it.each([
    ["---\n---\n", 'manifest "x" contains no Kubernetes objects'],
    ["kind: Namespace\n", 'manifest "x": document 1 is not a Kubernetes object (apiVersion, kind and metadata.name are required)'],
    ["a: [1, 2\n", 'manifest "x": document 1 is not valid YAML'],
  ])("rejects %j", (text, message) => {
    expect(() => parseManifest("x", text)).toThrow(ManifestError);
    expect(() => parseManifest("x", text)).toThrow(message);
  });
});

describe("prepareAgentSandbox", () => {
  it("splits the Namespace, the CRDs and the rest, in manifest order", () => {
    const parts = prepareAgentSandbox(FIXTURE_MANIFEST, online);
    expect(parts.namespace.metadata.name).toBe("agent-sandbox-system");
    expect(parts.crds.map((c) => c.metadata.name)).toEqual(["sandboxes.agents.x-k8s.io"]);
    expect(parts.objects.map((o) => o.kind)).toEqual(["ServiceAccount", "ClusterRoleBinding", "Service", "Deployment", "ClusterRole"]);
  });

  it("v0.5.x layout: the webhook-certificate Role and the webhook Service are part of the controller objects", () => {
    const parts = prepareAgentSandbox(FIXTURE_V05_MANIFEST, online);
    expect(parts.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ServiceAccount/agent-sandbox-controller",
      "ClusterRoleBinding/agent-sandbox-controller",
      "Role/agent-sandbox-controller",
      "RoleBinding/agent-sandbox-controller",
      "Service/agent-sandbox-controller",
      "Deployment/agent-sandbox-controller",
      "Service/agent-sandbox-webhook-service",
      "ClusterRole/agent-sandbox-controller",
    ]);
  });

  it("mirrored: rewrites the controller image and adds the pull secret to the pod template", () => {
    const parts = prepareAgentSandbox(FIXTURE_MANIFEST, mirrored);
    expect(imagesOf(parts.objects)).toEqual(["harbor.example.internal/mirror/registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1"]);
    const deployment = parts.objects.find((o) => o.kind === "Deployment")!;
    const pod = (deployment["spec"] as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(pod["imagePullSecrets"]).toEqual([{ name: "platform-registry-credentials" }]);
  });

  it("leaves the conversion webhook caBundle to the controller (v0.5.x)", () => {
    const withBundle = FIXTURE_V05_MANIFEST.replace("          path: /convert", "          path: /convert\n        caBundle: Zm9v");
    const crd = prepareAgentSandbox(withBundle, online).crds[0]!;
    const clientConfig = (crd["spec"] as { conversion: { webhook: { clientConfig: Record<string, unknown> } } }).conversion.webhook.clientConfig;
    expect(clientConfig).toEqual({ service: { name: "agent-sandbox-webhook-service", namespace: "agent-sandbox-system", path: "/convert" } });
  });

  it("refuses an image the catalog does not know: it would escape the mirror", () => {
    const extra = FIXTURE_MANIFEST.replace(
      "          args: [\"--leader-elect=true\"]",
      "          args: [\"--leader-elect=true\"]\n        - name: proxy\n          image: quay.io/brancz/kube-rbac-proxy:v0.18.0",
    );
    expect(() => prepareAgentSandbox(extra, mirrored)).toThrow(
      'manifest "agent-sandbox": Deployment agent-sandbox-controller container proxy uses image "quay.io/brancz/kube-rbac-proxy:v0.18.0", which is not in the catalog (only registry.k8s.io/agent-sandbox/agent-sandbox-controller is expected), so it would not be mirrored',
    );
  });

  it("refuses something that is not the agent-sandbox release", () => {
    const noCrd = FIXTURE_MANIFEST.replace("name: sandboxes.agents.x-k8s.io", "name: widgets.example.com");
    expect(() => prepareAgentSandbox(noCrd, online)).toThrow(
      'manifest "agent-sandbox" has no CustomResourceDefinition sandboxes.agents.x-k8s.io: is it the agent-sandbox release?',
    );
    const noNamespace = FIXTURE_MANIFEST.replace("kind: Namespace\nmetadata:\n  name: agent-sandbox-system", "kind: ConfigMap\nmetadata:\n  name: x");
    expect(() => prepareAgentSandbox(noNamespace, online)).toThrow(
      'manifest "agent-sandbox" should declare exactly the Namespace agent-sandbox-system, found: none',
    );
    const noController = FIXTURE_MANIFEST.replace(/kind: Deployment[\s\S]*?containerPort: 8081\n/, "kind: ConfigMap\nmetadata:\n  name: y\n  namespace: agent-sandbox-system\n");
    expect(() => prepareAgentSandbox(noController, online)).toThrow(
      'manifest "agent-sandbox" has no workload running registry.k8s.io/agent-sandbox/agent-sandbox-controller: the controller is missing',
    );
  });
});

const controllerOf = (objects: readonly K8sObject[]) => {
  const d = objects.find((o) => o.kind === "Deployment")!;
  return d as K8sObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
};
const withHealth: AgentSandboxOptions = { ...online, health: agentSandboxHealth("v0.5.6")! };

describe("controller health probes", () => {
  it.each([
    ["v0.1.1", false],
    ["v0.2.0", false],
    ["v0.2.1", true],
    ["v0.5.2", true],
    ["v0.5.6", true],
    ["v1.0.1", true],
  ])("%s serves /readyz and /healthz on the port named healthz: %s", (version, served) => {
    expect(agentSandboxHealth(version)).toEqual(served ? { port: "healthz", liveness: "/healthz", readiness: "/readyz" } : undefined);
  });

  it("the catalog's fact starts at the first release that names the port", () => {
    expect(AGENT_SANDBOX_HEALTH.since).toBe("v0.2.1");
  });

  it("adds readiness on /readyz and liveness on /healthz to the controller container, on its healthz port", () => {
    const c = controllerOf(prepareAgentSandbox(FIXTURE_MANIFEST, withHealth).objects).spec.template.spec.containers[0]!;
    expect([c["readinessProbe"], c["livenessProbe"]]).toEqual([
      { httpGet: { path: "/readyz", port: "healthz" }, initialDelaySeconds: 5, periodSeconds: 10 },
      { httpGet: { path: "/healthz", port: "healthz" }, initialDelaySeconds: 15, periodSeconds: 20 },
    ]);
  });

  it("keeps a probe the release declares itself", () => {
    const own = FIXTURE_MANIFEST.replace(
      '          args: ["--leader-elect=true"]',
      '          args: ["--leader-elect=true"]\n          livenessProbe:\n            tcpSocket:\n              port: 8081',
    );
    const c = controllerOf(prepareAgentSandbox(own, withHealth).objects).spec.template.spec.containers[0]!;
    expect(c["livenessProbe"]).toEqual({ tcpSocket: { port: 8081 } });
    expect(c["readinessProbe"]).toEqual({ httpGet: { path: "/readyz", port: "healthz" }, initialDelaySeconds: 5, periodSeconds: 10 });
  });

  it("adds none for a version that does not serve them", () => {
    const c = controllerOf(prepareAgentSandbox(FIXTURE_MANIFEST, online).objects).spec.template.spec.containers[0]!;
    expect([c["readinessProbe"], c["livenessProbe"]]).toEqual([undefined, undefined]);
  });

  it("refuses a controller without the healthz port: the catalog and the manifest disagree", () => {
    const noPort = FIXTURE_MANIFEST.replace("            - name: healthz\n              containerPort: 8081\n", "");
    expect(() => prepareAgentSandbox(noPort, withHealth)).toThrow(
      'manifest "agent-sandbox": Deployment agent-sandbox-controller container agent-sandbox-controller declares no port named healthz, where the catalog says this version serves /readyz and /healthz',
    );
  });
});

describe("creation order inside the controller group", () => {
  it("the controller Deployment names its ServiceAccount and RBAC in the depends-on annotation (v0.5.x: with the webhook Role)", () => {
    expect(controllerOf(prepareAgentSandbox(FIXTURE_MANIFEST, mirrored).objects).metadata["annotations"]).toEqual({
      [DEPENDS_ON_ANNOTATION]: [
        "/namespaces/agent-sandbox-system/ServiceAccount/agent-sandbox-controller",
        "rbac.authorization.k8s.io/ClusterRole/agent-sandbox-controller",
        "rbac.authorization.k8s.io/ClusterRoleBinding/agent-sandbox-controller",
      ].join(","),
    });
    const d = controllerOf(prepareAgentSandbox(FIXTURE_V05_MANIFEST, mirrored).objects);
    expect(d.metadata["annotations"]).toEqual({
      [DEPENDS_ON_ANNOTATION]: [
        "/namespaces/agent-sandbox-system/ServiceAccount/agent-sandbox-controller",
        "rbac.authorization.k8s.io/ClusterRole/agent-sandbox-controller",
        "rbac.authorization.k8s.io/ClusterRoleBinding/agent-sandbox-controller",
        "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/Role/agent-sandbox-controller",
        "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/RoleBinding/agent-sandbox-controller",
      ].join(","),
    });
  });

  it("every reference names an object of the group, in the form cli-utils parses (an outside one fails the ConfigGroup)", () => {
    const parts = prepareAgentSandbox(FIXTURE_MANIFEST, withHealth);
    const refs = new Set(parts.objects.map(objectRef));
    for (const o of parts.objects) {
      const value = (o.metadata["annotations"] as Record<string, string> | undefined)?.[DEPENDS_ON_ANNOTATION];
      if (value === undefined) continue;
      for (const ref of value.split(",")) {
        const fields = ref.split("/");
        expect(fields.length === 3 || (fields.length === 5 && fields[1] === "namespaces")).toBe(true);
        expect(refs.has(ref)).toBe(true);
      }
    }
    // The pull Secret comes from outside the group (Namespaces): it is not named.
    const mirroredDeployment = controllerOf(prepareAgentSandbox(FIXTURE_MANIFEST, mirrored).objects);
    expect(String((mirroredDeployment.metadata["annotations"] as Record<string, string>)[DEPENDS_ON_ANNOTATION])).not.toContain("platform-registry-credentials");
  });

  it("ConfigMaps and Secrets the pods read (volumes, projected, envFrom, env) are named; unrelated objects are not", () => {
    const ns = "agent-sandbox-system";
    const obj = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}, namespace: string | undefined = ns): K8sObject => ({
      apiVersion,
      kind,
      metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
      ...extra,
    });
    const workload = obj("apps/v1", "Deployment", "w", {
      spec: {
        template: {
          spec: {
            serviceAccountName: "sa",
            volumes: [{ name: "a", configMap: { name: "cm-vol" } }, { name: "b", secret: { secretName: "s-vol" } }, { name: "c", projected: { sources: [{ configMap: { name: "cm-proj" } }, { secret: { name: "s-proj" } }] } }],
            initContainers: [{ name: "i", envFrom: [{ configMapRef: { name: "cm-from" } }] }],
            containers: [{ name: "c", env: [{ name: "X", valueFrom: { secretKeyRef: { name: "s-env", key: "k" } } }] }],
          },
        },
      },
    });
    const objects = [
      workload,
      obj("v1", "ServiceAccount", "sa"),
      obj("v1", "ServiceAccount", "other"),
      ...["cm-vol", "cm-proj", "cm-from", "cm-unused"].map((n) => obj("v1", "ConfigMap", n)),
      ...["s-vol", "s-proj", "s-env"].map((n) => obj("v1", "Secret", n)),
      obj("v1", "ConfigMap", "cm-vol", {}, "elsewhere"),
      obj("rbac.authorization.k8s.io/v1", "RoleBinding", "rb", { roleRef: { kind: "Role", name: "r" }, subjects: [{ kind: "ServiceAccount", name: "sa" }] }),
      obj("rbac.authorization.k8s.io/v1", "Role", "r"),
      obj("rbac.authorization.k8s.io/v1", "Role", "unbound"),
      obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "crb-other", { roleRef: { kind: "ClusterRole", name: "cr" }, subjects: [{ kind: "ServiceAccount", name: "other", namespace: ns }] }, undefined),
      obj("rbac.authorization.k8s.io/v1", "ClusterRole", "cr", {}, undefined),
    ];
    expect(usedObjects(workload, objects).map(objectRef).sort()).toEqual([
      "/namespaces/agent-sandbox-system/ConfigMap/cm-from",
      "/namespaces/agent-sandbox-system/ConfigMap/cm-proj",
      "/namespaces/agent-sandbox-system/ConfigMap/cm-vol",
      "/namespaces/agent-sandbox-system/Secret/s-env",
      "/namespaces/agent-sandbox-system/Secret/s-proj",
      "/namespaces/agent-sandbox-system/Secret/s-vol",
      "/namespaces/agent-sandbox-system/ServiceAccount/sa",
      "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/Role/r",
      "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/RoleBinding/rb",
    ]);
  });

  it("merges with a depends-on annotation the release already carries", () => {
    const annotated = FIXTURE_V05_MANIFEST.replace(
      "kind: Deployment\nmetadata:\n  name: agent-sandbox-controller\n",
      "kind: Deployment\nmetadata:\n  name: agent-sandbox-controller\n  annotations:\n    config.kubernetes.io/depends-on: /namespaces/agent-sandbox-system/Service/agent-sandbox-controller\n",
    );
    const value = String((controllerOf(prepareAgentSandbox(annotated, online).objects).metadata["annotations"] as Record<string, string>)[DEPENDS_ON_ANNOTATION]);
    expect(value.split(",")).toEqual([
      "/namespaces/agent-sandbox-system/Service/agent-sandbox-controller",
      "/namespaces/agent-sandbox-system/ServiceAccount/agent-sandbox-controller",
      "rbac.authorization.k8s.io/ClusterRole/agent-sandbox-controller",
      "rbac.authorization.k8s.io/ClusterRoleBinding/agent-sandbox-controller",
      "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/Role/agent-sandbox-controller",
      "rbac.authorization.k8s.io/namespaces/agent-sandbox-system/RoleBinding/agent-sandbox-controller",
    ]);
  });
});
