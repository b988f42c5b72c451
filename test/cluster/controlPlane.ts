/**
 * A real control plane for the API-server test tier, the way controller-runtime's envtest runs one:
 * an `etcd` and a `kube-apiserver` process on 127.0.0.1 with free ports, a throw-away CA and
 * serving certificate (openssl), a throw-away service-account signing key, and one static admin
 * token (group system:masters). No controller-manager, no scheduler, no kubelet: what is checked is
 * what the API server itself decides (admission, Pod Security, CRD schemas, RBAC, defaulting).
 *
 * The binaries come from KUBEBUILDER_ASSETS, which `npm run test:cluster` sets from
 * scripts/envtest-assets.sh. Every wait is bounded; a failed start is one ControlPlaneError naming
 * the step, the command and the last lines of its log. `stop()` kills exactly the processes this
 * helper started (by PID), and a process exit handler does the same if a test run dies first.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient } from "./api";

export class ControlPlaneError extends Error {
  constructor(step: string, command: string, logTail: string) {
    super(`envtest: ${step} failed\n  command: ${command}${logTail ? `\n  last lines of its log:\n${logTail.replace(/^/gm, "    | ")}` : ""}`);
    this.name = "ControlPlaneError";
  }
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** An admin kubeconfig (context `envtest`, token auth) for clients that read one. */
  readonly kubeconfigPath: string;
  /** The throw-away CA that signed the API server's serving certificate. */
  readonly caPem: string;
  /** The admin bearer token (user `envtest-admin`, group `system:masters`). */
  readonly token: string;
  /** A REST client as the admin. */
  readonly client: ApiClient;
  /** The PIDs this control plane started: etcd, kube-apiserver. */
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/** Where the binaries are; the script behind `npm run test:cluster` sets it. */
export function assetsDir(): string | undefined {
  const dir = process.env["KUBEBUILDER_ASSETS"];
  return dir !== undefined && dir !== "" && existsSync(join(dir, "kube-apiserver")) && existsSync(join(dir, "etcd")) ? dir : undefined;
}

/** Why the tier cannot run here, or undefined when it can. */
export function unavailableReason(): string | undefined {
  return assetsDir() === undefined
    ? "real API server tier skipped: KUBEBUILDER_ASSETS has no etcd and kube-apiserver; run `npm run test:cluster` (builds them with Go, or uses your envtest binaries)"
    : undefined;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new ControlPlaneError("make the throw-away CA and serving certificate", `openssl ${args.join(" ")}`, e.stderr?.toString() ?? e.message);
  }
}

/** A CA and a serving certificate for 127.0.0.1 / localhost, in `dir`. */
function makeCertificates(dir: string): void {
  openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=envtest-ca", "-keyout", "ca.key", "-out", "ca.crt"]);
  openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=kube-apiserver", "-keyout", "serving.key", "-out", "serving.csr"]);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  openssl(dir, ["x509", "-req", "-in", "serving.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "serving.crt"]);
}

export interface TlsMaterial {
  readonly "ca.crt": string;
  readonly "tls.crt": string;
  readonly "tls.key": string;
}

let tls: TlsMaterial | undefined;
/**
 * A real CA and leaf certificate (made once per process): the mock engine's @pulumi/tls outputs are
 * placeholders shaped like PEM, and the API server checks the certificate of a kubernetes.io/tls
 * Secret, so the tier puts real ones in their place.
 */
export function tlsMaterial(): TlsMaterial {
  if (tls !== undefined) return tls;
  const dir = mkdtempSync(join(tmpdir(), "agent-platform-tls-"));
  try {
    makeCertificates(dir);
    tls = { "ca.crt": readFileSync(join(dir, "ca.crt"), "utf8"), "tls.crt": readFileSync(join(dir, "serving.crt"), "utf8"), "tls.key": readFileSync(join(dir, "serving.key"), "utf8") };
    return tls;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  });
}

function start(step: string, binary: string, args: string[], log: string): ChildProcess {
  const out = openSync(log, "a");
  const child = spawn(binary, args, { stdio: ["ignore", out, out] });
  closeSync(out);
  if (child.pid === undefined) throw new ControlPlaneError(step, `${binary} ${args.join(" ")}`, tail(log));
  live.add(child);
  child.on("exit", () => live.delete(child));
  return child;
}

async function waitFor(step: string, command: string, log: string, child: ChildProcess, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ControlPlaneError(`${step} (exited with ${child.exitCode ?? child.signalCode})`, command, tail(log));
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new ControlPlaneError(`${step} (not ready within ${timeoutMs / 1000} s)`, command, tail(log));
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export interface StartOptions {
  /** Bound on each process becoming ready (default 60 s). */
  readonly startTimeoutMs?: number;
  /** The folder with etcd and kube-apiserver (default: KUBEBUILDER_ASSETS). */
  readonly assets?: string;
}

/** Starts etcd and kube-apiserver; throws ControlPlaneError (after stopping what it started) on failure. */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const timeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
  const assets = opts.assets ?? assetsDir();
  if (assets === undefined) throw new ControlPlaneError("find the control plane binaries", "KUBEBUILDER_ASSETS", unavailableReason() ?? "");
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), "agent-platform-envtest-"));
  const started: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of [...started].reverse()) await kill(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    makeCertificates(dir);
    const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.key"), sa.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(dir, "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(24).toString("hex");
    writeFileSync(join(dir, "tokens.csv"), `${token},envtest-admin,envtest-admin-uid,"system:masters"\n`);

    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcdArgs = [
      `--data-dir=${join(dir, "etcd")}`, `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`, "--unsafe-no-fsync=true", "--log-level=warn",
    ];
    const etcdLog = join(dir, "etcd.log");
    const etcd = start("start etcd", join(assets, "etcd"), etcdArgs, etcdLog);
    started.push(etcd);
    await waitFor("start etcd", `etcd ${etcdArgs.join(" ")}`, etcdLog, etcd, timeoutMs, async () => (await fetch(`${etcdUrl}/health`)).ok);

    const server = `https://127.0.0.1:${apiPort}`;
    const apiArgs = [
      `--etcd-servers=${etcdUrl}`, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${apiPort}`,
      `--cert-dir=${dir}`, `--tls-cert-file=${join(dir, "serving.crt")}`, `--tls-private-key-file=${join(dir, "serving.key")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`, "--authorization-mode=RBAC", "--allow-privileged=true",
      "--service-cluster-ip-range=10.0.0.0/24", `--service-account-issuer=${server}`,
      `--service-account-key-file=${join(dir, "sa.pub")}`, `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      // No controller-manager creates `default` ServiceAccounts here, so Pods would fail that
      // plugin before Pod Security looks at them.
      "--disable-admission-plugins=ServiceAccount", "--v=1",
    ];
    const apiLog = join(dir, "kube-apiserver.log");
    const apiserver = start("start kube-apiserver", join(assets, "kube-apiserver"), apiArgs, apiLog);
    started.push(apiserver);
    const caPem = readFileSync(join(dir, "ca.crt"), "utf8");
    const client = new ApiClient(server, caPem, token);
    await waitFor("start kube-apiserver", `kube-apiserver ${apiArgs.join(" ")}`, apiLog, apiserver, timeoutMs, async () => (await client.request("GET", "/readyz")).status === 200);

    const kubeconfigPath = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfigPath,
      JSON.stringify({
        apiVersion: "v1", kind: "Config", "current-context": "envtest",
        clusters: [{ name: "envtest", cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
        users: [{ name: "envtest-admin", user: { token } }],
        contexts: [{ name: "envtest", context: { cluster: "envtest", user: "envtest-admin" } }],
      }),
    );
    return { server, kubeconfigPath, caPem, token, client, pids: started.map((c) => c.pid!), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
