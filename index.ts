/**
 * The platform installer: configuration → resolved plan → components.
 * What is installed is decided in config/, catalog/, registry/, plan/,
 * manifests/, values/ and security/ (pure, tested without Pulumi);
 * components/fromPlan.ts turns the plan into each component's arguments and
 * components/ into resources. Nothing is registered before the configuration
 * is valid and the agent-sandbox manifest is read and verified.
 */
// First: keeps two SDK module trees the program never uses from loading (components/sdkLazyModules.ts).
import "./components/sdkLazyModules";
import * as pulumi from "@pulumi/pulumi";
import { readStackSettings, resolveConfig } from "./config/load";
import { readSecrets } from "./config/secrets";
import { agentSandboxParts } from "./manifests/fromPlan";
import { hasFrameworks, hasStorage } from "./components/graph";
import { buildPlan } from "./plan/plan";
import { relaxations } from "./security/relaxations";
import { GATEWAY_NAME, GATEWAY_PORT } from "./values/openshell";
import * as args from "./components/fromPlan";
import { BuiltParts } from "./components/parts";
import { createProvider, letRegistrationsOut } from "./components/provider";
import { Namespaces } from "./components/namespaces";
import { Policies } from "./components/policies";
import { AgentSandbox } from "./components/agentSandbox";
import { Pki } from "./components/pki";
import { Storage } from "./components/storage";
import { GpuOperator } from "./components/gpuOperator";
import { Database } from "./components/database";
import { OpenShellGateway } from "./components/openshellGateway";
import { GatewayClients } from "./components/gatewayClients";
import { Frameworks } from "./components/frameworks";
import { remoteOutputsWithoutResourceReferences } from "./components/remoteOutputs";
import { promiseStacksOnlyWhenDebuggingLeaks } from "./components/promiseStacks";
import { sdkDebugLogsOnlyWhenAsked } from "./components/sdkDebugLogs";

export = async () => {
  // Before any registration: the charts' and the ConfigGroup's outputs come back without resource
  // references, the SDK's promises skip the debug stacks nothing reads, and its debug-level messages
  // stay unsent unless asked for (components/*.ts say why).
  remoteOutputsWithoutResourceReferences();
  promiseStacksOnlyWhenDebuggingLeaks();
  sdkDebugLogsOnlyWhenAsked();
  const settings = readStackSettings(pulumi.getProject(), pulumi.getStack());
  const plan = buildPlan(settings.stack, resolveConfig(settings), settings.secrets);
  const secrets = readSecrets(new pulumi.Config(), plan.secrets);
  const sandboxManifest = await agentSandboxParts(plan);
  const ns = plan.namespaces;
  for (const r of relaxations(plan)) pulumi.log.warn(`relaxed: ${r}`);

  const opts = { provider: createProvider(args.providerArgs(plan, secrets)) };
  await letRegistrationsOut(); // the engine starts the kubernetes plugin while the rest is built
  // Each component waits for exactly the parts of others its plan names (components/graph.ts).
  const built = new BuiltParts();
  const namespaces = built.add("namespaces", new Namespaces("namespaces", args.namespacesArgs(plan, secrets), opts));
  built.add("policies", new Policies("policies", args.policiesArgs(plan, namespaces.dependsOnByNamespace), opts));
  built.add("agent-sandbox", new AgentSandbox("agent-sandbox", args.agentSandboxArgs(plan, sandboxManifest, built, secrets), opts));
  const pki = built.add("pki", new Pki("pki", args.pkiArgs(plan, built), opts));
  if (hasStorage(plan)) built.add("storage", new Storage("storage", args.storageArgs(plan, secrets, built), opts));
  if (plan.components.gpuOperator) built.add("gpu-operator", new GpuOperator("gpu-operator", args.gpuOperatorArgs(plan, secrets, built), opts));
  const database = plan.components.cloudnativePg ? built.add("database", new Database("database", args.databaseArgs(plan, secrets, built), opts)) : undefined;
  const gateway = new OpenShellGateway("gateway", args.gatewayArgs(plan, secrets, built), opts);
  const clients = args.gatewayClientsArgs(plan, pki);
  if (clients !== undefined) new GatewayClients("gateway-clients", clients, opts);
  if (hasFrameworks(plan)) new Frameworks("frameworks", args.frameworksArgs(plan, pki.caCertificate, namespaces.dependsOnByNamespace, built), opts);

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
