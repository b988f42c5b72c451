/**
 * NetworkPolicies for every namespace the graph owns: default-deny ingress
 * and egress, then one named allow per conversation the platform needs.
 * Pure; docs/install.md "What may talk to what" is the table of the same rules.
 */
import type { Plan } from "../plan/types";
import { GATEWAY_SELECTOR } from "../values/openshell";
import { OPENHANDS_RUNTIME_PORTS, OPENHANDS_RUNTIME_SELECTOR } from "../catalog/frameworks";
import { TEMPLATE_LABEL, resolvedTemplates } from "../manifests/sandboxTemplates";
import { namespaceRoles } from "./podSecurity";
import { COMMON_LABELS } from "../manifests/labels";

export interface NetworkPolicyObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    podSelector: Selector;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: Rule[];
    egress?: Rule[];
  };
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[] };
type Peer =
  | { namespaceSelector: { matchLabels: Record<string, string> }; podSelector?: Selector }
  | { podSelector: Selector }
  | { ipBlock: { cidr: string; except?: string[] } };
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol: "TCP" | "UDP"; port: number }[];
}

/** Labels of the pods the rules select (sandbox pods carry no stable label: their namespace is theirs). */
export const SELECTORS = {
  gateway: { ...GATEWAY_SELECTOR },
  agentSandboxController: { app: "agent-sandbox-controller" },
  cnpgOperator: { "app.kubernetes.io/name": "cloudnative-pg" },
  kubeDns: { "k8s-app": "kube-dns" },
} as const;

export const GATEWAY_GRPC_PORT = 8080;
export const GATEWAY_METRICS_PORT = 9090;
export const WEBHOOK_PORT = 9443;
/** The OpenHands app's UI and API port. */
export const OPENHANDS_APP_PORT = 3000;


const inNs = (ns: string): Peer => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const podsIn = (ns: string, labels: Record<string, string>): Peer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
  podSelector: { matchLabels: { ...labels } },
});

/**
 * Sandbox pods: every pod of their own namespace; in a namespace shared with
 * the gateway, every pod that is neither the gateway nor Postgres.
 */
function sandboxSelector(shared: boolean): Selector {
  if (!shared) return {};
  return {
    matchExpressions: [
      { key: "app.kubernetes.io/name", operator: "NotIn", values: [GATEWAY_SELECTOR["app.kubernetes.io/name"]] },
      { key: "cnpg.io/cluster", operator: "DoesNotExist" },
    ],
  };
}
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP" as const, port }));

function policy(
  name: string,
  namespace: string,
  select: Selector | undefined,
  rules: { ingress?: Rule[]; egress?: Rule[] },
): NetworkPolicyObject {
  const types: ("Ingress" | "Egress")[] = [];
  if (rules.ingress !== undefined) types.push("Ingress");
  if (rules.egress !== undefined) types.push("Egress");
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: { ...COMMON_LABELS } },
    spec: {
      podSelector: select ?? {},
      policyTypes: types,
      ...(rules.ingress !== undefined ? { ingress: rules.ingress } : {}),
      ...(rules.egress !== undefined ? { egress: rules.egress } : {}),
    },
  };
}

export function networkPolicies(plan: Plan): NetworkPolicyObject[] {
  const c = plan.config;
  const p = c.policies;
  const n = plan.namespaces;
  const apiServer: Rule = { to: p.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(...p.apiServer.ports) };
  const fromApiServer = (port: number): Rule => ({ from: p.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(port) });
  const scrape = (...ports: number[]): Rule[] => (p.monitoringNamespace !== undefined ? [{ from: [inNs(p.monitoringNamespace)], ports: tcp(...ports) }] : []);
  const postgres = c.database.engine === "postgres" ? { "cnpg.io/cluster": c.database.clusterName } : undefined;
  const shared = n.sandbox === n.gateway;
  const sandboxes: Peer = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": n.sandbox } }, ...(shared ? { podSelector: sandboxSelector(true) } : {}) };
  const out: NetworkPolicyObject[] = [];

  // Public addresses on the sandbox egress ports (private ranges excepted in the strict profile).
  const publicEgress: Rule[] =
    p.sandboxEgress.ports.length > 0
      ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", ...(p.profile === "strict" ? { except: [...p.privateCidrs] } : {}) } }], ports: tcp(...p.sandboxEgress.ports) }]
      : [];
  const templates = resolvedTemplates(plan);
  const appPeer = (): Peer => podsIn(c.openhands.appNamespace, {});
  const sdkOn = c.openhands.agentSandbox.enabled;
  const proxyUrl = plan.config.gateway.upstreamProxy.url;
  const proxy = proxyUrl !== undefined ? { cidrs: plan.config.gateway.upstreamProxy.cidrs, port: Number(new URL(proxyUrl).port || "80") } : undefined;
  for (const role of namespaceRoles(plan)) {
    const ns = role.namespace;
    out.push(policy("default-deny", ns, undefined, { ingress: [], egress: [] }));
    out.push(
      policy("allow-dns", ns, undefined, {
        egress: [{ to: [podsIn("kube-system", SELECTORS.kubeDns)], ports: [{ protocol: "UDP", port: 53 }, ...tcp(53)] }],
      }),
    );
    switch (role.role) {
      case "gateway":
      case "sandbox": {
        if (role.role === "sandbox") {
          // Sandboxes reach the gateway (the supervisor's stream carries SSH and exec back) and,
          // at L4, only public addresses on the allowed ports; the L7 allow-list decides hosts,
          // methods and paths. Nothing connects to a sandbox pod.
          out.push(
            policy("sandbox-egress", ns, sandboxSelector(shared), {
              egress: [
                { to: [podsIn(n.gateway, SELECTORS.gateway)], ports: tcp(GATEWAY_GRPC_PORT) },
                // The in-sandbox network supervisor tunnels allow-listed TLS through the corporate proxy.
                ...(proxy !== undefined ? [{ to: proxy.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(proxy.port) }] : []),
                ...(p.sandboxEgress.ports.length > 0
                  ? [
                      {
                        to: [{ ipBlock: { cidr: "0.0.0.0/0", ...(p.profile === "strict" ? { except: [...p.privateCidrs] } : {}) } }],
                        ports: tcp(...p.sandboxEgress.ports),
                      },
                    ]
                  : []),
              ],
            }),
          );
        }
        if (role.role === "sandbox" && n.sandbox !== n.gateway) break;
        // The gateway: clients and sandboxes in; the API server, Postgres and HTTPS out.
        out.push(
          policy("gateway-ingress", ns, { matchLabels: { ...SELECTORS.gateway } }, {
            ingress: [
              {
                from: [
                  sandboxes,
                  ...p.gatewayClients.namespaces.map(inNs),
                  // NemoClaw's blueprint runner (nemoclaw.enabled) targets the gateway in-cluster.
                  ...(n.nemoclaw !== undefined ? [podsIn(n.nemoclaw, {})] : []),
                  ...p.gatewayClients.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ],
                ports: tcp(GATEWAY_GRPC_PORT),
              },
              ...scrape(GATEWAY_METRICS_PORT),
            ],
          }),
        );
        // In-cluster clients (gateway.clients): their namespaces reach the gRPC port, nothing else.
        if (c.gateway.clients.namespaces.length > 0) {
          out.push(
            policy("gateway-clients", ns, { matchLabels: { ...SELECTORS.gateway } }, {
              ingress: [{ from: c.gateway.clients.namespaces.map(inNs), ports: tcp(GATEWAY_GRPC_PORT) }],
            }),
          );
        }
        out.push(
          policy("gateway-egress", ns, { matchLabels: { ...SELECTORS.gateway } }, {
            egress: [
              apiServer,
              ...(postgres !== undefined ? [{ to: [{ podSelector: { matchLabels: postgres } }], ports: tcp(5432) }] : []),
              // OIDC discovery/JWKS and inference providers live outside the cluster.
              { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(443) },
            ],
          }),
        );
        if (postgres !== undefined) {
          out.push(
            policy("postgres", ns, { matchLabels: postgres }, {
              ingress: [
                { from: [podsIn(n.gateway, SELECTORS.gateway)], ports: tcp(5432) },
                { from: [{ podSelector: { matchLabels: postgres } }], ports: tcp(5432, 8000) },
                { from: [podsIn(n.cloudnativePg ?? "", SELECTORS.cnpgOperator)], ports: tcp(5432, 8000) },
                ...scrape(9187),
              ],
              egress: [
                apiServer,
                { to: [{ podSelector: { matchLabels: postgres } }], ports: tcp(5432, 8000) },
                ...(c.database.backup.enabled ? [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(443) }] : []),
              ],
            }),
          );
        }
        break;
      }
      case "agentSandbox":
        out.push(
          policy("controller", ns, { matchLabels: { ...SELECTORS.agentSandboxController } }, {
            ingress: [fromApiServer(WEBHOOK_PORT), ...scrape(8080)],
            egress: [apiServer],
          }),
        );
        break;
      case "cloudnativePg":
        out.push(
          policy("operator", ns, { matchLabels: { ...SELECTORS.cnpgOperator } }, {
            ingress: [fromApiServer(WEBHOOK_PORT), ...scrape(8080)],
            egress: [apiServer, ...(postgres !== undefined ? [{ to: [podsIn(n.gateway, postgres)], ports: tcp(5432, 8000) }] : [])],
          }),
        );
        break;
      case "gpuOperator":
        // Operator, validators, device plugin and exporters talk among themselves and to the API server.
        out.push(
          policy("gpu-operator", ns, undefined, {
            ingress: [{ from: [{ podSelector: {} }] }, ...scrape(8080, 9400)],
            egress: [apiServer, { to: [{ podSelector: {} }] }],
          }),
        );
        break;
      case "agentSandboxWorkloads":
        // Each template's pods: the agent server's port from the OpenHands app namespace (the SDK's direct mode;
        // port-forward goes through the kubelet), and out to public addresses (model APIs, package registries).
        for (const t of templates) {
          const port = t.port;
          out.push(
            policy(`template-${t.name}`, ns, { matchLabels: { [TEMPLATE_LABEL]: t.name } }, {
              // Only the OpenHands agent server is the SDK's; other templates admit nothing until their client is known.
              ingress: sdkOn && port !== undefined && t.preset === "openhands-agent-server" ? [{ from: [appPeer()], ports: tcp(port) }] : [],
              egress: [...publicEgress],
            }),
          );
        }
        break;
      case "openhandsApp": {
        const templatePorts = [...new Set(templates.flatMap((t) => (t.port !== undefined && t.preset === "openhands-agent-server" ? [t.port] : [])))].sort((a, b) => a - b);
        out.push(
          policy("openhands-app", ns, undefined, {
            ingress: [
              {
                from: [...p.gatewayClients.namespaces.map(inNs), ...p.gatewayClients.cidrs.map((cidr) => ({ ipBlock: { cidr } }))],
                ports: tcp(OPENHANDS_APP_PORT),
              },
            ],
            egress: [
              apiServer,
              ...(sdkOn && n.agentSandboxWorkloads !== undefined && templatePorts.length > 0 ? [{ to: [podsIn(n.agentSandboxWorkloads, {})], ports: tcp(...templatePorts) }] : []),
              ...(n.openhandsRuntime !== undefined ? [{ to: [podsIn(n.openhandsRuntime, OPENHANDS_RUNTIME_SELECTOR)], ports: tcp(...OPENHANDS_RUNTIME_PORTS) }] : []),
              // Model APIs and git hosts.
              { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(443) },
            ],
          }),
        );
        break;
      }
      case "openhandsRuntime":
        out.push(
          policy("openhands-runtime", ns, { matchLabels: { ...OPENHANDS_RUNTIME_SELECTOR } }, {
            ingress: [
              { from: [appPeer()], ports: tcp(...OPENHANDS_RUNTIME_PORTS) },
              // The per-conversation VS Code Ingress: the ingress controller's namespaces.
              ...(p.gatewayClients.namespaces.length > 0 ? [{ from: p.gatewayClients.namespaces.map(inNs), ports: tcp(8081) }] : []),
            ],
            egress: [...publicEgress],
          }),
        );
        break;
      case "nemoclaw":
        out.push(policy("runner-egress", ns, undefined, { egress: [{ to: [podsIn(n.gateway, SELECTORS.gateway)], ports: tcp(GATEWAY_GRPC_PORT) }] }));
        break;
      case "csiDriverNfs":
      case "cephCsi":
        // Storage backends are outside the cluster and named by DNS: egress is open on purpose.
        out.push(policy("csi-egress", ns, undefined, { egress: [{}], ...(p.monitoringNamespace !== undefined ? { ingress: scrape(9808) } : {}) }));
        break;
    }
  }
  return out;
}
