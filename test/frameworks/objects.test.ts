/**
 * The objects the framework sections render, from the plan (pure): exact
 * SandboxTemplate/SandboxWarmPool objects with the extension CRDs' field
 * names, OpenHands' config.toml and Roles, NemoClaw's blueprint and mounts,
 * Pod Security levels, NetworkPolicies, the LimitRange, inventory and plan.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OPENHANDS_KUBERNETES_KEYS } from "../../catalog/frameworks";
import { buildInventory } from "../../inventory/inventory";
import { resolvedTemplates, sandboxTemplateObject, sandboxWarmPoolObjects } from "../../manifests/sandboxTemplates";
import { serverDnsNames } from "../../pki/certificates";
import { frameworkSections } from "../../scripts/plan";
import { networkPolicies } from "../../security/networkPolicies";
import { namespaceSpecs } from "../../security/podSecurity";
import { sandboxLimitRange } from "../../security/quota";
import { relaxations } from "../../security/relaxations";
import { kubernetesSection, openhandsConfigMap, openhandsRuntimeQuota, openhandsRuntimeRbac, openhandsSdkRbac, sessionKeyNamespaces } from "../../values/openhands";
import { nemoclawBlueprintConfigMap, nemoclawEndpoint, nemoclawRunnerPod } from "../../values/nemoclaw";
import { validateObject } from "../harness/k8sSchema";
import { MIRROR, planFor } from "../harness/planFor";
import { provided } from "../harness/presence";

const PW = provided("registryPassword");

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" };
const ISSUER = "https://login.example.internal";

const ALL_ON = {
  tier: "dev",
  kubernetesVersion: "1.34",
  catalog: { versions: { openshell: "0.0.116" } },
  gateway: { oidc: { issuer: ISSUER }, sandboxRuntimeClass: "kata-qemu" },
  storage: { workspaceClass: "standard", existingClasses: ["standard"] },
  agentSandbox: { extensions: true, templates: { tools: { image: "ghcr.io/example/tools:1.2.3", port: 8080, readinessPath: "/healthz", runAsUser: 2000 } }, warmPools: { tools: { template: "tools", replicas: 1 } } },
  openhands: { agentSandbox: { enabled: true }, kubernetesRuntime: { enabled: true, ingressDomain: "oh.example.internal", nodeSelector: { key: "pool", value: "agents" }, tolerations: [{ key: "agents", operator: "Exists", effect: "NoSchedule" }] } },
  nemoclaw: { enabled: true },
};

/**
 * Top-level spec fields of the v1beta1 extension CRDs, read from
 * k8s/crds/extensions.agents.x-k8s.io_sandbox{templates,warmpools}.yaml at
 * v0.5.6 and v1.0.1 (identical at both).
 */
const TEMPLATE_SPEC_FIELDS = ["envVarsInjectionPolicy", "networkPolicy", "networkPolicyManagement", "podTemplate", "service", "volumeClaimTemplates", "volumeClaimTemplatesPolicy"];
const WARM_POOL_SPEC_FIELDS = ["replicas", "sandboxTemplateRef", "updateStrategy"];

describe("SandboxTemplate and SandboxWarmPool", () => {
  it("the OpenHands preset, mirrored: pinned image from the mirror, port 8000, GET /health, UID 10001, 5Gi RWO workspace, session key, pull Secret", () => {
    const plan = planFor({ ...ALL_ON, tier: "staging", registry: MIRROR, gateway: { oidc: { issuer: ISSUER } } }, PW);
    const t = resolvedTemplates(plan).find((x) => x.name === "openhands-agent-server")!;
    expect(sandboxTemplateObject(plan, t)).toEqual({
      apiVersion: "extensions.agents.x-k8s.io/v1beta1",
      kind: "SandboxTemplate",
      metadata: { name: "openhands-agent-server", namespace: "agent-sandboxes", labels: LABELS },
      spec: {
        networkPolicyManagement: "Unmanaged",
        podTemplate: {
          metadata: { labels: { "app.kubernetes.io/name": "openhands-agent-server" } },
          spec: {
            automountServiceAccountToken: false,
            imagePullSecrets: [{ name: "platform-registry-credentials" }],
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "agent-server",
                image: "harbor.example.internal/mirror/ghcr.io/openhands/agent-server:1.41.0-python",
                args: ["--host", "0.0.0.0", "--port", "8000"],
                env: [{ name: "OH_SESSION_API_KEYS_0", valueFrom: { secretKeyRef: { name: "openhands-session-key", key: "key" } } }],
                ports: [{ name: "http", containerPort: 8000, protocol: "TCP" }],
                readinessProbe: { httpGet: { path: "/health", port: 8000 }, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 40 },
                resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "workspace-volume", mountPath: "/workspace" }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          { metadata: { name: "workspace-volume" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "5Gi" } } } },
        ],
      },
    });
  });

  it("a stack's own template: its image through the resolver, the gateway's RuntimeClass, no workspace unless asked", () => {
    const plan = planFor(ALL_ON);
    const t = resolvedTemplates(plan).find((x) => x.name === "tools")!;
    const obj = sandboxTemplateObject(plan, t);
    expect(obj.spec.podTemplate.spec).toEqual({
      automountServiceAccountToken: false,
      runtimeClassName: "kata-qemu",
      securityContext: { runAsNonRoot: true, runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "sandbox",
          image: "ghcr.io/example/tools:1.2.3",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
          readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 40 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    });
    expect("volumeClaimTemplates" in obj.spec).toBe(false);
  });

  it("warm pools name their template in sandboxTemplateRef (the CRD's field, not templateRef)", () => {
    expect(sandboxWarmPoolObjects(planFor(ALL_ON))).toEqual([
      { apiVersion: "extensions.agents.x-k8s.io/v1beta1", kind: "SandboxWarmPool", metadata: { name: "openhands-pool", namespace: "agent-sandboxes", labels: LABELS }, spec: { replicas: 2, sandboxTemplateRef: { name: "openhands-agent-server" } } },
      { apiVersion: "extensions.agents.x-k8s.io/v1beta1", kind: "SandboxWarmPool", metadata: { name: "tools", namespace: "agent-sandboxes", labels: LABELS }, spec: { replicas: 1, sandboxTemplateRef: { name: "tools" } } },
    ]);
  });

  it("use only the CRDs' spec fields; the embedded Pod and PVC specs validate as core objects", async () => {
    const plan = planFor({ ...ALL_ON, registry: MIRROR }, PW);
    for (const t of resolvedTemplates(plan)) {
      const obj = sandboxTemplateObject(plan, t);
      for (const k of Object.keys(obj.spec)) expect(TEMPLATE_SPEC_FIELDS).toContain(k);
      const pod = await validateObject({ apiVersion: "v1", kind: "Pod", metadata: { name: t.name, ...obj.spec.podTemplate.metadata }, spec: obj.spec.podTemplate.spec });
      expect(pod.status).toBe("valid");
      for (const vct of obj.spec.volumeClaimTemplates ?? []) {
        expect((await validateObject({ apiVersion: "v1", kind: "PersistentVolumeClaim", ...vct })).status).toBe("valid");
      }
    }
    for (const p of sandboxWarmPoolObjects(plan)) for (const k of Object.keys(p.spec)) expect(WARM_POOL_SPEC_FIELDS).toContain(k);
  });

  it("off: nothing rendered, no namespace", () => {
    const plan = planFor({ tier: "dev", kubernetesVersion: "1.34", agentSandbox: { extensions: true } });
    expect(resolvedTemplates(plan)).toEqual([]);
    expect(sandboxWarmPoolObjects(plan)).toEqual([]);
    expect(plan.namespaces).toEqual({ gateway: "openshell", sandbox: "openshell-sandboxes", agentSandbox: "agent-sandbox-system" });
  });
});

describe("OpenHands", () => {
  it("config.toml: the kubernetes runtime, the mirrored pinned runtime image, only OpenHands' keys, sorted", () => {
    const plan = planFor({ ...ALL_ON, registry: MIRROR }, PW);
    const cm = openhandsConfigMap(plan)!;
    expect(cm.metadata).toEqual({ name: "openhands-config", namespace: "openhands", labels: LABELS });
    expect(cm.data["app-image"]).toBe("harbor.example.internal/mirror/ghcr.io/openhands/openhands:0.62");
    expect(cm.data["config.toml"]).toBe(
      [
        "[core]",
        'runtime = "kubernetes"',
        "",
        "[sandbox]",
        'runtime_container_image = "harbor.example.internal/mirror/ghcr.io/openhands/runtime:0.62-nikolaik"',
        "",
        "[kubernetes]",
        'image_pull_secret = "platform-registry-credentials"',
        'ingress_domain = "oh.example.internal"',
        'namespace = "openhands-runtimes"',
        'node_selector_key = "pool"',
        'node_selector_val = "agents"',
        "privileged = false",
        'pvc_storage_class = "standard"',
        'pvc_storage_size = "5Gi"',
        'resource_cpu_request = "1"',
        'resource_memory_limit = "2Gi"',
        'resource_memory_request = "1Gi"',
        'tolerations_yaml = "- effect: NoSchedule\\n  key: agents\\n  operator: Exists\\n"',
        "",
      ].join("\n"),
    );
    expect(parse(String(parse(`x: ${JSON.stringify("- effect: NoSchedule\n  key: agents\n  operator: Exists\n")}`).x))).toEqual([{ effect: "NoSchedule", key: "agents", operator: "Exists" }]);
  });

  it("the [kubernetes] section holds OpenHands' keys only, all 13 when everything is set", () => {
    const plan = planFor({ ...ALL_ON, registry: MIRROR, openhands: { ...ALL_ON.openhands, kubernetesRuntime: { ...ALL_ON.openhands.kubernetesRuntime, ingressTlsSecret: "oh-wildcard" } } }, PW);
    expect(Object.keys(kubernetesSection(plan)).sort()).toEqual([...OPENHANDS_KUBERNETES_KEYS]);
    expect(OPENHANDS_KUBERNETES_KEYS).toHaveLength(13);
  });

  it("Roles grant exactly what the SDK and the runtime call, bound to the app's ServiceAccount", () => {
    const plan = planFor(ALL_ON);
    const subjects = [{ kind: "ServiceAccount", name: "openhands", namespace: "openhands" }];
    const sdk = openhandsSdkRbac(plan)!;
    expect(sdk.role).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "openhands-agent-sandbox", namespace: "agent-sandboxes", labels: LABELS },
      rules: [
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
        { apiGroups: ["agents.x-k8s.io"], resources: ["sandboxes"], verbs: ["get", "list", "patch", "watch"] },
        { apiGroups: ["extensions.agents.x-k8s.io"], resources: ["sandboxclaims"], verbs: ["create", "delete", "get", "list", "patch", "watch"] },
      ],
    });
    expect(sdk.binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "openhands-agent-sandbox" });
    expect(sdk.binding.subjects).toEqual(subjects);
    const rt = openhandsRuntimeRbac(plan)!;
    expect(rt.role.metadata).toEqual({ name: "openhands-runtime", namespace: "openhands-runtimes", labels: LABELS });
    expect(rt.role.rules).toEqual([
      { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["create", "delete", "get"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "delete", "get"] },
      { apiGroups: [""], resources: ["services"], verbs: ["create", "delete"] },
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ["create", "delete"] },
    ]);
    expect(rt.binding.subjects).toEqual(subjects);
    expect(openhandsRuntimeQuota(plan)!.spec.hard).toEqual({ "limits.memory": "40Gi", persistentvolumeclaims: "40", pods: "20", "requests.cpu": "20", "requests.memory": "20Gi" });
    expect(sessionKeyNamespaces(plan)).toEqual(["agent-sandboxes", "openhands"]);
  });

  it("off: no Role, ConfigMap, quota or session key", () => {
    const plan = planFor({ tier: "dev", kubernetesVersion: "1.34" });
    expect([openhandsSdkRbac(plan), openhandsRuntimeRbac(plan), openhandsConfigMap(plan), openhandsRuntimeQuota(plan)]).toEqual([undefined, undefined, undefined, undefined]);
    expect(sessionKeyNamespaces(plan)).toEqual([]);
  });
});

describe("NemoClaw", () => {
  it("the blueprint targets the in-cluster HTTPS name on the server certificate, at the exact release", () => {
    const plan = planFor(ALL_ON);
    expect(nemoclawEndpoint(plan)).toBe("https://openshell.openshell.svc.cluster.local:8080");
    expect(serverDnsNames("openshell", "openshell", [])).toContain("openshell.openshell.svc.cluster.local");
    const cm = nemoclawBlueprintConfigMap(plan)!;
    expect(cm.metadata).toEqual({ name: "nemoclaw-blueprint", namespace: "nemoclaw", labels: LABELS });
    expect(parse(cm.data["blueprint.yaml"])).toEqual({
      version: "1.0.0",
      min_openshell_version: "0.0.116",
      max_openshell_version: "0.0.116",
      openshell_target: {
        endpoint: "https://openshell.openshell.svc.cluster.local:8080",
        workspace: "default",
        expected_release: "0.0.116",
        lifecycle: "external",
        trust: { ca_file: "/var/run/openshell-target/ca.pem" },
        authentication: { credential_file: "/var/run/openshell-target/authentication" },
      },
    });
  });

  it("the runner mounts every file through subPath (regular files, no symlinks)", () => {
    const pod = nemoclawRunnerPod(planFor(ALL_ON))!;
    expect(pod.env).toEqual([{ name: "NEMOCLAW_BLUEPRINT_PATH", value: "/etc/nemoclaw/blueprint" }]);
    expect(pod.volumeMounts).toEqual([
      { name: "blueprint", mountPath: "/etc/nemoclaw/blueprint/blueprint.yaml", subPath: "blueprint.yaml", readOnly: true },
      { name: "openshell-ca", mountPath: "/var/run/openshell-target/ca.pem", subPath: "ca.pem", readOnly: true },
      { name: "openshell-credential", mountPath: "/var/run/openshell-target/authentication", subPath: "authentication", readOnly: true },
    ]);
    expect(pod.volumes.map((v) => v.name)).toEqual(pod.volumeMounts.map((m) => m.name));
  });

  it("the sandbox LimitRange gives a sandbox without a limit 8Gi with NemoClaw on, the tier default otherwise", () => {
    expect(sandboxLimitRange(planFor(ALL_ON)).spec.limits[0]!.default).toEqual({ cpu: "2", memory: "8Gi" });
    expect(sandboxLimitRange(planFor({ tier: "dev", kubernetesVersion: "1.34" })).spec.limits[0]!.default).toEqual({ cpu: "2", memory: "4Gi" });
    expect(nemoclawBlueprintConfigMap(planFor({ tier: "dev", kubernetesVersion: "1.34" }))).toBeUndefined();
  });
});

describe("namespaces, Pod Security and NetworkPolicies", () => {
  it("each framework namespace at the level its pods need", () => {
    const level = (values: Record<string, unknown>) =>
      Object.fromEntries(namespaceSpecs(planFor(values)).map((n) => [n.name, n.labels["pod-security.kubernetes.io/enforce"]]));
    expect(level({ ...ALL_ON, policies: { profile: "strict" } })).toEqual({
      "agent-sandbox-system": "restricted",
      openshell: "restricted",
      "openshell-sandboxes": "privileged",
      "agent-sandboxes": "restricted",
      openhands: "baseline",
      "openhands-runtimes": "baseline",
      nemoclaw: "restricted",
    });
    const privileged = { ...ALL_ON, openhands: { ...ALL_ON.openhands, kubernetesRuntime: { ...ALL_ON.openhands.kubernetesRuntime, privileged: true } } };
    expect(level(privileged)["openhands-runtimes"]).toBe("privileged");
    expect(relaxations(planFor(privileged))).toContain(
      "namespace openhands-runtimes: OpenHands runtime pods run privileged, the namespace at Pod Security privileged (openhands.kubernetesRuntime.privileged)",
    );
    expect(level({ ...ALL_ON, openhands: { ...ALL_ON.openhands, createAppNamespace: false } })["openhands"]).toBeUndefined();
  });

  it("the app reaches the warm-pool port and the runtime ports; NemoClaw's runner reaches the gateway on 8080 and the gateway admits it", () => {
    const plan = planFor(ALL_ON);
    const nps = networkPolicies(plan);
    const np = (ns: string, name: string) => nps.find((p) => p.metadata.namespace === ns && p.metadata.name === name)!;
    const app = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openhands" } }, podSelector: { matchLabels: {} } };
    expect(np("agent-sandboxes", "template-openhands-agent-server").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "openhands-agent-server" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [app], ports: [{ protocol: "TCP", port: 8000 }] }],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 443 }] }],
    });
    expect(np("openhands-runtimes", "openhands-runtime").spec.ingress).toEqual([{ from: [app], ports: [8080, 8081, 30082, 30083].map((port) => ({ protocol: "TCP", port })) }]);
    expect(np("openhands", "openhands-app").spec.egress![1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "agent-sandboxes" } }, podSelector: { matchLabels: {} } }],
      ports: [{ protocol: "TCP", port: 8000 }],
    });
    // A stack's own template admits nothing from the app: its clients are not known here.
    expect(np("agent-sandboxes", "template-tools").spec.ingress).toEqual([]);
    const gateway = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "openshell" } }, podSelector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } } };
    expect(np("nemoclaw", "runner-egress").spec).toEqual({ podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [gateway], ports: [{ protocol: "TCP", port: 8080 }] }] });
    expect(np("openshell", "gateway-ingress").spec.ingress![0]!.from).toContainEqual({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nemoclaw" } }, podSelector: { matchLabels: {} } });
    for (const ns of ["agent-sandboxes", "openhands", "openhands-runtimes", "nemoclaw"]) expect(np(ns, "default-deny").spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("off: no framework namespace has a policy", () => {
    const names = new Set(networkPolicies(planFor({ tier: "dev", kubernetesVersion: "1.34" })).map((p) => p.metadata.namespace));
    expect([...names].sort()).toEqual(["agent-sandbox-system", "openshell", "openshell-sandboxes"]);
  });
});

describe("inventory and plan", () => {
  it("every framework image is in the inventory, resolved through the mirror", () => {
    const inv = buildInventory(planFor({ ...ALL_ON, registry: MIRROR }, PW));
    const row = (source: string) => inv.images.find((i) => i.source === source);
    expect(row("ghcr.io/openhands/agent-server:1.41.0-python")?.mirror).toBe("harbor.example.internal/mirror/ghcr.io/openhands/agent-server:1.41.0-python");
    expect(row("ghcr.io/openhands/runtime:0.62-nikolaik")?.mirror).toBe("harbor.example.internal/mirror/ghcr.io/openhands/runtime:0.62-nikolaik");
    expect(row("ghcr.io/openhands/openhands:0.62")?.mirror).toBe("harbor.example.internal/mirror/ghcr.io/openhands/openhands:0.62");
    expect(row("ghcr.io/example/tools:1.2.3")).toEqual({
      source: "ghcr.io/example/tools:1.2.3",
      mirror: "harbor.example.internal/mirror/ghcr.io/example/tools:1.2.3",
      runtimeOnly: true,
      why: ["agentSandbox.template.tools: SandboxTemplate tools (agentSandbox.templates.tools.image), started by the agent-sandbox controller"],
      setBy: ["extensions.agents.x-k8s.io/v1beta1/SandboxTemplate: tools: spec.podTemplate.spec.containers[sandbox].image"],
    });
    const off = buildInventory(planFor({ tier: "dev", kubernetesVersion: "1.34" }));
    expect(off.images.filter((i) => i.source.includes("openhands"))).toEqual([]);
  });

  it("the runtime image follows the OpenHands version", () => {
    const plan = planFor({ tier: "dev", kubernetesVersion: "1.34", openhands: { kubernetesRuntime: { enabled: true, version: "0.58.1", ingressDomain: "oh.example.internal" } } });
    expect(plan.images.filter((i) => i.id.startsWith("openhands.")).map((i) => i.pulls[0]!.source)).toEqual(["ghcr.io/openhands/runtime:0.58-nikolaik", "ghcr.io/openhands/openhands:0.58"]);
  });

  it("npm run plan lists each framework section and its objects", () => {
    expect(frameworkSections(planFor(ALL_ON))).toEqual({
      agentSandbox: [
        "SandboxTemplate agent-sandboxes/openhands-agent-server",
        "SandboxTemplate agent-sandboxes/tools",
        "SandboxWarmPool agent-sandboxes/openhands-pool (2 x openhands-agent-server)",
        "SandboxWarmPool agent-sandboxes/tools (1 x tools)",
      ],
      openhands: [
        "Namespace openhands",
        "ServiceAccount openhands/openhands",
        "Role+RoleBinding agent-sandboxes/openhands-agent-sandbox",
        "Secret openhands-session-key in agent-sandboxes, openhands",
        "warm pool openhands-pool",
        "Namespace openhands-runtimes",
        "Role+RoleBinding openhands-runtimes/openhands-runtime",
        "ResourceQuota openhands-runtimes/openhands-runtimes",
        "ConfigMap openhands/openhands-config (config.toml, OpenHands 0.62.0)",
      ],
      nemoclaw: [
        "NemoClaw 0.0.130 -> OpenShell 0.0.116 at https://openshell.openshell.svc.cluster.local:8080",
        "Namespace nemoclaw",
        "Secret nemoclaw/nemoclaw-openshell-target (ca.pem)",
        "ConfigMap nemoclaw/nemoclaw-blueprint (blueprint.yaml)",
        "NetworkPolicy nemoclaw/runner-egress (gateway :8080)",
        "runner mounts (subPath): /etc/nemoclaw/blueprint/blueprint.yaml, /var/run/openshell-target/ca.pem, /var/run/openshell-target/authentication; Secret nemoclaw-openshell-credential is the team's",
      ],
    });
    expect(frameworkSections(planFor({ tier: "dev", kubernetesVersion: "1.34" }))).toEqual({});
  });
});
