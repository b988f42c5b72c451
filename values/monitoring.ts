/**
 * Prometheus Operator monitors for the platform, when the stack says the
 * operator runs: the gateway's metrics port, Postgres instances (the
 * CloudNativePG-recommended PodMonitor; `enablePodMonitor` is deprecated),
 * and, through chart values, the CNPG operator and the DCGM exporter.
 */
import type { Plan } from "../plan/types";
import { PART_OF } from "../manifests/labels";
import { GATEWAY_SELECTOR } from "./openshell";
import type { Values } from "../lib/tree";

const labels = (plan: Plan) => ({ ...PART_OF, ...plan.config.observability.monitorLabels });

export function gatewayServiceMonitor(plan: Plan): Values {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: "openshell-gateway", namespace: plan.namespaces.gateway, labels: labels(plan) },
    spec: { selector: { matchLabels: { ...GATEWAY_SELECTOR } }, endpoints: [{ port: "metrics", interval: "30s" }] },
  };
}

export function postgresPodMonitor(plan: Plan): Values {
  const cluster = plan.config.database.clusterName;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: cluster, namespace: plan.namespaces.gateway, labels: labels(plan) },
    spec: { selector: { matchLabels: { "cnpg.io/cluster": cluster } }, podMetricsEndpoints: [{ port: "metrics" }] },
  };
}
