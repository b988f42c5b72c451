/**
 * Storage for the platform: the CSI drivers the stack installs (NFS, or
 * standalone CephFS with its Ceph credentials Secret) and the StorageClasses
 * it defines. Each class waits for its own driver only; the gateway's
 * workspaces and Postgres wait for the class they use (components/graph.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_LABELS } from "../manifests/labels";
import type { Parts } from "./parts";

export const STORAGE_TYPE = "agent-platform:platform:Storage";

/** A CSI driver the component installs. */
export type CsiDriver = "nfs" | "cephfs";

export interface StorageArgs {
  /** The csi-driver-nfs chart, when the stack defines an NFS class, and what it waits for (its namespace). */
  readonly nfs?: { readonly chart: k8s.helm.v4.ChartArgs; readonly dependsOn: readonly pulumi.Resource[] };
  /** The standalone ceph-csi-cephfs chart and the Ceph credentials Secret it reads, and what they wait for. */
  readonly cephfs?: {
    readonly chart: k8s.helm.v4.ChartArgs;
    readonly secret: { readonly name: string; readonly namespace: string; readonly userId: string };
    /** The Ceph user's key (secret Output). */
    readonly userKey: pulumi.Input<string>;
    readonly dependsOn: readonly pulumi.Resource[];
  };
  /** The StorageClasses the stack defines (values/storage.ts), each with the driver here that provisions it (none: Rook). */
  readonly classes: readonly { readonly spec: k8s.storage.v1.StorageClassArgs; readonly driver?: CsiDriver }[];
}

export class Storage extends pulumi.ComponentResource {
  /** What others wait for: `class/<name>` per StorageClass, `driver/<nfs|cephfs>` per CSI driver. */
  public readonly parts: Parts;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(STORAGE_TYPE, name, {}, opts);
    const drivers: Partial<Record<CsiDriver, pulumi.Resource[]>> = {};
    if (args.nfs !== undefined) drivers.nfs = [new k8s.helm.v4.Chart(`${name}-nfs`, args.nfs.chart, { parent: this, dependsOn: [...args.nfs.dependsOn] })];
    if (args.cephfs !== undefined) {
      const { secret, userKey } = args.cephfs;
      if (secret.namespace !== args.cephfs.chart.namespace) {
        throw new Error(`Storage: the Ceph credentials Secret must be in the driver's namespace (${String(args.cephfs.chart.namespace)}), not ${secret.namespace}`);
      }
      const key = pulumi.secret(userKey);
      const afterNamespace = { parent: this, dependsOn: [...args.cephfs.dependsOn] };
      drivers.cephfs = [
        // adminID/adminKey provision volumes (ceph-csi 3.13); userID/userKey stage them (and are all 3.14+ reads).
        new k8s.core.v1.Secret(
          `${name}-ceph-credentials`,
          {
            metadata: { name: secret.name, namespace: secret.namespace, labels: { ...COMMON_LABELS } },
            type: "Opaque",
            stringData: { adminID: secret.userId, adminKey: key, userID: secret.userId, userKey: key },
          },
          afterNamespace,
        ),
        new k8s.helm.v4.Chart(`${name}-cephfs`, args.cephfs.chart, afterNamespace),
      ];
    }
    const parts: Record<string, readonly pulumi.Resource[]> = {};
    for (const [id, resources] of Object.entries(drivers)) parts[`driver/${id}`] = resources;
    for (const { spec, driver } of args.classes) {
      const className = String((spec.metadata as { name: string }).name);
      const provisioner = driver !== undefined ? drivers[driver] : [];
      if (provisioner === undefined) throw new Error(`Storage: class ${className} is provisioned by the ${String(driver)} driver, which this component does not install`);
      parts[`class/${className}`] = [
        new k8s.storage.v1.StorageClass(`${name}-class-${className}`, spec, {
          parent: this,
          // Only its own driver: another driver that cannot start holds back nothing of this class.
          dependsOn: provisioner,
          // StorageClass parameters are immutable: a change replaces the class, never its volumes.
          deleteBeforeReplace: true,
        }),
      ];
    }
    this.parts = parts;
    this.registerOutputs({ classes: args.classes.map((c) => String((c.spec.metadata as { name: string }).name)) });
  }
}
