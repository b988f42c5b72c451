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
import { buildPlan, ownedNamespaces } from "./plan/plan";
import { GATEWAY_PORT, GATEWAY_SERVICE } from "./pki/contract";
import { serverDnsNames, serverIpAddresses } from "./pki/contract";
import { createProvider } from "./components/provider";
import { Namespaces } from "./components/namespaces";
import { AgentSandbox } from "./components/agentSandbox";
import { Pki } from "./components/pki";
import { Database } from "./components/database";
import { OpenShellGateway } from "./components/openshellGateway";

export = async () => {
  const settings = readStackSettings(pulumi.getProject(), pulumi.getStack());
  const plan = buildPlan(settings.stack, resolveConfig(settings), settings.secrets);
  const secrets = readSecrets(new pulumi.Config(), plan.secrets);
  const sandboxManifest = await agentSandboxParts(plan);
  const { config: c, namespaces: ns } = plan;

  const opts = { provider: createProvider(plan.provider, secrets) };
  const mirrorAuth =
    plan.pullSecretName !== undefined && c.registry.username !== undefined && secrets.registryPassword !== undefined
      ? { username: c.registry.username, password: secrets.registryPassword }
      : undefined;
  const namespaces = new Namespaces("namespaces", {
    names: ownedNamespaces(ns),
    ...(mirrorAuth !== undefined ? { credentials: { ...mirrorAuth, host: c.registry.host!, secretName: plan.pullSecretName! } } : {}),
  }, opts);
  const ready = (...names: string[]) => names.flatMap((n) => namespaces.readyIn(n));

  const agentSandbox = new AgentSandbox("agent-sandbox", { parts: sandboxManifest, dependsOn: ready(ns.agentSandbox) }, opts);
  const pki = new Pki("pki", {
    namespace: ns.gateway,
    sandboxNamespace: ns.sandbox,
    ...c.pki,
    serverDnsNames: serverDnsNames(GATEWAY_SERVICE, ns.gateway, c.pki.extraDnsNames),
    serverIpAddresses: serverIpAddresses(c.pki.extraIpAddresses),
    dependsOn: ready(ns.gateway, ns.sandbox),
  }, opts);
  const database = plan.components.cloudnativePg
    ? new Database("database", {
        plan,
        ...(mirrorAuth !== undefined ? { chartCredentials: mirrorAuth } : {}),
        ...(secrets.backupAccessKeyId !== undefined && secrets.backupSecretAccessKey !== undefined
          ? { backupCredentials: { accessKeyId: secrets.backupAccessKeyId, secretAccessKey: secrets.backupSecretAccessKey } }
          : {}),
        operatorDependsOn: ready(ns.cloudnativePg!),
        clusterDependsOn: ready(ns.gateway),
      }, opts)
    : undefined;
  const gateway = new OpenShellGateway("gateway", {
    plan,
    ...(mirrorAuth !== undefined ? { chartCredentials: mirrorAuth } : {}),
    ...(secrets.inferenceApiKey !== undefined ? { inferenceApiKey: secrets.inferenceApiKey } : {}),
    dependsOn: [...ready(ns.gateway, ns.sandbox), ...agentSandbox.crds, agentSandbox.controller, ...pki.secrets, ...(database ? [database.cluster] : [])],
  }, opts);

  return {
    tier: plan.tier,
    versions: plan.versions,
    components: plan.components,
    images: [...new Set(plan.images.flatMap((i) => i.pulls.map((p) => p.resolved)))].sort(),
    gatewayEndpoint: gateway.endpoint,
    portForwardCommand: `kubectl port-forward svc/${GATEWAY_SERVICE} ${GATEWAY_PORT}:${GATEWAY_PORT} -n ${ns.gateway}`,
    caCertificate: pki.caCertificate,
    clientCertificate: pki.clientCertificate,
    clientKey: pki.clientKey,
    certificateExpiry: { ca: pki.caExpiry, server: pki.serverCertificateExpiry, client: pki.clientCertificateExpiry },
    databaseSecretName: database?.secretName ?? "",
  };
};
