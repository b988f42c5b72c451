/**
 * An in-memory stand-in for the API server calls the migration makes: CRDs
 * with their versions, storedVersions and conversion strategy, objects with
 * the version they are stored at, Secrets and the controller Deployment.
 * Every write is logged, so tests assert order and that nothing else was
 * touched. Like the API server, a rewrite stores the object at the CRD's
 * storage version, and listing at a version the CRD does not serve fails.
 */
import type { CrdRef, CrdState, MigrationApi, ObjectKey } from "../../migration/agentSandbox";

export interface FakeCrd {
  versions: string[];
  storageVersion: string;
  storedVersions: string[];
  conversionStrategy: string;
  /** namespace/name → the version the object is stored at */
  objects: Map<string, string>;
}

export class FakeCluster implements MigrationApi {
  readonly crds = new Map<string, FakeCrd>();
  readonly secrets = new Set<string>();
  readonly writes: string[] = [];
  controllerImage: string | undefined;
  /** Makes the n-th rewrite (1-based, counted over the fake's life) throw, to simulate an interruption. */
  failRewriteAt: number | undefined;
  /** Objects deleted by someone else between the list and the rewrite. */
  readonly vanishing = new Set<string>();
  private rewrites = 0;

  addCrd(name: string, c: Partial<FakeCrd> & { objects?: Map<string, string> }): this {
    this.crds.set(name, {
      versions: ["v1beta1", "v1alpha1"],
      storageVersion: "v1beta1",
      storedVersions: ["v1beta1"],
      conversionStrategy: "Webhook",
      objects: new Map(),
      ...c,
    });
    return this;
  }

  async readCrd(name: string): Promise<CrdState | undefined> {
    const c = this.crds.get(name);
    if (c === undefined) return undefined;
    return { name, versions: [...c.versions], storageVersion: c.storageVersion, storedVersions: [...c.storedVersions], conversionStrategy: c.conversionStrategy };
  }

  async listObjects(crd: CrdRef, version: string): Promise<readonly ObjectKey[]> {
    const c = this.crds.get(crd.name);
    if (c === undefined) throw new Error(`404 ${crd.name}`);
    if (!c.versions.includes(version)) throw new Error(`404 the server could not find the requested resource (${crd.group}/${version})`);
    return [...c.objects.keys()].sort().map((k) => ({ namespace: k.split("/")[0]!, name: k.split("/")[1]! }));
  }

  async rewriteObject(crd: CrdRef, version: string, key: ObjectKey): Promise<boolean> {
    const c = this.crds.get(crd.name)!;
    const k = `${key.namespace}/${key.name}`;
    this.rewrites++;
    if (this.failRewriteAt === this.rewrites) throw new Error("connection reset by peer");
    if (this.vanishing.has(k)) {
      c.objects.delete(k);
      return false;
    }
    if (!c.objects.has(k)) return false;
    c.objects.set(k, c.storageVersion);
    this.writes.push(`rewrite ${crd.kind} ${k} at ${version}`);
    return true;
  }

  async setStoredVersions(crdName: string, versions: readonly string[]): Promise<void> {
    this.crds.get(crdName)!.storedVersions = [...versions];
    this.writes.push(`storedVersions ${crdName} ${JSON.stringify(versions)}`);
  }

  async dropConversionWebhook(crdName: string): Promise<void> {
    this.crds.get(crdName)!.conversionStrategy = "None";
    this.writes.push(`conversion None ${crdName}`);
  }

  async secretExists(namespace: string, name: string): Promise<boolean> {
    return this.secrets.has(`${namespace}/${name}`);
  }

  async deleteSecret(namespace: string, name: string): Promise<void> {
    this.secrets.delete(`${namespace}/${name}`);
    this.writes.push(`delete Secret ${namespace}/${name}`);
  }

  async deploymentImage(): Promise<string | undefined> {
    return this.controllerImage;
  }
}

/**
 * A cluster upgraded over the years: v0.4.x (v1alpha1 only) created the
 * objects, v0.5.6 now runs (v1beta1 storage, webhook conversion), and some
 * objects were written since (stored at v1beta1).
 */
export function upgradedV05Cluster(extensions = true): FakeCluster {
  const cluster = new FakeCluster();
  cluster.controllerImage = "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v0.5.6";
  cluster.secrets.add("agent-sandbox-system/agent-sandbox-webhook-certs");
  cluster.addCrd("sandboxes.agents.x-k8s.io", {
    storedVersions: ["v1alpha1", "v1beta1"],
    objects: new Map([
      ["team-a/alpha", "v1alpha1"],
      ["team-a/beta", "v1beta1"],
      ["team-b/gamma", "v1alpha1"],
    ]),
  });
  if (extensions) {
    cluster.addCrd("sandboxtemplates.extensions.agents.x-k8s.io", { storedVersions: ["v1alpha1", "v1beta1"], objects: new Map([["team-a/python", "v1alpha1"]]) });
    cluster.addCrd("sandboxclaims.extensions.agents.x-k8s.io", { storedVersions: ["v1alpha1", "v1beta1"] });
    cluster.addCrd("sandboxwarmpools.extensions.agents.x-k8s.io", { storedVersions: ["v1beta1"] });
  }
  return cluster;
}
