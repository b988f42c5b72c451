/**
 * How clients name and reach the gateway: the name the OpenShell CLI registers
 * it under (bundle and in-cluster clients alike), the in-cluster endpoint
 * (a name the server certificate covers: `<release>.<namespace>.svc.cluster.local`,
 * see pki/certificates.ts), and the ConfigMap in-cluster clients read. Pure.
 */
import type { Plan } from "../plan/types";
import { COMMON_LABELS } from "../manifests/labels";
import { GATEWAY_NAME, GATEWAY_PORT } from "./openshell";

/** The gateway's name in the OpenShell CLI: one per stack, so several stacks live side by side. */
export function clientGatewayName(plan: Pick<Plan, "stack">): string {
  return `${GATEWAY_NAME}-${plan.stack}`;
}

/** The Service's host name inside the cluster (a SAN of the server certificate). */
export function gatewayServiceHost(namespace: string): string {
  return `${GATEWAY_NAME}.${namespace}.svc.cluster.local`;
}

/** `https://<release>.<namespace>.svc.cluster.local:<port>`. */
export function inClusterEndpoint(plan: Pick<Plan, "namespaces">): string {
  return `https://${gatewayServiceHost(plan.namespaces.gateway)}:${GATEWAY_PORT}`;
}

/** The endpoint a workstation registers: the port-forward the stack outputs (`portForwardCommand`), or one on another local port. */
export function portForwardEndpoint(port: number = GATEWAY_PORT): string {
  return `https://127.0.0.1:${port}`;
}

/** Keys of the in-cluster client Secret (the files the CLI reads from `gateways/<name>/mtls/`). */
export const CLIENT_SECRET_KEYS = ["ca.crt", "tls.crt", "tls.key"] as const;

export interface ClientConfigMap {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly data: { readonly OPENSHELL_GATEWAY: string; readonly OPENSHELL_GATEWAY_ENDPOINT: string };
}

/** The ConfigMap of each client namespace (no secret in it: the key material is in the Secret of the same name). */
export function clientConfigMaps(plan: Plan): ClientConfigMap[] {
  const c = plan.config.gateway.clients;
  return c.namespaces.map((namespace) => ({
    metadata: { name: c.name, namespace, labels: { ...COMMON_LABELS } },
    data: { OPENSHELL_GATEWAY: clientGatewayName(plan), OPENSHELL_GATEWAY_ENDPOINT: inClusterEndpoint(plan) },
  }));
}
