/**
 * The OpenShell gateway: the chart through `helm.v4.Chart` (per-object
 * diffs in preview, objects visible to policy packs; its hooks never run,
 * which is why the Pki component makes every Secret), a PodDisruptionBudget
 * when it runs more than one replica (the chart has none), the OpenShift
 * SCC grant for the sandbox service account, the inference API key and
 * upstream proxy credentials as Kubernetes Secrets the chart is pointed at,
 * and the gateway's ServiceAccount, made before the chart's workload.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Values } from "../lib/tree";
import { COMMON_LABELS } from "../manifests/labels";
import { GATEWAY_NAME, GATEWAY_PORT, GATEWAY_SELECTOR, SANDBOX_SERVICE_ACCOUNT, UPSTREAM_PROXY_KEY, UPSTREAM_PROXY_SECRET } from "../values/openshell";

export const GATEWAY_TYPE = "agent-platform:platform:OpenShellGateway";
const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** The Secret holding the inference provider's API key (key `api-key`). */
export const INFERENCE_SECRET = "openshell-inference-credentials";

export interface OpenShellGatewayArgs {
  /** The chart, with `serviceAccount.create` false and `serviceAccount.name` this component's ServiceAccount. */
  readonly chart: k8s.helm.v4.ChartArgs;
  /** The gateway's ServiceAccount, which the chart once created itself (its state is taken over by alias). */
  readonly serviceAccount: string;
  /** The gateway namespace. */
  readonly namespace: string;
  /** The namespace sandbox pods run in. */
  readonly sandboxNamespace: string;
  /** The inference provider, its endpoint and model, and its API key (secret Output). */
  readonly inference?: { readonly provider: string; readonly endpoint: string; readonly model?: string; readonly apiKey: pulumi.Input<string> };
  /** user:password of the upstream proxy (secret Output), for the Secret in the sandbox namespace. */
  readonly upstreamProxyCredentials?: pulumi.Input<string>;
  /** Grant the sandbox service account OpenShift's privileged SCC. */
  readonly openshiftSandboxScc: boolean;
  /** A PodDisruptionBudget (more than one replica). */
  readonly disruptionBudget: boolean;
  /** The gateway ServiceMonitor, when the Prometheus Operator runs. */
  readonly serviceMonitor?: Values;
  /** agent-sandbox CRDs and controller, PKI Secrets, the database, namespaces and pull Secrets. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class OpenShellGateway extends pulumi.ComponentResource {
  /** The chart, to wait for (its `resources` output holds IDs, not resource objects: remoteOutputs.ts). */
  public readonly chart: pulumi.ComponentResource;
  /** `host:port` of the gateway Service inside the cluster. */
  public readonly endpoint: string;

  constructor(name: string, args: OpenShellGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GATEWAY_TYPE, name, {}, opts);
    const ns = args.namespace;
    const first = { parent: this, dependsOn: [...args.dependsOn] };
    const extras: pulumi.Resource[] = [];
    const inf = args.inference;
    if (inf !== undefined && inf.endpoint === "") throw new Error(`OpenShellGateway: inference provider ${inf.provider} needs an endpoint`);
    if (inf !== undefined) {
      extras.push(
        new k8s.core.v1.Secret(
          `${name}-inference`,
          {
            metadata: {
              name: INFERENCE_SECRET,
              namespace: ns,
              labels: { ...COMMON_LABELS, "openshell.platform/inference-provider": inf.provider },
              annotations: { "openshell.platform/endpoint": inf.endpoint, ...(inf.model !== undefined ? { "openshell.platform/model": inf.model } : {}) },
            },
            type: "Opaque",
            stringData: { "api-key": pulumi.secret(inf.apiKey) },
          },
          first,
        ),
      );
    }
    if (args.upstreamProxyCredentials !== undefined) {
      extras.push(
        new k8s.core.v1.Secret(
          `${name}-upstream-proxy`,
          {
            metadata: { name: UPSTREAM_PROXY_SECRET, namespace: args.sandboxNamespace, labels: { ...COMMON_LABELS } },
            type: "Opaque",
            stringData: { [UPSTREAM_PROXY_KEY]: pulumi.secret(args.upstreamProxyCredentials) },
          },
          first,
        ),
      );
    }
    // The chart rendered this account up to now (child `<chart>:<namespace>/<name>`): the alias
    // takes that state over, so the account is updated in place, never deleted and re-created.
    const chartName = `${name}-chart`;
    extras.push(
      new k8s.core.v1.ServiceAccount(
        `${name}-service-account`,
        { metadata: { name: args.serviceAccount, namespace: ns, labels: { ...COMMON_LABELS } } },
        { ...first, aliases: [{ name: `${chartName}:${ns}/${args.serviceAccount}`, parent: pulumi.createUrn(chartName, CHART_TYPE, this) }] },
      ),
    );
    if (args.openshiftSandboxScc) {
      // What `oc adm policy add-scc-to-user privileged -z openshell-sandbox` grants, for that account only.
      extras.push(
        new k8s.rbac.v1.RoleBinding(
          `${name}-sandbox-scc`,
          {
            metadata: { name: "openshell-sandbox-scc-privileged", namespace: args.sandboxNamespace, labels: { ...COMMON_LABELS } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:openshift:scc:privileged" },
            subjects: [{ kind: "ServiceAccount", name: SANDBOX_SERVICE_ACCOUNT, namespace: args.sandboxNamespace }],
          },
          first,
        ),
      );
    }

    this.chart = new k8s.helm.v4.Chart(chartName, args.chart, { parent: this, dependsOn: [...args.dependsOn, ...extras] });

    if (args.disruptionBudget) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name: GATEWAY_NAME, namespace: ns, labels: { ...COMMON_LABELS } },
          spec: { maxUnavailable: 1, selector: { matchLabels: { ...GATEWAY_SELECTOR } } },
        },
        { parent: this, dependsOn: [this.chart] },
      );
    }
    if (args.serviceMonitor !== undefined) {
      new k8s.apiextensions.CustomResource(`${name}-service-monitor`, args.serviceMonitor as k8s.apiextensions.CustomResourceArgs, { parent: this, dependsOn: [this.chart] });
    }
    this.endpoint = `${GATEWAY_NAME}.${ns}.svc.cluster.local:${GATEWAY_PORT}`;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
