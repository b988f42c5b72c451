/**
 * Storage for the platform: the CSI drivers the stack installs (NFS, or
 * standalone CephFS with its Ceph credentials Secret) and the StorageClasses
 * it defines. The gateway's workspaces and Postgres depend on it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../values/labels";

export const STORAGE_TYPE = "agent-platform:platform:Storage";

export interface StorageArgs {
  /** The csi-driver-nfs chart, when the stack defines an NFS class. */
  readonly nfs?: { readonly chart: k8s.helm.v4.ChartArgs };
  /** The standalone ceph-csi-cephfs chart and the Ceph credentials Secret it reads. */
  readonly cephfs?: {
    readonly chart: k8s.helm.v4.ChartArgs;
    readonly secret: { readonly name: string; readonly namespace: string; readonly userId: string };
    /** The Ceph user's key (secret Output). */
    readonly userKey: pulumi.Input<string>;
  };
  /** The StorageClasses the stack defines (values/storage.ts). */
  readonly classes: readonly k8s.storage.v1.StorageClassArgs[];
  /** Namespaces (and pull Secrets) of the CSI drivers. */
  readonly dependsOn: readonly pulumi.Resource[];
}

export class Storage extends pulumi.ComponentResource {
  /** What a consumer of the classes waits for: drivers and classes. */
  public readonly dependencies: readonly pulumi.Resource[];

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(STORAGE_TYPE, name, {}, opts);
    const drivers: pulumi.Resource[] = [];
    const afterNamespaces = { parent: this, dependsOn: [...args.dependsOn] };
    if (args.nfs !== undefined) drivers.push(new k8s.helm.v4.Chart(`${name}-nfs`, args.nfs.chart, afterNamespaces));
    if (args.cephfs !== undefined) {
      const { secret, userKey } = args.cephfs;
      if (secret.namespace !== args.cephfs.chart.namespace) {
        throw new Error(`Storage: the Ceph credentials Secret must be in the driver's namespace (${String(args.cephfs.chart.namespace)}), not ${secret.namespace}`);
      }
      const key = pulumi.secret(userKey);
      drivers.push(
        // adminID/adminKey provision volumes (ceph-csi 3.13); userID/userKey stage them (and are all 3.14+ reads).
        new k8s.core.v1.Secret(
          `${name}-ceph-credentials`,
          {
            metadata: { name: secret.name, namespace: secret.namespace, labels: { ...COMMON_LABELS } },
            type: "Opaque",
            stringData: { adminID: secret.userId, adminKey: key, userID: secret.userId, userKey: key },
          },
          afterNamespaces,
        ),
        new k8s.helm.v4.Chart(`${name}-cephfs`, args.cephfs.chart, afterNamespaces),
      );
    }
    const classes = args.classes.map(
      (sc) =>
        new k8s.storage.v1.StorageClass(`${name}-class-${String((sc.metadata as { name: string }).name)}`, sc, {
          parent: this,
          dependsOn: drivers,
          // StorageClass parameters are immutable: a change replaces the class, never its volumes.
          deleteBeforeReplace: true,
        }),
    );
    this.dependencies = [...drivers, ...classes];
    this.registerOutputs({ classes: classes.map((c) => c.metadata.name) });
  }
}
