import { describe, expect, it } from "vitest";
import { TIER_DEFAULTS } from "../../config/defaults";
import { deepMerge } from "../../lib/tree";
import { ConfigError } from "../../config/errors";
import { resolveConfig } from "../../config/load";
import { NO_SECRETS, type SecretPresenceMap } from "../../config/secrets";
import { provided } from "../harness/presence";
import { rule } from "../../config/rules";
import { selectArtifacts } from "../../config/selection";


function errorOf(values: Record<string, unknown>, secrets: SecretPresenceMap = NO_SECRETS, stack = "test"): string {
  try {
    resolveConfig({ stack, values, secrets });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

/** What staging and prod need besides their tier: an OIDC issuer, and (prod) the manifest digest. */
const ISSUER = "https://login.example.internal/realms/platform";
const ready = (values: Record<string, unknown>): Record<string, unknown> =>
  deepMerge(
    {
      gateway: { oidc: { issuer: ISSUER } },
      policies: { apiServer: { cidrs: ["10.0.0.1/32"] } },
      ...(values["tier"] === "prod" ? { catalog: { manifestSha256: { "agent-sandbox": "a".repeat(64) } } } : {}),
    },
    values,
  ) as Record<string, unknown>;

const FOOTER =
  'Fix them with `pulumi config set --path <key> <value>` (secrets with --secret); docs/configuration.md lists every key.';

const mirror = {
  mode: "mirrored",
  host: "harbor.example.internal",
  pathPrefix: "mirror",
  manifestBaseUrl: "https://files.example.internal/m",
};

describe("tier defaults", () => {
  it("dev: the tier defaults with the stack's two required keys", () => {
    const c = resolveConfig({ stack: "dev", values: { tier: "dev", kubernetesVersion: "1.34" }, secrets: NO_SECRETS });
    expect(c).toEqual({ tier: "dev", kubernetesVersion: "1.34", ...TIER_DEFAULTS.dev });
    expect(c.database.engine).toBe("sqlite");
    expect(c.gateway.replicas).toBe(1);
    expect(c.gpu.enabled).toBe(false);
    expect(c.policies.profile).toBe("relaxed");
  });

  it.each([
    ["staging", 2, "postgres", 2, "10Gi"],
    ["prod", 3, "postgres", 3, "20Gi"],
  ] as const)("%s: %i gateway replicas on %s with %i instances of %s", (tier, replicas, engine, instances, size) => {
    const c = resolveConfig({ stack: tier, values: ready({ tier, kubernetesVersion: "1.33" }), secrets: NO_SECRETS });
    expect([c.gateway.replicas, c.database.engine, c.database.instances, c.database.storageSize, c.policies.profile]).toEqual([
      replicas,
      engine,
      instances,
      size,
      "strict",
    ]);
  });

  it("stack settings merge over the tier: objects key by key, lists replace", () => {
    const c = resolveConfig({
      stack: "prod",
      values: ready({
        tier: "prod",
        kubernetesVersion: "1.33",
        database: { storageSize: "50Gi" },
        gpu: { enabled: true, nodeOperatingSystems: ["rhel9"] },
      }),
      secrets: NO_SECRETS,
    });
    expect(c.database).toEqual({
      engine: "postgres",
      clusterName: "openshell-db",
      podAntiAffinity: "required",
      instances: 3,
      storageSize: "50Gi",
      readyTimeoutMinutes: 30,
      backup: { enabled: false, schedule: "0 0 2 * * *", retention: "30d" },
    });
    expect(c.gpu.nodeOperatingSystems).toEqual(["rhel9"]);
    expect(c.gpu.driver).toBe(true);
  });

  it("deepMerge replaces arrays and scalars and merges objects", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 1, e: 2 });
    expect(deepMerge({ a: { b: 1 } }, { a: "x" })).toEqual({ a: "x" });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe("one error naming every bad key", () => {
  it("missing required keys and an unknown tier", () => {
    expect(errorOf({ tier: "qa" })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - kubernetesVersion: required (every stack sets it; see Pulumi.<stack>.yaml)",
        '  - tier: got "qa"; allowed: dev, staging, prod',
        FOOTER,
      ].join("\n"),
    );
  });

  it("typos at the top level and nested, with the allowed keys", () => {
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.33", gatway: { replicas: 2 }, registry: { mirro: "x" } })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - gatway: unknown key (did you mean gateway?); allowed keys: agentSandbox, backupAccessKeyId, backupSecretAccessKey, catalog, cephUserKey, cluster, database, gateway, gpu, inference, inferenceApiKey, kubeconfig, kubernetesVersion, nemoclaw, observability, openhands, pki, policies, protection, registry, registryPassword, relaxations, storage, tier, upstreamProxyCredentials",
        "  - registry.mirro: unknown key; allowed keys: mode, host, layout, pathPrefix, registries, scheme, username, pullSecretName, chartRepositories, manifestBaseUrl, manifestDir, caBundle",
        FOOTER,
      ].join("\n"),
    );
  });

  it("wrong types, ranges and formats", () => {
    expect(
      errorOf(
        ready({
          tier: "staging",
          kubernetesVersion: "1.33",
          gateway: { replicas: "2", namespace: "OpenShell" },
          database: { instances: 0, storageSize: "10 GB" },
          registry: { mode: "offline" },
        }),
      ),
    ).toBe(
      [
        'stack "test" has 5 configuration errors:',
        "  - database.instances: must be at least 1, got number 0",
        '  - database.storageSize: must be a Kubernetes quantity such as 10Gi or 500m, got "10 GB"',
        '  - gateway.namespace: must be a Kubernetes namespace name (lower-case letters, digits, -), got "OpenShell"',
        '  - gateway.replicas: expected number, got "2"',
        '  - registry.mode: got "offline"; allowed: online, mirrored',
        FOOTER,
      ].join("\n"),
    );
  });

  it("gateway replicas > 1 need Postgres", () => {
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.33", gateway: { replicas: 3 } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        '  - gateway.replicas: 3 replicas need database.engine "postgres"; with "sqlite" the gateway runs exactly 1 replica',
        FOOTER,
      ].join("\n"),
    );
  });

  it("mirrored mode needs a host and a manifest location", () => {
    expect(errorOf(ready({ tier: "prod", kubernetesVersion: "1.33", registry: { mode: "mirrored" } }))).toBe(
      [
        'stack "test" has 2 configuration errors:',
        '  - registry.host: required when registry.mode is "mirrored"',
        '  - registry.manifestBaseUrl: required when registry.mode is "mirrored" (or set registry.manifestDir for a local directory)',
        FOOTER,
      ].join("\n"),
    );
  });

  it("online mode refuses mirror-only settings instead of ignoring them", () => {
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.33", registry: { host: "harbor.example.internal", username: "robot" } }, provided("registryPassword"))).toBe(
      [
        'stack "test" has 2 configuration errors:',
        '  - registry.host: only used when registry.mode is "mirrored" (it is "online")',
        '  - registry.username: only used when registry.mode is "mirrored" (it is "online")',
        FOOTER,
      ].join("\n"),
    );
  });

  it("staging forbids latest tags and plain-HTTP mirrors unless relaxed by name", () => {
    const values = ready({
      tier: "staging",
      kubernetesVersion: "1.33",
      registry: { ...mirror, scheme: "http", chartRepositories: { "https://helm.ngc.nvidia.com/nvidia": "http://charts.lab/ngc" } },
      catalog: { images: { "openshell.sandboxBase": { tag: "latest" } } },
    });
    expect(errorOf(values)).toBe(
      [
        'stack "test" has 3 configuration errors:',
        '  - catalog.images["openshell.sandboxBase"].tag: "latest" is not allowed in the staging tier (pin a version, or set relaxations.latestTags to true)',
        '  - registry.chartRepositories["https://helm.ngc.nvidia.com/nvidia"]: plain HTTP is not allowed in the staging tier (use https, or set relaxations.plainHttpMirror to true)',
        "  - registry.scheme: plain HTTP is not allowed in the staging tier (use https, or set relaxations.plainHttpMirror to true)",
        FOOTER,
      ].join("\n"),
    );
    const relaxed = resolveConfig({
      stack: "test",
      values: { ...values, relaxations: { latestTags: true, plainHttpMirror: true, unauthenticatedUsers: false } },
      secrets: NO_SECRETS,
    });
    expect(relaxed.catalog.images["openshell.sandboxBase"]).toEqual({ tag: "latest" });
  });

  it("dev may use latest and plain HTTP without a relaxation", () => {
    const c = resolveConfig({
      stack: "dev",
      values: {
        tier: "dev",
        kubernetesVersion: "1.33",
        registry: { ...mirror, scheme: "http" },
        catalog: { images: { "openshell.sandboxBase": { tag: "latest" } } },
      },
      secrets: NO_SECRETS,
    });
    expect(c.registry.scheme).toBe("http");
  });

  it("the perRegistry layout must map every source registry the stack pulls from", () => {
    expect(
      errorOf(
        ready({
          tier: "prod",
          kubernetesVersion: "1.33",
          registry: { ...mirror, pathPrefix: "", layout: "perRegistry", registries: { "ghcr.io": "harbor.example.internal/ghcr-proxy", "nvcr.io": "bad host/x" } },
        }),
      ),
    ).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - registry.registries: no mirror location for cloudnative-pg.github.io, registry.k8s.io; the perRegistry layout needs one for every source registry this stack pulls from",
        '  - registry.registries["nvcr.io"]: "bad host" is not a registry host; expected host[:port][/path]',
        FOOTER,
      ].join("\n"),
    );
  });

  it("version overrides are checked against the supported range and shape", () => {
    expect(
      errorOf({
        tier: "dev",
        kubernetesVersion: "1.33",
        catalog: { versions: { agentSandbox: "v1.1.0", openshell: "v0.0.111", helm: "3" }, images: { "gpu.driver": { tag: "1" } } },
      }),
    ).toBe(
      [
        'stack "test" has 4 configuration errors:',
        "  - catalog.images[\"gpu.driver\"]: unknown image; allowed: " +
          "agentSandbox.controller, cephCsi.plugin, cephCsi.provisioner, cephCsi.registrar, cephCsi.resizer, cephCsi.snapshotter, cloudnativePg.operator, cloudnativePg.postgres, csiDriverNfs.livenessProbe, csiDriverNfs.nfs, csiDriverNfs.nodeDriverRegistrar, csiDriverNfs.provisioner, csiDriverNfs.resizer, csiDriverNfs.snapshotController, csiDriverNfs.snapshotter, gpuOperator.ccManager, gpuOperator.dcgm, gpuOperator.dcgmExporter, gpuOperator.devicePlugin, gpuOperator.draDriver, gpuOperator.driver, gpuOperator.driverManager, gpuOperator.gdrcopy, gpuOperator.gds, gpuOperator.gfd, gpuOperator.kataSandboxDevicePlugin, gpuOperator.migManager, gpuOperator.nfd, gpuOperator.nodeStatusExporter, gpuOperator.operator, gpuOperator.sandboxDevicePlugin, gpuOperator.toolkit, gpuOperator.validator, gpuOperator.vfioManager, gpuOperator.vfioManagerDriverManager, gpuOperator.vgpuDeviceManager, gpuOperator.vgpuManagerDriverManager, openhands.agentServer, openhands.app, openhands.runtime, openshell.gateway, openshell.sandboxBase, openshell.supervisor, verify.probe",
        '  - catalog.versions.agentSandbox: v1.1.0 is outside the supported range v0.5.2 <= version < v1.1.0 (OpenShell needs the v1beta1 Sandbox API (v0.5+), v0.5.0-v0.5.1 wipe claim status on upgrade, and v1.1 is neither released nor tested; a cluster moving from v0.5.x to v1.0.x is migrated by the graph (docs/upgrades.md "agent-sandbox v0.5 to v1.0"))',
        "  - catalog.versions.helm: unknown release; allowed: agentSandbox, cephCsi, cloudnativePg, cloudnativePgOperator, csiDriverNfs, gpuOperator, openshell",
        '  - catalog.versions.openshell: "v0.0.111" is not a version of the form X.Y.Z (no leading v)',
        FOOTER,
      ].join("\n"),
    );
  });

  it("version values are checked once the keys are known", () => {
    expect(
      errorOf({ tier: "dev", kubernetesVersion: "1.33", catalog: { versions: { agentSandbox: "v1.1.0", openshell: "v0.0.111", cloudnativePg: "0.30.0" } } }),
    ).toBe(
      [
        'stack "test" has 3 configuration errors:',
        '  - catalog.versions.agentSandbox: v1.1.0 is outside the supported range v0.5.2 <= version < v1.1.0 (OpenShell needs the v1beta1 Sandbox API (v0.5+), v0.5.0-v0.5.1 wipe claim status on upgrade, and v1.1 is neither released nor tested; a cluster moving from v0.5.x to v1.0.x is migrated by the graph (docs/upgrades.md "agent-sandbox v0.5 to v1.0"))',
        "  - catalog.versions.cloudnativePgOperator: required when catalog.versions.cloudnativePg is 0.30.0 (known chart/operator pairs: 0.26.1/1.27.1, 0.27.1/1.28.1, 0.28.3/1.29.1, 0.29.0/1.30.0)",
        '  - catalog.versions.openshell: "v0.0.111" is not a version of the form X.Y.Z (no leading v)',
        FOOTER,
      ].join("\n"),
    );
  });

  it.each([
    ["1.29", "1.29 is not supported; allowed: 1.30 or newer"],
    ["1.3", "1.3 is not supported; allowed: 1.30 or newer (quote it in YAML: an unquoted 1.30 reads as the number 1.3)"],
    ["latest", 'must be a Kubernetes version such as 1.33, got "latest"'],
  ])("kubernetesVersion %s", (version, message) => {
    expect(errorOf({ tier: "dev", kubernetesVersion: version })).toBe(
      ['stack "test" has 1 configuration error:', `  - kubernetesVersion: ${message}`, FOOTER].join("\n"),
    );
  });
});

describe("secret settings", () => {
  it("a mirror user needs its password, an inference provider its key and endpoint", () => {
    expect(
      errorOf(
        ready({
          tier: "prod",
          kubernetesVersion: "1.33",
          registry: { ...mirror, username: "robot$pull" },
          inference: { provider: "nvidia-nim" },
        }),
      ),
    ).toBe(
      [
        'stack "test" has 3 configuration errors:',
        '  - inference.endpoint: required when inference.provider is "nvidia-nim"',
        '  - inferenceApiKey: required when inference.provider is "nvidia-nim"; set it with `pulumi config set --secret inferenceApiKey <value>`',
        "  - registryPassword: required when registry.username is set; set it with `pulumi config set --secret registryPassword <value>`",
        FOOTER,
      ].join("\n"),
    );
  });

  it("a secret stored in plain text is refused, and an unused one is reported", () => {
    const secrets: SecretPresenceMap = { ...NO_SECRETS, registryPassword: { provided: true, encrypted: false }, cephUserKey: { provided: true, encrypted: true } };
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.33" }, secrets)).toBe(
      [
        'stack "test" has 3 configuration errors:',
        '  - cephUserKey: set, but storage.cephfs.mode is "none" (only "standalone" uses it)',
        "  - registry.username: required when the secret registryPassword is set",
        "  - registryPassword: is stored in plain text; set it with `pulumi config set --secret registryPassword <value>`",
        FOOTER,
      ].join("\n"),
    );
  });

  it("backups need Postgres, a store and both credentials", () => {
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.33", database: { backup: { enabled: true } } }, provided("backupAccessKeyId"))).toBe(
      [
        'stack "test" has 4 configuration errors:',
        "  - backupSecretAccessKey: required when database.backup.enabled is true; set it with `pulumi config set --secret backupSecretAccessKey <value>`",
        "  - database.backup.destinationPath: required when database.backup.enabled is true",
        '  - database.backup.enabled: backups need database.engine "postgres" (it is "sqlite")',
        "  - database.backup.endpointUrl: required when database.backup.enabled is true",
        FOOTER,
      ].join("\n"),
    );
  });

  it("a complete prod configuration with its secrets resolves", () => {
    const c = resolveConfig({
      stack: "prod",
      values: ready({
        tier: "prod",
        kubernetesVersion: "1.34",
        registry: { ...mirror, username: "robot$pull" },
        inference: { provider: "openai-compatible", endpoint: "https://llm.example.internal/v1" },
        storage: { cephfs: { mode: "standalone", clusterID: "b6f1c0de-fsid", fsName: "sandboxes", monitors: ["10.0.0.1:6789"] } },
        database: { backup: { enabled: true, endpointUrl: "https://s3.example.internal", destinationPath: "s3://backups/openshell" } },
      }),
      secrets: provided("registryPassword", "inferenceApiKey", "cephUserKey", "backupAccessKeyId", "backupSecretAccessKey"),
    });
    expect(c.registry.username).toBe("robot$pull");
    expect(c.database.backup).toEqual({
      enabled: true,
      endpointUrl: "https://s3.example.internal",
      destinationPath: "s3://backups/openshell",
      schedule: "0 0 2 * * *",
      retention: "30d",
    });
  });
});

describe("gateway, PKI and database rules", () => {
  it("OIDC half configured: settings without an issuer, roles without a claim", () => {
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.34", gateway: { oidc: { audience: "x", adminRole: "admins" } } })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - gateway.oidc.adminRole: only used with gateway.oidc.issuer, which is not set",
        "  - gateway.oidc.audience: only used with gateway.oidc.issuer, which is not set",
        FOOTER,
      ].join("\n"),
    );
    expect(errorOf(ready({ tier: "staging", kubernetesVersion: "1.34", gateway: { oidc: { adminRole: "admins" } } }))).toBe(
      ['stack "test" has 1 configuration error:', "  - gateway.oidc.rolesClaim: required when gateway.oidc.adminRole or userRole is set", FOOTER].join("\n"),
    );
  });

  it("someone must be able to log in; unauthenticated users need a named relaxation outside dev", () => {
    const api = { apiServer: { cidrs: ["10.0.0.1/32"] } };
    expect(errorOf({ tier: "staging", kubernetesVersion: "1.34", policies: api })).toBe(
      [
        'stack "test" has 1 configuration error:',
        "  - gateway.oidc.issuer: required: clients authenticate with OIDC tokens (the gateway refuses mTLS-only users with the Kubernetes driver), or set gateway.allowUnauthenticatedUsers",
        FOOTER,
      ].join("\n"),
    );
    expect(errorOf({ tier: "staging", kubernetesVersion: "1.34", policies: api, gateway: { allowUnauthenticatedUsers: true } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        "  - gateway.allowUnauthenticatedUsers: not allowed in the staging tier (configure gateway.oidc, or set relaxations.unauthenticatedUsers to true)",
        FOOTER,
      ].join("\n"),
    );
    const relaxed = resolveConfig({
      stack: "test",
      values: { tier: "staging", kubernetesVersion: "1.34", policies: api, gateway: { allowUnauthenticatedUsers: true }, relaxations: { unauthenticatedUsers: true } },
      secrets: NO_SECRETS,
    });
    expect(relaxed.gateway.allowUnauthenticatedUsers).toBe(true);
  });

  it("prod without the manifest digest", () => {
    const api = { apiServer: { cidrs: ["10.0.0.1/32"] } };
    // v0.5.5: a supported version whose digest the catalog does not carry.
    const v055 = { versions: { agentSandbox: "v0.5.5" } };
    expect(errorOf({ tier: "prod", kubernetesVersion: "1.34", policies: api, gateway: { oidc: { issuer: ISSUER } }, catalog: v055 })).toBe(
      [
        'stack "test" has 1 configuration error:',
        '  - catalog.manifestSha256["agent-sandbox"]: required in the prod tier: the sha256 of sandbox.yaml v0.5.5 (sha256sum the file you verified and mirrored)',
        FOOTER,
      ].join("\n"),
    );
    // The catalog carries both assets' digests for the pin (v1.0.1) and for v0.5.6.
    for (const [agentSandbox, extensions] of [["v1.0.1", false], ["v1.0.1", true], ["v0.5.6", false], ["v0.5.6", true]] as const) {
      const c = resolveConfig({
        stack: "test",
        values: { tier: "prod", kubernetesVersion: "1.34", policies: api, gateway: { oidc: { issuer: ISSUER } }, agentSandbox: { extensions }, catalog: { versions: { agentSandbox } } },
        secrets: NO_SECRETS,
      });
      expect([c.catalog.versions.agentSandbox, c.agentSandbox.extensions]).toEqual([agentSandbox, extensions]);
    }
  });

  it("route, user namespaces on OpenShift, reserved namespaces, certificate lifetimes", () => {
    expect(
      errorOf({
        tier: "dev",
        kubernetesVersion: "1.34",
        cluster: { openshift: true },
        gateway: { userNamespaces: true, grpcRoute: { enabled: true }, sandboxNamespace: "cnpg-system" },
        pki: { caValidityHours: 100, certValidityHours: 200, earlyRenewalHours: 200 },
      }),
    ).toBe(
      [
        'stack "test" has 5 configuration errors:',
        "  - gateway.grpcRoute.gatewayName: required when gateway.grpcRoute.enabled is true (the Gateway the route attaches to)",
        '  - gateway.sandboxNamespace: "cnpg-system" belongs to another component; use a namespace of its own',
        "  - gateway.userNamespaces: fails on OpenShift (sandbox creation errors with setgroups, OpenShell #2520); leave it false",
        "  - pki.caValidityHours: must exceed pki.certValidityHours (200): a certificate cannot outlive its CA",
        "  - pki.earlyRenewalHours: must be less than pki.certValidityHours (200), or every run re-issues the certificates",
        FOOTER,
      ].join("\n"),
    );
  });

  it("replicas > 1 on SQLite is refused even when Postgres would be the tier default", () => {
    expect(errorOf(ready({ tier: "staging", kubernetesVersion: "1.34", database: { engine: "sqlite" } }))).toBe(
      [
        'stack "test" has 1 configuration error:',
        '  - gateway.replicas: 2 replicas need database.engine "postgres"; with "sqlite" the gateway runs exactly 1 replica',
        FOOTER,
      ].join("\n"),
    );
  });
});

describe("storage and GPU rules", () => {
  it("CephFS without clusterID/fsName/monitors, NFS without server/share", () => {
    expect(
      errorOf({ tier: "dev", kubernetesVersion: "1.34", storage: { cephfs: { mode: "standalone" }, nfs: { enabled: true } } }, provided("cephUserKey")),
    ).toBe(
      [
        'stack "test" has 5 configuration errors:',
        '  - storage.cephfs.clusterID: required when storage.cephfs.mode is "standalone" (the Ceph cluster fsid)',
        '  - storage.cephfs.fsName: required when storage.cephfs.mode is "standalone"',
        '  - storage.cephfs.monitors: needs at least one monitor address when storage.cephfs.mode is "standalone"',
        "  - storage.nfs.server: required when storage.nfs.enabled is true",
        "  - storage.nfs.share: required when storage.nfs.enabled is true",
        FOOTER,
      ].join("\n"),
    );
  });

  it("two default classes, a role naming an undefined class, settings of a class that is off", () => {
    expect(
      errorOf({
        tier: "dev",
        kubernetesVersion: "1.34",
        gpu: { driverRepoConfigMap: "repos" },
        storage: {
          workspaceClass: "cephfs-fast",
          databaseClass: "local-path",
          existingClasses: ["local-path", "nfs"],
          cephfs: { mode: "rook", fsName: "fs", default: true, monitors: ["10.0.0.1:6789"] },
          nfs: { enabled: true, server: "n", share: "/e", default: true },
        },
      }),
    ).toBe(
      [
        'stack "test" has 5 configuration errors:',
        "  - gpu.driverRepoConfigMap: only used when gpu.enabled is true",
        "  - storage: at most one default StorageClass: both cephfs (cephfs) and nfs (nfs) are marked default",
        '  - storage.cephfs.monitors: only used when storage.cephfs.mode is "standalone" (Rook knows its monitors)',
        '  - storage.existingClasses: "nfs" is defined by this stack; list only classes that exist already',
        '  - storage.workspaceClass: "cephfs-fast" is not a class of this stack (defined: cephfs, nfs; existing: local-path, nfs); define it, or list it in storage.existingClasses',
        FOOTER,
      ].join("\n"),
    );
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.34", storage: { nfs: { server: "n", default: true } } })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - storage.nfs.default: storage.nfs.enabled is false: there is no NFS class to make the default",
        "  - storage.nfs.server: only used when storage.nfs.enabled is true",
        FOOTER,
      ].join("\n"),
    );
  });
});

describe("policy rules", () => {
  it("sandboxes in the gateway namespace need the named relaxation; staging needs the API server's addresses", () => {
    expect(errorOf({ tier: "staging", kubernetesVersion: "1.34", gateway: { sandboxNamespace: "openshell", oidc: { issuer: ISSUER } } })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        '  - gateway.sandboxNamespace: is the gateway namespace; sandboxes need Pod Security "privileged", the gateway runs "restricted": use a namespace of their own, or set relaxations.sharedSandboxNamespace to true',
        "  - policies.apiServer.cidrs: required: the API server's addresses (control-plane node IPs or the endpoint CIDR) for the components that call it",
        FOOTER,
      ].join("\n"),
    );
    expect(errorOf(ready({ tier: "prod", kubernetesVersion: "1.34", policies: { apiServer: { cidrs: ["0.0.0.0/0"] } } }))).toBe(
      [
        'stack "test" has 1 configuration error:',
        "  - policies.apiServer.cidrs: 0.0.0.0/0 is not allowed in the prod tier (list the API server's addresses, or set relaxations.anyApiServerAddress to true)",
        FOOTER,
      ].join("\n"),
    );
  });
});

describe("image overrides", () => {
  it("the per-node-OS driver cannot be pinned by one digest", () => {
    expect(errorOf({ tier: "dev", kubernetesVersion: "1.34", catalog: { images: { "gpuOperator.driver": { digest: `sha256:${"a".repeat(64)}` } } } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        '  - catalog.images["gpuOperator.driver"].digest: not supported: the GPU Operator appends -<node OS> to the driver tag, so one digest cannot pin it; pin the tag',
        FOOTER,
      ].join("\n"),
    );
  });
});

describe("a section that does not parse never reaches a rule", () => {
  // Each was a TypeError in a prod-tier stack: a rule declared fewer sections than the code it called read.
  it.each([
    [{ gpu: { enabled: "yes" } }, 'gpu.enabled: expected boolean, got "yes"'],
    [{ database: { engine: "postgresql" } }, 'database.engine: got "postgresql"; allowed: sqlite, postgres'],
    [{ storage: { nfs: { enabled: "yes" } } }, 'storage.nfs.enabled: expected boolean, got "yes"'],
    [{ gpu: { enabled: true, nodeOperatingSystems: ["rhel"] } }, 'gpu.nodeOperatingSystems[0]: must be a node OS tag such as ubuntu24.04 or rhel9, got "rhel"'],
    [{ agentSandbox: { extensions: 1 } }, "agentSandbox.extensions: expected boolean, got number 1"],
  ])("prod with %j: one ConfigError naming the key", (bad, line) => {
    expect(errorOf(ready({ tier: "prod", kubernetesVersion: "1.34", ...bad }))).toBe(['stack "test" has 1 configuration error:', `  - ${line}`, FOOTER].join("\n"));
  });

  it("a section error and a cross-field error in other sections come in one message", () => {
    expect(errorOf(ready({ tier: "prod", kubernetesVersion: "1.34", gpu: { enabled: "yes" }, gateway: { replicas: 3 }, database: { engine: "sqlite" } }))).toBe(
      [
        'stack "test" has 2 configuration errors:',
        '  - gateway.replicas: 3 replicas need database.engine "postgres"; with "sqlite" the gateway runs exactly 1 replica',
        '  - gpu.enabled: expected boolean, got "yes"',
        FOOTER,
      ].join("\n"),
    );
  });

  it("the type system holds a rule to the sections it declares", () => {
    // Compile-time checks (npm test type-checks the tests): each line is an error the compiler must report.
    // @ts-expect-error gpu is not declared, so the check cannot read it
    rule(["storage"], (c) => (c.gpu.enabled ? [] : []));
    // @ts-expect-error selectArtifacts reads agentSandbox, database, gpu and storage; the rule declares two of them
    rule(["tier", "agentSandbox"], (c) => selectArtifacts(c).charts.map(() => ({ path: "x", message: "y" })));
    const ok = rule(["gpu"], (c) => (c.gpu.enabled ? [{ path: "gpu.enabled", message: "on" }] : []));
    expect(ok.reads).toEqual(["gpu"]);
    expect(ok.run({ storage: TIER_DEFAULTS.dev.storage }, NO_SECRETS)).toBeUndefined();
    expect(ok.run({ gpu: { ...TIER_DEFAULTS.dev.gpu, enabled: true } }, NO_SECRETS)).toEqual([{ path: "gpu.enabled", message: "on" }]);
  });

  it("a rule sees exactly the sections it declares, nothing more", () => {
    const seen: string[][] = [];
    const spy = rule(["gpu", "tier"], (c) => {
      seen.push(Object.keys(c).sort());
      return [];
    });
    spy.run({ tier: "prod", gpu: TIER_DEFAULTS.prod.gpu, storage: TIER_DEFAULTS.prod.storage, database: TIER_DEFAULTS.prod.database }, undefined);
    expect(seen).toEqual([["gpu", "tier"]]);
  });
});

describe("addresses are real addresses", () => {
  it.each([
    ["policies.apiServer.cidrs", { policies: { apiServer: { cidrs: ["10.40.0.10/33"] } } }, 'policies.apiServer.cidrs[0]: must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or fd00::/8 (address/prefix, prefix at most 32 or 128), got "10.40.0.10/33"'],
    ["policies.apiServer.cidrs", { policies: { apiServer: { cidrs: ["300.40.0.10/32"] } } }, 'policies.apiServer.cidrs[0]: must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or fd00::/8 (address/prefix, prefix at most 32 or 128), got "300.40.0.10/32"'],
    ["policies.privateCidrs", { policies: { privateCidrs: ["10.0.0.0/8", "fd00::/129"] } }, 'policies.privateCidrs[1]: must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or fd00::/8 (address/prefix, prefix at most 32 or 128), got "fd00::/129"'],
    ["policies.gatewayClients.cidrs", { policies: { gatewayClients: { cidrs: ["10.0.0/24"] } } }, 'policies.gatewayClients.cidrs[0]: must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or fd00::/8 (address/prefix, prefix at most 32 or 128), got "10.0.0/24"'],
    ["pki.extraIpAddresses", { pki: { extraIpAddresses: ["300.1.1.1"] } }, 'pki.extraIpAddresses[0]: must be an IPv4 or IPv6 address such as 10.0.0.10 or fd00::10, got "300.1.1.1"'],
    ["pki.extraIpAddresses", { pki: { extraIpAddresses: [10] } }, "pki.extraIpAddresses[0]: must be an IPv4 or IPv6 address such as 10.0.0.10 or fd00::10, got number 10"],
  ])("%s", (_key, bad, line) => {
    expect(errorOf(ready({ tier: "staging", kubernetesVersion: "1.34", ...bad }))).toBe(['stack "test" has 1 configuration error:', `  - ${line}`, FOOTER].join("\n"));
  });

  it("IPv6 works where IPv4 does, ::/0 counts as any address", () => {
    const c = resolveConfig({
      stack: "t",
      values: ready({ tier: "staging", kubernetesVersion: "1.34", pki: { extraIpAddresses: ["fd00::10", "10.0.0.10"] }, policies: { apiServer: { cidrs: ["fd00::1/128"] }, privateCidrs: ["fd00::/8"] } }),
      secrets: NO_SECRETS,
    });
    expect([c.pki.extraIpAddresses, c.policies.apiServer.cidrs]).toEqual([["fd00::10", "10.0.0.10"], ["fd00::1/128"]]);
    expect(errorOf(ready({ tier: "prod", kubernetesVersion: "1.34", policies: { apiServer: { cidrs: ["::/0", "0.0.0.0/0"] } } }))).toBe(
      [
        'stack "test" has 1 configuration error:',
        "  - policies.apiServer.cidrs: ::/0 and 0.0.0.0/0 are not allowed in the prod tier (list the API server's addresses, or set relaxations.anyApiServerAddress to true)",
        FOOTER,
      ].join("\n"),
    );
  });
});

describe("GPU node OS tags", () => {
  it("only tags NVIDIA builds a driver image for, listed in the error", () => {
    expect(errorOf(ready({ tier: "prod", kubernetesVersion: "1.34", gpu: { enabled: true, nodeOperatingSystems: ["ubuntu24.04", "windows2022", "rhel9.4"] } }))).toBe(
      [
        'stack "test" has 2 configuration errors:',
        '  - gpu.nodeOperatingSystems[1]: "windows2022" has no driver image nvcr.io/nvidia/driver:595.91.07-windows2022; allowed: rhel10, rhel8, rhel9, rocky8, rocky9, ubuntu22.04, ubuntu24.04, ubuntu26.04 (rhel, rocky and ol tags carry the major version only)',
        '  - gpu.nodeOperatingSystems[2]: "rhel9.4" has no driver image nvcr.io/nvidia/driver:595.91.07-rhel9.4; allowed: rhel10, rhel8, rhel9, rocky8, rocky9, ubuntu22.04, ubuntu24.04, ubuntu26.04 (rhel, rocky and ol tags carry the major version only)',
        FOOTER,
      ].join("\n"),
    );
  });

  it("a driver tag the catalog does not know is not checked; GPUs off or host drivers need no tag", () => {
    const base = { tier: "dev", kubernetesVersion: "1.34" };
    expect(resolveConfig({ stack: "t", values: { ...base, gpu: { enabled: true, nodeOperatingSystems: ["sles15.6"] }, catalog: { images: { "gpuOperator.driver": { tag: "600.1.2" } } } }, secrets: NO_SECRETS }).gpu.nodeOperatingSystems).toEqual(["sles15.6"]);
    expect(resolveConfig({ stack: "t", values: { ...base, gpu: { enabled: true, driver: false, nodeOperatingSystems: ["windows2022"] } }, secrets: NO_SECRETS }).gpu.driver).toBe(false);
  });
});
