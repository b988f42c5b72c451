/**
 * The thin layer between `verify` and a cluster: @kubernetes/client-node
 * reads the objects the checks name, creates and deletes the probe, and
 * forwards ports to the gateway. Nothing here decides anything; the checks
 * are in verify/checks.ts and verify/probe.ts. Every call is bounded by a
 * deadline.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import * as k8s from "@kubernetes/client-node";
import { KubeconfigError, loadKubeconfig, type KubeconfigSource } from "../lib/kubeconfig";
import type { KubeObject, Observed } from "./checks";
import { refKey, type ListRef, type ObjectRef } from "./expectations";

/** The cluster could not be reached (exit 2): names the context and the server. */
export class ClusterUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClusterUnreachable";
  }
}

/** What verify does with a cluster; tests substitute it. */
export interface Cluster {
  readonly context: string;
  readonly server: string;
  /** The API server's version (throws ClusterUnreachable when it does not answer in time). */
  version(): Promise<string>;
  read(reads: readonly (ObjectRef | ListRef)[]): Promise<Observed>;
  get(ref: ObjectRef): Promise<KubeObject | null>;
  list(ref: ListRef): Promise<readonly KubeObject[]>;
  create(o: KubeObject): Promise<void>;
  /** Deletes, ignoring an object that is already gone. */
  remove(ref: ObjectRef): Promise<void>;
  /** A local port forwarded to a pod's port; close() stops it. */
  forward(namespace: string, pod: string, port: number): Promise<{ readonly port: number; close(): void }>;
}

export type { KubeconfigSource };

const withDeadline = <T>(what: string, ms: number, p: Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

const isNotFound = (err: unknown): boolean =>
  (err instanceof k8s.ApiException && err.code === 404) || (err instanceof Error && err.message.startsWith("Unrecognized API version and kind"));

/** Loads the kubeconfig the plan names; one that names no cluster is reported as ClusterUnreachable. */
export function loadClusterConfig(src: KubeconfigSource): k8s.KubeConfig {
  try {
    return loadKubeconfig(src);
  } catch (err) {
    if (err instanceof KubeconfigError) throw new ClusterUnreachable(err.message);
    throw err;
  }
}

export function connectCluster(src: KubeconfigSource, timeoutMs: number): Cluster {
  const kc = loadClusterConfig(src);
  const context = kc.getCurrentContext();
  const server = kc.getCurrentCluster()?.server ?? "(no server)";
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const where = `context "${context}" (${server})`;
  const call = <T>(what: string, p: Promise<T>) =>
    withDeadline(what, timeoutMs, p).catch((err: unknown) => {
      if (err instanceof k8s.ApiException && (err.code === 401 || err.code === 403)) {
        throw new ClusterUnreachable(`the identity of ${where} may not ${what} (HTTP ${err.code}): verify needs read access to what the stack installs, and --probe create/delete of Sandboxes and PVCs in the sandbox namespace`);
      }
      if (isNotFound(err) || err instanceof k8s.ApiException) throw err;
      throw new ClusterUnreachable(`cannot reach the Kubernetes API server of ${where}: ${(err as Error).message}`);
    });
  const header = (ref: ObjectRef) => ({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) } });

  const get = async (ref: ObjectRef): Promise<KubeObject | null> => {
    try {
      return (await call(`read ${ref.kind} ${ref.name}`, objects.read(header(ref)))) as unknown as KubeObject;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  };
  const list = async (ref: ListRef): Promise<readonly KubeObject[]> => {
    try {
      const l = await call(`list ${ref.kind}`, objects.list(ref.apiVersion, ref.kind, ref.namespace, undefined, undefined, undefined, undefined, ref.labelSelector));
      return l.items as unknown as KubeObject[];
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  };

  return {
    context,
    server,
    async version() {
      const info = await call("GET /version", kc.makeApiClient(k8s.VersionApi).getCode());
      return info.gitVersion;
    },
    async read(reads) {
      const out = new Map<string, KubeObject | null | readonly KubeObject[]>();
      for (const r of reads) out.set(refKey(r), "labelSelector" in r ? await list(r) : await get(r));
      return out;
    },
    get,
    list,
    async create(o) {
      await call(`create ${String(o["kind"])}`, objects.create(o as unknown as k8s.KubernetesObject));
    },
    async remove(ref) {
      try {
        await call(`delete ${ref.kind} ${ref.name}`, objects.delete(header(ref), undefined, undefined, undefined, undefined, "Background"));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async forward(namespace, pod, port) {
      const pf = new k8s.PortForward(kc);
      const srv: Server = createServer((socket) => {
        pf.portForward(namespace, pod, [port], socket, null, socket).catch(() => socket.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => resolve());
      });
      return { port: (srv.address() as AddressInfo).port, close: () => srv.close() };
    },
  };
}
