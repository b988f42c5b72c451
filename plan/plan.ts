/**
 * The resolved plan: configuration + catalog + registry resolver → every
 * version, chart location, manifest location and image reference this stack
 * uses, with no Pulumi resources. Components consume it; the inventory and
 * the tests read it.
 */
import {
  AGENT_SANDBOX_NAMESPACE,
  CHARTS,
  CLOUDNATIVEPG_PAIRS,
  RELEASES,
  expectedSha256,
  manifestUrl,
  type ChartId,
  type ImageEntry,
  type ReleaseId,
  type Versions,
} from "../catalog/artifacts";
import { selectArtifacts } from "../config/selection";
import { openhandsAppTag, openhandsRuntimeTag } from "../catalog/frameworks";
import { frameworkNamespaces, templateImages } from "./frameworks";
import { definedClasses } from "../config/rules";
import type { Config } from "../config/schema";
import type { SecretKey, SecretPresenceMap } from "../config/secrets";
import { formatImageRef, parseImageRef, type ImageRef } from "../registry/imageRef";
import { protectionPlan } from "../state/protection";
import {
  resolveChart,
  resolveImageRef,
  resolveManifest,
  type RegistrySettings,
} from "../registry/resolver";
import type { Plan, ResolvedChart, ResolvedImage, ResolvedManifest } from "./types";

export type { ImagePull, NamespacePlan, Plan, ProviderPlan, ResolvedChart, ResolvedImage, ResolvedManifest } from "./types";

export function registrySettings(c: Config): RegistrySettings {
  const r = c.registry;
  if (r.mode === "online") return { mode: "online" };
  return {
    mode: "mirrored",
    host: r.host!,
    layout: r.layout,
    pathPrefix: r.pathPrefix,
    registries: r.registries,
    plainHttp: r.scheme === "http",
    chartRepositories: r.chartRepositories,
    ...(r.manifestBaseUrl !== undefined ? { manifestBaseUrl: r.manifestBaseUrl } : {}),
    ...(r.manifestDir !== undefined ? { manifestDir: r.manifestDir } : {}),
  };
}

export function resolveVersions(c: Config): Versions {
  const out = {} as Record<ReleaseId, string>;
  for (const id of Object.keys(RELEASES) as ReleaseId[]) out[id] = c.catalog.versions[id] ?? RELEASES[id].version;
  // The operator image follows a chart override when upstream released the pair together.
  const chart = c.catalog.versions.cloudnativePg;
  const paired = chart !== undefined ? CLOUDNATIVEPG_PAIRS[chart] : undefined;
  if (paired !== undefined && c.catalog.versions.cloudnativePgOperator === undefined) out.cloudnativePgOperator = paired;
  return out;
}

/** The upstream reference of a catalog image for these versions and overrides. */
export function sourceImage(entry: ImageEntry, versions: Versions, c: Config): ImageRef {
  const override = c.catalog.images[entry.id];
  const base = parseImageRef(entry.repository);
  const t = entry.tag;
  const ohVersion = c.openhands.kubernetesRuntime.version;
  const catalogTag =
    typeof t === "string" ? t : "openhands" in t ? (t.openhands === "runtime" ? openhandsRuntimeTag(ohVersion) : openhandsAppTag(ohVersion)) : `${t.prefix ?? ""}${versions[t.release]}`;
  const tag = override?.tag ?? catalogTag;
  const digest = override?.digest ?? entry.digest;
  return { ...base, tag, ...(digest !== undefined ? { digest } : {}) };
}

export function neededSecrets(c: Config, provided: SecretPresenceMap): SecretKey[] {
  const out: SecretKey[] = [];
  if (c.registry.mode === "mirrored" && c.registry.username !== undefined) out.push("registryPassword");
  if (c.inference.provider !== "none") out.push("inferenceApiKey");
  if (c.storage.cephfs.mode === "standalone") out.push("cephUserKey");
  if (c.database.backup.enabled) out.push("backupAccessKeyId", "backupSecretAccessKey");
  if (provided.kubeconfig.provided) out.push("kubeconfig");
  if (c.gateway.upstreamProxy.url !== undefined && provided.upstreamProxyCredentials.provided) out.push("upstreamProxyCredentials");
  return out.sort();
}

export function buildPlan(stack: string, c: Config, provided: SecretPresenceMap): Plan {
  const registry = registrySettings(c);
  const versions = resolveVersions(c);
  const sel = selectArtifacts(c);

  // Chart values set all of an installed chart's image keys (a disabled component switched on
  // later must not fall back to a public registry); `images` is what runs.
  const chartImages: ResolvedImage[] = sel.valueImages.map((entry) => {
    const source = sourceImage(entry, versions, c);
    const resolved = resolveImageRef(source, registry);
    const oses = entry.perNodeOs === true ? [...c.gpu.nodeOperatingSystems].sort() : [undefined];
    const pulls = oses.map((os) => {
      const suffix = (r: ImageRef) => (os === undefined ? r : { ...r, tag: `${r.tag ?? ""}-${os}` });
      return {
        source: formatImageRef(suffix(source)),
        resolved: formatImageRef(suffix(resolved)),
        ...(os !== undefined ? { nodeOs: os } : {}),
      };
    });
    return { id: entry.id, source, resolved, pulls, bindings: entry.bindings, runtimeOnly: entry.runtimeOnly, why: entry.why };
  });
  const selected = new Set(sel.images.map((i) => i.id));
  // Images of the stack's own SandboxTemplates go through the same resolver.
  const images = [...chartImages.filter((i) => selected.has(i.id)), ...templateImages(c, registry)];

  const charts: ResolvedChart[] = sel.charts.map((entry) => ({
    id: entry.id,
    version: versions[entry.release],
    source: entry.source,
    location: resolveChart(entry.source, registry),
    // The gateway chart goes where the stack puts the gateway; the others into their own namespaces.
    namespace: entry.id === "openshell" ? c.gateway.namespace : entry.namespace,
  }));

  const manifests: ResolvedManifest[] = sel.manifests.map((entry) => {
    const version = versions[entry.release];
    const asset = entry.asset(version);
    const sourceUrl = manifestUrl(entry, version);
    const sha256 = expectedSha256(entry, version, c.catalog.manifestSha256);
    return {
      id: entry.id,
      version,
      asset,
      sourceUrl,
      location: resolveManifest({ id: entry.id, version, asset, url: sourceUrl }, registry),
      ...(sha256 !== undefined ? { sha256 } : {}),
    };
  });

  const on = (id: ChartId) => charts.some((ch) => ch.id === id);
  const gatewayNs = c.gateway.namespace;
  const sandboxNs = c.gateway.sandboxNamespace ?? c.gateway.namespace;
  return {
    stack,
    tier: c.tier,
    kubernetesVersion: c.kubernetesVersion,
    provider: {
      clusterIdentifier: c.cluster.identifier ?? stack,
      ...(c.cluster.context !== undefined ? { context: c.cluster.context } : {}),
      ...(c.cluster.kubeconfigPath !== undefined ? { kubeconfigPath: c.cluster.kubeconfigPath } : {}),
      kubeconfigFromSecret: provided.kubeconfig.provided,
    },
    registry,
    ...(c.registry.mode === "mirrored" && c.registry.username !== undefined ? { pullSecretName: c.registry.pullSecretName } : {}),
    ...(c.registry.mode === "mirrored" && c.registry.caBundle !== undefined ? { mirrorCaBundle: c.registry.caBundle } : {}),
    namespaces: {
      gateway: gatewayNs,
      sandbox: sandboxNs,
      agentSandbox: AGENT_SANDBOX_NAMESPACE,
      ...(on("cloudnativePg") ? { cloudnativePg: CHARTS.cloudnativePg.namespace } : {}),
      ...(on("gpuOperator") ? { gpuOperator: CHARTS.gpuOperator.namespace } : {}),
      ...(on("csiDriverNfs") ? { csiDriverNfs: CHARTS.csiDriverNfs.namespace } : {}),
      ...(on("cephCsiCephfs") ? { cephCsi: CHARTS.cephCsiCephfs.namespace } : {}),
      ...frameworkNamespaces(c),
    },
    versions,
    components: {
      agentSandbox: true,
      openshell: true,
      cloudnativePg: on("cloudnativePg"),
      gpuOperator: on("gpuOperator"),
      csiDriverNfs: on("csiDriverNfs"),
      cephCsi: on("cephCsiCephfs"),
    },
    charts,
    manifests,
    images,
    chartImages,
    secrets: neededSecrets(c, provided),
    storageClasses: definedClasses(c),
    protection: protectionPlan(c.protection.enabled, { gateway: gatewayNs, sandbox: sandboxNs }),
    config: c,
  };
}
