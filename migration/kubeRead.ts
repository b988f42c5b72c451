/**
 * The preview's `MigrationApi`: the reads `inspect` makes (migration/agentSandbox.ts), as plain GETs
 * through lib/kubeRest.ts, so a preview does not load @kubernetes/client-node before the program has
 * registered its resources (docs/development.md, "No-op preview on the real engine"). The writes throw:
 * `pulumi up` migrates through migration/kubeClient.ts. Same answers as that client for the same
 * cluster (the real API server tier compares them).
 */
import { BUSY_RETRY_MS, crdState, listAllKeys, whileBusy, type CrdBody, type CrdRef, type CrdState, type ListPage, type MigrationApi, type ObjectKey } from "./agentSandbox";
import { kubeconfigTexts, resolveKubeconfig, restClient, type KubeconfigSource, type RestResponse } from "../lib/kubeRest";

type Get = (path: string) => Promise<RestResponse>;

/** A failed read: the HTTP status and the API server's message. */
export class KubeReadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "KubeReadError";
  }
}

const enc = encodeURIComponent;

function statusMessage(body: string): string {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof m === "string" && m !== "") return m;
  } catch {
    // not a Status object
  }
  return body.trim().slice(0, 200);
}

/** The parsed body of a 200, undefined for a 404; 429 retried as migration/kubeClient.ts retries it; throws otherwise. */
function read<T>(get: Get, path: string, retryMs: number): Promise<T | undefined> {
  return whileBusy(
    async () => {
      const r = await get(path);
      if (r.status === 200) return JSON.parse(r.body) as T;
      if (r.status === 404) return undefined;
      throw new KubeReadError(r.status, `GET ${path}: HTTP ${r.status}: ${statusMessage(r.body)}`);
    },
    (err) => err instanceof KubeReadError && err.status === 429,
    retryMs,
  );
}

const readOnly = (call: string) => () => Promise.reject(new Error(`migration/kubeRead.ts is read-only: ${call} runs under pulumi up through migration/kubeClient.ts`));

/** The reads over a GET function (tests pass a fake server's). */
export function restMigrationReads(get: Get, retryMs: number = BUSY_RETRY_MS): MigrationApi {
  return {
    async readCrd(name): Promise<CrdState | undefined> {
      const crd = await read<CrdBody>(get, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${enc(name)}`, retryMs);
      return crd === undefined ? undefined : crdState(name, crd);
    },
    listObjects(crd: CrdRef, version: string): Promise<ObjectKey[]> {
      return listAllKeys(async (cont) => {
        const path = `/apis/${enc(crd.group)}/${enc(version)}/${enc(crd.plural)}?limit=500${cont !== undefined ? `&continue=${enc(cont)}` : ""}`;
        const page = await read<ListPage>(get, path, retryMs);
        if (page === undefined) throw new KubeReadError(404, `GET ${path}: HTTP 404: the API server does not serve ${crd.plural}.${crd.group}/${version}`);
        return page;
      });
    },
    async secretExists(namespace, name) {
      return (await read<object>(get, `/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`, retryMs)) !== undefined;
    },
    async deploymentImage(namespace, name) {
      const d = await read<{ spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }>(get, `/apis/apps/v1/namespaces/${enc(namespace)}/deployments/${enc(name)}`, retryMs);
      return d?.spec?.template?.spec?.containers?.[0]?.image;
    },
    rewriteObject: readOnly("rewriteObject"),
    setStoredVersions: readOnly("setStoredVersions"),
    dropConversionWebhook: readOnly("dropConversionWebhook"),
    deleteSecret: readOnly("deleteSecret"),
  };
}

/**
 * The reads for the cluster a kubeconfig source names, or the reason this client does not handle that
 * kubeconfig (the caller then reads through migration/kubeClient.ts).
 */
export function connectMigrationReads(src: KubeconfigSource, env: NodeJS.ProcessEnv = process.env): { api: MigrationApi } | { unsupported: string } {
  const texts = kubeconfigTexts(src, env);
  if (texts === undefined) return { unsupported: "no kubeconfig file (in-cluster or missing)" };
  const r = resolveKubeconfig(texts, src.context);
  return r.ok ? { api: restMigrationReads(restClient(r.target)) } : { unsupported: r.unsupported };
}
