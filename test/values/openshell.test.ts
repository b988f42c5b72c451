import { describe, expect, it } from "vitest";
import { openshellValues, sideloadMethod } from "../../values/openshell";
import { provided } from "../harness/presence";
import { ISSUER, planFor } from "../harness/planFor";

const plan = planFor;

describe("supervisor sideload method", () => {
  it.each([
    ["1.30", false, "init-container"],
    ["1.32", true, "init-container"],
    ["1.33", false, "init-container"],
    ["1.33", true, "image-volume"],
    ["1.34", false, "init-container"],
    ["1.34", true, "image-volume"],
    ["1.35", false, "image-volume"],
    ["1.36", false, "image-volume"],
    ["v1.35.2", false, "image-volume"],
  ] as const)("Kubernetes %s, ImageVolume gate %s → %s", (version, gate, method) => {
    expect(sideloadMethod(version, gate)).toBe(method);
  });
});

describe("openshellValues", () => {
  it("a stack on v0.5.x has no agent-sandbox annotation (its gateway pod template stays as it was)", () => {
    expect(openshellValues(plan({ tier: "dev", kubernetesVersion: "1.34", catalog: { versions: { agentSandbox: "v0.5.6" } } }))["podAnnotations"]).toBeUndefined();
  });

  it("dev: the complete values object", () => {
    expect(openshellValues(plan({ tier: "dev", kubernetesVersion: "1.34" }))).toEqual({
      certManager: { enabled: false },
      grpcRoute: { enabled: false },
      image: { pullPolicy: "IfNotPresent", repository: "ghcr.io/nvidia/openshell/gateway", tag: "0.0.111" },
      imagePullSecrets: [],
      networkPolicy: { enabled: true },
      pkiInitJob: { enabled: false },
      // Rolls the gateway when agent-sandbox moves (from v1.0 on): its driver discovers the Sandbox API at start.
      podAnnotations: { "agent-platform/agent-sandbox-version": "v1.0.1" },
      podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
      replicaCount: 1,
      resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "100m", memory: "256Mi" } },
      server: {
        auth: { allowUnauthenticatedUsers: true },
        credentialStorage: { existingSecret: "openshell-credential-storage-key-encryption-key" },
        disableTls: false,
        enableUserNamespaces: false,
        sandboxImage: "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da",
        sandboxImagePullSecrets: [],
        sandboxJwt: { signingSecretName: "openshell-jwt-keys" },
        sandboxNamespace: "openshell-sandboxes",
        telemetryEnabled: false,
        tls: {
          certSecretName: "openshell-server-tls",
          clientCaSecretName: "openshell-server-client-ca",
          clientTlsSecretName: "openshell-client-tls",
        },
        workspaceDefaultStorageSize: "2Gi",
      },
      service: { healthPort: 8081, metricsPort: 9090, port: 8080, type: "ClusterIP" },
      // The graph makes the gateway's ServiceAccount before the chart's workload.
      serviceAccount: { create: false, name: "openshell" },
      supervisor: { image: { repository: "ghcr.io/nvidia/openshell/supervisor", tag: "0.0.111" }, sideloadMethod: "init-container", topology: "combined" },
      workload: { kind: "statefulset" },
    });
  });

  it("keys are sorted at every level (byte-stable inputs)", () => {
    const v = openshellValues(plan({ tier: "prod", kubernetesVersion: "1.35" }));
    const check = (o: unknown): void => {
      if (typeof o !== "object" || o === null || Array.isArray(o)) return;
      const keys = Object.keys(o);
      expect(keys).toEqual([...keys].sort());
      Object.values(o).forEach(check);
    };
    check(v);
  });

  it("Postgres: the CloudNativePG app Secret, a Deployment, anti-affinity for more than one replica", () => {
    const v = openshellValues(plan({ tier: "staging", kubernetesVersion: "1.34" }));
    expect((v["server"] as Record<string, unknown>)["externalDbSecret"]).toBe("openshell-db-app");
    expect(v["workload"]).toEqual({ kind: "deployment" });
    expect(v["replicaCount"]).toBe(2);
    expect(v["affinity"]).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: { "app.kubernetes.io/instance": "openshell", "app.kubernetes.io/name": "openshell" } },
              topologyKey: "kubernetes.io/hostname",
            },
          },
        ],
      },
    });
  });

  it("SQLite: no external database Secret and no affinity", () => {
    const v = openshellValues(plan({ tier: "dev", kubernetesVersion: "1.34" }));
    expect(Object.keys(v["server"] as object)).not.toContain("externalDbSecret");
    expect(Object.keys(v)).not.toContain("affinity");
  });

  it("mirrored: gateway, supervisor and sandbox images from the mirror, pull secrets for gateway and sandboxes", () => {
    const v = openshellValues(
      plan(
        {
          tier: "prod",
          kubernetesVersion: "1.35",
          registry: { mode: "mirrored", host: "harbor.example.internal", pathPrefix: "mirror", username: "robot", manifestBaseUrl: "https://f.example.internal" },
        },
        provided("registryPassword"),
      ),
    );
    const m = "harbor.example.internal/mirror/ghcr.io/nvidia";
    expect(v["image"]).toEqual({ pullPolicy: "IfNotPresent", repository: `${m}/openshell/gateway`, tag: "0.0.111" });
    expect(v["supervisor"]).toEqual({ image: { repository: `${m}/openshell/supervisor`, tag: "0.0.111" }, sideloadMethod: "image-volume", topology: "combined" });
    expect((v["server"] as Record<string, unknown>)["sandboxImage"]).toBe(`${m}/openshell-community/sandboxes/base:8f7d0da`);
    expect(v["imagePullSecrets"]).toEqual([{ name: "platform-registry-credentials" }]);
    expect((v["server"] as Record<string, unknown>)["sandboxImagePullSecrets"]).toEqual([{ name: "platform-registry-credentials" }]);
  });

  it("OIDC, GRPCRoute, workspace class, separate sandbox namespace, OpenShift", () => {
    const v = openshellValues(
      plan({
        tier: "staging",
        kubernetesVersion: "1.34",
        cluster: { openshift: true },
        storage: { workspaceClass: "cephfs-rwx", existingClasses: ["cephfs-rwx"] },
        gateway: {
          sandboxNamespace: "sandboxes",
          oidc: { audience: "openshell-cli", rolesClaim: "groups", adminRole: "admins", userRole: "users", caConfigMap: "oidc-ca" },
          grpcRoute: { enabled: true, hostnames: ["openshell.example.internal"], gatewayName: "eg", gatewayNamespace: "envoy-gateway-system" },
        },
      }),
    );
    const server = v["server"] as Record<string, unknown>;
    expect(server["oidc"]).toEqual({
      adminRole: "admins",
      audience: "openshell-cli",
      caConfigMapName: "oidc-ca",
      issuer: ISSUER,
      rolesClaim: "groups",
      userRole: "users",
    });
    expect(server["sandboxNamespace"]).toBe("sandboxes");
    expect(server["workspaceStorageClass"]).toBe("cephfs-rwx");
    expect(v["grpcRoute"]).toEqual({
      enabled: true,
      gateway: { create: false, name: "eg", namespace: "envoy-gateway-system" },
      hostnames: ["openshell.example.internal"],
    });
    expect(v["podSecurityContext"]).toEqual({ fsGroup: null, seccompProfile: { type: "RuntimeDefault" } });
    expect(v["securityContext"]).toEqual({ runAsUser: null });
  });
});
