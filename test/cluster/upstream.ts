/**
 * Real upstream CRDs and manifests for the API-server tier, read from the Go module cache the way
 * envtest users point `CRDDirectoryPaths` into it: `go mod download -json <module>@<version>`, then
 * the files under the printed Dir. Nothing here is committed; the module cache is the user's.
 *
 * Versions: agent-sandbox and CloudNativePG follow the catalog's pins (the operator version the
 * pinned chart installs); Prometheus Operator and Gateway API are the versions docs/development.md names for
 * the monitors and the GRPCRoute the graph creates.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { RELEASES } from "../../catalog/artifacts";
import type { K8sObject } from "./api";

export const PROMETHEUS_OPERATOR_VERSION = "v0.85.0";
export const GATEWAY_API_VERSION = "v1.4.1";

export const MODULES = {
  agentSandbox: "sigs.k8s.io/agent-sandbox",
  cloudnativePg: "github.com/cloudnative-pg/cloudnative-pg",
  prometheusOperator: "github.com/prometheus-operator/prometheus-operator",
  gatewayApi: "sigs.k8s.io/gateway-api",
} as const;

const dirs = new Map<string, string>();

/** The module's folder in the module cache, downloading it once (bounded). */
export function moduleDir(module: string, version: string): string {
  const key = `${module}@${version}`;
  const hit = dirs.get(key);
  if (hit !== undefined) return hit;
  let out: string;
  try {
    out = execFileSync("go", ["mod", "download", "-json", key], { encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GOFLAGS: "-mod=mod" } });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`envtest: go mod download -json ${key} failed: ${(e.stdout || e.stderr || e.message).trim().split("\n").slice(-5).join("\n")}`);
  }
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (info.Dir === undefined) throw new Error(`envtest: go mod download -json ${key}: ${info.Error ?? "no Dir"}`);
  dirs.set(key, info.Dir);
  return info.Dir;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === "object" && typeof o.kind === "string");
}

function crdsIn(dir: string, match: (file: string) => boolean = () => true): K8sObject[] {
  return yamlFiles(dir)
    .filter(match)
    .flatMap((f) => parseObjects(readFileSync(f, "utf8")))
    .filter((o) => o.kind === "CustomResourceDefinition");
}

export const agentSandboxVersion = (): string => RELEASES.agentSandbox.version;
export const cloudnativePgOperatorVersion = (): string => `v${RELEASES.cloudnativePgOperator.version}`;

/** agent-sandbox's CRDs at a version (`k8s/crds/`): the core Sandbox, plus the extension kinds when asked. */
export function agentSandboxCrds(version = agentSandboxVersion(), extensions = true): K8sObject[] {
  return crdsIn(join(moduleDir(MODULES.agentSandbox, version), "k8s", "crds"), (f) => extensions || !f.includes("extensions."));
}

export function cloudnativePgCrds(version = cloudnativePgOperatorVersion()): K8sObject[] {
  return crdsIn(join(moduleDir(MODULES.cloudnativePg, version), "config", "crd", "bases"));
}

export function monitorCrds(version = PROMETHEUS_OPERATOR_VERSION): K8sObject[] {
  return crdsIn(join(moduleDir(MODULES.prometheusOperator, version), "example", "prometheus-operator-crd"), (f) => /_(podmonitors|servicemonitors)\.yaml$/.test(f));
}

export function gatewayApiCrds(version = GATEWAY_API_VERSION): K8sObject[] {
  return crdsIn(join(moduleDir(MODULES.gatewayApi, version), "config", "crd", "standard"), (f) => /_(grpcroutes|gateways|gatewayclasses)\.yaml$/.test(f));
}

const KO_IMAGE = /ko:\/\/sigs\.k8s\.io\/agent-sandbox\/cmd\/agent-sandbox-controller/g;

/**
 * The agent-sandbox release manifest rebuilt from the tagged tree, the way upstream's release
 * script assembles `sandbox.yaml`: every `k8s/**` YAML file except the kustomization and the
 * extension files, sorted, each followed by `---`, the `ko://` image replaced by the published
 * controller image. With `extensions`, a stand-in for `sandbox-with-extensions.yaml` (kustomize's
 * output is not reproduced byte for byte here): the same files plus the extension CRDs and RBAC,
 * with the controller Deployment of `extensions.controller.yaml` in place of the core one, which
 * is what the kustomization's patch makes of it.
 */
export function agentSandboxManifest(version = agentSandboxVersion(), extensions = false): string {
  const root = join(moduleDir(MODULES.agentSandbox, version), "k8s");
  const image = `registry.k8s.io/agent-sandbox/agent-sandbox-controller:${version}`;
  const files = yamlFiles(root).filter((f) => !/kustomization\.ya?ml$/.test(f));
  const core = files.filter((f) => !relative(root, f).includes("extensions"));
  const text = (fs: string[]): string => fs.map((f) => `${readFileSync(f, "utf8").trimEnd()}\n---\n`).join("").replace(KO_IMAGE, image);
  if (!extensions) return text(core);
  const objects = parseObjects(text(files.filter((f) => !f.endsWith("extensions.controller.yaml"))));
  const extDeployment = parseObjects(text(files.filter((f) => f.endsWith("extensions.controller.yaml")))).find((o) => o.kind === "Deployment");
  if (extDeployment === undefined) throw new Error(`agent-sandbox ${version}: extensions.controller.yaml declares no Deployment`);
  return objects.map((o) => stringify(o.kind === "Deployment" && o.metadata.name === extDeployment.metadata.name ? extDeployment : o)).join("---\n");
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
