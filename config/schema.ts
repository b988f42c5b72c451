/**
 * The stack configuration schema (zod, strict objects: a typo is an error).
 *
 * Every top-level key is declared in `Pulumi.yaml` as well; `CONFIG_KEYS`
 * below is the single list both are checked against (test/config). Secret
 * settings are NOT here: they never pass through zod (see `secrets.ts`).
 */
import { z } from "zod";
import { CLOUDNATIVEPG_PAIRS, IMAGES, IMAGE_IDS, RELEASES, checkReleaseVersion, type ManifestId, type ReleaseId } from "../catalog/artifacts";

export const TIERS = ["dev", "staging", "prod"] as const;
export type Tier = (typeof TIERS)[number];

/** A strict object whose unknown-key error names the allowed keys. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? `allowed keys: ${allowed}` : undefined),
  });
}

/** A record whose keys must come from a fixed list. */
function recordOf<V extends z.ZodType>(keys: readonly string[], value: V, what: string) {
  const allowed = [...keys].sort().join(", ");
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec)) {
      if (!keys.includes(k)) {
        ctx.addIssue({ code: "custom", path: [k], message: `unknown ${what}; allowed: ${allowed}` });
      }
    }
  });
}

const name = (what: string) =>
  z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `must be a Kubernetes ${what} name (lower-case letters, digits, -)`).max(63);
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, "must be a Kubernetes quantity such as 10Gi or 500m");
const host = z.string().regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, "must be a host name with an optional :port");
const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "must be an http:// or https:// URL");
const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be an image tag");
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>");
export const RELEASE_IDS = Object.keys(RELEASES) as ReleaseId[];
const PER_NODE_OS_IMAGES = IMAGES.filter((i) => i.perNodeOs === true).map((i) => i.id);
export const MANIFEST_IDS: readonly ManifestId[] = ["agent-sandbox", "agent-sandbox-with-extensions"];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits");


export const ClusterSchema = strict({
  /** kubeconfig context; unset = the kubeconfig's current context. */
  context: z.string().min(1).optional(),
  /** Path of a kubeconfig file; unset = $KUBECONFIG or ~/.kube/config. */
  kubeconfigPath: z.string().min(1).optional(),
  /**
   * Stable identity of the target cluster. The provider is replaced (and with
   * it every resource) only when this changes, not when the kubeconfig path,
   * context name or credentials change. Defaults to the stack name.
   */
  identifier: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be letters, digits, . _ -").optional(),
  /** Feature gates the cluster has on (for version-dependent choices). */
  featureGates: strict({
    /** ImageVolume: on by default from Kubernetes 1.35; 1.33-1.34 need it switched on. */
    imageVolume: z.boolean(),
  }),
  /** The cluster is OpenShift: SCCs instead of Pod Security labels, chart securityContext nulled. */
  openshift: z.boolean(),
});

export const RegistrySchema = strict({
  mode: z.enum(["online", "mirrored"]),
  /** Mirror registry host (mirrored mode). */
  host: host.optional(),
  layout: z.enum(["prefix", "perRegistry"]),
  /** Path under the mirror host for the prefix layout. */
  pathPrefix: z.string().regex(/^([a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*)?$/, "must be a registry path such as mirror or team/mirror"),
  /** perRegistry layout: source registry → `host[/path]` on the mirror. */
  registries: z.record(host, z.string().min(1)),
  /** The mirror's protocol; http needs relaxations.plainHttpMirror outside dev. */
  scheme: z.enum(["https", "http"]),
  /** Mirror user name; the password is the secret registryPassword. */
  username: z.string().min(1).optional(),
  /** Name of the kubernetes.io/dockerconfigjson Secret made in every namespace that pulls. */
  pullSecretName: name("Secret"),
  /** Chart source (HTTP repo URL or oci:// prefix) → mirror chart location. */
  chartRepositories: z.record(z.string().min(1), z.string().regex(/^(oci|https?):\/\/\S+$/, "must be an oci://, http:// or https:// location")),
  /** File server base URL for raw manifests: <base>/<id>/<version>/<asset>. */
  manifestBaseUrl: httpUrl.optional(),
  /** Local directory for raw manifests when there is no file server. */
  manifestDir: z.string().min(1).optional(),
  /** PEM CA bundle of a mirror with a private CA: used for chart pulls and published as a ConfigMap. */
  caBundle: z
    .string()
    .regex(/^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, "must be PEM certificates (-----BEGIN CERTIFICATE----- …)")
    .optional(),
});

export const ImageOverrideSchema = strict({
  tag: tag.optional(),
  digest: digest.optional(),
});

export const CatalogSchema = strict({
  /** Release id → version (see docs/upgrades.md "Pinned versions"). */
  versions: recordOf(RELEASE_IDS, z.string().min(1), "release").superRefine((rec, ctx) => {
    for (const [id, version] of Object.entries(rec)) {
      const why = RELEASE_IDS.includes(id as ReleaseId) ? checkReleaseVersion(id as ReleaseId, version) : undefined;
      if (why !== undefined) ctx.addIssue({ code: "custom", path: [id], message: why });
    }
    // The operator image must match the chart; known pairs follow automatically.
    const chart = rec["cloudnativePg"];
    if (chart !== undefined && rec["cloudnativePgOperator"] === undefined && CLOUDNATIVEPG_PAIRS[chart] === undefined) {
      const pairs = Object.entries(CLOUDNATIVEPG_PAIRS).map(([a, b]) => `${a}/${b}`);
      ctx.addIssue({
        code: "custom",
        path: ["cloudnativePgOperator"],
        message: `required when catalog.versions.cloudnativePg is ${chart} (known chart/operator pairs: ${pairs.join(", ")})`,
      });
    }
  }),
  /** Image id → tag and/or digest. */
  images: recordOf(IMAGE_IDS, ImageOverrideSchema, "image").superRefine((rec, ctx) => {
    // The GPU Operator appends -<node OS> to the driver tag: one digest cannot pin several images.
    for (const id of PER_NODE_OS_IMAGES) {
      if (rec[id]?.digest !== undefined) {
        ctx.addIssue({ code: "custom", path: [id, "digest"], message: "not supported: the GPU Operator appends -<node OS> to the driver tag, so one digest cannot pin it; pin the tag" });
      }
    }
  }),
  /** Manifest id → sha256 of the asset for the pinned version. */
  manifestSha256: recordOf(MANIFEST_IDS, sha256, "manifest"),
});

/** An IPv4 or IPv6 CIDR: a real address and a prefix of at most 32 (128) bits, as NetworkPolicy ipBlock needs. */
const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: () => "must be an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or fd00::/8 (address/prefix, prefix at most 32 or 128)" });
const resources = strict({
  requests: strict({ cpu: quantity, memory: quantity }),
  limits: strict({ cpu: quantity, memory: quantity }),
});

export const GatewaySchema = strict({
  namespace: name("namespace"),
  replicas: z.number().int().min(1).max(10),
  /** Namespace sandbox pods run in; unset = the gateway namespace. */
  sandboxNamespace: name("namespace").optional(),
  /** Default size of a sandbox workspace volume. */
  workspaceSize: quantity,
  /** Experimental: run sandboxes in user namespaces (fails on OpenShift, OpenShell #2520). */
  userNamespaces: z.boolean(),
  resources,
  serviceType: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]),
  /** Let clients without an OIDC token in (mTLS still applies); staging/prod need relaxations.unauthenticatedUsers. */
  allowUnauthenticatedUsers: z.boolean(),
  oidc: strict({
    issuer: z.string().regex(/^https:\/\/\S+$/, "must be an https:// issuer URL").optional(),
    audience: z.string().min(1).optional(),
    rolesClaim: z.string().min(1).optional(),
    adminRole: z.string().min(1).optional(),
    userRole: z.string().min(1).optional(),
    /** ConfigMap (key ca.crt) in the gateway namespace with the issuer's CA. */
    caConfigMap: name("ConfigMap").optional(),
  }),
  /**
   * Anonymous usage telemetry from the gateway (and, through it, every sandbox) to NVIDIA
   * (events.telemetry.data.nvidia.com). Off unless the stack opts in; always passed to the chart.
   */
  telemetry: z.boolean(),
  /**
   * RuntimeClass for every sandbox that does not ask for its own (Kata, gVisor); unset = the
   * node's default runtime. GPUs need none (CDI). Sandboxes then get the init-container supervisor.
   */
  sandboxRuntimeClass: name("RuntimeClass").optional(),
  /** Sandbox pod topology: combined (default) or sidecar (network supervisor in its own container; needed for proxy credentials). */
  supervisorTopology: z.enum(["combined", "sidecar"]),
  /** A corporate forward proxy for sandbox egress the allow-list permits (OpenShell 0.0.107+). */
  upstreamProxy: strict({
    /** http://host:port (OpenShell does not speak HTTPS to the proxy, and takes no credentials in the URL). */
    url: z.string().regex(/^http:\/\/[A-Za-z0-9.-]+:[0-9]{1,5}$/, "must be http://host:port (no https, no user:password@, a port)").optional(),
    /** Destinations that bypass only the proxy. */
    noProxy: z.array(z.string().regex(/^[A-Za-z0-9*.:/-]+$/, "must be a host, domain (.example.com), IP or CIDR")),
    /** The proxy's addresses, for the sandbox NetworkPolicy (an ipBlock needs addresses, not names). */
    cidrs: z.array(cidr),
    /** Let the proxy resolve CONNECT targets (last resort for hostname-filtering proxy ACLs). */
    connectByHostname: z.boolean(),
    /** Credentials (the secret upstreamProxyCredentials) go to an http:// proxy in cleartext Basic auth: say so. */
    allowCleartextCredentials: z.boolean(),
  }),
  /**
   * In-cluster clients (CI runners, job runners): each namespace gets a Secret (ca.crt, tls.crt,
   * tls.key) and a ConfigMap (OPENSHELL_GATEWAY, OPENSHELL_GATEWAY_ENDPOINT) named `name`, and the
   * gateway namespace a NetworkPolicy letting those namespaces reach the gateway port only.
   */
  clients: strict({
    name: name("Secret"),
    namespaces: z.array(name("namespace")),
  }),
  /** Gateway API GRPCRoute to an existing Gateway (e.g. Envoy Gateway, class eg). */
  grpcRoute: strict({
    enabled: z.boolean(),
    hostnames: z.array(z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS host name")),
    gatewayName: name("Gateway").optional(),
    gatewayNamespace: name("namespace").optional(),
  }),
});

/** An IPv4 or IPv6 address (zod's own validators: 300.1.1.1 or 1.2.3 are refused). */
const ipAddress = z.union([z.ipv4(), z.ipv6()], { error: () => "must be an IPv4 or IPv6 address such as 10.0.0.10 or fd00::10" });

const generation = z.number().int().min(1).max(1000);

export const PkiSchema = strict({
  /** Key algorithm of the CA, server and client keys (the JWT key is always Ed25519). */
  keyAlgorithm: z.enum(["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-4096"]),
  caValidityHours: z.number().int().min(24),
  certValidityHours: z.number().int().min(24),
  /** Re-issue a certificate this many hours before it expires (on the next `pulumi up`). */
  earlyRenewalHours: z.number().int().min(0),
  /** Extra DNS names on the gateway server certificate (ingress host names). */
  extraDnsNames: z.array(z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS name")),
  extraIpAddresses: z.array(ipAddress),
  /**
   * Rotation generations: raising one replaces that key, and what depends on it, on the next
   * `pulumi up` (it is the resource's replacementTrigger, so `pulumi preview` shows each replace).
   */
  rotation: strict({
    /** The CA key and certificate, and with them the server and client certificates. */
    ca: generation,
    /** The sandbox JWT signing key. */
    jwtKey: generation,
    /** The credential-storage key-encryption key. */
    kek: generation,
    /**
     * The KEK generation whose rotation may make every stored credential unreadable (OpenShell
     * keeps one KEK and cannot re-encrypt): a KEK rotation is refused until this equals pki.rotation.kek.
     */
    kekLosesStoredCredentials: generation.optional(),
  }),
});

export const DatabaseSchema = strict({
  engine: z.enum(["sqlite", "postgres"]),
  /** CloudNativePG Cluster name; the gateway reads the generated <name>-app Secret. */
  clusterName: name("Cluster"),
  /** Spread Postgres instances over nodes: none, preferred or required. */
  podAntiAffinity: z.enum(["none", "preferred", "required"]),
  /** Postgres instances (CloudNativePG Cluster spec.instances). */
  instances: z.number().int().min(1).max(9),
  storageSize: quantity,
  /** How long `pulumi up` waits for the Cluster's Ready condition before it fails (and the gateway is not started). */
  readyTimeoutMinutes: z.number().int().min(1).max(240),
  backup: strict({
    enabled: z.boolean(),
    /** Base backup schedule (CloudNativePG six-field cron, seconds first). */
    schedule: z.string().regex(/^(\S+\s+){5}\S+$/, "must be a six-field cron expression (seconds first), e.g. 0 0 2 * * *"),
    /** How long backups are kept, e.g. 30d. */
    retention: z.string().regex(/^[1-9][0-9]*[dwm]$/, "must be a number followed by d, w or m, e.g. 30d"),
    /** S3-compatible endpoint; credentials are the secrets backupAccessKeyId/backupSecretAccessKey. */
    endpointUrl: httpUrl.optional(),
    /** e.g. s3://bucket/path */
    destinationPath: z.string().regex(/^s3:\/\/\S+$/, "must be an s3:// path").optional(),
  }),
});

export const GpuSchema = strict({
  enabled: z.boolean(),
  /** Install the driver container (false when nodes have a host driver). */
  driver: z.boolean(),
  /** ConfigMap in gpu-operator with package repository files for the driver build (private mirrors). */
  driverRepoConfigMap: name("ConfigMap").optional(),
  toolkit: z.boolean(),
  /** Deploy node-feature-discovery (false when NFD already runs). */
  nfd: z.boolean(),
  /** Run the MIG manager. */
  mig: z.boolean(),
  migStrategy: z.enum(["none", "single", "mixed"]),
  /** Container Device Interface. */
  cdi: z.boolean(),
  /** Time-slicing: each GPU is advertised this many times (0 or 1 = off). */
  timeSlicingReplicas: z.number().int().min(0).max(64),
  /** KubeVirt/Kata sandbox workloads (vfio, vGPU and sandbox device plugins). */
  sandboxWorkloads: z.boolean(),
  /** RuntimeClass GPU sandboxes run with (the operator creates "nvidia"). */
  runtimeClassName: name("RuntimeClass"),
  /** Node OS tags the driver image is mirrored for (the operator appends -<os>). */
  nodeOperatingSystems: z.array(z.string().regex(/^[a-z]+[0-9.]+$/, "must be a node OS tag such as ubuntu24.04 or rhel9")),
});

const mountOptions = z.array(z.string().regex(/^[A-Za-z0-9_.,=:/-]+$/, "must be a mount option such as nfsvers=4.1"));

export const StorageSchema = strict({
  /** RWX StorageClass for sandbox workspaces: a class defined here, one in existingClasses; unset = the cluster default. */
  workspaceClass: name("StorageClass").optional(),
  /** RWO StorageClass for Postgres: likewise. */
  databaseClass: name("StorageClass").optional(),
  /** StorageClasses that already exist in the cluster and may be used by name (e.g. standard on kind). */
  existingClasses: z.array(name("StorageClass")),
  reclaimPolicy: z.enum(["Delete", "Retain"]),
  allowVolumeExpansion: z.boolean(),
  volumeBindingMode: z.enum(["Immediate", "WaitForFirstConsumer"]),
  nfs: strict({
    enabled: z.boolean(),
    snapshots: z.boolean(),
    className: name("StorageClass"),
    default: z.boolean(),
    server: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or IP address").optional(),
    share: z.string().regex(/^\/\S*$/, "must be an absolute export path such as /exports/sandboxes").optional(),
    /** Per-volume directory, with ${pvc.metadata.namespace}, ${pvc.metadata.name}, ${pv.metadata.name}. */
    subDir: z.string().min(1).optional(),
    mountPermissions: z.string().regex(/^0?[0-7]{3,4}$/, "must be an octal mode such as 0775").optional(),
    onDelete: z.enum(["delete", "retain", "archive"]).optional(),
    mountOptions,
  }),
  cephfs: strict({
    /** none | rook (an existing Rook cluster) | standalone (the ceph-csi chart; needs the secret cephUserKey). */
    mode: z.enum(["none", "rook", "standalone"]),
    className: name("StorageClass"),
    default: z.boolean(),
    fsName: z.string().min(1).optional(),
    pool: z.string().min(1).optional(),
    /** standalone: the Ceph cluster fsid (ceph-csi clusterID). rook: the CephCluster namespace (default rook-ceph). */
    clusterID: z.string().min(1).optional(),
    /** standalone: Ceph monitor addresses. */
    monitors: z.array(z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a monitor address such as 10.0.0.1:6789")),
    subvolumeGroup: z.string().min(1).optional(),
    /** standalone: Ceph user whose key is the secret cephUserKey. */
    userId: z.string().min(1),
    /** rook: the namespace the Rook operator runs in (the provisioner is <ns>.cephfs.csi.ceph.com). */
    rookOperatorNamespace: name("namespace"),
    mounter: z.enum(["kernel", "fuse"]).optional(),
    mountOptions,
  }),
});

export const InferenceSchema = strict({
  provider: z.enum(["none", "nvidia-nim", "openai-compatible"]),
  endpoint: httpUrl.optional(),
  model: z.string().min(1).optional(),
});

const port = z.number().int().min(1).max(65535);
const hostPattern = z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/, "must be a host name, optionally *.-prefixed");

export const PoliciesSchema = strict({
  /** relaxed (dev: Pod Security enforced at baseline, sandboxes reach any address) or strict. */
  profile: z.enum(["relaxed", "strict"]),
  /** Where the Kubernetes API server is, for components that call it (control-plane node addresses). */
  apiServer: strict({ cidrs: z.array(cidr), ports: z.array(port).min(1) }),
  /** Pod and service CIDRs (and other private ranges) sandboxes may never reach directly. */
  privateCidrs: z.array(cidr),
  /** Who may call the gateway on 8080 besides sandboxes: namespaces (e.g. an ingress) and CIDRs. */
  gatewayClients: strict({ namespaces: z.array(name("namespace")), cidrs: z.array(cidr) }),
  /** Namespace of Prometheus, allowed to scrape metrics ports; unset = no scraping allowed. */
  monitoringNamespace: name("namespace").optional(),
  /** Sandbox network egress at L3/L4 (the L7 allow-list below filters hosts, methods, paths). */
  sandboxEgress: strict({ ports: z.array(port) }),
  /** OpenShell L7 egress allow-list (network_policies); anything not listed is denied. */
  egress: z.array(
    strict({
      name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be lower-case letters, digits and -"),
      host: hostPattern,
      port: port.optional(),
      methods: z.array(z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])).optional(),
      paths: z.array(z.string().regex(/^\/\S*$/, "must be an absolute path, * and ** wildcards allowed")).optional(),
      /** Executables allowed to make the calls (globs); default any. */
      binaries: z.array(z.string().regex(/^\/\S*$/, "must be an absolute path glob")).optional(),
    }),
  ),
  /** ResourceQuota of the sandbox namespace. */
  quota: strict({
    pods: z.number().int().min(1),
    requestsCpu: quantity,
    requestsMemory: quantity,
    limitsCpu: quantity,
    limitsMemory: quantity,
    requestsStorage: quantity,
    persistentVolumeClaims: z.number().int().min(0),
    gpus: z.number().int().min(0),
  }),
  /** LimitRange defaults for sandbox containers that set none. */
  containerDefaults: resources,
});

export const RelaxationsSchema = strict({
  /** Allow `latest` image tags in staging/prod. */
  latestTags: z.boolean(),
  /** Allow a plain-HTTP mirror, chart repository or manifest server in staging/prod. */
  plainHttpMirror: z.boolean(),
  /** Allow gateway.allowUnauthenticatedUsers in staging/prod. */
  unauthenticatedUsers: z.boolean(),
  /** Let sandboxes share the gateway namespace (it then runs at Pod Security privileged). */
  sharedSandboxNamespace: z.boolean(),
  /** Allow API-server egress to 0.0.0.0/0 in staging/prod (when its addresses are not known). */
  anyApiServerAddress: z.boolean(),
});

export const ObservabilitySchema = strict({
  /** The Prometheus Operator's CRDs are installed: create ServiceMonitors/PodMonitors. */
  prometheusOperator: z.boolean(),
  /** Labels Prometheus selects monitors by (its serviceMonitorSelector/podMonitorSelector). */
  monitorLabels: z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/, "must be a label key"), z.string()),
});

export const ProtectionSchema = strict({
  /**
   * Protect what users cannot get back: `protect` on the CA, the KEK, the JWT key and the Postgres
   * Cluster, `retainOnDelete` on the CRDs and the namespaces that hold data (docs/day-2.md "Protection").
   * On in staging and prod, where it cannot be switched off; off in dev unless switched on.
   */
  enabled: z.boolean(),
});

const semver = z.string().regex(/^\d+\.\d+\.\d+$/, "must be a version X.Y.Z (no leading v)");
const absolutePath = z.string().regex(/^\/\S*$/, "must be an absolute path");
/** A full upstream image reference with a tag or digest: it goes through the registry resolver. */
const imageReference = z
  .string()
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$/, "must be a full image reference registry/repository:tag (or @sha256:…), e.g. ghcr.io/org/image:1.2.3")
  .refine((v) => /:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(v.split("/").slice(1).join("/")) || v.includes("@sha256:"), "must carry a tag or a digest (a reference without one floats)");

export const SANDBOX_TEMPLATE_PRESETS = ["openhands-agent-server"] as const;

export const SandboxTemplateSchema = strict({
  /** Start from a preset (catalog/frameworks.ts); the keys below override it. */
  preset: z.enum(SANDBOX_TEMPLATE_PRESETS).optional(),
  /** Upstream image reference; resolved through the mirror and listed in the inventory. Required without a preset. */
  image: imageReference.optional(),
  /** The port the sandbox serves (and the readiness probe checks). */
  port: port.optional(),
  /** HTTP path of the readiness probe. */
  readinessPath: absolutePath.optional(),
  args: z.array(z.string()).optional(),
  resources: resources.optional(),
  /** UID, GID and fsGroup of the pod (non-root: the namespace enforces Pod Security restricted). */
  runAsUser: z.number().int().min(1).max(2147483647).optional(),
  /** RuntimeClass (Kata, gVisor) of the pods; unset = gateway.sandboxRuntimeClass, else the node default. */
  runtimeClassName: name("RuntimeClass").optional(),
  /** Size of the RWO workspace volume (on storage.workspaceClass). */
  workspaceSize: quantity.optional(),
  workspaceMountPath: absolutePath.optional(),
});

export const AgentSandboxSchema = strict({
  /** Also install the extensions (SandboxClaim/Template/WarmPool); OpenShell does not need them. */
  extensions: z.boolean(),
  /** Namespace of the SandboxTemplates, SandboxWarmPools and the claims made on them (Pod Security restricted). */
  namespace: name("namespace"),
  /** SandboxTemplates by name (need extensions). */
  templates: z.record(name("SandboxTemplate"), SandboxTemplateSchema),
  /** SandboxWarmPools by name: pre-started pods of a template, claimed by SandboxClaims. */
  warmPools: z.record(name("SandboxWarmPool"), strict({ template: name("SandboxTemplate"), replicas: z.number().int().min(0).max(100) })),
});

const toleration = strict({
  key: z.string().min(1).optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.number().int().min(0).optional(),
});

export const OpenHandsSchema = strict({
  /** Namespace of the OpenHands app (or the agent SDK client): its ServiceAccount lives here. */
  appNamespace: name("namespace"),
  /** Create appNamespace (Pod Security baseline: the app runs as root); false = it exists, only the ServiceAccount is added. */
  createAppNamespace: z.boolean(),
  serviceAccount: name("ServiceAccount"),
  /** V1: the agent SDK's AgentSandboxWorkspace claims agent-server pods from a SandboxWarmPool (needs agentSandbox.extensions). */
  agentSandbox: strict({
    enabled: z.boolean(),
    /** The warm pool the SDK claims from; added with the openhands-agent-server template unless agentSandbox.warmPools has it. */
    warmPool: name("SandboxWarmPool"),
    /** Warm-pool pods when the pool is added here. */
    replicas: z.number().int().min(0).max(100),
  }),
  /** V0: OpenHands' KubernetesRuntime (OpenHands 0.45.0-0.62.x) starting one runtime pod per conversation. */
  kubernetesRuntime: strict({
    enabled: z.boolean(),
    /** The OpenHands release the app runs; it picks the runtime and app image tags. */
    version: semver,
    /** Namespace of the runtime pods (Pod Security baseline, privileged with privileged: true). */
    namespace: name("namespace"),
    /** Base domain of the per-conversation VS Code ingresses (<sid>.<domain>, wildcard DNS). */
    ingressDomain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS domain").optional(),
    /** TLS Secret of those ingresses (in the runtime namespace). */
    ingressTlsSecret: name("Secret").optional(),
    /** Run runtime containers privileged (docker-in-docker). */
    privileged: z.boolean(),
    workspaceSize: quantity,
    resources: strict({ cpuRequest: quantity, memoryRequest: quantity, memoryLimit: quantity }),
    nodeSelector: strict({ key: z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/, "must be a label key"), value: z.string() }).optional(),
    tolerations: z.array(toleration),
    /** ResourceQuota of the runtime namespace. */
    quota: strict({ pods: z.number().int().min(1), requestsCpu: quantity, requestsMemory: quantity, limitsMemory: quantity, persistentVolumeClaims: z.number().int().min(0) }),
  }),
});

export const NemoClawSchema = strict({
  /** Emit NemoClaw's external OpenShell target contract (experimental upstream, plan-only). */
  enabled: z.boolean(),
  /** The NemoClaw release the runner runs; it accepts exactly one OpenShell version (catalog/frameworks.ts). */
  release: semver,
  /** Namespace of the NemoClaw blueprint runner. */
  namespace: name("namespace"),
  /** OpenShell workspace the blueprint targets. */
  workspace: name("workspace"),
});

/** The resolved configuration: tier defaults with the stack's settings on top. */
export const ConfigSchema = strict({
  tier: z.enum(TIERS),
  kubernetesVersion: z.string().regex(/^v?\d+\.\d+(\.\d+)?$/, "must be a Kubernetes version such as 1.33"),
  cluster: ClusterSchema,
  registry: RegistrySchema,
  catalog: CatalogSchema,
  gateway: GatewaySchema,
  pki: PkiSchema,
  database: DatabaseSchema,
  gpu: GpuSchema,
  storage: StorageSchema,
  inference: InferenceSchema,
  policies: PoliciesSchema,
  relaxations: RelaxationsSchema,
  observability: ObservabilitySchema,
  agentSandbox: AgentSandboxSchema,
  openhands: OpenHandsSchema,
  nemoclaw: NemoClawSchema,
  protection: ProtectionSchema,
});

export type Config = z.infer<typeof ConfigSchema>;
export type RegistryConfig = Config["registry"];

/** How each top-level key is stored in Pulumi config (and declared in Pulumi.yaml). */
export type KeyKind = "string" | "object";

export const CONFIG_KEYS: Readonly<Record<keyof Config, KeyKind>> = {
  tier: "string",
  kubernetesVersion: "string",
  cluster: "object",
  registry: "object",
  catalog: "object",
  gateway: "object",
  pki: "object",
  database: "object",
  gpu: "object",
  storage: "object",
  inference: "object",
  policies: "object",
  relaxations: "object",
  observability: "object",
  agentSandbox: "object",
  openhands: "object",
  nemoclaw: "object",
  protection: "object",
};

/** Keys every stack must set (no tier default). */
export const REQUIRED_KEYS: readonly (keyof Config)[] = ["tier", "kubernetesVersion"];
