/**
 * `npm run graph [-- <out-dir>]`: the mocked graph of every example stack and
 * of a matrix of variants, as JSON (type, name, parent, inputs, options, and
 * outputs), one file per configuration. A refactor must leave them
 * byte-identical: dump before, dump after, `diff -r`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURE_SHA256, SERVED, exampleConfig, withFixtureDigests } from "../test/harness/examples";
import { evaluate, type Evaluation } from "../test/harness/mocks";
import { FRAMEWORKS_DEV_VALUES } from "../test/harness/frameworks";
import { EXAMPLE_STACKS, buildConfigMap, stagingValues, type StackConfigMap } from "../test/harness/stackConfig";

const MIRROR = { mode: "mirrored", host: "harbor.example.internal", pathPrefix: "mirror", username: "robot", manifestBaseUrl: "https://files.example.internal/platform-manifests" };

/** Configurations beyond the examples: every component switch and integration at least once. */
export const VARIANTS: Readonly<Record<string, { stack: string; config: () => StackConfigMap }>> = {
  "dev-gpu-timeslicing": { stack: "dev", config: () => buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", gpu: { enabled: true, timeSlicingReplicas: 4, sandboxWorkloads: true, mig: true } }) },
  // A stack that keeps agent-sandbox v0.5.6 (webhook conversion, no migration, no gateway roll).
  "dev-keeps-agent-sandbox-v0.5": { stack: "dev", config: () => buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", catalog: { versions: { agentSandbox: "v0.5.6" } } }) },
  "dev-openshift-shared": { stack: "dev", config: () => buildConfigMap({ tier: "dev", kubernetesVersion: "1.33", cluster: { openshift: true }, gateway: { sandboxNamespace: "openshell" }, relaxations: { sharedSandboxNamespace: true } }) },
  "dev-extensions-route": {
    stack: "dev",
    config: () => buildConfigMap({ tier: "dev", kubernetesVersion: "1.35", catalog: { manifestSha256: { "agent-sandbox-with-extensions": FIXTURE_SHA256 } }, agentSandbox: { extensions: true }, gateway: { grpcRoute: { enabled: true, hostnames: ["gw.example.internal"], gatewayName: "eg" }, sandboxRuntimeClass: "kata-qemu" } }),
  },
  // Every framework section on: OpenHands on agent-sandbox (preset template, warm pool, SDK Role) and its
  // KubernetesRuntime, a custom template, NemoClaw with the OpenShell its release accepts.
  "dev-frameworks": { stack: "dev", config: () => buildConfigMap({ ...FRAMEWORKS_DEV_VALUES }) },
  "staging-backups-cephfs": {
    stack: "staging",
    config: () =>
      buildConfigMap(
        stagingValues({
          database: { engine: "postgres", backup: { enabled: true, endpointUrl: "https://s3.example.internal", destinationPath: "s3://backups/pg" } },
          storage: { workspaceClass: "cephfs", cephfs: { mode: "standalone", clusterID: "fsid-1", fsName: "fs", monitors: ["10.0.0.1:6789"] } },
          inference: { provider: "openai-compatible", endpoint: "https://llm.example.internal/v1" },
          observability: { prometheusOperator: true, monitorLabels: { release: "kps" } },
          policies: { apiServer: { cidrs: ["10.0.0.1/32"] }, monitoringNamespace: "monitoring", egress: [{ name: "pypi", host: "pypi.org", methods: ["GET"] }] },
        }),
        { backupAccessKeyId: "fixture-akid", backupSecretAccessKey: "fixture-sak", cephUserKey: "fixture-ceph", inferenceApiKey: "fixture-llm" },
      ),
  },
  "staging-proxy": {
    stack: "staging",
    config: () =>
      buildConfigMap(
        stagingValues({ gateway: { oidc: { issuer: "https://login.example.internal" }, supervisorTopology: "sidecar", upstreamProxy: { url: "http://proxy.example.internal:3128", cidrs: ["10.9.0.5/32"], noProxy: [".example.internal"], allowCleartextCredentials: true } } }),
        { upstreamProxyCredentials: "u:fixture-proxy" },
      ),
  },
  "prod-perregistry-nfs": {
    stack: "prod",
    config: () =>
      buildConfigMap(
        {
          tier: "prod",
          kubernetesVersion: "1.34",
          registry: { ...MIRROR, layout: "perRegistry", pathPrefix: "", registries: { "ghcr.io": "harbor.example.internal/ghcr", "registry.k8s.io": "harbor.example.internal/k8s", "nvcr.io": "harbor.example.internal/nvcr", "helm.ngc.nvidia.com": "harbor.example.internal/ngc", "cloudnative-pg.github.io": "harbor.example.internal/cnpg", "kubernetes-csi.github.io": "harbor.example.internal/csi" }, caBundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" },
          catalog: { manifestSha256: { "agent-sandbox": FIXTURE_SHA256 } },
          gateway: { oidc: { issuer: "https://login.example.internal" } },
          policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
          gpu: { enabled: true },
          storage: { workspaceClass: "nfs", nfs: { enabled: true, snapshots: true, server: "nfs.example.internal", share: "/exports" } },
        },
        { registryPassword: "fixture-pw" },
      ),
  },
};

/**
 * Everything a refactor must keep: the registered graph and the outputs. Resources are sorted by URN:
 * the order the program registers them in follows the event loop (components/provider.ts
 * letRegistrationsOut), and is not part of what the engine records.
 */
export function shape(ev: Evaluation): unknown {
  return {
    resources: [...ev.resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)).map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      parent: r.parent,
      provider: r.provider,
      inputs: r.rawInputs,
      dependsOn: [...r.dependsOn].sort(),
      propertyDependencies: r.propertyDependencies,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      ignoreChanges: r.ignoreChanges,
      replacementTrigger: r.replacementTrigger,
      aliases: r.aliases,
      transforms: r.transforms.map((t) => t.toString()),
      hooks: r.hooks,
    })),
    outputs: ev.outputs,
  };
}

async function main(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const program = (require("../index") as { default?: () => Promise<Record<string, unknown>> }).default ?? (require("../index") as () => Promise<Record<string, unknown>>);
  const runs: [string, string, StackConfigMap][] = [
    ...EXAMPLE_STACKS.map((s) => [s, s, exampleConfig(s)] as [string, string, StackConfigMap]),
    ...Object.entries(VARIANTS).map(([name, v]) => [name, v.stack, v.config()] as [string, string, StackConfigMap]),
  ];
  for (const [name, stack, config] of runs) {
    const ev = await evaluate({ stack: { ...withFixtureDigests(config), stack }, fetches: SERVED, program });
    writeFileSync(join(out, `${name}.json`), `${JSON.stringify(shape(ev), null, 1)}\n`);
    console.log(`${name}: ${ev.resources.length} resources`);
  }
}

// Only when run (`npm run graph`): tests import VARIANTS from here.
if (require.main === module) {
  main(process.argv[2] ?? "graph-snapshot").then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
