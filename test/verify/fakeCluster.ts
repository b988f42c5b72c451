/** A Cluster over a list of objects (what the client layer would return), recording what verify creates and deletes. */
import type { KubeObject } from "../../verify/checks";
import { ClusterUnreachable, type Cluster } from "../../verify/cluster";
import { refKey, type ListRef, type ObjectRef } from "../../verify/expectations";
import { observe } from "./healthy";

export interface FakeCluster extends Cluster {
  readonly calls: string[];
}

const keyOf = (o: KubeObject): string => {
  const m = o["metadata"] as { name: string; namespace?: string };
  return refKey({ apiVersion: String(o["apiVersion"]), kind: String(o["kind"]), name: m.name, ...(m.namespace !== undefined ? { namespace: m.namespace } : {}) });
};

export function fakeCluster(initial: readonly KubeObject[], opts: { unreachable?: string; onCreate?: (o: KubeObject) => KubeObject } = {}): FakeCluster {
  const objects = new Map(initial.map((o) => [keyOf(o), o]));
  const calls: string[] = [];
  const guard = () => {
    if (opts.unreachable !== undefined) throw new ClusterUnreachable(opts.unreachable);
  };
  return {
    context: "kind-dev",
    server: "https://127.0.0.1:6443",
    calls,
    async version() {
      guard();
      return "v1.34.1";
    },
    async read(reads) {
      guard();
      return observe(reads, [...objects.values()]);
    },
    async get(ref: ObjectRef) {
      guard();
      return objects.get(refKey(ref)) ?? null;
    },
    async list(ref: ListRef) {
      guard();
      const got = observe([ref], [...objects.values()]).get(refKey(ref));
      return Array.isArray(got) ? (got as KubeObject[]) : [];
    },
    async create(o) {
      guard();
      calls.push(`create ${keyOf(o)}`);
      objects.set(keyOf(o), opts.onCreate !== undefined ? opts.onCreate(o) : o);
    },
    async remove(ref) {
      guard();
      calls.push(`delete ${refKey(ref)}`);
      objects.delete(refKey(ref));
    },
    async forward(namespace, pod, port) {
      calls.push(`forward ${namespace}/${pod}:${port}`);
      return { port: 40000 + port, close: () => calls.push(`close ${port}`) };
    },
  };
}
