/**
 * The NVIDIA GPU Operator in its own namespace, with the time-slicing
 * device-plugin config when GPUs are shared. The chart's hooks (CRD upgrade
 * and cleanup) do not run under helm.v4.Chart, which applies the chart's
 * crds/ itself; with protection on, they are retained on delete.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan/plan";
import { TIME_SLICING_CONFIGMAP, TIME_SLICING_KEY, gpuOperatorValues, timeSlicingConfig, timeSlicingOn } from "../values/gpuOperator";
import { chartArgs, type ChartCredentials } from "./chartArgs";
import { retainCustomResourceDefinitions } from "./transforms";
import { COMMON_LABELS } from "../values/labels";

export const GPU_OPERATOR_TYPE = "agent-platform:platform:GpuOperator";

export interface GpuOperatorArgs {
  readonly plan: Plan;
  readonly chartCredentials?: ChartCredentials;
  /** The gpu-operator namespace and its pull Secret. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class GpuOperator extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: GpuOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GPU_OPERATOR_TYPE, name, {}, opts);
    const { plan } = args;
    const chart = plan.charts.find((c) => c.id === "gpuOperator");
    const namespace = plan.namespaces.gpuOperator;
    if (chart === undefined || namespace === undefined) throw new Error("GpuOperator needs a plan with GPUs enabled");
    const deps: pulumi.Resource[] = [...args.dependsOn];
    if (timeSlicingOn(plan)) {
      deps.push(
        new k8s.core.v1.ConfigMap(
          `${name}-time-slicing`,
          {
            metadata: { name: TIME_SLICING_CONFIGMAP, namespace, labels: { ...COMMON_LABELS } },
            data: { [TIME_SLICING_KEY]: timeSlicingConfig(plan.config.gpu.timeSlicingReplicas) },
          },
          { parent: this, dependsOn: [...args.dependsOn] },
        ),
      );
    }
    this.chart = new k8s.helm.v4.Chart(`${name}-chart`, chartArgs(plan, chart, "gpu-operator", namespace, gpuOperatorValues(plan), args.chartCredentials), {
      parent: this,
      dependsOn: deps,
      // The chart's CRDs are not marked helm.sh/resource-policy: keep; a deleted CRD deletes every ClusterPolicy.
      ...(plan.protection.crds ? { transforms: [retainCustomResourceDefinitions] } : {}),
    });
    this.registerOutputs({});
  }
}
