/**
 * What a healthy cluster holds for a plan: every object `verify` reads and
 * what it must report. Pure: the plan (plus the agent-sandbox CRDs the graph
 * applies and the stack's CA) in, a list of expectations out; verify/checks.ts
 * compares them with what the cluster returned.
 */
import { AGENT_SANDBOX_NAMESPACE } from "../catalog/artifacts";
import type { K8sObject } from "../manifests/agentSandbox";
import { STORAGE_VERSION, migratesTo } from "../migration/agentSandbox";
import type { Plan } from "../plan/types";
import { serverDnsNames, serverIpAddresses } from "../pki/certificates";
import { MIRROR_CA_CONFIGMAP } from "../components/namespaces";
import { networkPolicies } from "../security/networkPolicies";
import { namespaceSpecs } from "../security/podSecurity";
import { sandboxLimitRange, sandboxQuota } from "../security/quota";
import { clientConfigMaps } from "../values/clients";
import { GATEWAY_NAME, GATEWAY_PORT, GATEWAY_SECRETS, databaseSecretName } from "../values/openshell";
import { storageClasses } from "../values/storage";
import type { TroubleshootingRow } from "./troubleshooting";

/** One object in the cluster. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Objects selected by label (EndpointSlices of a Service). */
export interface ListRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly labelSelector: string;
}

/** A CRD as the pinned release ships it: its name and the versions it serves. */
export interface CrdExpectation {
  readonly name: string;
  readonly versions: readonly string[];
}

export type Expectation =
  | { readonly check: "namespace"; readonly ref: ObjectRef; readonly labels: Readonly<Record<string, string>>; readonly row: TroubleshootingRow }
  | { readonly check: "present"; readonly ref: ObjectRef; readonly row: TroubleshootingRow }
  | {
      readonly check: "crd";
      readonly ref: ObjectRef;
      readonly versions: readonly string[];
      /** status.storedVersions it must have (agent-sandbox from v1.0: the migration ran). */
      readonly storedVersions?: readonly string[];
      readonly row: TroubleshootingRow;
    }
  | { readonly check: "defaultStorageClass"; readonly ref: ObjectRef; readonly row: TroubleshootingRow }
  | { readonly check: "deploymentAvailable"; readonly ref: ObjectRef; readonly row: TroubleshootingRow }
  | { readonly check: "workloadReady"; readonly ref: ObjectRef; readonly replicas: number; readonly row: TroubleshootingRow }
  | { readonly check: "serviceEndpoints"; readonly list: ListRef; readonly service: ObjectRef; readonly port: number; readonly row: TroubleshootingRow }
  | { readonly check: "postgres"; readonly ref: ObjectRef; readonly instances: number; readonly row: TroubleshootingRow }
  | {
      readonly check: "serverCertificate";
      readonly ref: ObjectRef;
      /** The stack's CA (output caCertificate); undefined: the chain is not checked. */
      readonly caPem?: string;
      readonly dnsNames: readonly string[];
      readonly ipAddresses: readonly string[];
      readonly earlyRenewalHours: number;
      readonly row: TroubleshootingRow;
    };

/** The CRDs the CloudNativePG chart installs (charts cloudnative-pg-v0.29.0 templates/crds/crds.yaml: all serve v1). */
export const CLOUDNATIVEPG_CRDS: readonly CrdExpectation[] = [
  "backups",
  "clusterimagecatalogs",
  "clusters",
  "databaseroles",
  "databases",
  "failoverquorums",
  "imagecatalogs",
  "poolers",
  "publications",
  "scheduledbackups",
  "subscriptions",
].map((plural) => ({ name: `${plural}.postgresql.cnpg.io`, versions: ["v1"] }));

/** The CRDs the GPU Operator chart installs from its crds/ folder (gpu-operator v26.7.0 deployments/gpu-operator/crds). */
export const GPU_OPERATOR_CRDS: readonly CrdExpectation[] = [
  { name: "clusterpolicies.nvidia.com", versions: ["v1"] },
  { name: "gpuclusters.nvidia.com", versions: ["v1alpha1"] },
  { name: "nvidiadrivers.nvidia.com", versions: ["v1alpha1"] },
  { name: "computedomaincliques.resource.nvidia.com", versions: ["v1beta1"] },
  { name: "computedomains.resource.nvidia.com", versions: ["v1beta1"] },
];

/** Operator Deployments: agent-sandbox's manifest name, `<release>-<chart>` for CloudNativePG (release cnpg), the GPU Operator's fixed name. */
export const OPERATOR_DEPLOYMENTS = {
  agentSandbox: "agent-sandbox-controller",
  cloudnativePg: "cnpg-cloudnative-pg",
  gpuOperator: "gpu-operator",
} as const;

/** The served versions of CRDs in a manifest (the agent-sandbox release asset the graph applies). */
export function crdsOf(objects: readonly K8sObject[]): CrdExpectation[] {
  return objects
    .filter((o) => o.kind === "CustomResourceDefinition")
    .map((o) => {
      const spec = o["spec"] as { versions?: { name?: unknown; served?: unknown }[] } | undefined;
      const versions = (spec?.versions ?? []).filter((v) => v.served === true && typeof v.name === "string").map((v) => v.name as string);
      return { name: o.metadata.name, versions: versions.sort() };
    });
}

export interface ExpectationInputs {
  /** CRDs of the agent-sandbox asset the graph applies (crdsOf(parts.crds)). */
  readonly agentSandboxCrds: readonly CrdExpectation[];
  /** The stack output caCertificate, when known. */
  readonly caPem?: string;
}

const v1 = (kind: string, name: string, namespace?: string): ObjectRef => ({ apiVersion: "v1", kind, name, ...(namespace !== undefined ? { namespace } : {}) });

export function expectations(plan: Plan, inputs: ExpectationInputs): Expectation[] {
  const c = plan.config;
  const n = plan.namespaces;
  const out: Expectation[] = [];

  for (const spec of namespaceSpecs(plan)) {
    out.push({ check: "namespace", ref: v1("Namespace", spec.name), labels: spec.labels, row: "namespace" });
    if (plan.pullSecretName !== undefined) out.push({ check: "present", ref: v1("Secret", plan.pullSecretName, spec.name), row: "pullSecret" });
    if (plan.mirrorCaBundle !== undefined) out.push({ check: "present", ref: v1("ConfigMap", MIRROR_CA_CONFIGMAP, spec.name), row: "pullSecret" });
  }

  const crds = [...inputs.agentSandboxCrds, ...(plan.components.cloudnativePg ? CLOUDNATIVEPG_CRDS : []), ...(plan.components.gpuOperator ? GPU_OPERATOR_CRDS : [])];
  // From agent-sandbox v1.0 its CRDs must store v1beta1 only (migration/agentSandbox.ts ran, or the install was fresh).
  const migrated = migratesTo(plan.versions.agentSandbox) ? new Set(inputs.agentSandboxCrds.map((c) => c.name)) : new Set<string>();
  for (const crd of crds) {
    out.push({
      check: "crd",
      ref: { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: crd.name },
      versions: crd.versions,
      ...(migrated.has(crd.name) ? { storedVersions: [STORAGE_VERSION] } : {}),
      row: "crd",
    });
  }

  const deployment = (name: string, namespace: string): ObjectRef => ({ apiVersion: "apps/v1", kind: "Deployment", name, namespace });
  out.push({ check: "deploymentAvailable", ref: deployment(OPERATOR_DEPLOYMENTS.agentSandbox, AGENT_SANDBOX_NAMESPACE), row: "operator" });
  if (n.cloudnativePg !== undefined) out.push({ check: "deploymentAvailable", ref: deployment(OPERATOR_DEPLOYMENTS.cloudnativePg, n.cloudnativePg), row: "operator" });
  if (n.gpuOperator !== undefined) out.push({ check: "deploymentAvailable", ref: deployment(OPERATOR_DEPLOYMENTS.gpuOperator, n.gpuOperator), row: "operator" });

  // The chart runs a Deployment with an external database, else a StatefulSet (values/openshell.ts).
  const kind = databaseSecretName(plan) !== undefined ? "Deployment" : "StatefulSet";
  out.push({ check: "workloadReady", ref: { apiVersion: "apps/v1", kind, name: GATEWAY_NAME, namespace: n.gateway }, replicas: c.gateway.replicas, row: "gateway" });
  out.push({
    check: "serviceEndpoints",
    service: v1("Service", GATEWAY_NAME, n.gateway),
    list: { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", namespace: n.gateway, labelSelector: `kubernetes.io/service-name=${GATEWAY_NAME}` },
    port: GATEWAY_PORT,
    row: "gateway",
  });
  if (c.database.engine === "postgres") {
    out.push({ check: "postgres", ref: { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", name: c.database.clusterName, namespace: n.gateway }, instances: c.database.instances, row: "postgres" });
  }

  out.push({
    check: "serverCertificate",
    ref: v1("Secret", GATEWAY_SECRETS.serverTls, n.gateway),
    ...(inputs.caPem !== undefined ? { caPem: inputs.caPem } : {}),
    dnsNames: serverDnsNames(GATEWAY_NAME, n.gateway, c.pki.extraDnsNames),
    ipAddresses: serverIpAddresses(c.pki.extraIpAddresses),
    earlyRenewalHours: c.pki.earlyRenewalHours,
    row: "certificate",
  });

  const storage = { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" };
  const classes = new Set<string>([...plan.storageClasses, ...(c.storage.workspaceClass !== undefined ? [c.storage.workspaceClass] : []), ...(c.storage.databaseClass !== undefined ? [c.storage.databaseClass] : [])]);
  for (const name of [...classes].sort()) out.push({ check: "present", ref: { ...storage, name }, row: "storage" });
  for (const sc of storageClasses(plan).filter((s) => s.metadata.annotations !== undefined)) {
    out.push({ check: "defaultStorageClass", ref: { ...storage, name: sc.metadata.name }, row: "storage" });
  }

  for (const np of networkPolicies(plan)) {
    out.push({ check: "present", ref: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", name: np.metadata.name, namespace: np.metadata.namespace }, row: "policy" });
  }
  for (const o of [sandboxQuota(plan), sandboxLimitRange(plan)]) out.push({ check: "present", ref: v1(o.kind, o.metadata.name, o.metadata.namespace), row: "policy" });

  for (const cm of clientConfigMaps(plan)) {
    out.push({ check: "present", ref: v1("Secret", cm.metadata.name, cm.metadata.namespace), row: "clients" });
    out.push({ check: "present", ref: v1("ConfigMap", cm.metadata.name, cm.metadata.namespace), row: "clients" });
  }
  return out;
}

/** A stable key per object or list (what the reader returns results under). */
export function refKey(ref: ObjectRef | ListRef): string {
  return "labelSelector" in ref
    ? `${ref.apiVersion}/${ref.kind} ${ref.namespace} [${ref.labelSelector}]`
    : `${ref.apiVersion}/${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** How a finding names an object: `Kind namespace/name`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace !== undefined ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** Every object and list the checks read. */
export function readsOf(list: readonly Expectation[]): (ObjectRef | ListRef)[] {
  const out = new Map<string, ObjectRef | ListRef>();
  for (const e of list) {
    if (e.check === "serviceEndpoints") {
      out.set(refKey(e.list), e.list);
      out.set(refKey(e.service), e.service);
    } else out.set(refKey(e.ref), e.ref);
  }
  return [...out.values()];
}
