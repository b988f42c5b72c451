import { describe, expect, it } from "vitest";
import { ManifestError } from "../../manifests/load";
import { imagesOf, parseManifest, prepareAgentSandbox, type AgentSandboxOptions } from "../../manifests/agentSandbox";
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
