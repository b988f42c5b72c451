/** Every framework section on (bench/graph.ts variant "dev-frameworks" and the framework tests). */
import { FIXTURE_SHA256 } from "./examples";

export const FRAMEWORKS_DEV_VALUES: Readonly<Record<string, unknown>> = {
  tier: "dev",
  kubernetesVersion: "1.34",
  catalog: { versions: { openshell: "0.0.116" }, manifestSha256: { "agent-sandbox-with-extensions": FIXTURE_SHA256 } },
  gateway: { oidc: { issuer: "https://login.example.internal" } },
  storage: { workspaceClass: "standard", existingClasses: ["standard"] },
  agentSandbox: {
    extensions: true,
    templates: { "python-tools": { image: "ghcr.io/example/python-tools:1.2.3", port: 8080, readinessPath: "/healthz", workspaceSize: "1Gi" } },
    warmPools: { "python-tools": { template: "python-tools", replicas: 1 } },
  },
  openhands: { agentSandbox: { enabled: true }, kubernetesRuntime: { enabled: true, ingressDomain: "openhands.example.internal" } },
  nemoclaw: { enabled: true },
};
