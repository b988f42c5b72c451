/**
 * The OpenShell gateway: the chart through `helm.v4.Chart` (per-object
 * diffs in preview, objects visible to policy packs; its hooks never run,
 * which is why the Pki component makes every Secret), a PodDisruptionBudget
 * when it runs more than one replica (the chart has none), the OpenShift
 * SCC grant for the sandbox service account, and the inference API key as a
 * Kubernetes Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan/plan";
import { GATEWAY_NAME, GATEWAY_PORT, GATEWAY_SELECTOR, SANDBOX_SERVICE_ACCOUNT, UPSTREAM_PROXY_KEY, UPSTREAM_PROXY_SECRET, openshellValues } from "../values/openshell";
import { gatewayServiceMonitor } from "../values/monitoring";
import { chartArgs, type ChartCredentials } from "./chartArgs";
import { COMMON_LABELS } from "../values/labels";

export const GATEWAY_TYPE = "agent-platform:platform:OpenShellGateway";

/** The Secret holding the inference provider's API key (key `api-key`). */
export const INFERENCE_SECRET = "openshell-inference-credentials";

export interface OpenShellGatewayArgs {
  readonly plan: Plan;
  readonly chartCredentials?: ChartCredentials;
  /** Inference API key (secret Output), when an inference provider is configured. */
  readonly inferenceApiKey?: pulumi.Input<string>;
  /** user:password of the upstream proxy (secret Output), when it needs credentials. */
  readonly upstreamProxyCredentials?: pulumi.Input<string>;
  /** agent-sandbox CRDs and controller, PKI Secrets, the database, namespaces and pull Secrets. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class OpenShellGateway extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  /** `host:port` of the gateway Service inside the cluster. */
  public readonly endpoint: string;

  constructor(name: string, args: OpenShellGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GATEWAY_TYPE, name, {}, opts);
    const { plan } = args;
    const c = plan.config;
    const ns = plan.namespaces.gateway;
    const chart = plan.charts.find((x) => x.id === "openshell");
    if (chart === undefined) throw new Error("the plan has no OpenShell chart");

    const extras: pulumi.Resource[] = [];
    if (c.inference.provider !== "none") {
      if (args.inferenceApiKey === undefined) throw new Error(`inference provider ${c.inference.provider} needs its API key`);
      extras.push(
        new k8s.core.v1.Secret(
          `${name}-inference`,
          {
            metadata: {
              name: INFERENCE_SECRET,
              namespace: ns,
              labels: { ...COMMON_LABELS, "openshell.platform/inference-provider": c.inference.provider },
              annotations: {
                "openshell.platform/endpoint": c.inference.endpoint ?? "",
                ...(c.inference.model !== undefined ? { "openshell.platform/model": c.inference.model } : {}),
              },
            },
            type: "Opaque",
            stringData: { "api-key": pulumi.secret(args.inferenceApiKey) },
          },
          { parent: this, dependsOn: [...args.dependsOn] },
        ),
      );
    }
    if (plan.secrets.includes("upstreamProxyCredentials")) {
      if (args.upstreamProxyCredentials === undefined) throw new Error("the upstream proxy needs its credentials");
      extras.push(
        new k8s.core.v1.Secret(
          `${name}-upstream-proxy`,
          {
            metadata: { name: UPSTREAM_PROXY_SECRET, namespace: plan.namespaces.sandbox, labels: { ...COMMON_LABELS } },
            type: "Opaque",
            stringData: { [UPSTREAM_PROXY_KEY]: pulumi.secret(args.upstreamProxyCredentials) },
          },
          { parent: this, dependsOn: [...args.dependsOn] },
        ),
      );
    }
    if (c.cluster.openshift) {
      // What `oc adm policy add-scc-to-user privileged -z openshell-sandbox` grants, for that account only.
      extras.push(
        new k8s.rbac.v1.RoleBinding(
          `${name}-sandbox-scc`,
          {
            metadata: { name: "openshell-sandbox-scc-privileged", namespace: plan.namespaces.sandbox, labels: { ...COMMON_LABELS } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:openshift:scc:privileged" },
            subjects: [{ kind: "ServiceAccount", name: SANDBOX_SERVICE_ACCOUNT, namespace: plan.namespaces.sandbox }],
          },
          { parent: this, dependsOn: [...args.dependsOn] },
        ),
      );
    }

    this.chart = new k8s.helm.v4.Chart(`${name}-chart`, chartArgs(plan, chart, GATEWAY_NAME, ns, openshellValues(plan), args.chartCredentials), {
      parent: this,
      dependsOn: [...args.dependsOn, ...extras],
    });

    if (c.gateway.replicas > 1) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name: GATEWAY_NAME, namespace: ns, labels: { ...COMMON_LABELS } },
          spec: { maxUnavailable: 1, selector: { matchLabels: { ...GATEWAY_SELECTOR } } },
        },
        { parent: this, dependsOn: [this.chart] },
      );
    }
    if (plan.config.observability.prometheusOperator) {
      new k8s.apiextensions.CustomResource(`${name}-service-monitor`, gatewayServiceMonitor(plan) as k8s.apiextensions.CustomResourceArgs, {
        parent: this,
        dependsOn: [this.chart],
      });
    }
    this.endpoint = `${GATEWAY_NAME}.${ns}.svc.cluster.local:${GATEWAY_PORT}`;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
