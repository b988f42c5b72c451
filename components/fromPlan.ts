/**
 * Component arguments from the plan: one pure function per component, each
 * building exactly what its component consumes (chart reference and values,
 * the objects to register, the secret Outputs it stores, what it waits
 * for). What a component waits for is the plan's (components/graph.ts `waits`),
 * resolved against the parts of the components built so far. The components
 * themselves know neither the configuration nor the plan, so each can be
 * built and tested on its own; index.ts composes.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Secrets } from "../config/secrets";
import type { Values } from "../lib/tree";
import type { AgentSandboxParts } from "../manifests/agentSandbox";
import type { KubeconfigSource } from "../lib/kubeRest";
import { migratesTo, migrationRecord, type MigrationApi } from "../migration/agentSandbox";
import { migrationHooks, type HookEnv } from "../migration/hooks";
import { classDriver, waits } from "./graph";
import type { Plan, ResolvedChart } from "../plan/types";
import { serverDnsNames, serverIpAddresses } from "../pki/certificates";
import { egressPolicyYaml, EGRESS_CONFIGMAP, EGRESS_KEY } from "../security/egress";
import { networkPolicies } from "../security/networkPolicies";
import { namespaceSpecs } from "../security/podSecurity";
import { sandboxLimitRange, sandboxQuota } from "../security/quota";
import { backupSecretName, cloudnativePgValues, clusterManifest, scheduledBackupManifest } from "../values/cloudnativePg";
import { TIME_SLICING_CONFIGMAP, TIME_SLICING_KEY, gpuOperatorValues, timeSlicingConfig, timeSlicingOn } from "../values/gpuOperator";
import { clientConfigMaps } from "../values/clients";
import { COMMON_LABELS } from "../manifests/labels";
import { gatewayServiceMonitor, postgresPodMonitor } from "../values/monitoring";
import { GATEWAY_NAME, GATEWAY_SERVICE_ACCOUNT, databaseSecretName, openshellValues } from "../values/openshell";
import { CEPH_SECRET, cephCsiValues, csiDriverNfsValues, storageClasses } from "../values/storage";
import type { AgentSandboxArgs } from "./agentSandbox";
import type { DatabaseArgs } from "./database";
import type { GatewayClientsArgs } from "./gatewayClients";
import type { GpuOperatorArgs } from "./gpuOperator";
import type { NamespacesArgs, RegistryCredentials } from "./namespaces";
import type { OpenShellGatewayArgs } from "./openshellGateway";
import type { PkiArgs } from "./pki";
import type { BuiltParts } from "./parts";
import type { PoliciesArgs } from "./policies";
import type { StorageArgs } from "./storage";
import type { FrameworksArgs } from "./frameworks";
import { frameworkObjects } from "../values/frameworks";

type Deps = readonly pulumi.Resource[];

/** The Kubernetes provider: a stable cluster identity, server-side apply, the context and kubeconfig the stack names. */
export function providerArgs(plan: Plan, secrets: Secrets): k8s.ProviderArgs {
  const p = plan.provider;
  const kubeconfig: pulumi.Input<string> | undefined = p.kubeconfigFromSecret ? secrets.kubeconfig : p.kubeconfigPath;
  return {
    clusterIdentifier: p.clusterIdentifier,
    enableServerSideApply: true,
    ...(p.context !== undefined ? { context: p.context } : {}),
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
  };
}

/** The mirror's credentials for pull Secrets and chart pulls, when the stack pulls from an authenticated mirror. */
export function mirrorCredentials(plan: Plan, secrets: Secrets): RegistryCredentials | undefined {
  const r = plan.config.registry;
  if (plan.pullSecretName === undefined || r.host === undefined || r.username === undefined || secrets.registryPassword === undefined) return undefined;
  return { host: r.host, username: r.username, password: secrets.registryPassword, secretName: plan.pullSecretName };
}

/**
 * `helm.v4.Chart` arguments for a chart of the plan: the pinned version, the
 * location the registry resolver chose, the mirror's credentials (a secret
 * Output) and private CA when it has them, and the values.
 */
export function chartArgs(plan: Plan, secrets: Secrets, id: ResolvedChart["id"], release: string, values: Values): k8s.helm.v4.ChartArgs {
  const chart = plan.charts.find((c) => c.id === id);
  if (chart === undefined) throw new Error(`the plan installs no ${id} chart`);
  const credentials = mirrorCredentials(plan, secrets);
  const caBundle = plan.mirrorCaBundle;
  const repositoryOpts = {
    ...(chart.location.repo !== undefined ? { repo: chart.location.repo } : {}),
    ...(credentials !== undefined ? { username: credentials.username, password: credentials.password } : {}),
    ...(caBundle !== undefined ? { caFile: new pulumi.asset.StringAsset(caBundle) } : {}),
  };
  return {
    chart: chart.location.chart,
    version: chart.version,
    name: release,
    namespace: chart.namespace,
    values,
    ...(chart.location.plainHttp ? { plainHttp: true } : {}),
    ...(Object.keys(repositoryOpts).length > 0 ? { repositoryOpts } : {}),
  };
}

export function namespacesArgs(plan: Plan, secrets: Secrets): NamespacesArgs {
  const credentials = mirrorCredentials(plan, secrets);
  return {
    namespaces: namespaceSpecs(plan),
    ...(credentials !== undefined ? { credentials } : {}),
    ...(plan.mirrorCaBundle !== undefined ? { mirrorCaBundle: plan.mirrorCaBundle } : {}),
  };
}

export function policiesArgs(plan: Plan, dependsOnByNamespace: Readonly<Record<string, Deps>>): PoliciesArgs {
  return {
    networkPolicies: networkPolicies(plan),
    quota: sandboxQuota(plan),
    limitRange: sandboxLimitRange(plan),
    egressPolicy: {
      metadata: { name: EGRESS_CONFIGMAP, namespace: plan.namespaces.gateway, labels: { ...COMMON_LABELS } },
      data: { [EGRESS_KEY]: egressPolicyYaml(plan) },
    },
    dependsOnByNamespace,
  };
}

/** The stack's cluster for the migration hooks, as the provider reaches it (providerArgs). */
export function migrationEnv(plan: Plan, secrets: Secrets): HookEnv {
  const p = plan.provider;
  const contents = p.kubeconfigFromSecret && secrets.kubeconfig !== undefined ? outputPromise(secrets.kubeconfig) : undefined;
  const source = async (): Promise<KubeconfigSource> => {
    const { kubeconfigSource } = await import("../lib/kubeRest");
    return kubeconfigSource(p, contents !== undefined ? await contents : undefined);
  };
  const connect = async (): Promise<MigrationApi> => {
    const { connectMigrationApi } = await import("../migration/kubeClient");
    return connectMigrationApi(await source());
  };
  return {
    connect,
    // Preview reads without @kubernetes/client-node when the kubeconfig allows (migration/kubeRead.ts).
    async connectForPreview() {
      const { connectMigrationReads } = await import("../migration/kubeRead");
      const reads = connectMigrationReads(await source());
      return "api" in reads ? reads.api : connect();
    },
    dryRun: () => pulumi.runtime.isDryRun(),
    info: (m) => void pulumi.log.info(m),
    warn: (m) => void pulumi.log.warn(m),
  };
}

/** An Output's value for code that runs outside the graph (the hooks); the value stays out of inputs and logs. */
function outputPromise<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => void resolve(v)));
}

/**
 * agent-sandbox's args; from v1.0 on with the stored-version migration
 * (migration/agentSandbox.ts), run by resource hooks around the CRD apply.
 */
export function agentSandboxArgs(plan: Plan, parts: AgentSandboxParts, built: BuiltParts, secrets: Secrets, env: HookEnv = migrationEnv(plan, secrets)): AgentSandboxArgs {
  const dependsOn = built.resolve(waits(plan).agentSandbox);
  const target = plan.versions.agentSandbox;
  if (!migratesTo(target)) return { parts, dependsOn, retainCrds: plan.protection.crds };
  const hooks = migrationHooks(env);
  return { parts, dependsOn, retainCrds: plan.protection.crds, migration: { record: migrationRecord(target), prepare: hooks.prepare, finish: hooks.finish, awaitingMigration: hooks.awaitingMigration } };
}

export function pkiArgs(plan: Plan, built: BuiltParts): PkiArgs {
  const p = plan.config.pki;
  return {
    namespace: plan.namespaces.gateway,
    sandboxNamespace: plan.namespaces.sandbox,
    keyAlgorithm: p.keyAlgorithm,
    caValidityHours: p.caValidityHours,
    certValidityHours: p.certValidityHours,
    earlyRenewalHours: p.earlyRenewalHours,
    serverDnsNames: serverDnsNames(GATEWAY_NAME, plan.namespaces.gateway, p.extraDnsNames),
    serverIpAddresses: serverIpAddresses(p.extraIpAddresses),
    protect: plan.protection.keys,
    rotation: { ...p.rotation },
    dependsOn: built.resolve(waits(plan).pki),
  };
}

export function storageArgs(plan: Plan, secrets: Secrets, built: BuiltParts): StorageArgs {
  const w = waits(plan).csiDrivers;
  let cephfs: StorageArgs["cephfs"];
  if (w.cephfs !== undefined) {
    if (secrets.cephUserKey === undefined) throw new Error("standalone CephFS needs the Ceph user key");
    cephfs = {
      chart: chartArgs(plan, secrets, "cephCsiCephfs", "ceph-csi-cephfs", cephCsiValues(plan)),
      secret: { name: CEPH_SECRET, namespace: plan.namespaces.cephCsi!, userId: plan.config.storage.cephfs.userId },
      userKey: secrets.cephUserKey,
      dependsOn: built.resolve(w.cephfs),
    };
  }
  return {
    ...(w.nfs !== undefined ? { nfs: { chart: chartArgs(plan, secrets, "csiDriverNfs", "csi-driver-nfs", csiDriverNfsValues(plan)), dependsOn: built.resolve(w.nfs) } } : {}),
    ...(cephfs !== undefined ? { cephfs } : {}),
    classes: storageClasses(plan).map((spec) => {
      const driver = classDriver(plan, spec.metadata.name);
      return { spec, ...(driver !== undefined ? { driver } : {}) };
    }),
  };
}

export function gpuOperatorArgs(plan: Plan, secrets: Secrets, built: BuiltParts): GpuOperatorArgs {
  return {
    chart: chartArgs(plan, secrets, "gpuOperator", "gpu-operator", gpuOperatorValues(plan)),
    ...(timeSlicingOn(plan)
      ? { timeSlicing: { name: TIME_SLICING_CONFIGMAP, namespace: plan.namespaces.gpuOperator!, data: { [TIME_SLICING_KEY]: timeSlicingConfig(plan.config.gpu.timeSlicingReplicas) } } }
      : {}),
    retainCrds: plan.protection.crds,
    dependsOn: built.resolve(waits(plan).gpuOperator ?? []),
  };
}

export function databaseArgs(plan: Plan, secrets: Secrets, built: BuiltParts): DatabaseArgs {
  const secretName = databaseSecretName(plan);
  if (secretName === undefined) throw new Error("the plan has no Postgres database");
  let backup: DatabaseArgs["backup"];
  if (plan.config.database.backup.enabled) {
    if (secrets.backupAccessKeyId === undefined || secrets.backupSecretAccessKey === undefined) throw new Error("backups are on but no backup credentials were given");
    backup = {
      secret: { name: backupSecretName(plan), namespace: plan.namespaces.gateway },
      accessKeyId: secrets.backupAccessKeyId,
      secretAccessKey: secrets.backupSecretAccessKey,
      schedule: scheduledBackupManifest(plan),
    };
  }
  return {
    operator: chartArgs(plan, secrets, "cloudnativePg", "cnpg", cloudnativePgValues(plan)),
    cluster: clusterManifest(plan),
    protect: plan.protection.database,
    ...(backup !== undefined ? { backup } : {}),
    ...(plan.config.observability.prometheusOperator ? { podMonitor: postgresPodMonitor(plan) } : {}),
    secretName,
    operatorDependsOn: built.resolve(waits(plan).databaseOperator ?? []),
    clusterDependsOn: built.resolve(waits(plan).databaseCluster ?? []),
  };
}

export function gatewayArgs(plan: Plan, secrets: Secrets, built: BuiltParts): OpenShellGatewayArgs {
  const c = plan.config;
  const i = c.inference;
  let inference: OpenShellGatewayArgs["inference"];
  if (i.provider !== "none") {
    if (secrets.inferenceApiKey === undefined) throw new Error(`inference provider ${i.provider} needs its API key`);
    inference = { provider: i.provider, endpoint: i.endpoint ?? "", ...(i.model !== undefined ? { model: i.model } : {}), apiKey: secrets.inferenceApiKey };
  }
  let upstreamProxyCredentials: pulumi.Input<string> | undefined;
  if (plan.secrets.includes("upstreamProxyCredentials")) {
    if (secrets.upstreamProxyCredentials === undefined) throw new Error("the upstream proxy needs its credentials");
    upstreamProxyCredentials = secrets.upstreamProxyCredentials;
  }
  return {
    chart: chartArgs(plan, secrets, "openshell", GATEWAY_NAME, openshellValues(plan)),
    serviceAccount: GATEWAY_SERVICE_ACCOUNT,
    namespace: plan.namespaces.gateway,
    sandboxNamespace: plan.namespaces.sandbox,
    ...(inference !== undefined ? { inference } : {}),
    ...(upstreamProxyCredentials !== undefined ? { upstreamProxyCredentials } : {}),
    openshiftSandboxScc: c.cluster.openshift,
    disruptionBudget: c.gateway.replicas > 1,
    ...(c.observability.prometheusOperator ? { serviceMonitor: gatewayServiceMonitor(plan) } : {}),
    dependsOn: built.resolve(waits(plan).gateway),
  };
}

/** In-cluster clients: the ConfigMaps, and the PKI's CA and client certificate (secret Outputs) for the Secrets. */
export function gatewayClientsArgs(
  plan: Plan,
  pki: { readonly caCertificate: pulumi.Input<string>; readonly clientCertificate: pulumi.Input<string>; readonly clientKey: pulumi.Input<string> },
): GatewayClientsArgs | undefined {
  const configMaps = clientConfigMaps(plan);
  if (configMaps.length === 0) return undefined;
  return { configMaps, caCertificate: pki.caCertificate, clientCertificate: pki.clientCertificate, clientKey: pki.clientKey };
}

export function frameworksArgs(
  plan: Plan,
  caCertificate: pulumi.Input<string>,
  dependsOnByNamespace: Readonly<Record<string, Deps>>,
  built: BuiltParts,
): FrameworksArgs {
  const { caSecret, sessionKey, ...objects } = frameworkObjects(plan);
  return {
    ...objects,
    ...(sessionKey !== undefined ? { sessionKey } : {}),
    ...(caSecret !== undefined ? { caSecret: { ...caSecret, caCertificate } } : {}),
    dependsOnByNamespace,
    extensionsDependOn: built.resolve(waits(plan).frameworks?.filter((p) => p.startsWith("agent-sandbox/")) ?? []),
  };
}
