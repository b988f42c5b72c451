import { describe, expect, it } from "vitest";
import { cephCsiValues, csiDriverNfsValues, storageClasses } from "../../values/storage";
import { provided } from "../harness/presence";
import { MIRROR, planFor } from "../harness/planFor";

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform" };

describe("storage classes", () => {
  it("CephFS on Rook: the operator's provisioner and Rook's Secrets, Retain in prod", () => {
    expect(storageClasses(planFor({ tier: "prod", kubernetesVersion: "1.34", storage: { cephfs: { mode: "rook", fsName: "myfs", pool: "myfs-replicated" } } }))).toEqual([
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "cephfs", labels: LABELS },
        provisioner: "rook-ceph.cephfs.csi.ceph.com",
        parameters: {
          clusterID: "rook-ceph",
          "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-cephfs-provisioner",
          "csi.storage.k8s.io/controller-expand-secret-namespace": "rook-ceph",
          "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-cephfs-node",
          "csi.storage.k8s.io/node-stage-secret-namespace": "rook-ceph",
          "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-cephfs-provisioner",
          "csi.storage.k8s.io/provisioner-secret-namespace": "rook-ceph",
          fsName: "myfs",
          pool: "myfs-replicated",
        },
        reclaimPolicy: "Retain",
        allowVolumeExpansion: true,
        volumeBindingMode: "Immediate",
      },
    ]);
  });

  it("standalone CephFS: the ceph-csi provisioner and our credentials Secret in the driver namespace", () => {
    const [sc] = storageClasses(
      planFor(
        { tier: "dev", kubernetesVersion: "1.34", storage: { cephfs: { mode: "standalone", clusterID: "fsid-1", fsName: "fs", monitors: ["10.0.0.1:6789"], mounter: "kernel", default: true } } },
        provided("cephUserKey"),
      ),
    );
    expect(sc).toEqual({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "cephfs", labels: LABELS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "cephfs.csi.ceph.com",
      parameters: {
        clusterID: "fsid-1",
        "csi.storage.k8s.io/controller-expand-secret-name": "csi-cephfs-secret",
        "csi.storage.k8s.io/controller-expand-secret-namespace": "ceph-csi-cephfs",
        "csi.storage.k8s.io/node-stage-secret-name": "csi-cephfs-secret",
        "csi.storage.k8s.io/node-stage-secret-namespace": "ceph-csi-cephfs",
        "csi.storage.k8s.io/provisioner-secret-name": "csi-cephfs-secret",
        "csi.storage.k8s.io/provisioner-secret-namespace": "ceph-csi-cephfs",
        fsName: "fs",
        mounter: "kernel",
      },
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
      volumeBindingMode: "Immediate",
    });
  });

  it("NFS: server, share, per-volume subDir, on-delete behaviour and mount options", () => {
    const [sc] = storageClasses(
      planFor({
        tier: "dev",
        kubernetesVersion: "1.34",
        storage: {
          volumeBindingMode: "WaitForFirstConsumer",
          nfs: { enabled: true, server: "nfs.lab", share: "/exports", subDir: "${pvc.metadata.namespace}/${pvc.metadata.name}", mountPermissions: "0775", onDelete: "archive" },
        },
      }),
    );
    expect(sc).toEqual({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "nfs", labels: LABELS },
      provisioner: "nfs.csi.k8s.io",
      parameters: { mountPermissions: "0775", onDelete: "archive", server: "nfs.lab", share: "/exports", subDir: "${pvc.metadata.namespace}/${pvc.metadata.name}" },
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
      volumeBindingMode: "WaitForFirstConsumer",
      mountOptions: ["nfsvers=4.1"],
    });
  });
});

describe("CSI driver values", () => {
  it("csi-driver-nfs mirrored: every image on the mirror, the base repository too, the pull secret", () => {
    const v = csiDriverNfsValues(
      planFor({ tier: "prod", kubernetesVersion: "1.34", registry: MIRROR, storage: { nfs: { enabled: true, server: "n", share: "/e" } } }, provided("registryPassword")),
    );
    const m = "harbor.example.internal/mirror/registry.k8s.io/sig-storage";
    expect(v).toEqual({
      externalSnapshotter: { enabled: false },
      image: {
        baseRepo: "harbor.example.internal/mirror/registry.k8s.io",
        csiProvisioner: { repository: `${m}/csi-provisioner`, tag: "v6.3.0" },
        csiResizer: { repository: `${m}/csi-resizer`, tag: "v2.2.0" },
        csiSnapshotter: { repository: `${m}/csi-snapshotter`, tag: "v8.6.0" },
        externalSnapshotter: { repository: `${m}/snapshot-controller`, tag: "v8.6.0" },
        livenessProbe: { repository: `${m}/livenessprobe`, tag: "v2.19.0" },
        nfs: { repository: `${m}/nfsplugin`, tag: "v4.13.4" },
        nodeDriverRegistrar: { repository: `${m}/csi-node-driver-registrar`, tag: "v2.17.0" },
      },
      imagePullSecrets: [{ name: "platform-registry-credentials" }],
      storageClass: { create: false },
    });
  });

  it("ceph-csi-cephfs: csiConfig with the cluster's monitors; Secret and class made by the graph", () => {
    const v = cephCsiValues(
      planFor(
        { tier: "dev", kubernetesVersion: "1.34", storage: { cephfs: { mode: "standalone", clusterID: "fsid-1", fsName: "fs", monitors: ["10.0.0.1:6789", "10.0.0.2:6789"], subvolumeGroup: "csi" } } },
        provided("cephUserKey"),
      ),
    );
    expect([v["csiConfig"], v["secret"], v["storageClass"], v["nodeplugin"]]).toEqual([
      [{ cephFS: { subvolumeGroup: "csi" }, clusterID: "fsid-1", monitors: ["10.0.0.1:6789", "10.0.0.2:6789"] }],
      { create: false },
      { create: false },
      {
        imagePullSecrets: [],
        plugin: { image: { repository: "quay.io/cephcsi/cephcsi", tag: "v3.13.1" } },
        registrar: { image: { repository: "registry.k8s.io/sig-storage/csi-node-driver-registrar", tag: "v2.11.1" } },
      },
    ]);
  });
});
