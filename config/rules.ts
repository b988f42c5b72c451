/**
 * Cross-field rules: what zod cannot see key by key.
 *
 * A rule declares the top-level sections it reads, and the type system holds
 * it to that list: its check receives `Pick<Config, K>` of exactly those
 * sections, built from the sections that parsed, so reading (or calling
 * code that reads) another section is a compile error, and a section that did
 * not parse can never reach a rule. One bad section hides only the rules that
 * read it; every other rule still reports.
 */
import { AGENT_SANDBOX_NAMESPACE, CHARTS, DIGEST_REQUIRED_TIERS, DRIVER_NODE_OS_TAGS, IMAGES, RELEASES, expectedSha256 } from "../catalog/artifacts";
import { effectiveAgentSandbox, selectArtifacts, selectManifests, type Switches } from "./selection";
import { compareSemver, kubernetesAtLeast, parseSemver } from "../catalog/versions";
import { parseImageRef } from "../registry/imageRef";
import { chartMapping, chartSourceHost, checkLocation } from "../registry/resolver";
import { NEMOCLAW_RELEASES, OPENCLAW_SANDBOX_MEMORY, OPENHANDS_KUBERNETES_RUNTIME, nemoclawReleasesAccepting, openhandsHasKubernetesRuntime } from "../catalog/frameworks";
import { quantityAtLeast } from "../lib/quantity";
import { formatPath, type ConfigIssue } from "./errors";
import type { Config } from "./schema";
import type { SecretKey, SecretPresenceMap } from "./secrets";

export const MIN_KUBERNETES_MINOR = 30;

const DRIVER_IMAGE = "gpuOperator.driver";

/** The first OpenShell charts with server.telemetryEnabled and with upstreamProxy.*. */
export const FIRST_TELEMETRY_CHART = "0.0.103";
export const FIRST_PROXY_CHART = "0.0.107";

const openshellVersion = (c: Pick<Config, "catalog">): string => c.catalog.versions.openshell ?? RELEASES.openshell.version;

/** `version >= minimum`; a version that does not parse is judged by the version rule instead. */
function atLeast(version: string, minimum: string): boolean {
  const v = parseSemver(version);
  return v === undefined || compareSemver(v, parseSemver(minimum)!) >= 0;
}

/** CIDRs that mean "every address". */
export const ANY_ADDRESS: readonly string[] = ["0.0.0.0/0", "::/0"];

/** The StorageClasses a stack defines, by name. */
export function definedClasses(c: Pick<Config, "storage">): string[] {
  const s = c.storage;
  return [...(s.cephfs.mode !== "none" ? [s.cephfs.className] : []), ...(s.nfs.enabled ? [s.nfs.className] : [])];
}

export type Section = keyof Config;

/** The sections that parsed, by key. */
export type ParsedSections = { [K in Section]?: Config[K] };

/**
 * `secrets` is undefined when presence is unknown (the inventory reads no
 * secret): secret checks are skipped.
 */
export type Check<K extends Section> = (c: Pick<Config, K>, secrets: SecretPresenceMap | undefined) => ConfigIssue[];

export interface Rule {
  /** The sections the rule reads. */
  readonly reads: readonly Section[];
  /** Runs the check on exactly `reads`; undefined (not run) when one of them did not parse. */
  readonly run: (parsed: ParsedSections, secrets: SecretPresenceMap | undefined) => ConfigIssue[] | undefined;
}

/** A rule over the sections `reads`; its check sees those and nothing else. */
export function rule<K extends Section>(reads: readonly K[], check: Check<K>): Rule {
  return {
    reads,
    run: (parsed, secrets) => {
      const picked: Partial<Pick<Config, K>> = {};
      for (const key of reads) {
        const section = parsed[key];
        if (section === undefined) return undefined;
        picked[key] = section;
      }
      return check(picked as Pick<Config, K>, secrets);
    },
  };
}

const issue = (path: readonly PropertyKey[], message: string): ConfigIssue => ({ path: formatPath(path), message });

const setWith = (key: SecretKey) => `set it with \`pulumi config set --secret ${key} <value>\``;

/** A secret the configuration needs and the stack has not set. */
const missing = (key: SecretKey, why: string): ConfigIssue => ({ path: key, message: `required ${why}; ${setWith(key)}`, missingSecret: key });

/** Source hosts the stack pulls images and (default-mapped) charts from: what a perRegistry mirror must map. */
export function sourceHosts(c: Pick<Config, "registry"> & Switches): string[] {
  const sel = selectArtifacts(c);
  const hosts = new Set<string>();
  for (const img of sel.valueImages) hosts.add(parseImageRef(img.repository).registry);
  if (c.agentSandbox.extensions) {
    for (const t of Object.values(effectiveAgentSandbox(c).templates)) if (t.image !== undefined) hosts.add(parseImageRef(t.image).registry);
  }
  for (const chart of sel.charts) {
    if (chartMapping(chart.source, c.registry.chartRepositories) === undefined) hosts.add(chartSourceHost(chart.source));
  }
  return [...hosts].sort();
}

const RULES: readonly Rule[] = [
  rule(["kubernetesVersion"], (c) =>
      kubernetesAtLeast(c.kubernetesVersion, MIN_KUBERNETES_MINOR)
        ? []
        : [
            issue(
              ["kubernetesVersion"],
              `${c.kubernetesVersion} is not supported; allowed: 1.${MIN_KUBERNETES_MINOR} or newer` +
                (/^v?\d+\.\d$/.test(c.kubernetesVersion) ? ` (quote it in YAML: an unquoted ${c.kubernetesVersion}0 reads as the number ${c.kubernetesVersion})` : ""),
            ),
          ],
  ),
  rule(["gateway", "database"], (c) =>
      c.gateway.replicas > 1 && c.database.engine === "sqlite"
        ? [
            issue(
              ["gateway", "replicas"],
              `${c.gateway.replicas} replicas need database.engine "postgres"; with "sqlite" the gateway runs exactly 1 replica`,
            ),
          ]
        : [],
  ),
  // Mirror settings: complete when mirrored, absent when online.
  rule(["registry", "catalog", "agentSandbox", "database", "gpu", "storage", "openhands"], (c) => {
      const r = c.registry;
      const out: ConfigIssue[] = [];
      if (r.mode === "online") {
        const mirrorOnly: [keyof typeof r, boolean][] = [
          ["host", r.host !== undefined],
          ["username", r.username !== undefined],
          ["manifestBaseUrl", r.manifestBaseUrl !== undefined],
          ["manifestDir", r.manifestDir !== undefined],
          ["registries", Object.keys(r.registries).length > 0],
          ["chartRepositories", Object.keys(r.chartRepositories).length > 0],
          ["caBundle", r.caBundle !== undefined],
        ];
        for (const [key, set] of mirrorOnly) {
          if (set) out.push(issue(["registry", key], `only used when registry.mode is "mirrored" (it is "online")`));
        }
        return out;
      }
      if (r.host === undefined) out.push(issue(["registry", "host"], `required when registry.mode is "mirrored"`));
      if (r.manifestBaseUrl === undefined && r.manifestDir === undefined) {
        out.push(
          issue(["registry", "manifestBaseUrl"], `required when registry.mode is "mirrored" (or set registry.manifestDir for a local directory)`),
        );
      }
      if (r.manifestBaseUrl !== undefined && r.manifestDir !== undefined) {
        out.push(issue(["registry", "manifestDir"], "set either registry.manifestBaseUrl or registry.manifestDir, not both"));
      }
      if (r.layout === "prefix" && Object.keys(r.registries).length > 0) {
        out.push(issue(["registry", "registries"], `only used by registry.layout "perRegistry" (it is "prefix")`));
      }
      if (r.layout === "perRegistry") {
        for (const [source, target] of Object.entries(r.registries)) {
          const why = checkLocation(target);
          if (why !== undefined) out.push(issue(["registry", "registries", source], `${why}; expected host[:port][/path]`));
        }
        const missing = sourceHosts(c).filter((h) => r.registries[h] === undefined);
        if (missing.length > 0) {
          out.push(
            issue(
              ["registry", "registries"],
              `no mirror location for ${missing.join(", ")}; the perRegistry layout needs one for every source registry this stack pulls from`,
            ),
          );
        }
      }
      return out;
    },
  ),
  // Plain HTTP is for labs: staging and prod need an explicit relaxation.
  rule(["tier", "registry", "relaxations"], (c) => {
      if (c.tier === "dev" || c.relaxations.plainHttpMirror) return [];
      const out: ConfigIssue[] = [];
      const why = `plain HTTP is not allowed in the ${c.tier} tier (use https, or set relaxations.plainHttpMirror to true)`;
      if (c.registry.mode === "mirrored" && c.registry.scheme === "http") out.push(issue(["registry", "scheme"], why));
      if (c.registry.manifestBaseUrl?.startsWith("http://") === true) out.push(issue(["registry", "manifestBaseUrl"], why));
      for (const [k, v] of Object.entries(c.registry.chartRepositories)) {
        if (v.startsWith("http://")) out.push(issue(["registry", "chartRepositories", k], why));
      }
      return out;
    },
  ),
  rule(["tier", "catalog", "relaxations"], (c) => {
      if (c.tier === "dev" || c.relaxations.latestTags) return [];
      return Object.entries(c.catalog.images)
        .filter(([, o]) => o.tag === "latest")
        .map(([id]) =>
          issue(["catalog", "images", id, "tag"], `"latest" is not allowed in the ${c.tier} tier (pin a version, or set relaxations.latestTags to true)`),
        );
    },
  ),
  rule(["registry"], (c, s) => {
      const out: ConfigIssue[] = [];
      if (s !== undefined && c.registry.username !== undefined && !s.registryPassword.provided) {
        out.push(missing("registryPassword", "when registry.username is set"));
      }
      if (s !== undefined && c.registry.username === undefined && s.registryPassword.provided) {
        out.push(issue(["registry", "username"], "required when the secret registryPassword is set"));
      }
      return out;
    },
  ),
  rule(["inference"], (c, s) => {
      const i = c.inference;
      const out: ConfigIssue[] = [];
      if (i.provider === "none") {
        if (i.endpoint !== undefined) out.push(issue(["inference", "endpoint"], `only used when inference.provider is set (it is "none")`));
        if (i.model !== undefined) out.push(issue(["inference", "model"], `only used when inference.provider is set (it is "none")`));
        if (s?.inferenceApiKey.provided === true) out.push(issue(["inferenceApiKey"], `set, but inference.provider is "none"`));
        return out;
      }
      if (i.endpoint === undefined) out.push(issue(["inference", "endpoint"], `required when inference.provider is "${i.provider}"`));
      if (s !== undefined && !s.inferenceApiKey.provided) {
        out.push(missing("inferenceApiKey", `when inference.provider is "${i.provider}"`));
      }
      return out;
    },
  ),
  rule(["database"], (c, s) => {
      const b = c.database.backup;
      if (!b.enabled) return [];
      const out: ConfigIssue[] = [];
      if (c.database.engine !== "postgres") {
        out.push(issue(["database", "backup", "enabled"], `backups need database.engine "postgres" (it is "${c.database.engine}")`));
      }
      if (b.endpointUrl === undefined) out.push(issue(["database", "backup", "endpointUrl"], "required when database.backup.enabled is true"));
      if (b.destinationPath === undefined) out.push(issue(["database", "backup", "destinationPath"], "required when database.backup.enabled is true"));
      for (const key of ["backupAccessKeyId", "backupSecretAccessKey"] as const) {
        if (s !== undefined && !s[key].provided) out.push(missing(key, "when database.backup.enabled is true"));
      }
      return out;
    },
  ),
  rule(["storage"], (c, s) => {
      const standalone = c.storage.cephfs.mode === "standalone";
      if (s !== undefined && standalone && !s.cephUserKey.provided) {
        return [missing("cephUserKey", 'when storage.cephfs.mode is "standalone"')];
      }
      if (s !== undefined && !standalone && s.cephUserKey.provided) {
        return [issue(["cephUserKey"], `set, but storage.cephfs.mode is "${c.storage.cephfs.mode}" (only "standalone" uses it)`)];
      }
      return [];
    },
  ),
  rule(["gpu", "catalog"], (c) => {
    const g = c.gpu;
    if (!g.enabled || !g.driver) return [];
    if (g.nodeOperatingSystems.length === 0) {
      return [issue(["gpu", "nodeOperatingSystems"], "needs at least one node OS tag (e.g. ubuntu24.04) when gpu.driver is true")];
    }
    // The operator pulls <driver>:<tag>-<node OS>: a tag NVIDIA does not build is an image that does not exist.
    const driver = IMAGES.find((i) => i.id === DRIVER_IMAGE)!;
    const tag = c.catalog.images[DRIVER_IMAGE]?.tag ?? (typeof driver.tag === "string" ? driver.tag : "");
    const known = DRIVER_NODE_OS_TAGS[tag];
    if (known === undefined) return [];
    return g.nodeOperatingSystems.flatMap((os, i) =>
      known.includes(os)
        ? []
        : [
            issue(
              ["gpu", "nodeOperatingSystems", i],
              `"${os}" has no driver image ${driver.repository}:${tag}-${os}; allowed: ${known.join(", ")} (rhel, rocky and ol tags carry the major version only)`,
            ),
          ],
    );
  }),
  rule(["cluster"], (c, s) =>
      c.cluster.kubeconfigPath !== undefined && s?.kubeconfig.provided === true
        ? [issue(["cluster", "kubeconfigPath"], "set either cluster.kubeconfigPath or the secret kubeconfig, not both")]
        : [],
  ),
];

/** What protection keeps, for messages. */
const PROTECTED_STATE = "the CA, the KEK, the JWT key, the Postgres Cluster, the CRDs and the namespaces that hold data";

const STATE_RULES: readonly Rule[] = [
  // Protection is how staging and prod keep what users cannot get back: it is not a flag to flip.
  rule(["tier", "protection"], (c) =>
    c.tier !== "dev" && !c.protection.enabled
      ? [
          issue(
            ["protection", "enabled"],
            `cannot be false in the ${c.tier} tier: it protects ${PROTECTED_STATE}; to tear the stack down on purpose, unprotect it in the state instead (docs/day-2.md "Tearing down")`,
          ),
        ]
      : [],
  ),
  // OpenShell keeps one KEK and has no rewrap: a new KEK makes every stored credential unreadable.
  rule(["pki", "catalog"], (c) => {
    const r = c.pki.rotation;
    if (r.kek === 1 || r.kekLosesStoredCredentials === r.kek) return [];
    return [
      issue(
        ["pki", "rotation", "kek"],
        `generation ${r.kek} replaces the credential-storage key-encryption key, and OpenShell ${openshellVersion(c)} cannot re-encrypt stored credentials with a new one ` +
          `(one KEK, no rewrap): every stored credential becomes unreadable. Delete and re-create them after the rotation, and confirm with pki.rotation.kekLosesStoredCredentials: ${r.kek}`,
      ),
    ];
  }),
];

const OIDC_DEPENDENTS = ["audience", "rolesClaim", "adminRole", "userRole", "caConfigMap"] as const;

const GATEWAY_RULES: readonly Rule[] = [
  // OIDC is all or nothing: half a configuration fails at run time, so fail here.
  rule(["gateway"], (c) => {
      const o = c.gateway.oidc;
      const out: ConfigIssue[] = [];
      if (o.issuer === undefined) {
        for (const k of OIDC_DEPENDENTS) {
          if (o[k] !== undefined) out.push(issue(["gateway", "oidc", k], "only used with gateway.oidc.issuer, which is not set"));
        }
        return out;
      }
      const roles = o.adminRole !== undefined || o.userRole !== undefined;
      if (roles && o.rolesClaim === undefined) out.push(issue(["gateway", "oidc", "rolesClaim"], "required when gateway.oidc.adminRole or userRole is set"));
      if (!roles && o.rolesClaim !== undefined) out.push(issue(["gateway", "oidc", "adminRole"], "required when gateway.oidc.rolesClaim is set (and/or userRole)"));
      return out;
    },
  ),
  // The gateway refuses mTLS-only users with the Kubernetes driver: someone must be able to log in.
  rule(["tier", "gateway", "relaxations"], (c) => {
      const g = c.gateway;
      if (g.oidc.issuer === undefined && !g.allowUnauthenticatedUsers) {
        return [
          issue(
            ["gateway", "oidc", "issuer"],
            "required: clients authenticate with OIDC tokens (the gateway refuses mTLS-only users with the Kubernetes driver), or set gateway.allowUnauthenticatedUsers",
          ),
        ];
      }
      if (g.allowUnauthenticatedUsers && c.tier !== "dev" && !c.relaxations.unauthenticatedUsers) {
        return [
          issue(
            ["gateway", "allowUnauthenticatedUsers"],
            `not allowed in the ${c.tier} tier (configure gateway.oidc, or set relaxations.unauthenticatedUsers to true)`,
          ),
        ];
      }
      return [];
    },
  ),
  rule(["gateway", "cluster"], (c) => {
      const out: ConfigIssue[] = [];
      const g = c.gateway;
      if (g.grpcRoute.enabled && g.grpcRoute.gatewayName === undefined) {
        out.push(issue(["gateway", "grpcRoute", "gatewayName"], "required when gateway.grpcRoute.enabled is true (the Gateway the route attaches to)"));
      }
      const twice = g.clients.namespaces.filter((n, i) => g.clients.namespaces.indexOf(n) !== i);
      if (twice.length > 0) out.push(issue(["gateway", "clients", "namespaces"], `${[...new Set(twice)].join(", ")} listed more than once`));
      const owned = [AGENT_SANDBOX_NAMESPACE, g.namespace, g.sandboxNamespace ?? g.namespace];
      const ownedClients = g.clients.namespaces.filter((n) => owned.includes(n));
      if (ownedClients.length > 0) {
        out.push(issue(["gateway", "clients", "namespaces"], `${ownedClients.join(", ")} belong(s) to the platform; list the namespaces your runners use`));
      }
      if (g.userNamespaces && c.cluster.openshift) {
        out.push(issue(["gateway", "userNamespaces"], "fails on OpenShift (sandbox creation errors with setgroups, OpenShell #2520); leave it false"));
      }
      const reserved = [AGENT_SANDBOX_NAMESPACE, CHARTS.cloudnativePg.namespace];
      if (g.sandboxNamespace !== undefined && reserved.includes(g.sandboxNamespace)) {
        out.push(issue(["gateway", "sandboxNamespace"], `"${g.sandboxNamespace}" belongs to another component; use a namespace of its own`));
      }
      if (reserved.includes(g.namespace)) {
        out.push(issue(["gateway", "namespace"], `"${g.namespace}" belongs to another component; use a namespace of its own`));
      }
      return out;
    },
  ),
  // Telemetry is always passed to the chart; a chart that cannot take it cannot honour "off".
  rule(["gateway", "catalog"], (c) => {
    const v = openshellVersion(c);
    if (c.gateway.telemetry || atLeast(v, FIRST_TELEMETRY_CHART)) return [];
    return [
      issue(
        ["gateway", "telemetry"],
        `false is not honoured by OpenShell ${v}: the gateway sends telemetry and server.telemetryEnabled first appears in chart ${FIRST_TELEMETRY_CHART}; set catalog.versions.openshell to ${FIRST_TELEMETRY_CHART} or newer, or set gateway.telemetry to true`,
      ),
    ];
  }),
  rule(["gateway", "catalog"], (c, s) => {
    const p = c.gateway.upstreamProxy;
    const out: ConfigIssue[] = [];
    const credentials = s?.upstreamProxyCredentials.provided === true;
    if (p.url === undefined) {
      const unused: [keyof typeof p, boolean][] = [
        ["noProxy", p.noProxy.length > 0],
        ["cidrs", p.cidrs.length > 0],
        ["connectByHostname", p.connectByHostname],
        ["allowCleartextCredentials", p.allowCleartextCredentials],
      ];
      for (const [k, set] of unused) if (set) out.push(issue(["gateway", "upstreamProxy", k], "only used with gateway.upstreamProxy.url, which is not set"));
      if (credentials) out.push(issue(["upstreamProxyCredentials"], "set, but gateway.upstreamProxy.url is not"));
      return out;
    }
    const v = openshellVersion(c);
    if (!atLeast(v, FIRST_PROXY_CHART)) {
      out.push(issue(["gateway", "upstreamProxy", "url"], `OpenShell ${v} has no upstream proxy: upstreamProxy.* first appears in chart ${FIRST_PROXY_CHART}; set catalog.versions.openshell to ${FIRST_PROXY_CHART} or newer`));
    }
    if (p.cidrs.length === 0) {
      out.push(issue(["gateway", "upstreamProxy", "cidrs"], "required with gateway.upstreamProxy.url: the proxy's addresses, which sandboxes must be allowed to reach (a NetworkPolicy needs addresses, not a host name)"));
    }
    if (credentials && c.gateway.supervisorTopology !== "sidecar") {
      out.push(issue(["gateway", "supervisorTopology"], 'must be "sidecar" with upstreamProxyCredentials: OpenShell refuses proxy credential Secrets in the combined topology (the gateway does not start)'));
    }
    if (credentials && !p.allowCleartextCredentials) {
      out.push(issue(["gateway", "upstreamProxy", "allowCleartextCredentials"], "required with upstreamProxyCredentials: they reach the http:// proxy in cleartext Basic auth; set it to true to accept that"));
    }
    if (!credentials && p.allowCleartextCredentials) {
      out.push(issue(["gateway", "upstreamProxy", "allowCleartextCredentials"], "only used with the secret upstreamProxyCredentials, which is not set"));
    }
    return out;
  }),
  rule(["pki"], (c) => {
      const p = c.pki;
      const out: ConfigIssue[] = [];
      if (p.caValidityHours <= p.certValidityHours) {
        out.push(issue(["pki", "caValidityHours"], `must exceed pki.certValidityHours (${p.certValidityHours}): a certificate cannot outlive its CA`));
      }
      if (p.earlyRenewalHours >= p.certValidityHours) {
        out.push(issue(["pki", "earlyRenewalHours"], `must be less than pki.certValidityHours (${p.certValidityHours}), or every run re-issues the certificates`));
      }
      return out;
    },
  ),
  // prod installs only what was verified: the manifest digest is mandatory (manifests/load.ts then checks it).
  rule(["tier", "catalog", "agentSandbox"], (c) => {
      if (!DIGEST_REQUIRED_TIERS.includes(c.tier)) return [];
      const version = c.catalog.versions.agentSandbox ?? RELEASES.agentSandbox.version;
      return selectManifests(c)
        .filter((m) => expectedSha256(m, version, c.catalog.manifestSha256) === undefined)
        .map((m) =>
          issue(
            ["catalog", "manifestSha256", m.id],
            `required in the prod tier: the sha256 of ${m.asset(version)} ${version} (sha256sum the file you verified and mirrored)`,
          ),
        );
    },
  ),
];

const STORAGE_RULES: readonly Rule[] = [
  rule(["storage"], (c) => {
      const s = c.storage;
      const out: ConfigIssue[] = [];
      const ceph = s.cephfs;
      if (ceph.mode === "standalone") {
        if (ceph.clusterID === undefined) out.push(issue(["storage", "cephfs", "clusterID"], 'required when storage.cephfs.mode is "standalone" (the Ceph cluster fsid)'));
        if (ceph.fsName === undefined) out.push(issue(["storage", "cephfs", "fsName"], 'required when storage.cephfs.mode is "standalone"'));
        if (ceph.monitors.length === 0) out.push(issue(["storage", "cephfs", "monitors"], 'needs at least one monitor address when storage.cephfs.mode is "standalone"'));
      } else if (ceph.mode === "rook") {
        if (ceph.fsName === undefined) out.push(issue(["storage", "cephfs", "fsName"], 'required when storage.cephfs.mode is "rook" (the CephFilesystem name)'));
        if (ceph.monitors.length > 0) out.push(issue(["storage", "cephfs", "monitors"], 'only used when storage.cephfs.mode is "standalone" (Rook knows its monitors)'));
      } else if (ceph.default) {
        out.push(issue(["storage", "cephfs", "default"], 'storage.cephfs.mode is "none": there is no CephFS class to make the default'));
      }
      const nfs = s.nfs;
      if (nfs.enabled) {
        if (nfs.server === undefined) out.push(issue(["storage", "nfs", "server"], "required when storage.nfs.enabled is true"));
        if (nfs.share === undefined) out.push(issue(["storage", "nfs", "share"], "required when storage.nfs.enabled is true"));
      } else {
        for (const k of ["server", "share", "subDir"] as const) {
          if (nfs[k] !== undefined) out.push(issue(["storage", "nfs", k], "only used when storage.nfs.enabled is true"));
        }
        if (nfs.default) out.push(issue(["storage", "nfs", "default"], "storage.nfs.enabled is false: there is no NFS class to make the default"));
      }
      if (ceph.mode !== "none" && nfs.enabled && ceph.className === nfs.className) {
        out.push(issue(["storage", "nfs", "className"], `"${nfs.className}" is also storage.cephfs.className; give each class its own name`));
      }
      if (ceph.mode !== "none" && nfs.enabled && ceph.default && nfs.default) {
        out.push(issue(["storage"], `at most one default StorageClass: both ${ceph.className} (cephfs) and ${nfs.className} (nfs) are marked default`));
      }
      const defined = definedClasses(c);
      const known = [...defined, ...s.existingClasses];
      for (const role of ["workspaceClass", "databaseClass"] as const) {
        const name = s[role];
        if (name !== undefined && !known.includes(name)) {
          out.push(
            issue(
              ["storage", role],
              `"${name}" is not a class of this stack (defined: ${defined.join(", ") || "none"}; existing: ${s.existingClasses.join(", ") || "none"}); define it, or list it in storage.existingClasses`,
            ),
          );
        }
      }
      for (const name of s.existingClasses.filter((n) => defined.includes(n))) {
        out.push(issue(["storage", "existingClasses"], `"${name}" is defined by this stack; list only classes that exist already`));
      }
      return out;
    },
  ),
  rule(["gpu"], (c) =>
      !c.gpu.enabled && c.gpu.driverRepoConfigMap !== undefined
        ? [issue(["gpu", "driverRepoConfigMap"], "only used when gpu.enabled is true")]
        : [],
  ),
];

const POLICY_RULES: readonly Rule[] = [
  rule(["gateway", "relaxations"], (c) =>
      c.gateway.sandboxNamespace === c.gateway.namespace && !c.relaxations.sharedSandboxNamespace
        ? [
            issue(
              ["gateway", "sandboxNamespace"],
              `is the gateway namespace; sandboxes need Pod Security "privileged", the gateway runs "restricted": use a namespace of their own, or set relaxations.sharedSandboxNamespace to true`,
            ),
          ]
        : [],
  ),
  rule(["tier", "policies", "relaxations"], (c) => {
      const api = c.policies.apiServer.cidrs;
      if (api.length === 0) {
        return [issue(["policies", "apiServer", "cidrs"], "required: the API server's addresses (control-plane node IPs or the endpoint CIDR) for the components that call it")];
      }
      const any = api.filter((cidr) => ANY_ADDRESS.includes(cidr));
      if (c.tier !== "dev" && any.length > 0 && !c.relaxations.anyApiServerAddress) {
        return [issue(["policies", "apiServer", "cidrs"], `${any.join(" and ")} ${any.length > 1 ? "are" : "is"} not allowed in the ${c.tier} tier (list the API server's addresses, or set relaxations.anyApiServerAddress to true)`)];
      }
      return [];
    },
  ),
  rule(["policies", "inference"], (c) => {
      const names = c.policies.egress.map((e) => e.name);
      if (c.inference.provider !== "none") names.push("inference");
      const dup = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))].sort();
      return dup.length > 0 ? [issue(["policies", "egress"], `names must be unique (the inference endpoint takes "inference"): ${dup.join(", ")}`)] : [];
    },
  ),
];

/** Secrets stored in plain text are refused whatever else is configured. */
export function secretIssues(secrets: SecretPresenceMap): ConfigIssue[] {
  return (Object.keys(secrets) as SecretKey[])
    .filter((k) => secrets[k].provided && !secrets[k].encrypted)
    .map((k) => issue([k], `is stored in plain text; ${setWith(k)}`));
}

/** Namespaces a framework section may not take: the platform's own. */
function platformNamespaces(c: Pick<Config, "gateway">): string[] {
  return [c.gateway.namespace, c.gateway.sandboxNamespace ?? c.gateway.namespace, AGENT_SANDBOX_NAMESPACE, CHARTS.cloudnativePg.namespace, CHARTS.gpuOperator.namespace, CHARTS.csiDriverNfs.namespace, CHARTS.cephCsiCephfs.namespace, "kube-system"];
}

const FRAMEWORK_RULES: readonly Rule[] = [
  // SandboxTemplates and SandboxWarmPools are extension kinds: without the extensions there is no API for them.
  rule(["agentSandbox", "openhands", "tier", "relaxations"], (c) => {
    const a = c.agentSandbox;
    const out: ConfigIssue[] = [];
    const e = effectiveAgentSandbox(c);
    const wants = [
      ...(Object.keys(a.templates).length > 0 ? ["agentSandbox.templates"] : []),
      ...(Object.keys(a.warmPools).length > 0 ? ["agentSandbox.warmPools"] : []),
      ...(c.openhands.agentSandbox.enabled ? ["openhands.agentSandbox.enabled"] : []),
    ];
    if (!a.extensions && wants.length > 0) {
      out.push(issue(["agentSandbox", "extensions"], `must be true for ${wants.join(", ")}: SandboxTemplate, SandboxWarmPool and SandboxClaim are agent-sandbox extension kinds (sandbox-with-extensions.yaml)`));
    }
    for (const [pool, p] of Object.entries(a.warmPools)) {
      if (e.templates[p.template] === undefined) {
        out.push(issue(["agentSandbox", "warmPools", pool, "template"], `"${p.template}" is not a template of this stack (agentSandbox.templates: ${Object.keys(e.templates).sort().join(", ") || "none"})`));
      }
    }
    for (const [name, t] of Object.entries(a.templates)) {
      if (t.preset === undefined && t.image === undefined) out.push(issue(["agentSandbox", "templates", name, "image"], "required without a preset (the image the template's pods run)"));
      if (t.image !== undefined && /:latest$/.test(t.image) && c.tier !== "dev" && !c.relaxations.latestTags) {
        out.push(issue(["agentSandbox", "templates", name, "image"], `"latest" is not allowed in the ${c.tier} tier (pin a version, or set relaxations.latestTags to true)`));
      }
      if (t.readinessPath !== undefined && t.port === undefined && t.preset === undefined) out.push(issue(["agentSandbox", "templates", name, "port"], "required with readinessPath (the port the probe checks)"));
    }
    const oh = c.openhands.agentSandbox;
    if (oh.enabled) {
      const pool = e.warmPools[oh.warmPool];
      const tpl = pool !== undefined ? e.templates[pool.template] : undefined;
      if (pool !== undefined && tpl !== undefined && tpl.preset !== "openhands-agent-server") {
        out.push(issue(["openhands", "agentSandbox", "warmPool"], `"${oh.warmPool}" runs template "${pool.template}", which does not use the preset openhands-agent-server (the SDK needs the agent server and its session key)`));
      }
    }
    return out;
  }),
  // The V0 KubernetesRuntime exists in OpenHands 0.45.0-0.62.x only; 1.x is served by the agent-sandbox path.
  rule(["openhands"], (c) => {
    const k = c.openhands.kubernetesRuntime;
    const out: ConfigIssue[] = [];
    if (!k.enabled) return out;
    if (!openhandsHasKubernetesRuntime(k.version)) {
      out.push(
        issue(
          ["openhands", "kubernetesRuntime", "version"],
          `OpenHands ${k.version} has no KubernetesRuntime with the [kubernetes] section this mode configures (OpenHands ${OPENHANDS_KUBERNETES_RUNTIME.label} only: added in 0.45.0, replaced by V1 conversations in 1.x and removed in April 2026); ` +
            "for OpenHands 1.x use openhands.agentSandbox (the agent SDK's AgentSandboxWorkspace on agent-sandbox warm pools) instead",
        ),
      );
    }
    if (k.ingressDomain === undefined) {
      out.push(issue(["openhands", "kubernetesRuntime", "ingressDomain"], "required when openhands.kubernetesRuntime.enabled is true: every conversation gets an Ingress <id>.<ingressDomain> (wildcard DNS)"));
    }
    if (k.ingressTlsSecret !== undefined && k.ingressDomain === undefined) {
      out.push(issue(["openhands", "kubernetesRuntime", "ingressTlsSecret"], "only used with openhands.kubernetesRuntime.ingressDomain"));
    }
    return out;
  }),
  // Framework namespaces are their own: never a platform namespace (runtime pods run as root), never shared.
  rule(["openhands", "nemoclaw", "agentSandbox", "gateway"], (c) => {
    const out: ConfigIssue[] = [];
    const taken = platformNamespaces(c);
    const oh = c.openhands;
    const e = effectiveAgentSandbox(c);
    const owned: [readonly PropertyKey[], string, boolean][] = [
      [["agentSandbox", "namespace"], c.agentSandbox.namespace, c.agentSandbox.extensions && (Object.keys(e.templates).length > 0 || Object.keys(e.warmPools).length > 0)],
      [["openhands", "appNamespace"], oh.appNamespace, oh.agentSandbox.enabled || oh.kubernetesRuntime.enabled],
      [["openhands", "kubernetesRuntime", "namespace"], oh.kubernetesRuntime.namespace, oh.kubernetesRuntime.enabled],
      [["nemoclaw", "namespace"], c.nemoclaw.namespace, c.nemoclaw.enabled],
    ];
    const used = owned.filter(([, , on]) => on);
    for (const [path, ns] of used) {
      if (taken.includes(ns)) out.push(issue(path, `"${ns}" belongs to the platform (the gateway, its sandboxes or an operator); use a namespace of its own`));
    }
    for (let i = 0; i < used.length; i++) {
      for (let j = 0; j < i; j++) {
        if (used[i]![1] === used[j]![1]) out.push(issue(used[i]![0], `"${used[i]![1]}" is also ${formatPath(used[j]![0])}; each needs a namespace of its own (their Pod Security levels differ)`));
      }
    }
    return out;
  }),
  // NemoClaw accepts exactly one OpenShell per release: refuse the pair before anything is installed.
  rule(["nemoclaw", "catalog", "gateway", "policies"], (c) => {
    const n = c.nemoclaw;
    if (!n.enabled) return [];
    const out: ConfigIssue[] = [];
    const pinned = openshellVersion(c);
    const release = NEMOCLAW_RELEASES[n.release];
    if (release === undefined) {
      const known = Object.entries(NEMOCLAW_RELEASES).map(([v, r]) => `${v} (OpenShell ${r.openshell})`).join(", ");
      out.push(issue(["nemoclaw", "release"], `NemoClaw ${n.release} is not in the catalog's compatibility table, so the OpenShell it accepts is unknown; known releases: ${known}`));
    } else if (release.openshell !== pinned) {
      const accepting = nemoclawReleasesAccepting(pinned);
      out.push(
        issue(
          ["nemoclaw", "release"],
          `NemoClaw ${n.release} accepts exactly OpenShell ${release.openshell}, and this stack pins OpenShell ${pinned}; set catalog.versions.openshell to "${release.openshell}"` +
            (accepting.length > 0 ? `, or nemoclaw.release to ${accepting.join(" or ")}` : ` (no NemoClaw release accepts OpenShell ${pinned})`),
        ),
      );
    }
    if (c.gateway.oidc.issuer === undefined) {
      out.push(issue(["gateway", "oidc", "issuer"], "required when nemoclaw.enabled is true: NemoClaw's health check sends no client certificate, which the gateway accepts only with OIDC on"));
    }
    for (const key of ["limitsMemory", "requestsMemory"] as const) {
      if (!quantityAtLeast(c.policies.quota[key], OPENCLAW_SANDBOX_MEMORY)) {
        out.push(issue(["policies", "quota", key], `${c.policies.quota[key]} cannot admit one OpenClaw sandbox (${OPENCLAW_SANDBOX_MEMORY}; smaller sandboxes are OOM-killed before OpenClaw binds) with nemoclaw.enabled`));
      }
    }
    return out;
  }),
];

const ALL_RULES: readonly Rule[] = [...RULES, ...GATEWAY_RULES, ...STORAGE_RULES, ...POLICY_RULES, ...STATE_RULES, ...FRAMEWORK_RULES];

/** Runs every rule whose sections parsed. */
export function crossFieldIssues(parsed: ParsedSections, secrets: SecretPresenceMap | undefined): ConfigIssue[] {
  return ALL_RULES.flatMap((r) => r.run(parsed, secrets) ?? []);
}
