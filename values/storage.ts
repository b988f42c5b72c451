/**
 * Storage: the StorageClasses the stack defines (CephFS on Rook, CephFS with
 * standalone ceph-csi, NFS with csi-driver-nfs) and the values of the CSI
 * driver charts. Two roles are wired through the graph: the RWX class of
 * sandbox workspaces and the RWO class of Postgres.
 */
import type { Plan } from "../plan/types";
import { imageName } from "../registry/imageRef";
import { chartImageValues } from "./images";
import { mergeValues, sortKeys, type Values } from "../lib/tree";
import { COMMON_LABELS } from "../manifests/labels";

export const CEPH_SECRET = "csi-cephfs-secret";
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
/** Rook's CephFS CSI Secrets (made by the Rook operator in the CephCluster namespace). */
export const ROOK_SECRETS = { provisioner: "rook-csi-cephfs-provisioner", node: "rook-csi-cephfs-node" } as const;

export interface StorageClassObject {
  apiVersion: "storage.k8s.io/v1";
  kind: "StorageClass";
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  provisioner: string;
  parameters: Record<string, string>;
  reclaimPolicy: "Delete" | "Retain";
  allowVolumeExpansion: boolean;
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  mountOptions?: string[];
}


function secretRefs(provisioner: { name: string; ns: string }, node: { name: string; ns: string }): Record<string, string> {
  return {
    "csi.storage.k8s.io/provisioner-secret-name": provisioner.name,
    "csi.storage.k8s.io/provisioner-secret-namespace": provisioner.ns,
    "csi.storage.k8s.io/controller-expand-secret-name": provisioner.name,
    "csi.storage.k8s.io/controller-expand-secret-namespace": provisioner.ns,
    "csi.storage.k8s.io/node-stage-secret-name": node.name,
    "csi.storage.k8s.io/node-stage-secret-namespace": node.ns,
  };
}

/** The rook CephCluster namespace (= its clusterID). */
export const rookClusterId = (plan: Plan): string => plan.config.storage.cephfs.clusterID ?? "rook-ceph";

export function storageClasses(plan: Plan): StorageClassObject[] {
  const s = plan.config.storage;
  const common = { reclaimPolicy: s.reclaimPolicy, allowVolumeExpansion: s.allowVolumeExpansion, volumeBindingMode: s.volumeBindingMode };
  const meta = (name: string, isDefault: boolean) => ({
    name,
    labels: { ...COMMON_LABELS },
    ...(isDefault ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } } : {}),
  });
  const out: StorageClassObject[] = [];
  const ceph = s.cephfs;
  if (ceph.mode !== "none") {
    const optional: Record<string, string> = {
      ...(ceph.pool !== undefined ? { pool: ceph.pool } : {}),
      ...(ceph.mounter !== undefined ? { mounter: ceph.mounter } : {}),
    };
    if (ceph.mode === "rook") {
      const ns = rookClusterId(plan);
      out.push({
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: meta(ceph.className, ceph.default),
        provisioner: `${ceph.rookOperatorNamespace}.cephfs.csi.ceph.com`,
        parameters: sortKeys({
          clusterID: ns,
          fsName: ceph.fsName ?? "",
          ...optional,
          ...secretRefs({ name: ROOK_SECRETS.provisioner, ns }, { name: ROOK_SECRETS.node, ns }),
        }) as Record<string, string>,
        ...common,
        ...(ceph.mountOptions.length > 0 ? { mountOptions: [...ceph.mountOptions] } : {}),
      });
    } else {
      const ref = { name: CEPH_SECRET, ns: plan.namespaces.cephCsi ?? "" };
      out.push({
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: meta(ceph.className, ceph.default),
        provisioner: "cephfs.csi.ceph.com",
        parameters: sortKeys({ clusterID: ceph.clusterID ?? "", fsName: ceph.fsName ?? "", ...optional, ...secretRefs(ref, ref) }) as Record<string, string>,
        ...common,
        ...(ceph.mountOptions.length > 0 ? { mountOptions: [...ceph.mountOptions] } : {}),
      });
    }
  }
  const nfs = s.nfs;
  if (nfs.enabled) {
    out.push({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: meta(nfs.className, nfs.default),
      provisioner: "nfs.csi.k8s.io",
      parameters: sortKeys({
        server: nfs.server ?? "",
        share: nfs.share ?? "",
        ...(nfs.subDir !== undefined ? { subDir: nfs.subDir } : {}),
        ...(nfs.mountPermissions !== undefined ? { mountPermissions: nfs.mountPermissions } : {}),
        ...(nfs.onDelete !== undefined ? { onDelete: nfs.onDelete } : {}),
      }) as Record<string, string>,
      ...common,
      ...(nfs.mountOptions.length > 0 ? { mountOptions: [...nfs.mountOptions] } : {}),
    });
  }
  return out;
}

/** Where registry.k8s.io lives on the mirror (the chart prefixes it to repositories starting with /). */
function mirroredBase(plan: Plan): string {
  const img = plan.chartImages.find((i) => i.id === "csiDriverNfs.nfs")!;
  const full = imageName(img.resolved);
  return full.slice(0, full.length - img.source.repository.length - 1);
}

/** csi-driver-nfs values: images through the resolver, classes made by the graph, snapshots optional. */
export function csiDriverNfsValues(plan: Plan): Values {
  const mirrored = plan.registry.mode === "mirrored";
  return sortKeys(
    mergeValues(
      {
        imagePullSecrets: plan.pullSecretName !== undefined ? [{ name: plan.pullSecretName }] : [],
        externalSnapshotter: { enabled: plan.config.storage.nfs.snapshots },
        storageClass: { create: false },
        // Every repository below is absolute; the base only matters for a key we do not set.
        ...(mirrored ? { image: { baseRepo: mirroredBase(plan) } } : {}),
      },
      chartImageValues(plan.chartImages, "csiDriverNfs"),
    ),
  );
}

/** ceph-csi-cephfs values: the cluster's monitors, images through the resolver; Secret and class made by the graph. */
export function cephCsiValues(plan: Plan): Values {
  const c = plan.config.storage.cephfs;
  const pull = plan.pullSecretName !== undefined ? [{ name: plan.pullSecretName }] : [];
  return sortKeys(
    mergeValues(
      {
        csiConfig: [
          {
            clusterID: c.clusterID ?? "",
            monitors: [...c.monitors],
            ...(c.subvolumeGroup !== undefined ? { cephFS: { subvolumeGroup: c.subvolumeGroup } } : {}),
          },
        ],
        nodeplugin: { imagePullSecrets: pull },
        provisioner: { imagePullSecrets: pull },
        secret: { create: false },
        storageClass: { create: false },
      },
      chartImageValues(plan.chartImages, "cephCsiCephfs"),
    ),
  );
}
