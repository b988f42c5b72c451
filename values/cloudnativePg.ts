/**
 * CloudNativePG: the operator chart's values and the gateway's Postgres
 * `Cluster` (plus its backup schedule), built from the plan. Database
 * passwords never pass through Pulumi: the operator generates the
 * `<cluster>-app` Secret the gateway reads.
 */
import type { Plan } from "../plan/types";
import { chartImageValues, resolvedImage } from "./images";
import { PART_OF } from "../manifests/labels";
import { mergeValues, sortKeys, type Json, type Values } from "../lib/tree";

export const CLUSTER_API = "postgresql.cnpg.io/v1";
export const DATABASE_NAME = "openshell";

export function backupSecretName(plan: Plan): string {
  return `${plan.config.database.clusterName}-backup-credentials`;
}

export function cloudnativePgValues(plan: Plan): Values {
  return sortKeys(
    mergeValues(
      {
        crds: { create: true },
        config: { create: true, clusterWide: true },
        imagePullSecrets: plan.pullSecretName !== undefined ? [{ name: plan.pullSecretName }] : [],
        monitoring: {
          podMonitorEnabled: plan.config.observability.prometheusOperator,
          ...(plan.config.observability.prometheusOperator ? { podMonitorAdditionalLabels: { ...plan.config.observability.monitorLabels } } : {}),
        },
      },
      chartImageValues(plan.chartImages, "cloudnativePg"),
    ),
  );
}

/**
 * The provider's await of a custom resource (pulumi-kubernetes: by default it
 * awaits none): `pulumi up` waits until the Cluster's `Ready` condition is
 * True (CloudNativePG sets it when the phase is "Cluster in healthy state"),
 * for at most the timeout; without a customTimeouts option the annotation
 * bounds the wait (default 10 minutes).
 */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
export const TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";
export const CLUSTER_READY = "condition=Ready";

/** Labels of the Cluster and its backups; CloudNativePG copies them to the objects it makes, so no managed-by. */
const LABELS = { ...PART_OF, "app.kubernetes.io/component": "database" };

export function clusterManifest(plan: Plan): Values {
  const d = plan.config.database;
  const spec: Values = {
    instances: d.instances,
    imageName: resolvedImage(plan.chartImages, "cloudnativePg.postgres"),
    storage: { size: d.storageSize, ...(plan.config.storage.databaseClass !== undefined ? { storageClass: plan.config.storage.databaseClass } : {}) },
    bootstrap: { initdb: { database: DATABASE_NAME, owner: DATABASE_NAME } },
    affinity:
      d.podAntiAffinity === "none"
        ? { enablePodAntiAffinity: false }
        : { enablePodAntiAffinity: true, podAntiAffinityType: d.podAntiAffinity, topologyKey: "kubernetes.io/hostname" },
  };
  if (plan.pullSecretName !== undefined) spec["imagePullSecrets"] = [{ name: plan.pullSecretName }];
  if (d.backup.enabled) {
    const secret = backupSecretName(plan);
    spec["backup"] = {
      retentionPolicy: d.backup.retention,
      barmanObjectStore: {
        destinationPath: d.backup.destinationPath ?? "",
        endpointURL: d.backup.endpointUrl ?? "",
        s3Credentials: {
          accessKeyId: { name: secret, key: "ACCESS_KEY_ID" },
          secretAccessKey: { name: secret, key: "ACCESS_SECRET_KEY" },
        },
        wal: { compression: "gzip" },
      },
    } as Json;
  }
  return sortKeys({
    apiVersion: CLUSTER_API,
    kind: "Cluster",
    metadata: {
      name: d.clusterName,
      namespace: plan.namespaces.gateway,
      labels: { ...LABELS },
      annotations: { [WAIT_FOR_ANNOTATION]: CLUSTER_READY, [TIMEOUT_ANNOTATION]: String(d.readyTimeoutMinutes * 60) },
    },
    spec,
  });
}

export function scheduledBackupManifest(plan: Plan): Values {
  const d = plan.config.database;
  return sortKeys({
    apiVersion: CLUSTER_API,
    kind: "ScheduledBackup",
    metadata: { name: `${d.clusterName}-daily`, namespace: plan.namespaces.gateway, labels: { ...LABELS } },
    spec: { schedule: d.backup.schedule, backupOwnerReference: "self", cluster: { name: d.clusterName }, method: "barmanObjectStore" },
  });
}
