/**
 * The NVIDIA GPU Operator in its own namespace, with the time-slicing
 * device-plugin config when GPUs are shared. The chart's hooks (CRD upgrade
 * and cleanup) do not run under helm.v4.Chart, which applies the chart's
 * crds/ itself; with protection on, they are retained on delete.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../manifests/labels";
import type { Parts } from "./parts";
import { retainCustomResourceDefinitions } from "./transforms";

export const GPU_OPERATOR_TYPE = "agent-platform:platform:GpuOperator";

export interface GpuOperatorArgs {
  readonly chart: k8s.helm.v4.ChartArgs;
  /** The device-plugin ConfigMap of a time-slicing profile, made before the chart. */
  readonly timeSlicing?: { readonly name: string; readonly namespace: string; readonly data: Readonly<Record<string, string>> };
  /** Keep the CRDs the chart renders when Pulumi deletes them (a deleted CRD deletes every ClusterPolicy). */
  readonly retainCrds: boolean;
  /** The gpu-operator namespace and its pull Secret. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class GpuOperator extends pulumi.ComponentResource {
  /** The chart, to wait for (its `resources` output holds IDs, not resource objects: remoteOutputs.ts). */
  public readonly chart: pulumi.ComponentResource;
  /** `chart`: nothing in the graph waits for it (components/graph.ts). */
  public readonly parts: Parts;

  constructor(name: string, args: GpuOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GPU_OPERATOR_TYPE, name, {}, opts);
    const deps: pulumi.Resource[] = [...args.dependsOn];
    const ts = args.timeSlicing;
    if (ts !== undefined && ts.namespace !== args.chart.namespace) {
      throw new Error(`GpuOperator: the time-slicing ConfigMap must be in the operator's namespace (${String(args.chart.namespace)}), not ${ts.namespace}`);
    }
    if (ts !== undefined) {
      deps.push(
        new k8s.core.v1.ConfigMap(
          `${name}-time-slicing`,
          { metadata: { name: ts.name, namespace: ts.namespace, labels: { ...COMMON_LABELS } }, data: { ...ts.data } },
          { parent: this, dependsOn: [...args.dependsOn] },
        ),
      );
    }
    this.chart = new k8s.helm.v4.Chart(`${name}-chart`, args.chart, {
      parent: this,
      dependsOn: deps,
      // The chart's CRDs are not marked helm.sh/resource-policy: keep.
      ...(args.retainCrds ? { transforms: [retainCustomResourceDefinitions] } : {}),
    });
    this.parts = { chart: [this.chart] };
    this.registerOutputs({});
  }
}
