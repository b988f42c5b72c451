/**
 * lib/kubeRest.ts: kubeconfig resolution as kubectl does it for the supported cases, `unsupported` with
 * the reason for the rest (the caller then uses client-node), and GETs with each kind of credentials.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execCredential, kubeconfigSource, kubeconfigTexts, resolveKubeconfig, restClient, type RestTarget } from "../../lib/kubeRest";

const doc = (o: unknown, dir = "/cfg") => ({ text: JSON.stringify(o), dir });

const cfg = (user: Record<string, unknown>, cluster: Record<string, unknown> = { server: "https://api.example:6443", "certificate-authority-data": "Q0E=" }) => ({
  apiVersion: "v1",
  kind: "Config",
  "current-context": "prod",
  clusters: [{ name: "c", cluster }],
  users: [{ name: "u", user }],
  contexts: [{ name: "prod", context: { cluster: "c", user: "u", namespace: "x" } }],
});

describe("resolveKubeconfig", () => {
  it("token with the CA's data: the exact target", () => {
    expect(resolveKubeconfig([doc(cfg({ token: "t0k" }))])).toEqual({
      ok: true,
      target: { server: "https://api.example:6443", ca: { data: "Q0E=" }, insecure: false, credentials: { kind: "token", token: { value: "t0k" } } },
    });
  });

  it("relative files are relative to the kubeconfig that names them; tls-server-name and insecure-skip-tls-verify carried", () => {
    const r = resolveKubeconfig([
      doc(cfg({ "client-certificate": "certs/c.pem", "client-key": "/abs/k.pem" }, { server: "https://10.0.0.1", "certificate-authority": "ca.pem", "tls-server-name": "kube", "insecure-skip-tls-verify": true }), "/home/me/.kube"),
    ]);
    expect(r).toEqual({
      ok: true,
      target: {
        server: "https://10.0.0.1",
        ca: { file: "/home/me/.kube/ca.pem" },
        insecure: true,
        tlsServerName: "kube",
        credentials: { kind: "clientCert", cert: { file: "/home/me/.kube/certs/c.pem" }, key: { file: "/abs/k.pem" } },
      },
    });
  });

  it("tokenFile, username/password, exec, and no credentials", () => {
    const creds = (u: Record<string, unknown>) => {
      const r = resolveKubeconfig([doc(u === undefined ? {} : cfg(u), "/d")]);
      return r.ok ? r.target.credentials : r.unsupported;
    };
    expect(creds({ tokenFile: "tok" })).toEqual({ kind: "token", token: { file: "/d/tok" } });
    expect(creds({ token: "t", "client-certificate-data": "Yw==", "client-key-data": "aw==" })).toEqual({ kind: "token", token: { value: "t" }, clientCert: { cert: { data: "Yw==" }, key: { data: "aw==" } } });
    expect(creds({ username: "admin", password: "pw" })).toEqual({ kind: "basic", username: "admin", password: "pw" });
    expect(creds({ exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token"], env: [{ name: "AWS_PROFILE", value: "p" }], interactiveMode: "IfAvailable" } })).toEqual({
      kind: "exec",
      exec: { command: "aws", args: ["eks", "get-token"], env: { AWS_PROFILE: "p" }, apiVersion: "client.authentication.k8s.io/v1beta1", baseDir: "/d" },
    });
    expect(creds({})).toEqual({ kind: "none" });
  });

  it("several files merge as kubectl merges $KUBECONFIG: the first name and the first current-context win; --context picks another", () => {
    const first = { clusters: [{ name: "c", cluster: { server: "https://first" } }], users: [{ name: "u", user: { token: "one" } }] };
    const second = { ...cfg({ token: "two" }, { server: "https://second" }), contexts: [{ name: "prod", context: { cluster: "c", user: "u" } }, { name: "other", context: { cluster: "c2", user: "u" } }], clusters: [{ name: "c", cluster: { server: "https://second" } }, { name: "c2", cluster: { server: "http://127.0.0.1:8080" } }] };
    const r = resolveKubeconfig([doc(first), doc(second)]);
    expect(r.ok && r.target).toEqual({ server: "https://first", insecure: false, credentials: { kind: "token", token: { value: "one" } } });
    const o = resolveKubeconfig([doc(first), doc(second)], "other");
    expect(o.ok && o.target.server).toBe("http://127.0.0.1:8080");
  });

  it.each([
    ["proxy-url", cfg({ token: "t" }, { server: "https://a", "proxy-url": "socks5://p:1080" }), undefined, "cluster proxy-url"],
    ["auth-provider", cfg({ "auth-provider": { name: "oidc" } }), undefined, "user auth-provider"],
    ["impersonation", cfg({ token: "t", as: "bob", "as-groups": ["g"] }), undefined, "user as, as-groups"],
    ["exec with the cluster's details", cfg({ exec: { apiVersion: "v1", command: "x", provideClusterInfo: true } }), undefined, "exec provideClusterInfo"],
    ["exec that needs a terminal", cfg({ exec: { apiVersion: "v1", command: "x", interactiveMode: "Always" } }), undefined, "exec interactiveMode Always"],
    ["token and basic", cfg({ token: "t", username: "u", password: "p" }), undefined, "more than one of token, username/password and exec"],
    ["a certificate without its key", cfg({ "client-certificate-data": "Yw==" }), undefined, "a client certificate without its key"],
    ["unknown context", cfg({ token: "t" }), "nope", "no context nope"],
    ["no current-context", { ...cfg({ token: "t" }), "current-context": "" }, undefined, "no current-context"],
    ["a unix socket", cfg({ token: "t" }, { server: "unix:///run/k.sock" }), undefined, "no http(s) server"],
  ])("unsupported: %s", (_what, config, context, why) => {
    expect(resolveKubeconfig([doc(config)], context as string | undefined)).toEqual({ ok: false, unsupported: why });
  });

  it("a file that does not parse", () => {
    expect(resolveKubeconfig([{ text: "clusters: [", dir: "/" }])).toEqual({ ok: false, unsupported: "a kubeconfig does not parse" });
  });
});

describe("kubeconfigSource", () => {
  it.each([
    [{ kubeconfigPath: "/k", context: "c" }, "apiVersion: v1", { contents: "apiVersion: v1", context: "c" }],
    [{ kubeconfigPath: "/k", context: "c" }, undefined, { path: "/k", context: "c" }],
    [{}, undefined, {}],
  ])("%j with secret contents %j → %j (the secret wins over the path; the context is the stack's)", (provider, contents, source) => {
    expect(kubeconfigSource(provider, contents)).toEqual(source);
  });
});

describe("kubeconfigTexts", () => {
  const dir = mkdtempSync(join(tmpdir(), "kuberest-"));
  const a = join(dir, "a.yaml");
  const b = join(dir, "b.yaml");
  writeFileSync(a, "A");
  writeFileSync(b, "B");

  it("the named path, the $KUBECONFIG list (missing entries skipped), the secret's text", () => {
    expect(kubeconfigTexts({ path: a }, {})).toEqual([{ text: "A", dir }]);
    expect(kubeconfigTexts({}, { KUBECONFIG: `${b}:${join(dir, "missing")}:${a}` })).toEqual([
      { text: "B", dir },
      { text: "A", dir },
    ]);
    expect(kubeconfigTexts({ contents: "C" }, {})).toEqual([{ text: "C", dir: process.cwd() }]);
  });

  it("none found (client-node then names what is missing)", () => {
    expect(kubeconfigTexts({ path: join(dir, "missing") }, {})).toBeUndefined();
    expect(kubeconfigTexts({}, { KUBECONFIG: join(dir, "missing") })).toBeUndefined();
  });
});

describe("execCredential", () => {
  it("a token, or a client certificate and key", () => {
    expect(execCredential('{"kind":"ExecCredential","status":{"token":"k8s-aws-v1.x"}}')).toEqual({ token: "k8s-aws-v1.x" });
    expect(execCredential('{"status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}')).toEqual({ cert: "CERT", key: "KEY" });
  });

  it("anything else fails, saying what is missing", () => {
    expect(() => execCredential("Please log in")).toThrow("the exec credential plugin did not print an ExecCredential (not JSON)");
    expect(() => execCredential('{"status":{}}')).toThrow("the exec credential plugin's ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData");
  });
});

describe("restClient over HTTP", () => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(req.url?.endsWith("/missing") ? 404 : 200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ path: req.url }));
  });
  let base = "";
  const dir = mkdtempSync(join(tmpdir(), "kuberest-exec-"));
  beforeAll(async () => {
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => void server.close());

  const target = (credentials: RestTarget["credentials"], prefix = ""): RestTarget => ({ server: base + prefix, insecure: false, credentials });

  it("GETs below the server's path, with the bearer token; status and body as sent", async () => {
    seen.length = 0;
    const get = restClient(target({ kind: "token", token: { value: "t0k" } }, "/k8s/clusters/c-1/"));
    expect(await get("/api/v1/namespaces/a/secrets/b")).toEqual({ status: 200, body: JSON.stringify({ path: "/k8s/clusters/c-1/api/v1/namespaces/a/secrets/b" }) });
    expect((await get("/missing")).status).toBe(404);
    expect(seen.map((s) => [s.url, s.headers["authorization"], s.headers["accept"]])).toEqual([
      ["/k8s/clusters/c-1/api/v1/namespaces/a/secrets/b", "Bearer t0k", "application/json"],
      ["/k8s/clusters/c-1/missing", "Bearer t0k", "application/json"],
    ]);
  });

  it("tokenFile (read, trimmed), username/password, none", async () => {
    seen.length = 0;
    const tok = join(dir, "token");
    writeFileSync(tok, "from-file\n");
    await restClient(target({ kind: "token", token: { file: tok } }))("/a");
    await restClient(target({ kind: "basic", username: "admin", password: "pw" }))("/b");
    await restClient(target({ kind: "none" }))("/c");
    expect(seen.map((s) => s.headers["authorization"])).toEqual(["Bearer from-file", `Basic ${Buffer.from("admin:pw").toString("base64")}`, undefined]);
  });

  it("exec: runs the plugin once per client with its args, env and KUBERNETES_EXEC_INFO, and sends its token", async () => {
    seen.length = 0;
    const log = join(dir, "calls");
    const plugin = join(dir, "plugin.sh");
    writeFileSync(plugin, `#!/bin/sh\necho "$1 $PROFILE $KUBERNETES_EXEC_INFO" >> ${log}\necho '{"kind":"ExecCredential","status":{"token":"exec-token"}}'\n`);
    chmodSync(plugin, 0o755);
    const get = restClient(target({ kind: "exec", exec: { command: "./plugin.sh", args: ["get-token"], env: { PROFILE: "p1" }, apiVersion: "client.authentication.k8s.io/v1", baseDir: dir } }));
    await get("/a");
    await get("/b");
    expect(seen.map((s) => s.headers["authorization"])).toEqual(["Bearer exec-token", "Bearer exec-token"]);
    expect(readFileSync(log, "utf8")).toBe('get-token p1 {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}\n');
  });

  it("exec failure names the plugin and its last line of stderr", async () => {
    const plugin = join(dir, "fail.sh");
    writeFileSync(plugin, "#!/bin/sh\necho 'token expired: run aws sso login' >&2\nexit 1\n");
    chmodSync(plugin, 0o755);
    const get = restClient(target({ kind: "exec", exec: { command: plugin, args: [], env: {}, apiVersion: "v1", baseDir: "/" } }));
    await expect(get("/a")).rejects.toThrow(`the exec credential plugin ${plugin} failed: token expired: run aws sso login`);
  });
});
