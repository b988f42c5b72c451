/**
 * The platform installer: configuration → resolved plan → components.
 * What is installed is decided in config/, catalog/, registry/, plan/,
 * manifests/ and values/ (pure, tested without Pulumi); components/ turns
 * the plan into resources. Nothing is registered before the configuration
 * is valid and the agent-sandbox manifest is read and verified.
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackSettings, resolveConfig } from "./config/load";
import { readSecrets } from "./config/secrets";
import { agentSandboxParts } from "./manifests/fromPlan";
import { buildPlan } from "./plan/plan";
import { namespaceSpecs } from "./security/podSecurity";
import { relaxations } from "./security/relaxations";
import { serverDnsNames, serverIpAddresses } from "./pki/certificates";
import { GATEWAY_NAME, GATEWAY_PORT } from "./values/openshell";
import { createProvider, mirrorCredentials } from "./components/provider";
import { Namespaces, namespacesArgs } from "./components/namespaces";
import { Policies } from "./components/policies";
import { AgentSandbox } from "./components/agentSandbox";
import { Pki } from "./components/pki";
import { Storage } from "./components/storage";
import { hasStorage } from "./plan/graph";
import { GpuOperator } from "./components/gpuOperator";
import { Database } from "./components/database";
import { OpenShellGateway } from "./components/openshellGateway";

export = async () => {
  const settings = readStackSettings(pulumi.getProject(), pulumi.getStack());
  const plan = buildPlan(settings.stack, resolveConfig(settings), settings.secrets);
  const secrets = readSecrets(new pulumi.Config(), plan.secrets);
  const sandboxManifest = await agentSandboxParts(plan);
  const { config: c, namespaces: ns } = plan;

  const opts = { provider: createProvider(plan.provider, secrets) };
  const auth = mirrorCredentials(plan, secrets);
  const chartCredentials = auth !== undefined ? { chartCredentials: { username: auth.username, password: auth.password } } : {};
  for (const r of relaxations(plan)) pulumi.log.warn(`relaxed: ${r}`);
  const namespaces = new Namespaces("namespaces", namespacesArgs(plan, namespaceSpecs(plan), auth), opts);
  const ready = (...names: (string | undefined)[]) => names.flatMap((n) => (n === undefined ? [] : namespaces.readyIn(n)));
  const policies = new Policies("policies", { plan, readyIn: (n) => namespaces.readyIn(n) }, opts);

  const agentSandbox = new AgentSandbox("agent-sandbox", { parts: sandboxManifest, dependsOn: ready(ns.agentSandbox), retainCrds: plan.protection.crds }, opts);
  const pki = new Pki("pki", {
    namespace: ns.gateway,
    sandboxNamespace: ns.sandbox,
    ...c.pki,
    serverDnsNames: serverDnsNames(GATEWAY_NAME, ns.gateway, c.pki.extraDnsNames),
    serverIpAddresses: serverIpAddresses(c.pki.extraIpAddresses),
    protect: plan.protection.keys,
    dependsOn: ready(ns.gateway, ns.sandbox),
  }, opts);
  const storage = hasStorage(plan)
    ? new Storage("storage", { plan, ...chartCredentials, ...(secrets.cephUserKey ? { cephUserKey: secrets.cephUserKey } : {}), dependsOn: ready(ns.csiDriverNfs, ns.cephCsi) }, opts)
    : undefined;
  const storageReady = storage?.ready ?? [];
  const gpu = plan.components.gpuOperator ? new GpuOperator("gpu-operator", { plan, ...chartCredentials, dependsOn: ready(ns.gpuOperator) }, opts) : undefined;
  const database = plan.components.cloudnativePg
    ? new Database("database", {
        plan,
        ...chartCredentials,
        ...(secrets.backupAccessKeyId && secrets.backupSecretAccessKey
          ? { backupCredentials: { accessKeyId: secrets.backupAccessKeyId, secretAccessKey: secrets.backupSecretAccessKey } }
          : {}),
        operatorDependsOn: ready(ns.cloudnativePg),
        clusterDependsOn: [...ready(ns.gateway), ...storageReady],
      }, opts)
    : undefined;
  const gateway = new OpenShellGateway("gateway", {
    plan,
    ...chartCredentials,
    ...(secrets.inferenceApiKey !== undefined ? { inferenceApiKey: secrets.inferenceApiKey } : {}),
    ...(secrets.upstreamProxyCredentials !== undefined ? { upstreamProxyCredentials: secrets.upstreamProxyCredentials } : {}),
    dependsOn: [...ready(ns.gateway, ns.sandbox), ...agentSandbox.crds, agentSandbox.controller, ...pki.secrets, ...storageReady, ...policies.ready,
      ...(database ? [database.cluster] : []), ...(gpu ? [gpu.chart] : [])],
  }, opts);

  return {
    tier: plan.tier, versions: plan.versions, components: plan.components,
    images: [...new Set(plan.images.flatMap((i) => i.pulls.map((p) => p.resolved)))].sort(),
    gatewayEndpoint: gateway.endpoint,
    portForwardCommand: `kubectl port-forward svc/${GATEWAY_NAME} ${GATEWAY_PORT}:${GATEWAY_PORT} -n ${ns.gateway}`,
    caCertificate: pki.caCertificate, clientCertificate: pki.clientCertificate, clientKey: pki.clientKey,
    certificateExpiry: { ca: pki.caExpiry, server: pki.serverCertificateExpiry, client: pki.clientCertificateExpiry },
    databaseSecretName: database?.secretName ?? "",
  };
};
