/**
 * The one Kubernetes provider every component receives.
 *
 * `clusterIdentifier` pins the provider's identity: without it a changed
 * kubeconfig (path, context name, rotated credentials) replaces the provider
 * and with it every resource in the graph (pulumi-kubernetes #1148/#2745).
 * Server-side apply is explicit so field ownership is shared with the
 * controllers that patch our objects (agent-sandbox patches CRD caBundles).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Secrets } from "../config/secrets";
import type { Plan, ProviderPlan } from "../plan/plan";

export function providerArgs(p: ProviderPlan, secrets: Secrets): k8s.ProviderArgs {
  const kubeconfig: pulumi.Input<string> | undefined = p.kubeconfigFromSecret ? secrets.kubeconfig : p.kubeconfigPath;
  return {
    clusterIdentifier: p.clusterIdentifier,
    enableServerSideApply: true,
    ...(p.context !== undefined ? { context: p.context } : {}),
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
  };
}

export function createProvider(p: ProviderPlan, secrets: Secrets, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  return new k8s.Provider(p.name, providerArgs(p, secrets), opts);
}

/** The mirror's credentials for pull Secrets and chart pulls, when the stack pulls from an authenticated mirror. */
export function mirrorCredentials(
  plan: Plan,
  secrets: Secrets,
): { host: string; username: string; password: pulumi.Input<string>; secretName: string } | undefined {
  const r = plan.config.registry;
  if (plan.pullSecretName === undefined || r.host === undefined || r.username === undefined || secrets.registryPassword === undefined) return undefined;
  return { host: r.host, username: r.username, password: secrets.registryPassword, secretName: plan.pullSecretName };
}
