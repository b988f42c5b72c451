/**
 * A small REST client for the test tier's API server: server-side apply (with dry-run, strict
 * field validation and impersonation), reads, status writes and deletes, and the `Warning`
 * headers the server returns (Pod Security warnings arrive that way). Discovery maps
 * apiVersion/kind to the resource path, the way kubectl does.
 */
import { request as httpsRequest } from "node:https";
import { whileBusy } from "../../migration/agentSandbox";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Response {
  readonly status: number;
  readonly body: unknown;
  /** The texts of the server's `Warning` headers, in order. */
  readonly warnings: readonly string[];
}

export interface Identity {
  readonly user: string;
  readonly groups?: readonly string[];
}

export interface ApplyOptions {
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
  readonly as?: Identity;
  readonly force?: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The server's refusal of a request, or "(accepted)": for tests that expect a refusal. */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
  return "(accepted)";
}

/** A read retried while the API server re-initializes a CRD's storage after a change (429), bounded. */
export function settled<T>(read: () => Promise<T>): Promise<T> {
  return whileBusy(read, (err) => err instanceof ApiError && err.status === 429, 5_000);
}

interface ResourceInfo {
  readonly name: string;
  readonly namespaced: boolean;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** `299 - "text"` → text (a header may carry several, comma-separated). */
export function warningTexts(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const header of raw) {
    for (const m of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(m[1]!.replace(/\\(.)/g, "$1"));
  }
  return out;
}

export class ApiClient {
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();

  constructor(
    readonly server: string,
    private readonly caPem: string,
    private readonly token: string,
  ) {}

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, as?: Identity): Promise<Response> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const h: Record<string, string | string[]> = { Authorization: `Bearer ${this.token}`, Accept: "application/json", ...headers };
    if (payload !== undefined) h["Content-Type"] ??= "application/json";
    if (as !== undefined) {
      h["Impersonate-User"] = as.user;
      if (as.groups !== undefined && as.groups.length > 0) h["Impersonate-Group"] = [...as.groups];
    }
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method, headers: h, ca: this.caPem, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            // plain-text endpoints (/readyz)
          }
          const raw: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === "warning") raw.push(res.rawHeaders[i + 1]!);
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings: warningTexts(raw) });
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Throws ApiError with the server's message unless the status is 2xx. */
  async ok(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, as?: Identity): Promise<Response> {
    const res = await this.request(method, path, body, headers, as);
    if (res.status < 200 || res.status >= 300) {
      const status = res.body as { message?: string; reason?: string } | undefined;
      throw new ApiError(res.status, status?.reason ?? "", `${method} ${path}: ${res.status} ${status?.message ?? JSON.stringify(res.body)}`);
    }
    return res;
  }

  private async resources(apiVersion: string, refresh: boolean): Promise<Map<string, ResourceInfo>> {
    let hit = this.discovery.get(apiVersion);
    if (hit !== undefined && !refresh) return hit;
    const path = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
    const res = await this.request("GET", path);
    hit = new Map();
    if (res.status === 200) {
      const list = res.body as { resources: { name: string; kind: string; namespaced: boolean }[] };
      for (const r of list.resources) if (!r.name.includes("/")) hit.set(r.kind, { name: r.name, namespaced: r.namespaced });
    }
    this.discovery.set(apiVersion, hit);
    return hit;
  }

  /** The resource a kind is served as; waits (bounded) for a CRD that was just created. */
  async resourceFor(apiVersion: string, kind: string, waitMs = 0): Promise<ResourceInfo> {
    const deadline = Date.now() + waitMs;
    for (let refresh = false; ; refresh = true) {
      const info = (await this.resources(apiVersion, refresh)).get(kind);
      if (info !== undefined) return info;
      if (Date.now() >= deadline) throw new ApiError(404, "NotFound", `the server does not serve ${kind} in ${apiVersion}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async pathOf(obj: Pick<K8sObject, "apiVersion" | "kind" | "metadata">, withName = true): Promise<string> {
    const info = await this.resourceFor(obj.apiVersion, obj.kind, 10_000);
    const base = obj.apiVersion === "v1" ? "/api/v1" : `/apis/${obj.apiVersion}`;
    const ns = info.namespaced ? `/namespaces/${obj.metadata.namespace ?? "default"}` : "";
    return `${base}${ns}/${info.name}${withName ? `/${encodeURIComponent(obj.metadata.name)}` : ""}`;
  }

  /** Server-side apply with strict field validation (an unknown field is an error, as in a typo'd chart value). */
  async apply(obj: K8sObject, opts: ApplyOptions = {}): Promise<Response> {
    const q = new URLSearchParams({ fieldManager: opts.fieldManager ?? "agent-platform-test", fieldValidation: "Strict" });
    if (opts.dryRun === true) q.set("dryRun", "All");
    if (opts.force !== false) q.set("force", "true");
    return this.ok("PATCH", `${await this.pathOf(obj)}?${q}`, obj, { "Content-Type": "application/apply-patch+yaml" }, opts.as);
  }

  async get<T = K8sObject>(apiVersion: string, kind: string, name: string, namespace?: string): Promise<T | undefined> {
    const res = await this.request("GET", await this.pathOf({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }));
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new ApiError(res.status, "", `GET ${kind} ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  }

  async list(apiVersion: string, kind: string, namespace?: string): Promise<K8sObject[]> {
    const path = await this.pathOf({ apiVersion, kind, metadata: { name: "", ...(namespace ? { namespace } : {}) } }, false);
    const res = await this.ok("GET", namespace === undefined ? path.replace(/\/namespaces\/default\//, "/") : path);
    return (res.body as { items: K8sObject[] }).items;
  }

  /** Merge-patches the status subresource (what a controller would report). */
  async patchStatus(obj: Pick<K8sObject, "apiVersion" | "kind" | "metadata">, status: unknown): Promise<Response> {
    return this.ok("PATCH", `${await this.pathOf(obj)}/status`, { status }, { "Content-Type": "application/merge-patch+json" });
  }

  async delete(obj: Pick<K8sObject, "apiVersion" | "kind" | "metadata">): Promise<Response> {
    return this.request("DELETE", await this.pathOf(obj));
  }

  /** Creates a CRD and waits (bounded) until it is Established and served. */
  async installCrd(crd: K8sObject, timeoutMs = 30_000): Promise<void> {
    await this.apply(crd);
    await this.waitEstablished(crd, timeoutMs);
  }

  /** Waits (bounded) until a CRD is Established and every served version is discoverable. */
  async waitEstablished(crd: K8sObject, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.get<{ status?: { conditions?: { type: string; status: string }[] } }>(crd.apiVersion, crd.kind, crd.metadata.name);
      if (got?.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const spec = crd["spec"] as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    for (const v of spec.versions.filter((x) => x.served)) await this.resourceFor(`${spec.group}/${v.name}`, spec.names.kind, timeoutMs);
  }
}
