/**
 * Read-only GETs against the cluster a kubeconfig names, without
 * @kubernetes/client-node. Loading that package takes 0.3-0.5 s of CPU on the
 * program's only thread; in a preview it sat on the path before the first
 * resource registration (the agent-sandbox migration's read,
 * migration/kubeRead.ts). This module covers the kubeconfigs seen in
 * practice, the way kubectl reads them:
 * - files: cluster.kubeconfigPath, else every path in $KUBECONFIG merged
 *   (the first file to define a name wins, as does the first
 *   current-context), else ~/.kube/config; or the kubeconfig secret's text;
 * - cluster: server (https, or http), certificate-authority(-data),
 *   insecure-skip-tls-verify, tls-server-name; relative paths are relative
 *   to the file that names them;
 * - user: token or tokenFile (with or without a client certificate), a client
 *   certificate and key (files or -data), username/password, or an exec
 *   credential plugin (token or client certificate from its ExecCredential).
 *
 * Anything else (proxy-url, auth-provider, impersonation, exec plugins that
 * need the cluster's details or a terminal, in-cluster configuration, a file
 * that does not parse) resolves to `unsupported` with the reason, and the
 * caller uses lib/kubeconfig.ts (client-node) as before, which also gives
 * the errors for a missing file or context.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { isIP } from "node:net";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";

/** Which kubeconfig a stack names (lib/kubeconfig.ts loads it with client-node, kubeconfigTexts reads it here). */
export interface KubeconfigSource {
  /** Path of a kubeconfig (cluster.kubeconfigPath); unset: $KUBECONFIG or ~/.kube/config. */
  readonly path?: string;
  /** Kubeconfig contents (the secret kubeconfig setting). */
  readonly contents?: string;
  /** Context to use (cluster.context); unset: the kubeconfig's current-context. */
  readonly context?: string;
}

/** The stack's kubeconfig as the provider reads it: the secret's contents when given, else the stack's path; the stack's context. */
export function kubeconfigSource(provider: { readonly kubeconfigPath?: string; readonly context?: string }, contents?: string): KubeconfigSource {
  return {
    ...(contents !== undefined ? { contents } : provider.kubeconfigPath !== undefined ? { path: provider.kubeconfigPath } : {}),
    ...(provider.context !== undefined ? { context: provider.context } : {}),
  };
}

/** Bytes from a `-data` field (base64) or a file. */
export type Material = { readonly data: string } | { readonly file: string };

export interface ExecPlugin {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly apiVersion: string;
  /** Directory of the kubeconfig that names the plugin (a relative command with a slash is relative to it). */
  readonly baseDir: string;
}

export type Credentials =
  | { readonly kind: "none" }
  | { readonly kind: "token"; readonly token: { readonly value: string } | { readonly file: string }; readonly clientCert?: { readonly cert: Material; readonly key: Material } }
  | { readonly kind: "clientCert"; readonly cert: Material; readonly key: Material }
  | { readonly kind: "basic"; readonly username: string; readonly password: string }
  | { readonly kind: "exec"; readonly exec: ExecPlugin };

export interface RestTarget {
  readonly server: string;
  readonly ca?: Material;
  readonly insecure: boolean;
  readonly tlsServerName?: string;
  readonly credentials: Credentials;
}

export type Resolution = { readonly ok: true; readonly target: RestTarget } | { readonly ok: false; readonly unsupported: string };

/** One kubeconfig document: its text and the directory its relative paths start from. */
export interface KubeconfigText {
  readonly text: string;
  readonly dir: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

interface Named {
  readonly body: Obj;
  readonly dir: string;
}

const CLUSTER_KEYS = new Set(["server", "certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name", "disable-compression", "extensions"]);
const USER_KEYS = new Set(["token", "tokenFile", "client-certificate", "client-certificate-data", "client-key", "client-key-data", "username", "password", "exec", "extensions"]);
const EXEC_KEYS = new Set(["command", "args", "env", "apiVersion", "installHint", "provideClusterInfo", "interactiveMode"]);

const material = (data: unknown, file: unknown, dir: string): Material | undefined => {
  const d = str(data);
  if (d !== undefined) return { data: d };
  const f = str(file);
  return f !== undefined ? { file: resolve(dir, f) } : undefined;
};

/**
 * The target of `context` (or the current-context) across the given documents, merged as kubectl merges
 * $KUBECONFIG; pure. `unsupported` says what this client does not handle.
 */
export function resolveKubeconfig(docs: readonly KubeconfigText[], context?: string): Resolution {
  const no = (unsupported: string): Resolution => ({ ok: false, unsupported });
  const clusters = new Map<string, Named>();
  const users = new Map<string, Named>();
  const contexts = new Map<string, Named>();
  let current: string | undefined;
  for (const doc of docs) {
    let parsed: unknown;
    try {
      parsed = parse(doc.text);
    } catch {
      return no("a kubeconfig does not parse");
    }
    if (parsed === null || parsed === undefined) continue;
    if (!isObj(parsed)) return no("a kubeconfig is not a mapping");
    for (const [list, key, into] of [
      ["clusters", "cluster", clusters],
      ["users", "user", users],
      ["contexts", "context", contexts],
    ] as const) {
      const entries = parsed[list] ?? [];
      if (!Array.isArray(entries)) return no(`${list} is not a list`);
      for (const e of entries) {
        const name = isObj(e) ? str(e["name"]) : undefined;
        if (name === undefined || !isObj(e)) return no(`an entry of ${list} has no name`);
        if (!into.has(name)) into.set(name, { body: isObj(e[key]) ? e[key] : {}, dir: doc.dir });
      }
    }
    current ??= str(parsed["current-context"]);
  }
  const ctxName = context ?? current;
  if (ctxName === undefined) return no("no current-context");
  const ctx = contexts.get(ctxName);
  if (ctx === undefined) return no(`no context ${ctxName}`);
  const cluster = clusters.get(str(ctx.body["cluster"]) ?? "");
  if (cluster === undefined) return no(`no cluster for context ${ctxName}`);
  const c = cluster.body;
  const extraCluster = Object.keys(c).filter((k) => !CLUSTER_KEYS.has(k));
  if (extraCluster.length > 0) return no(`cluster ${extraCluster.sort().join(", ")}`);
  const server = str(c["server"]);
  if (server === undefined || !/^https?:\/\//.test(server)) return no("no http(s) server");
  const ca = material(c["certificate-authority-data"], c["certificate-authority"], cluster.dir);
  const tlsServerName = str(c["tls-server-name"]);
  const base = { server, ...(ca !== undefined ? { ca } : {}), insecure: c["insecure-skip-tls-verify"] === true, ...(tlsServerName !== undefined ? { tlsServerName } : {}) };

  const userName = str(ctx.body["user"]);
  const user = userName === undefined ? { body: {}, dir: cluster.dir } : users.get(userName);
  if (user === undefined) return no(`no user ${userName}`);
  const u = user.body;
  const extraUser = Object.keys(u).filter((k) => !USER_KEYS.has(k));
  if (extraUser.length > 0) return no(`user ${extraUser.sort().join(", ")}`);
  const cert = material(u["client-certificate-data"], u["client-certificate"], user.dir);
  const key = material(u["client-key-data"], u["client-key"], user.dir);
  if ((cert === undefined) !== (key === undefined)) return no("a client certificate without its key");
  const token = str(u["token"]);
  const tokenFile = str(u["tokenFile"]);
  const basic = str(u["username"]) !== undefined || str(u["password"]) !== undefined;
  const exec = u["exec"];
  const kinds = [token !== undefined || tokenFile !== undefined, basic, exec !== undefined && exec !== null].filter(Boolean).length;
  if (kinds > 1) return no("more than one of token, username/password and exec");

  const withCreds = (credentials: Credentials): Resolution => ({ ok: true, target: { ...base, credentials } });
  if (token !== undefined || tokenFile !== undefined) {
    const t = token !== undefined ? { value: token } : { file: resolve(user.dir, tokenFile!) };
    return withCreds({ kind: "token", token: t, ...(cert !== undefined && key !== undefined ? { clientCert: { cert, key } } : {}) });
  }
  if (basic) {
    if (cert !== undefined) return no("username/password with a client certificate");
    return withCreds({ kind: "basic", username: str(u["username"]) ?? "", password: str(u["password"]) ?? "" });
  }
  if (exec !== undefined && exec !== null) {
    if (cert !== undefined) return no("exec with a client certificate");
    if (!isObj(exec)) return no("exec is not a mapping");
    const extraExec = Object.keys(exec).filter((k) => !EXEC_KEYS.has(k));
    if (extraExec.length > 0) return no(`exec ${extraExec.sort().join(", ")}`);
    if (exec["provideClusterInfo"] === true) return no("exec provideClusterInfo");
    if (exec["interactiveMode"] === "Always") return no("exec interactiveMode Always");
    const command = str(exec["command"]);
    const apiVersion = str(exec["apiVersion"]);
    if (command === undefined || apiVersion === undefined) return no("exec without command or apiVersion");
    const args = exec["args"] ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) return no("exec args are not strings");
    const env: Record<string, string> = {};
    const envList = exec["env"] ?? [];
    if (!Array.isArray(envList)) return no("exec env is not a list");
    for (const e of envList) {
      if (!isObj(e) || str(e["name"]) === undefined || typeof e["value"] !== "string") return no("exec env entry without name or value");
      env[e["name"] as string] = e["value"];
    }
    return withCreds({ kind: "exec", exec: { command, args, env, apiVersion, baseDir: user.dir } });
  }
  if (cert !== undefined && key !== undefined) return withCreds({ kind: "clientCert", cert, key });
  return withCreds({ kind: "none" });
}

/** Where a kubeconfig is looked for when the stack names none: every path in $KUBECONFIG, else ~/.kube/config (lib/kubeconfig.ts and `npm run plan` use it too). */
export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  return env["KUBECONFIG"] ? env["KUBECONFIG"].split(delimiter).filter((p) => p !== "") : [join(home, ".kube", "config")];
}

/** The kubeconfig documents a source names, as loadKubeconfig reads them; undefined for in-cluster or none found. */
export function kubeconfigTexts(src: KubeconfigSource, env: NodeJS.ProcessEnv = process.env): KubeconfigText[] | undefined {
  if (src.contents !== undefined) return [{ text: src.contents, dir: process.cwd() }];
  const paths = src.path !== undefined ? [src.path] : defaultKubeconfigPaths(env);
  const present = paths.filter((p) => existsSync(p));
  if (present.length === 0) return undefined;
  return present.map((p) => ({ text: readFileSync(p, "utf8"), dir: dirname(resolve(p)) }));
}

const bytes = (m: Material): Buffer => ("data" in m ? Buffer.from(m.data, "base64") : readFileSync(m.file));

/** What an exec plugin prints (client.authentication.k8s.io ExecCredential). */
export function execCredential(stdout: string): { token: string } | { cert: string; key: string } {
  let status: unknown;
  try {
    status = (JSON.parse(stdout) as Obj)["status"];
  } catch {
    throw new Error("the exec credential plugin did not print an ExecCredential (not JSON)");
  }
  if (isObj(status)) {
    const token = str(status["token"]);
    if (token !== undefined) return { token };
    const cert = str(status["clientCertificateData"]);
    const key = str(status["clientKeyData"]);
    if (cert !== undefined && key !== undefined) return { cert, key };
  }
  throw new Error("the exec credential plugin's ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData");
}

function runExec(p: ExecPlugin): Promise<string> {
  const command = !isAbsolute(p.command) && p.command.includes("/") ? resolve(p.baseDir, p.command) : p.command;
  const info = JSON.stringify({ apiVersion: p.apiVersion, kind: "ExecCredential", spec: { interactive: false } });
  return new Promise((ok, fail) =>
    execFile(command, [...p.args], { env: { ...process.env, ...p.env, KUBERNETES_EXEC_INFO: info }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err !== null) fail(new Error(`the exec credential plugin ${p.command} failed: ${String(stderr).trim().split("\n").pop() || err.message}`));
      else ok(String(stdout));
    }),
  );
}

export interface RestResponse {
  readonly status: number;
  readonly body: string;
}

/** How long one request may take before it fails (the caller then reports the cluster unread). */
const REQUEST_TIMEOUT_MS = 30_000;

/** GET `path` (with its query) on the target; the exec plugin, if any, runs once per client. */
export function restClient(target: RestTarget): (path: string) => Promise<RestResponse> {
  const url = new URL(target.server);
  const basePath = url.pathname.replace(/\/+$/, "");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  type Auth = { headers: Record<string, string>; cert?: Buffer | string; key?: Buffer | string };
  let auth: Promise<Auth> | undefined;
  const credentials = () =>
    (auth ??= (async (): Promise<Auth> => {
      const c = target.credentials;
      switch (c.kind) {
        case "none":
          return { headers: {} };
        case "token": {
          const token = "value" in c.token ? c.token.value : readFileSync(c.token.file, "utf8").trim();
          return { headers: { Authorization: `Bearer ${token}` }, ...(c.clientCert !== undefined ? { cert: bytes(c.clientCert.cert), key: bytes(c.clientCert.key) } : {}) };
        }
        case "clientCert":
          return { headers: {}, cert: bytes(c.cert), key: bytes(c.key) };
        case "basic":
          return { headers: { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}` } };
        case "exec": {
          const cred = execCredential(await runExec(c.exec));
          return "token" in cred ? { headers: { Authorization: `Bearer ${cred.token}` } } : { headers: {}, cert: cred.cert, key: cred.key };
        }
      }
    })());
  const ca = target.ca !== undefined ? bytes(target.ca) : undefined;
  return async (path) => {
    const a = await credentials();
    const mod = url.protocol === "http:" ? http : https;
    return new Promise<RestResponse>((ok, fail) => {
      const req = mod.request(
        {
          protocol: url.protocol,
          hostname: host,
          ...(url.port !== "" ? { port: Number(url.port) } : {}),
          path: basePath + path,
          method: "GET",
          agent: false,
          headers: { Accept: "application/json", ...a.headers },
          ...(url.protocol === "https:"
            ? {
                ...(ca !== undefined ? { ca } : {}),
                ...(a.cert !== undefined ? { cert: a.cert, key: a.key } : {}),
                rejectUnauthorized: !target.insecure,
                ...(target.tlsServerName !== undefined ? { servername: target.tlsServerName } : isIP(host) === 0 ? { servername: host } : {}),
              }
            : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", fail);
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${path}: no answer from ${target.server} in ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on("error", fail);
      req.end();
    });
  };
}
