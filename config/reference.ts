/**
 * The configuration reference: one line of documentation per key, and the
 * table of docs/configuration.md rendered from the schema and the tier
 * defaults (so the table cannot drift: a test compares the page with
 * `renderConfigDoc()`).
 */
import { z } from "zod";
import { protectionTable } from "../state/protection";
import { TIER_DEFAULTS } from "./defaults";
import { ConfigSchema, TIERS } from "./schema";
import { SECRET_KEYS } from "./secrets";

export const KEY_DOCS: Readonly<Record<string, string>> = {
  tier: "Environment tier supplying every default below: `dev`, `staging` or `prod`. Required.",
  kubernetesVersion: 'Kubernetes version of the cluster, quoted (`"1.34"`); 1.30 or newer. Required.',
  "cluster.context": "kubeconfig context; unset uses the current context.",
  "cluster.kubeconfigPath": "kubeconfig file; unset uses `$KUBECONFIG` or `~/.kube/config`. Or set the secret `kubeconfig`.",
  "cluster.identifier": "Stable cluster identity; the provider (and every resource) is replaced only when it changes. Unset = the stack name.",
  "cluster.featureGates.imageVolume":
    "The ImageVolume feature gate is on (Kubernetes 1.33-1.34); with it the supervisor is mounted as an image volume. On by default from 1.35.",
  "cluster.openshift": "The cluster is OpenShift: the sandbox service account is granted the privileged SCC and the chart's fixed UIDs are dropped.",
  "registry.mode": "`online` pulls from the public registries; `mirrored` pulls every image, chart and manifest from the mirror.",
  "registry.host": "Mirror registry host (`harbor.example.internal[:port]`). Required when mirrored.",
  "registry.layout": "`prefix`: `<host>/<pathPrefix>/<source-registry>/<path>`; `perRegistry`: each source registry maps to its own location (Harbor proxy-cache projects).",
  "registry.pathPrefix": "Path under the host for the `prefix` layout (`mirror`).",
  "registry.registries": 'Source registry → `host[/path]` for the `perRegistry` layout, e.g. `{"ghcr.io": "harbor.example.internal/ghcr-proxy"}`; must cover every source the stack pulls from.',
  "registry.scheme": "`https`, or `http` (staging/prod need `relaxations.plainHttpMirror`).",
  "registry.username": "Mirror user; its password is the secret `registryPassword`.",
  "registry.pullSecretName": "Name of the `kubernetes.io/dockerconfigjson` Secret made in each namespace that pulls from the mirror.",
  "registry.chartRepositories": "Explicit chart locations: source HTTP repository URL or `oci://` prefix → mirror chart repository URL or `oci://` base.",
  "registry.manifestBaseUrl": "File server for raw manifests (`<base>/<id>/<version>/<asset>`). Mirrored mode needs this or `manifestDir`.",
  "registry.manifestDir": "Local directory for raw manifests when the site has no file server.",
  "registry.caBundle": "PEM CA bundle of a mirror signed by a private CA: chart pulls trust it, and it is published as the ConfigMap `platform-mirror-ca` (key `ca.crt`) in every owned namespace.",
  "catalog.versions": "Release → version overrides (docs/upgrades.md \"Pinned versions\"), e.g. `{\"openshell\": \"0.0.112\"}`; checked against the supported range.",
  "catalog.images": 'Image id → `{tag, digest}` overrides, e.g. `{"openshell.sandboxBase": {"digest": "sha256:…"}}`.',
  "catalog.manifestSha256": "Manifest id → expected sha256 of the asset for the pinned version.",
  "gateway.namespace": "Namespace of the OpenShell gateway.",
  "gateway.replicas": "Gateway replicas; more than 1 needs `database.engine: postgres` and adds pod anti-affinity and a PodDisruptionBudget.",
  "gateway.sandboxNamespace": "Namespace sandbox pods run in (Pod Security privileged); the gateway namespace only with `relaxations.sharedSandboxNamespace`.",
  "gateway.workspaceSize": "Default size of a sandbox workspace volume.",
  "gateway.userNamespaces": "Experimental: sandboxes in user namespaces (fails on OpenShift, OpenShell #2520).",
  "gateway.resources.requests.cpu": "Gateway CPU request.",
  "gateway.resources.requests.memory": "Gateway memory request.",
  "gateway.resources.limits.cpu": "Gateway CPU limit.",
  "gateway.resources.limits.memory": "Gateway memory limit.",
  "gateway.serviceType": "`ClusterIP`, `NodePort` or `LoadBalancer` for the gateway Service (port 8080).",
  "gateway.allowUnauthenticatedUsers": "Let clients in without an OIDC token (mTLS still applies). Dev default; staging/prod need `relaxations.unauthenticatedUsers`.",
  "gateway.oidc.issuer": "OIDC issuer URL (https). Required unless `allowUnauthenticatedUsers`: the gateway refuses mTLS-only users.",
  "gateway.oidc.audience": "Token audience (chart default `openshell-cli`).",
  "gateway.oidc.rolesClaim": "Claim holding the user's roles; needed with `adminRole`/`userRole`.",
  "gateway.oidc.adminRole": "Role value that grants admin.",
  "gateway.oidc.userRole": "Role value that grants user access.",
  "gateway.oidc.caConfigMap": "ConfigMap (key `ca.crt`) with the issuer's CA, in the gateway namespace.",
  "gateway.clients.name": "Name of the client Secret and ConfigMap made in each `gateway.clients.namespaces` entry.",
  "gateway.clients.namespaces": "Existing namespaces whose pods call the gateway (CI runners): each gets the client Secret (`ca.crt`, `tls.crt`, `tls.key`) and a ConfigMap with `OPENSHELL_GATEWAY` and `OPENSHELL_GATEWAY_ENDPOINT`; the gateway namespace gets a NetworkPolicy letting them reach port 8080 only (docs/connect-and-verify.md \"In-cluster clients\").",
  "gateway.grpcRoute.enabled": "Expose the gateway through a Gateway API GRPCRoute.",
  "gateway.grpcRoute.hostnames": "Host names of the route.",
  "gateway.grpcRoute.gatewayName": "The existing Gateway (e.g. Envoy Gateway, class `eg`) the route attaches to.",
  "gateway.grpcRoute.gatewayNamespace": "Its namespace; unset = the gateway namespace.",
  "pki.keyAlgorithm": "Key algorithm of the CA, server and client keys (`ECDSA-P256`, `ECDSA-P384`, `RSA-2048`, `RSA-4096`); the JWT key is always Ed25519.",
  "pki.caValidityHours": "CA validity.",
  "pki.certValidityHours": "Server and client certificate validity.",
  "pki.earlyRenewalHours": "Re-issue certificates on the first `pulumi up` this many hours before they expire.",
  "pki.extraDnsNames": "Extra DNS names on the server certificate (ingress host names).",
  "pki.extraIpAddresses": "Extra IP addresses (IPv4 or IPv6) on the server certificate.",
  "pki.rotation.ca": "CA generation: raise it by one to rotate the CA and every certificate it signed on the next `pulumi up` (docs/day-2.md \"Rotation\").",
  "pki.rotation.jwtKey": "Sandbox JWT signing-key generation: raise it to rotate the key (the gateway restarts; sandboxes re-authenticate).",
  "pki.rotation.kek": "Credential-storage KEK generation: raise it to rotate the KEK; refused until `pki.rotation.kekLosesStoredCredentials` names the same generation.",
  "pki.rotation.kekLosesStoredCredentials": "Acknowledges that KEK generation N makes every stored credential unreadable (OpenShell cannot re-encrypt them).",
  "database.engine": "`sqlite` (one gateway replica) or `postgres` (CloudNativePG).",
  "database.clusterName": "CloudNativePG Cluster name; the gateway reads its generated `<name>-app` Secret (key `uri`).",
  "database.podAntiAffinity": "Spread Postgres instances over nodes: `none`, `preferred` or `required`.",
  "database.instances": "Postgres instances (CloudNativePG `spec.instances`).",
  "database.storageSize": "Postgres volume size.",
  "database.readyTimeoutMinutes":
    "How long `pulumi up` waits for the Postgres Cluster's `Ready` condition (annotations `pulumi.com/waitFor`, `pulumi.com/timeoutSeconds`) before it fails; the gateway starts only after. docs/install.md \"Install order and waits\".",
  "database.backup.enabled": "Back up Postgres to an S3-compatible store (credentials: secrets `backupAccessKeyId`, `backupSecretAccessKey`).",
  "database.backup.endpointUrl": "S3-compatible endpoint URL.",
  "database.backup.destinationPath": "`s3://bucket/path` for base backups and WAL.",
  "database.backup.schedule": "Base backup schedule (six-field cron, seconds first).",
  "database.backup.retention": "How long backups are kept (`30d`, `4w`, `6m`).",
  "gpu.enabled": "Install the NVIDIA GPU Operator.",
  "gpu.driver": "Run the driver container (false when nodes have a host driver).",
  "gpu.driverRepoConfigMap": "ConfigMap in `gpu-operator` with package repository files, for driver builds against a private package mirror.",
  "gpu.toolkit": "Run the container toolkit.",
  "gpu.nfd": "Deploy node-feature-discovery (false when NFD already runs).",
  "gpu.mig": "Run the MIG manager.",
  "gpu.migStrategy": "`none`, `single` or `mixed` (`mig.strategy`).",
  "gpu.cdi": "Container Device Interface (`cdi.enabled`).",
  "gpu.timeSlicingReplicas": "Share each GPU this many ways (time-slicing ConfigMap + `devicePlugin.config`); 0 or 1 = off.",
  "gpu.runtimeClassName": "RuntimeClass of GPU sandboxes, passed to the gateway as `server.defaultRuntimeClassName` when GPUs are on.",
  "gpu.sandboxWorkloads": "KubeVirt/Kata GPU passthrough operands (vfio, vGPU, sandbox device plugins).",
  "gpu.nodeOperatingSystems": "Node OS tags the driver image is mirrored for (the operator appends `-<os>` to the driver tag). Only tags NVIDIA builds the pinned driver for: `rhel8`, `rhel9`, `rhel10`, `rocky8`, `rocky9`, `ubuntu22.04`, `ubuntu24.04`, `ubuntu26.04` (RHEL and Rocky without the minor).",
  "storage.workspaceClass": "RWX class of sandbox workspaces (gateway `server.workspaceStorageClass`): a class defined below or listed in `existingClasses`; unset = the cluster default.",
  "storage.databaseClass": "RWO class of Postgres (CloudNativePG `storage.storageClass`): likewise.",
  "storage.existingClasses": "Classes that already exist in the cluster and may be named by the two roles (e.g. `standard` on kind, a Ceph RBD class).",
  "storage.reclaimPolicy": "`Delete` or `Retain` for the classes defined here (`Retain` in prod).",
  "storage.allowVolumeExpansion": "Let PVCs of these classes grow.",
  "storage.volumeBindingMode": "`Immediate` or `WaitForFirstConsumer`.",
  "storage.nfs.enabled": "Install csi-driver-nfs and define an NFS class.",
  "storage.nfs.snapshots": "Also run its snapshot controller.",
  "storage.nfs.className": "Name of the NFS class.",
  "storage.nfs.default": "Make it the cluster's default class (at most one default).",
  "storage.nfs.server": "NFS server. Required when enabled.",
  "storage.nfs.share": "Exported path. Required when enabled.",
  "storage.nfs.subDir": "Per-volume directory under the share, e.g. `${pvc.metadata.namespace}/${pvc.metadata.name}`.",
  "storage.nfs.mountPermissions": "Mode applied to each volume's directory (e.g. `0775`); default leaves it.",
  "storage.nfs.onDelete": "`delete`, `retain` or `archive` the directory when a volume is deleted.",
  "storage.nfs.mountOptions": "Mount options (`nfsvers=4.1`).",
  "storage.cephfs.mode": "`none`, `rook` (an existing Rook cluster: StorageClass only) or `standalone` (the ceph-csi chart; secret `cephUserKey`).",
  "storage.cephfs.className": "Name of the CephFS class.",
  "storage.cephfs.default": "Make it the cluster's default class (at most one default).",
  "storage.cephfs.fsName": "CephFS file system name. Required.",
  "storage.cephfs.pool": "Data pool (optional).",
  "storage.cephfs.clusterID": "standalone: the Ceph fsid (required); rook: the CephCluster namespace (default `rook-ceph`).",
  "storage.cephfs.monitors": "standalone: monitor addresses (at least one).",
  "storage.cephfs.subvolumeGroup": "standalone: CephFS subvolume group.",
  "storage.cephfs.userId": "standalone: Ceph user whose key is the secret `cephUserKey`.",
  "storage.cephfs.rookOperatorNamespace": "rook: namespace of the Rook operator (provisioner `<ns>.cephfs.csi.ceph.com`).",
  "storage.cephfs.mounter": "`kernel` or `fuse`.",
  "storage.cephfs.mountOptions": "Mount options of the class.",
  "inference.provider": "`none`, `nvidia-nim` or `openai-compatible`; a provider needs `inference.endpoint` and the secret `inferenceApiKey`.",
  "inference.endpoint": "Inference endpoint URL.",
  "inference.model": "Default model name.",
  "policies.profile": "`strict`, or `relaxed` (dev): Pod Security enforced at baseline where restricted is the target, sandboxes may reach private addresses.",
  "policies.apiServer.cidrs": "API server addresses (control-plane node IPs) as IPv4/IPv6 CIDRs, for the components that call it. Dev allows `0.0.0.0/0`; staging/prod must list them (`0.0.0.0/0` and `::/0` need `relaxations.anyApiServerAddress`).",
  "policies.apiServer.ports": "API server ports.",
  "policies.privateCidrs": "Ranges sandboxes may never reach directly in the strict profile (pod, service and private networks).",
  "policies.gatewayClients.namespaces": "Namespaces (e.g. an ingress or Envoy Gateway) allowed to reach the gateway on 8080.",
  "policies.gatewayClients.cidrs": "Address ranges allowed to reach the gateway on 8080.",
  "policies.monitoringNamespace": "Prometheus's namespace, allowed to scrape metrics ports; unset = none.",
  "policies.sandboxEgress.ports": "Ports sandboxes may open to public addresses (the L7 allow-list then filters hosts).",
  "policies.egress": "OpenShell L7 allow-list entries `{name, host, port, methods, paths, binaries}`; the inference endpoint is added as `inference`. Dev allows GitHub, PyPI and npm read-only.",
  "policies.quota.pods": "Sandbox namespace quota: pods.",
  "policies.quota.requestsCpu": "Quota: total CPU requests.",
  "policies.quota.requestsMemory": "Quota: total memory requests.",
  "policies.quota.limitsCpu": "Quota: total CPU limits.",
  "policies.quota.limitsMemory": "Quota: total memory limits.",
  "policies.quota.requestsStorage": "Quota: total storage requests.",
  "policies.quota.persistentVolumeClaims": "Quota: PVCs.",
  "policies.quota.gpus": "Quota: `requests.nvidia.com/gpu`.",
  "policies.containerDefaults.requests.cpu": "LimitRange: default CPU request of a sandbox container.",
  "policies.containerDefaults.requests.memory": "LimitRange: default memory request.",
  "policies.containerDefaults.limits.cpu": "LimitRange: default CPU limit.",
  "policies.containerDefaults.limits.memory": "LimitRange: default memory limit.",
  "relaxations.latestTags": "Allow `latest` image tags in staging/prod.",
  "relaxations.plainHttpMirror": "Allow plain-HTTP mirrors, chart repositories and manifest servers in staging/prod.",
  "relaxations.unauthenticatedUsers": "Allow `gateway.allowUnauthenticatedUsers` in staging/prod.",
  "relaxations.sharedSandboxNamespace": "Let sandboxes share the gateway namespace (which then runs at Pod Security privileged).",
  "relaxations.anyApiServerAddress": "Allow `policies.apiServer.cidrs: [0.0.0.0/0]` in staging/prod.",
  "observability.prometheusOperator": "The Prometheus Operator runs in the cluster: ServiceMonitor for the gateway (9090), PodMonitors for Postgres and the CNPG operator, the DCGM exporter's ServiceMonitor. Off in dev.",
  "observability.monitorLabels": "Labels added to every monitor (what your Prometheus selects them by, e.g. `release: kube-prometheus-stack`).",
  "protection.enabled": "`protect` on the CA, KEK, JWT key and Postgres Cluster, `retainOnDelete` on CRDs and data namespaces (docs/day-2.md \"Protection\"). Cannot be switched off in staging and prod.",
  "gateway.telemetry": "Anonymous telemetry from the gateway and sandboxes to NVIDIA (`server.telemetryEnabled`, chart 0.0.103+). Off in every tier unless the stack opts in; always passed to the chart.",
  "gateway.sandboxRuntimeClass": "RuntimeClass for every sandbox without its own (Kata, gVisor); such sandboxes get the init-container supervisor. GPUs need none: they come through `nvidia.com/gpu` and CDI.",
  "gateway.supervisorTopology": "`combined` or `sidecar` (`supervisor.topology`); proxy credentials need `sidecar`.",
  "gateway.upstreamProxy.url": "Corporate forward proxy for sandbox egress, `http://host:port` (OpenShell 0.0.107+).",
  "gateway.upstreamProxy.noProxy": "Destinations that bypass only the proxy (joined with commas).",
  "gateway.upstreamProxy.cidrs": "The proxy's addresses: sandboxes may reach them on the proxy's port (NetworkPolicy).",
  "gateway.upstreamProxy.connectByHostname": "Let the proxy resolve CONNECT targets (hostname-filtering proxy ACLs).",
  "gateway.upstreamProxy.allowCleartextCredentials": "Acknowledge that `upstreamProxyCredentials` reach the http:// proxy in cleartext Basic auth (required with them).",
  "agentSandbox.extensions": "Install the agent-sandbox extensions (claims, templates, warm pools); OpenShell does not need them. Required by `agentSandbox.templates`, `agentSandbox.warmPools` and `openhands.agentSandbox`.",
  "agentSandbox.namespace": "Namespace of the SandboxTemplates, SandboxWarmPools and the claims on them (Pod Security restricted); created only when the stack renders one.",
  "agentSandbox.templates":
    'SandboxTemplates by name: `{preset, image, port, readinessPath, args, resources, runAsUser, runtimeClassName, workspaceSize, workspaceMountPath}`. `preset: openhands-agent-server` fills every key (docs/frameworks.md "OpenHands"); without a preset `image` (a full, pinned reference) is required. Pods run non-root with every capability dropped; the workspace volume is RWO on `storage.workspaceClass`.',
  "agentSandbox.warmPools": "SandboxWarmPools by name: `{template, replicas}` (pre-started pods of a template, claimed by SandboxClaims).",
  "openhands.appNamespace": "Namespace of the OpenHands app (or the agent SDK client): its ServiceAccount, session key and `openhands-config` ConfigMap live here.",
  "openhands.createAppNamespace": "Create `appNamespace` (Pod Security baseline, NetworkPolicies); false = it exists and only the objects above are added to it.",
  "openhands.serviceAccount": "The ServiceAccount the OpenHands app (or SDK client) runs as; the Roles below are bound to it.",
  "openhands.agentSandbox.enabled": "OpenHands 1.x through the agent SDK's AgentSandboxWorkspace: a Role on claims/sandboxes/port-forward in `agentSandbox.namespace`, the session key, the warm pool (needs `agentSandbox.extensions`).",
  "openhands.agentSandbox.warmPool": "The SandboxWarmPool the SDK claims from; added with the `openhands-agent-server` template unless `agentSandbox.warmPools` defines it.",
  "openhands.agentSandbox.replicas": "Pre-started agent-server pods of the pool added here.",
  "openhands.kubernetesRuntime.enabled": "OpenHands' V0 KubernetesRuntime (0.45.0-0.62.x): runtime namespace, Role, quota and the `config.toml` ConfigMap.",
  "openhands.kubernetesRuntime.version": "The OpenHands release the app runs (0.45.0-0.62.x); picks the runtime (`<major.minor>-nikolaik`) and app image tags.",
  "openhands.kubernetesRuntime.namespace": "Namespace of the runtime pods (Pod Security baseline, or privileged with `privileged`); never a platform namespace.",
  "openhands.kubernetesRuntime.ingressDomain": "Base domain of the per-conversation VS Code Ingress (`<id>.<domain>`, wildcard DNS, default IngressClass). Required when enabled.",
  "openhands.kubernetesRuntime.ingressTlsSecret": "TLS Secret of those ingresses, in the runtime namespace.",
  "openhands.kubernetesRuntime.privileged": "Run runtime containers privileged (docker-in-docker); the namespace then enforces Pod Security privileged.",
  "openhands.kubernetesRuntime.workspaceSize": "Size of each conversation's workspace PVC (on `storage.workspaceClass`).",
  "openhands.kubernetesRuntime.resources.cpuRequest": "CPU request of a runtime pod.",
  "openhands.kubernetesRuntime.resources.memoryRequest": "Memory request of a runtime pod.",
  "openhands.kubernetesRuntime.resources.memoryLimit": "Memory limit of a runtime pod.",
  "openhands.kubernetesRuntime.nodeSelector.key": "Node label key runtime pods are scheduled by (with `value`).",
  "openhands.kubernetesRuntime.nodeSelector.value": "Its value.",
  "openhands.kubernetesRuntime.tolerations": "Tolerations of runtime pods `{key, operator, value, effect, tolerationSeconds}`.",
  "openhands.kubernetesRuntime.quota.pods": "Runtime namespace quota: pods (one per conversation).",
  "openhands.kubernetesRuntime.quota.requestsCpu": "Quota: total CPU requests.",
  "openhands.kubernetesRuntime.quota.requestsMemory": "Quota: total memory requests.",
  "openhands.kubernetesRuntime.quota.limitsMemory": "Quota: total memory limits.",
  "openhands.kubernetesRuntime.quota.persistentVolumeClaims": "Quota: PVCs (one per conversation).",
  "nemoclaw.enabled": "Emit NemoClaw's external OpenShell target: CA Secret, blueprint ConfigMap, runner namespace and NetworkPolicy. Needs `gateway.oidc.issuer` and the OpenShell version the release accepts.",
  "nemoclaw.release": "The NemoClaw release the runner runs; each accepts exactly one OpenShell (docs/frameworks.md \"NemoClaw (and OpenClaw)\"): a mismatch with `catalog.versions.openshell` is refused.",
  "nemoclaw.namespace": "Namespace of the NemoClaw blueprint runner (Pod Security restricted).",
  "nemoclaw.workspace": "OpenShell workspace the blueprint targets.",
};

type AnySchema = z.ZodType;

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) {
    cur = (cur as unknown as { unwrap(): AnySchema }).unwrap();
  }
  return cur;
}

/** Leaf key paths of the schema, in declaration order (records and lists are leaves). */
export function schemaLeaves(schema: AnySchema = ConfigSchema, prefix: string[] = []): string[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) {
    return Object.entries(s.shape as Record<string, AnySchema>).flatMap(([k, v]) => schemaLeaves(v, [...prefix, k]));
  }
  return [prefix.join(".")];
}

/** A short description of what a schema accepts. */
export function describeType(schema: AnySchema): string {
  const optional = schema instanceof z.ZodOptional;
  const s = unwrap(schema);
  let t: string;
  if (s instanceof z.ZodEnum) t = (s.options as string[]).map((o) => `\`${o}\``).join(" \\| ");
  else if (s instanceof z.ZodBoolean) t = "boolean";
  else if (s instanceof z.ZodNumber) {
    const min = s.minValue;
    const max = s.maxValue;
    const int = s.isInt ? "integer" : "number";
    t = min !== null && max !== null && Number.isFinite(min) && Number.isFinite(max) ? `${int} ${min}–${max}` : min !== null && Number.isFinite(min) ? `${int} ≥ ${min}` : int;
  } else if (s instanceof z.ZodString) t = "string";
  else if (s instanceof z.ZodArray) t = `list of ${describeType(s.element as AnySchema)}`;
  else if (s instanceof z.ZodRecord) t = "map";
  else if (s instanceof z.ZodObject) t = "object";
  else t = "value";
  return optional ? `${t} (optional)` : t;
}

/** The schema node at a leaf path. */
function schemaAt(path: string): AnySchema {
  let cur: AnySchema = ConfigSchema;
  for (const seg of path.split(".")) cur = (unwrap(cur) as z.ZodObject).shape[seg] as AnySchema;
  return cur;
}

function valueAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function cell(v: unknown): string {
  if (v === undefined) return "—";
  return `\`${typeof v === "string" && v !== "" ? v : JSON.stringify(v)}\``;
}

/** docs/configuration.md: every key with what it accepts, its default per tier and its meaning. */
/** The generated part of docs/configuration.md (between its config-reference markers). */
export function renderConfigDoc(): string {
  const rows = [
    "Generated from the zod schema (`config/schema.ts`) and the tier defaults (`config/defaults.ts`) by `npm run docs`;",
    "a test fails when this part is stale. Set keys with `pulumi config set --path <key> <value>`; secrets with `--secret`.",
    "",
    `| key | accepts | ${TIERS.join(" | ")} | meaning |`,
    `|---|---|${TIERS.map(() => "---").join("|")}|---|`,
  ];
  for (const path of schemaLeaves()) {
    const defaults = TIERS.map((t) => (path === "tier" ? "—" : cell(valueAt(TIER_DEFAULTS[t], path))));
    rows.push(`| \`${path}\` | ${describeType(schemaAt(path))} | ${defaults.join(" | ")} | ${KEY_DOCS[path] ?? ""} |`);
  }
  for (const [key, text] of Object.entries(SECRET_KEYS)) {
    rows.push(`| \`${key}\` | secret string | ${TIERS.map(() => "—").join(" | ")} | ${text} |`);
  }
  rows.push("", "## Protection by tier (`protection.enabled`)", "", protectionTable());
  return rows.join("\n");
}
