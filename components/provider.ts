/**
 * The one Kubernetes provider every component receives (its arguments come
 * from components/fromPlan.ts providerArgs).
 *
 * `clusterIdentifier` pins the provider's identity: without it a changed
 * kubeconfig (path, context name, rotated credentials) replaces the provider
 * and with it every resource in the graph (pulumi-kubernetes #1148/#2745).
 * Server-side apply is explicit so field ownership is shared with the
 * controllers that patch our objects (agent-sandbox patches CRD caBundles).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The provider's Pulumi name: part of every resource's provider reference, so it never changes. */
export const PROVIDER_NAME = "k8s";

export function createProvider(args: k8s.ProviderArgs, opts?: pulumi.CustomResourceOptions): k8s.Provider {
  return new k8s.Provider(PROVIDER_NAME, args, opts);
}

/**
 * Resolves after one turn of the event loop. The program awaits it right after creating the
 * provider: the SDK sends the provider's registration on that turn, so the engine starts and
 * configures the kubernetes plugin (about 0.25 s) while the program builds the rest of the graph,
 * instead of after (measured on the real engine: docs/development.md). Nothing else changes.
 */
export function letRegistrationsOut(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
