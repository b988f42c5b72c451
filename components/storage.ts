/**
 * Storage for the platform: the CSI drivers the stack installs (NFS, or
 * standalone CephFS with its Ceph credentials Secret) and the StorageClasses
 * it defines. The gateway's workspaces and Postgres depend on it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../plan/plan";
import { CEPH_SECRET, cephCsiValues, csiDriverNfsValues, storageClasses } from "../values/storage";
import { chartArgs, type ChartCredentials } from "./chartArgs";
import { COMMON_LABELS } from "../values/labels";

export const STORAGE_TYPE = "agent-platform:platform:Storage";


export interface StorageArgs {
  readonly plan: Plan;
  readonly chartCredentials?: ChartCredentials;
  /** The Ceph user's key (secret Output), for standalone CephFS. */
  readonly cephUserKey?: pulumi.Input<string>;
  /** Namespaces (and pull Secrets) of the CSI drivers. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class Storage extends pulumi.ComponentResource {
  /** What a consumer of the classes waits for: drivers and classes. */
  public readonly ready: readonly pulumi.Resource[];

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(STORAGE_TYPE, name, {}, opts);
    const { plan } = args;
    const drivers: pulumi.Resource[] = [];
    const nfsChart = plan.charts.find((c) => c.id === "csiDriverNfs");
    if (nfsChart !== undefined) {
      drivers.push(
        new k8s.helm.v4.Chart(`${name}-nfs`, chartArgs(plan, nfsChart, "csi-driver-nfs", plan.namespaces.csiDriverNfs!, csiDriverNfsValues(plan), args.chartCredentials), {
          parent: this,
          dependsOn: [...args.dependsOn],
        }),
      );
    }
    const cephChart = plan.charts.find((c) => c.id === "cephCsiCephfs");
    if (cephChart !== undefined) {
      if (args.cephUserKey === undefined) throw new Error("standalone CephFS needs the Ceph user key");
      const ns = plan.namespaces.cephCsi!;
      const user = plan.config.storage.cephfs.userId;
      const key = pulumi.secret(args.cephUserKey);
      drivers.push(
        // adminID/adminKey provision volumes (ceph-csi 3.13); userID/userKey stage them (and are all 3.14+ reads).
        new k8s.core.v1.Secret(
          `${name}-ceph-credentials`,
          {
            metadata: { name: CEPH_SECRET, namespace: ns, labels: { ...COMMON_LABELS } },
            type: "Opaque",
            stringData: { adminID: user, adminKey: key, userID: user, userKey: key },
          },
          { parent: this, dependsOn: [...args.dependsOn] },
        ),
        new k8s.helm.v4.Chart(`${name}-cephfs`, chartArgs(plan, cephChart, "ceph-csi-cephfs", ns, cephCsiValues(plan), args.chartCredentials), {
          parent: this,
          dependsOn: [...args.dependsOn],
        }),
      );
    }
    const classes = storageClasses(plan).map(
      (sc) =>
        new k8s.storage.v1.StorageClass(`${name}-class-${sc.metadata.name}`, sc, {
          parent: this,
          dependsOn: drivers,
          // StorageClass parameters are immutable: a change replaces the class, never its volumes.
          deleteBeforeReplace: true,
        }),
    );
    this.ready = [...drivers, ...classes];
    this.registerOutputs({ classes: classes.map((c) => c.metadata.name) });
  }
}
