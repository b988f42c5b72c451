/**
 * `helm.v4.Chart` arguments from a resolved chart: the pinned version, the
 * location the registry resolver chose, mirror credentials when the mirror
 * needs them (a secret Output, never logged), the mirror's CA when it has a
 * private one, and the values.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Plan, ResolvedChart } from "../plan/plan";
import type { Values } from "../lib/tree";

export interface ChartCredentials {
  readonly username: string;
  readonly password: pulumi.Input<string>;
}

export function chartArgs(
  plan: Plan,
  chart: ResolvedChart,
  release: string,
  namespace: string,
  values: Values,
  credentials?: ChartCredentials,
): k8s.helm.v4.ChartArgs {
  const caBundle = plan.mirrorCaBundle;
  const repositoryOpts = {
    ...(chart.location.repo !== undefined ? { repo: chart.location.repo } : {}),
    ...(credentials !== undefined ? { username: credentials.username, password: credentials.password } : {}),
    ...(caBundle !== undefined ? { caFile: new pulumi.asset.StringAsset(caBundle) } : {}),
  };
  return {
    chart: chart.location.chart,
    version: chart.version,
    name: release,
    namespace,
    values,
    ...(chart.location.plainHttp ? { plainHttp: true } : {}),
    ...(Object.keys(repositoryOpts).length > 0 ? { repositoryOpts } : {}),
  };
}
