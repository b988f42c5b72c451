/**
 * Applies the objects of a graph to the tier's API server the way the Kubernetes provider does
 * (server-side apply, in dependency order), first as a dry run and then for real, and reports
 * everything the server refused or warned about. A Pod Security warning is a failure: the server
 * only warns when an object breaks the level its namespace is labelled with.
 */
import { ApiError, type ApiClient, type Identity, type K8sObject } from "./api";
import type { GraphObject } from "./graph";

export interface ApplyReport {
  /** Objects the server accepted and stored, in order. */
  readonly applied: readonly K8sObject[];
  /** One line per refusal or warning: `<resource> <Kind> <ns>/<name>: <server text>`. */
  readonly failures: readonly string[];
}

const ref = (o: K8sObject): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

export async function applyObjects(client: ApiClient, objects: readonly GraphObject[], as?: Identity): Promise<ApplyReport> {
  const applied: K8sObject[] = [];
  const failures: string[] = [];
  for (const { resource, object } of objects) {
    const where = `${resource} ${ref(object)}`;
    try {
      for (const dryRun of [true, false]) {
        const res = await client.apply(object, { dryRun, ...(as ? { as } : {}) });
        for (const w of res.warnings) failures.push(`${where}${dryRun ? " (dry run)" : ""}: warning: ${w}`);
      }
      // Custom resources of a CRD applied just now wait until it is served, as the provider does.
      if (object.kind === "CustomResourceDefinition") await client.waitEstablished(object);
      applied.push(object);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failures.push(`${where}: ${err.message}`);
    }
  }
  return { applied, failures };
}

/**
 * Deletes what a stack applied, newest first, except Namespaces and CRDs: without a
 * controller-manager a deleted Namespace stays Terminating, and the next stack reuses both.
 * StorageClass parameters are immutable, so stacks must not inherit each other's classes.
 */
export async function removeObjects(client: ApiClient, applied: readonly K8sObject[]): Promise<void> {
  for (const o of [...applied].reverse()) {
    if (o.kind === "Namespace" || o.kind === "CustomResourceDefinition") continue;
    const res = await client.delete(o);
    if (res.status >= 300 && res.status !== 404) throw new Error(`delete ${ref(o)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
