/**
 * The plan's shapes: what buildPlan (plan.ts) returns and what the builders,
 * components, inventory and state read. Types only, so every room that reads a
 * plan can import them without importing the code that builds one.
 */
import type { ChartId, ImageBinding, ManifestId, Versions } from "../catalog/artifacts";
import type { Config, Tier } from "../config/schema";
import type { SecretKey } from "../config/secrets";
import type { ImageRef } from "../registry/imageRef";
import type { ChartLocation, ChartSource, ManifestLocation, RegistrySettings } from "../registry/resolver";
import type { ProtectionPlan } from "../state/protection";

/** One image pull: what upstream publishes and where this stack pulls it from. */
export interface ImagePull {
  readonly source: string;
  readonly resolved: string;
  /** Set for per-node-OS variants (the GPU driver). */
  readonly nodeOs?: string;
}

export interface ResolvedImage {
  readonly id: string;
  /** The reference consumers configure (for the driver: without the -<os> suffix). */
  readonly source: ImageRef;
  readonly resolved: ImageRef;
  /** Every reference actually pulled at run time (one per node OS for the driver). */
  readonly pulls: readonly ImagePull[];
  readonly bindings: readonly ImageBinding[];
  readonly runtimeOnly: boolean;
  readonly why: string;
}

export interface ResolvedChart {
  readonly id: ChartId;
  readonly version: string;
  readonly source: ChartSource;
  readonly location: ChartLocation;
  readonly namespace: string;
}

export interface ResolvedManifest {
  readonly id: ManifestId;
  readonly version: string;
  readonly asset: string;
  readonly sourceUrl: string;
  readonly location: ManifestLocation;
  /** Expected sha256 (stack setting first, then the catalog's known digests). */
  readonly sha256?: string;
}

export interface ProviderPlan {
  /** Stable cluster identity: the provider is replaced only when this changes. */
  readonly clusterIdentifier: string;
  readonly context?: string;
  readonly kubeconfigPath?: string;
  /** Use the secret `kubeconfig` setting as kubeconfig contents. */
  readonly kubeconfigFromSecret: boolean;
}

/** Namespaces the graph creates (and owns), by role. */
export interface NamespacePlan {
  readonly gateway: string;
  /** Where sandbox pods run (the gateway namespace unless set apart). */
  readonly sandbox: string;
  readonly agentSandbox: string;
  readonly cloudnativePg?: string;
  readonly gpuOperator?: string;
  readonly csiDriverNfs?: string;
  readonly cephCsi?: string;
  /** SandboxTemplates, SandboxWarmPools and their claims (agentSandbox.namespace), when the stack renders any. */
  readonly agentSandboxWorkloads?: string;
  /** The OpenHands app namespace, when the graph creates it. */
  readonly openhandsApp?: string;
  /** OpenHands KubernetesRuntime pods. */
  readonly openhandsRuntime?: string;
  /** The NemoClaw blueprint runner. */
  readonly nemoclaw?: string;
}

export interface Plan {
  readonly stack: string;
  readonly tier: Tier;
  readonly kubernetesVersion: string;
  readonly provider: ProviderPlan;
  readonly registry: RegistrySettings;
  readonly pullSecretName?: string;
  /** PEM CA bundle of the mirror (mirrored mode with a private CA). */
  readonly mirrorCaBundle?: string;
  readonly namespaces: NamespacePlan;
  readonly versions: Versions;
  readonly components: Readonly<Record<"agentSandbox" | "openshell" | "cloudnativePg" | "gpuOperator" | "csiDriverNfs" | "cephCsi", boolean>>;
  readonly charts: readonly ResolvedChart[];
  readonly manifests: readonly ResolvedManifest[];
  /** Images the stack pulls (run-time-only ones included). */
  readonly images: readonly ResolvedImage[];
  /** Every image the installed charts' values set, resolved, enabled or not. */
  readonly chartImages: readonly ResolvedImage[];
  /** Secret settings the graph reads (as secret Outputs). */
  readonly secrets: readonly SecretKey[];
  /** StorageClasses the stack defines (none: it uses the cluster's). */
  readonly storageClasses: readonly string[];
  /** What is protected from deletion and replacement (state/protection.ts). */
  readonly protection: ProtectionPlan;
  readonly config: Config;
}
