/**
 * The real `MigrationApi`: @kubernetes/client-node against the cluster the
 * stack targets (kubeconfig path or contents, and context, as the Pulumi
 * provider uses them). Thin: every decision is in migration/agentSandbox.ts.
 */
import * as k8s from "@kubernetes/client-node";
import { crdState, listAllKeys, whileBusy, type CrdRef, type CrdState, type ListPage, type MigrationApi, type ObjectKey } from "./agentSandbox";

/** Field manager of every write the migration makes (visible in managedFields). */
export const FIELD_MANAGER = "agent-platform-migration";

import { loadKubeconfig, type KubeconfigSource } from "../lib/kubeconfig";

const statusOf = (err: unknown): number | undefined => (err instanceof k8s.ApiException ? (err as k8s.ApiException<unknown>).code : undefined);

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

const MERGE_PATCH = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);

const patiently = <T>(call: () => Promise<T>): Promise<T> => whileBusy(call, (err) => statusOf(err) === 429);

/** How many times a rewrite is retried when the object changed between read and write. */
const CONFLICT_RETRIES = 5;

export function kubeMigrationApi(kc: k8s.KubeConfig): MigrationApi {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  return {
    async readCrd(name): Promise<CrdState | undefined> {
      const crd = await orUndefined(patiently(() => ext.readCustomResourceDefinition({ name })));
      return crd === undefined ? undefined : crdState(name, crd);
    },
    listObjects(crd: CrdRef, version: string): Promise<ObjectKey[]> {
      return listAllKeys(
        (cont) =>
          patiently(() =>
            custom.listClusterCustomObject({ group: crd.group, version, plural: crd.plural, limit: 500, ...(cont !== undefined ? { _continue: cont } : {}) }),
          ) as Promise<ListPage>,
      );
    },
    async rewriteObject(crd, version, key): Promise<boolean> {
      const ref = { group: crd.group, version, plural: crd.plural, namespace: key.namespace, name: key.name };
      for (let attempt = 0; ; attempt++) {
        const obj = (await orUndefined(patiently(() => custom.getNamespacedCustomObject(ref)))) as object | undefined;
        if (obj === undefined) return false;
        try {
          await patiently(() => custom.replaceNamespacedCustomObject({ ...ref, body: obj, fieldManager: FIELD_MANAGER }));
          return true;
        } catch (err) {
          const code = statusOf(err);
          if (code === 404) return false;
          if (code !== 409 || attempt >= CONFLICT_RETRIES) throw err;
        }
      }
    },
    async setStoredVersions(crdName, versions) {
      await patiently(() => ext.patchCustomResourceDefinitionStatus({ name: crdName, body: { status: { storedVersions: [...versions] } }, fieldManager: FIELD_MANAGER }, MERGE_PATCH));
    },
    async dropConversionWebhook(crdName) {
      await patiently(() =>
        ext.patchCustomResourceDefinition({ name: crdName, body: { spec: { conversion: { strategy: "None", webhook: null } } }, fieldManager: FIELD_MANAGER }, MERGE_PATCH),
      );
    },
    async secretExists(namespace, name) {
      return (await orUndefined(patiently(() => core.readNamespacedSecret({ namespace, name })))) !== undefined;
    },
    async deleteSecret(namespace, name) {
      await orUndefined(patiently(() => core.deleteNamespacedSecret({ namespace, name })));
    },
    async deploymentImage(namespace, name) {
      const d = await orUndefined(patiently(() => apps.readNamespacedDeployment({ namespace, name })));
      return d?.spec?.template.spec?.containers[0]?.image;
    },
  };
}

/** The migration API of the cluster a kubeconfig source names. */
export function connectMigrationApi(src: KubeconfigSource): MigrationApi {
  return kubeMigrationApi(loadKubeconfig(src));
}
