/**
 * Runs a Pulumi program under the mock engine and records every resource it
 * registers: type, name, inputs (secrets marked), parent, provider and the
 * resource options the engine sees (dependsOn, protect, ignoreChanges).
 * Any invoke the test did not allow throws, so a program that would call out
 * to a cluster or a cloud API fails here instead of in a user's preview.
 *
 * Mocks cannot show what a real engine would plan (URN changes, diffs,
 * provider-side rendering such as helm.v4.Chart children); tests assert the
 * inputs the program passes, which are its contract.
 *
 * This is the one file that touches the SDK beyond its public API. What it
 * relies on is listed in SDK_INTERNALS, and `checkSdkInternals()` (run by
 * test/harness/mocks.test.ts) names whichever an SDK upgrade changed.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DEFERRED_SDK_MODULES } from "../../components/sdkLazyModules";
import type { StackConfigMap } from "./stackConfig";

/** What the SDK serializes an unknown input as (runtime/rpc unknownValue): a preview's computed values. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** How the SDK's log writes a warning when no engine listens (log/index.js warn). */
const LOG_WARN_PREFIX = "warning: [runtime] ";

/** The property that marks a serialized secret value (runtime/rpc.js specialSigKey, specialSecretSig). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VAL = "1b47061264138c4ac30d75fd1eb44270";

/** The RegisterResourceRequest getters the recorder reads. */
const REQUEST_GETTERS = [
  "getType",
  "getName",
  "getParent",
  "getCustom",
  "getProvider",
  "getDependenciesList",
  "getPropertydependenciesMap",
  "getProtect",
  "getRetainondelete",
  "getIgnorechangesList",
  "getReplacementTrigger",
  "getAliasesList",
  "getObject",
  "getHooks",
  "getRemote",
  "getAcceptresources",
] as const;

/** What the harness (and config/load.ts) rely on beyond the SDK's public API, and why. */
export const SDK_INTERNALS: Readonly<Record<string, string>> = {
  "runtime.getMonitor().registerResource": "patched to record every registration with its options (the mock API shows inputs only)",
  "proto RegisterResourceRequest getters": `read from each registration: ${REQUEST_GETTERS.join(", ")}`,
  "runtime.waitForRPCs": "awaited so every registration has reached the mock monitor before the evaluation is read",
  "runtime/rpc specialSigKey, specialSecretSig and unknownValue": "recognise secret and unknown values in serialized inputs",
  "Output.isSecret": "tells whether a stack output is secret",
  "log.warn without an engine": `writes "${"warning: [runtime] "}<message>" with console.warn, which the harness captures`,
  "runtime.isConfigSecret": "config/load.ts learns whether a secret setting was stored encrypted (the program refuses plain-text secrets with it)",
  "MockMonitor has no registerResourceHook": "the harness supplies one that records each hook's name and onDryRun (new pulumi.ResourceHook registers through it)",
  "RegisterResourceRequest.setAcceptresources": "components/remoteOutputs.ts (the program, not only the harness) wraps runtime.getMonitor().registerResource and clears it on remote components' requests",
  "runtime/debuggable debuggablePromise": "components/promiseStacks.ts (the program) wraps it so the SDK's per-promise debug stacks are not taken unless PULUMI_DEBUG_PROMISE_LEAKS is set",
  "@pulumi/pulumi requires ./automation, and runtime/closure/codePaths @npmcli/arborist, with __importStar at load":
    "components/sdkLazyModules.ts (the program) puts stand-ins for both in the module cache before the SDK loads (the tests check both are still deferred in a fresh process)",
  "log module debug, read at each call": "components/sdkDebugLogs.ts (the program) replaces @pulumi/pulumi/log's debug so the SDK's debug messages are not sent unless AGENT_PLATFORM_SDK_DEBUG_LOGS=true",
};

/** The internals an SDK upgrade changed, each with what broke; empty when all hold. */
export async function checkSdkInternals(): Promise<string[]> {
  const out: string[] = [];
  const runtime = pulumi.runtime as unknown as Record<string, unknown>;
  await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "sdk-check", "sdk-check");
  const monitor = pulumi.runtime.getMonitor() as unknown as Partial<MonitorLike> | undefined;
  if (typeof monitor?.registerResource !== "function") out.push(`runtime.getMonitor().registerResource: ${SDK_INTERNALS["runtime.getMonitor().registerResource"]}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const proto = (require("@pulumi/pulumi/proto/resource_pb") as { RegisterResourceRequest?: { prototype: Record<string, unknown> } }).RegisterResourceRequest;
  const missing = REQUEST_GETTERS.filter((g) => typeof proto?.prototype[g] !== "function");
  if (missing.length > 0) out.push(`proto RegisterResourceRequest getters: missing ${missing.join(", ")}`);
  if (typeof runtime["waitForRPCs"] !== "function") out.push(`runtime.waitForRPCs: ${SDK_INTERNALS["runtime.waitForRPCs"]}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSigKey?: string; specialSecretSig?: string; unknownValue?: string };
  if (rpc.specialSigKey !== SECRET_SIG || rpc.specialSecretSig !== SECRET_VAL || rpc.unknownValue !== UNKNOWN_VALUE) {
    out.push(`runtime/rpc specialSigKey, specialSecretSig and unknownValue: changed from ${SECRET_SIG}/${SECRET_VAL}/${UNKNOWN_VALUE}`);
  }
  if (!((pulumi.secret("x") as unknown as { isSecret?: unknown }).isSecret instanceof Promise)) out.push(`Output.isSecret: ${SDK_INTERNALS["Output.isSecret"]}`);
  const lines: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...data: unknown[]) => void lines.push(data.map(String).join(" "));
  try {
    await pulumi.log.warn("probe");
  } finally {
    console.warn = consoleWarn;
  }
  if (!lines.includes(`${LOG_WARN_PREFIX}probe`)) out.push(`log.warn without an engine: printed ${JSON.stringify(lines)}, not "${LOG_WARN_PREFIX}probe"`);
  if (typeof runtime["isConfigSecret"] !== "function") out.push(`runtime.isConfigSecret: ${SDK_INTERNALS["runtime.isConfigSecret"]}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hookRequest = (require("@pulumi/pulumi/proto/resource_pb") as { RegisterResourceHookRequest?: { prototype: Record<string, unknown> } }).RegisterResourceHookRequest;
  if (typeof hookRequest?.prototype["getName"] !== "function" || typeof hookRequest.prototype["getOnDryRun"] !== "function") {
    out.push(`MockMonitor has no registerResourceHook: RegisterResourceHookRequest.getName/getOnDryRun changed`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (typeof (require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: unknown }).debuggablePromise !== "function") {
    out.push(`runtime/debuggable debuggablePromise: ${SDK_INTERNALS["runtime/debuggable debuggablePromise"]}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdkLog = require("@pulumi/pulumi/log") as { __esModule?: unknown; debug?: unknown };
  // The runtime's modules call log.debug on this same object (__esModule: __importStar hands it over as is).
  if (typeof sdkLog.debug !== "function" || sdkLog.__esModule !== true || (pulumi.log as unknown) !== sdkLog) {
    out.push(`log module debug, read at each call: ${SDK_INTERNALS["log module debug, read at each call"]}`);
  }
  for (const m of DEFERRED_SDK_MODULES) {
    const file = require.resolve(m.requiredBy);
    if (!readFileSync(file, "utf8").includes(`__importStar(require("${m.specifier}"))`)) {
      out.push(`@pulumi/pulumi requires ./automation, and runtime/closure/codePaths @npmcli/arborist, with __importStar at load: ${file} no longer has __importStar(require("${m.specifier}"))`);
    }
  }
  if (typeof proto?.prototype["setAcceptresources"] !== "function") out.push(`RegisterResourceRequest.setAcceptresources: ${SDK_INTERNALS["RegisterResourceRequest.setAcceptresources"]}`);
  return out;
}

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly provider: string;
  /** Inputs with secret values unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Inputs as the engine received them (secrets still wrapped). */
  readonly rawInputs: Record<string, unknown>;
  /** JSON paths (`a.b[0]`) of secret inputs. */
  readonly secretPaths: readonly string[];
  readonly dependsOn: readonly string[];
  /** Input property → the URNs its value came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  /** The replacementTrigger option's value, when set. */
  readonly replacementTrigger?: unknown;
  /** Alias specs and URNs, as the SDK sends them (the engine resolves them; see state/urns.ts). */
  readonly aliases: readonly AliasRecord[];
  /** Resource transforms in the resource's options (called by the engine on a component's children). */
  readonly transforms: readonly pulumi.ResourceTransform[];
  /** Resource hooks bound to it: `beforeCreate` etc. → hook names (absent when none). */
  readonly hooks?: Readonly<Record<string, readonly string[]>>;
  /** A component a provider builds (helm.v4.Chart, yaml.v2.ConfigGroup): its children are registered by the provider. */
  readonly remote: boolean;
  /** Whether the registration asks for its outputs with resource references (components/remoteOutputs.ts). */
  readonly acceptResources: boolean;
}

/** A resource hook the program registered. */
export interface HookRecord {
  readonly name: string;
  readonly onDryRun: boolean;
}

export type AliasRecord =
  | { readonly urn: string }
  | { readonly name?: string; readonly type?: string; readonly stack?: string; readonly project?: string; readonly parentUrn?: string; readonly noParent?: boolean };

export interface Evaluation {
  readonly resources: readonly Registered[];
  readonly outputs: Record<string, unknown>;
  /** Top-level stack outputs that are secret Outputs. */
  readonly secretOutputs?: readonly string[];
  readonly invokes: readonly string[];
  /** URLs the program fetched. */
  readonly fetched?: readonly string[];
  /** What the program logged with `pulumi.log.warn` (captured, not printed). */
  readonly warnings: readonly string[];
  /** Resource hooks the program registered. */
  readonly hooks?: readonly HookRecord[];
}

export interface EvaluateOptions {
  readonly stack: StackConfigMap & { readonly stack: string };
  /** Loads the program; called after mocks and config are in place. */
  readonly program: () => Promise<Record<string, unknown>>;
  /** URL → body the program may fetch; any other fetch fails (tests have no network). */
  readonly fetches?: Readonly<Record<string, string>>;
  /** Invoke tokens the program may call, with their results. */
  readonly invokes?: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
  readonly preview?: boolean;
}

function isSecretWrapper(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_VAL;
}

/** Replaces every secret value with "[secret]": what a reader of plain inputs would see. */
export function redactSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

/** Unwraps secret markers and collects their paths. */
export function unwrapSecrets(value: unknown, path = "", paths: string[] = []): unknown {
  if (isSecretWrapper(value)) {
    paths.push(path);
    return unwrapSecrets(value.value, path, paths);
  }
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, paths));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v, path === "" ? k : `${path}.${k}`, paths);
    return out;
  }
  return value;
}

interface AliasSpecProto {
  getName(): string;
  getType(): string;
  getStack(): string;
  getProject(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getAliasesList(): { hasUrn(): boolean; getUrn(): string; getSpec(): AliasSpecProto | undefined }[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getHooks(): HooksBinding | undefined;
  getRemote(): boolean;
  getAcceptresources(): boolean;
}

interface HooksBinding {
  getBeforeCreateList(): string[];
  getAfterCreateList(): string[];
  getBeforeUpdateList(): string[];
  getAfterUpdateList(): string[];
  getBeforeDeleteList(): string[];
  getAfterDeleteList(): string[];
}

function hookNames(b: HooksBinding | undefined): Record<string, string[]> | undefined {
  if (b === undefined) return undefined;
  const all: Record<string, string[]> = {
    beforeCreate: b.getBeforeCreateList(),
    afterCreate: b.getAfterCreateList(),
    beforeUpdate: b.getBeforeUpdateList(),
    afterUpdate: b.getAfterUpdateList(),
    beforeDelete: b.getBeforeDeleteList(),
    afterDelete: b.getAfterDeleteList(),
  };
  const set = Object.entries(all).filter(([, v]) => v.length > 0);
  return set.length > 0 ? Object.fromEntries(set) : undefined;
}

function aliasRecord(a: { hasUrn(): boolean; getUrn(): string; getSpec(): AliasSpecProto | undefined }): AliasRecord {
  if (a.hasUrn()) return { urn: a.getUrn() };
  const spec = a.getSpec();
  if (spec === undefined) return {};
  const set = (v: string) => (v === "" ? undefined : v);
  return Object.fromEntries(
    Object.entries({
      name: set(spec.getName()),
      type: set(spec.getType()),
      stack: set(spec.getStack()),
      project: set(spec.getProject()),
      parentUrn: set(spec.getParenturn()),
      noParent: spec.getNoparent() ? true : undefined,
    }).filter(([, v]) => v !== undefined),
  ) as AliasRecord;
}

interface MonitorLike {
  registerResource(req: RegisterRequest, cb: (err: unknown, res: { getUrn(): string } | undefined) => void): Promise<void>;
  registerResourceHook?: (req: { getName(): string; getOnDryRun(): boolean }, cb: (err: unknown, res: unknown) => void) => void;
}

const digest = (s: string) => createHash("sha256").update(s).digest();
const pem = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${der.toString("base64")}\n-----END ${label}-----\n`;
/** SPKI DER prefix of an Ed25519 public key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A fixed instant for fake certificate validity, so evaluations are byte-identical. */
export const FAKE_NOW = Date.parse("2026-11-22T00:00:00Z");

/**
 * Deterministic stand-ins for what the tls and random providers compute,
 * derived from the resource name: shaped like the real outputs (PEM blocks,
 * a well-formed Ed25519 SPKI, 32 random bytes) so downstream code runs.
 */
export function fakeOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const d = digest(name);
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      if (inputs["algorithm"] === "ED25519") {
        return {
          privateKeyPemPkcs8: pem("PRIVATE KEY", Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), d])),
          publicKeyPem: pem("PUBLIC KEY", Buffer.concat([ED25519_SPKI_PREFIX, d])),
        };
      }
      return {
        privateKeyPem: pem(inputs["algorithm"] === "RSA" ? "RSA PRIVATE KEY" : "EC PRIVATE KEY", d),
        privateKeyPemPkcs8: pem("PRIVATE KEY", d),
        publicKeyPem: pem("PUBLIC KEY", digest(`${name}/public`)),
      };
    case "tls:index/certRequest:CertRequest":
      return { certRequestPem: pem("CERTIFICATE REQUEST", d) };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const hours = Number(inputs["validityPeriodHours"] ?? 0);
      return {
        certPem: pem("CERTIFICATE", d),
        validityStartTime: new Date(FAKE_NOW).toISOString(),
        validityEndTime: new Date(FAKE_NOW + hours * 3600_000).toISOString(),
      };
    }
    case "random:index/randomBytes:RandomBytes":
      return { base64: d.toString("base64"), hex: d.toString("hex") };
    case "random:index/randomPassword:RandomPassword":
      return { result: d.toString("hex").slice(0, Number(inputs["length"] ?? 16)) };
    default:
      return {};
  }
}

/** The program threw; `resources` holds what it registered before that. */
export class EvaluationError extends Error {
  constructor(
    readonly cause: unknown,
    readonly resources: readonly Registered[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "EvaluationError";
  }
}

/** Evaluates a program under mocks. Each call starts from a clean runtime. */
export async function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
  const resources: Registered[] = [];
  const invokes: string[] = [];
  const unexpected: string[] = [];
  const allowed = opts.invokes ?? {};

  const transformsByUrn = new Map<string, pulumi.ResourceTransform[]>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const transforms = args.transforms ?? [];
        if (transforms.length > 0) transformsByUrn.set(`${args.type}::${args.name}`, transforms);
        return {
        id: args.custom === true ? `${args.name}-id` : undefined,
        state: { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs as Record<string, unknown>) },
        };
      },
      call: (args) => {
        invokes.push(args.token);
        const handler = allowed[args.token];
        if (handler === undefined) {
          // Pulumi drops the message of a failed invoke; remember the token and fail the evaluation below.
          unexpected.push(args.token);
          throw new Error(`unexpected invoke ${args.token}`);
        }
        return handler(args.inputs as Record<string, unknown>);
      },
    },
    opts.stack.project,
    opts.stack.stack,
    opts.preview ?? false,
  );
  pulumi.runtime.setAllConfig(opts.stack.config, opts.stack.secretKeys);

  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const hooks: HookRecord[] = [];
  monitor.registerResourceHook = (req, cb) => {
    hooks.push({ name: req.getName(), onDryRun: req.getOnDryRun() });
    cb(null, {});
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    original(req, (err, res) => {
      if (err === null || err === undefined) {
        const rawInputs = req.getObject()?.toJavaScript() ?? {};
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(rawInputs, "", secretPaths) as Record<string, unknown>;
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = [...v.getUrnsList()].sort()));
        const trigger = req.getReplacementTrigger()?.toJavaScript();
        const boundHooks = hookNames(req.getHooks());
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: res?.getUrn() ?? "",
          custom: req.getCustom(),
          parent: req.getParent(),
          provider: req.getProvider(),
          inputs,
          rawInputs,
          secretPaths,
          dependsOn: req.getDependenciesList(),
          propertyDependencies,
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          ignoreChanges: req.getIgnorechangesList(),
          ...(trigger !== undefined && trigger !== null ? { replacementTrigger: trigger } : {}),
          aliases: req.getAliasesList().map(aliasRecord),
          transforms: transformsByUrn.get(`${req.getType()}::${req.getName()}`) ?? [],
          ...(boundHooks !== undefined ? { hooks: boundHooks } : {}),
          remote: req.getRemote(),
          acceptResources: req.getAcceptresources(),
        });
      }
      cb(err, res);
    });

  const fetched: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    fetched.push(url);
    const body = opts.fetches?.[url];
    if (body === undefined) throw new TypeError(`fetch failed: no network in tests (${url})`);
    return new Response(body, { status: 200 });
  }) as typeof fetch;

  let exported: Record<string, unknown> = {};
  let failure: unknown;
  // The SDK records a stack trace on every promise and registration (runtime/debuggable.js); with
  // source maps on, formatting them is two thirds of an evaluation. Messages are what tests assert;
  // HARNESS_STACK_TRACES=1 keeps the traces for debugging.
  const stackTraceLimit = Error.stackTraceLimit;
  if (process.env["HARNESS_STACK_TRACES"] !== "1") Error.stackTraceLimit = 0;
  // Without an engine, pulumi.log.warn writes "warning: [runtime] <msg>" with console.warn: keep those for the tests.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...data: unknown[]) => {
    const line = data.map(String).join(" ");
    if (line.startsWith(LOG_WARN_PREFIX)) warnings.push(line.slice(LOG_WARN_PREFIX.length));
    else consoleWarn(...data);
  };
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        exported = await opts.program();
      } catch (err) {
        failure = err;
      }
      return exported;
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  } finally {
    globalThis.fetch = realFetch;
    console.warn = consoleWarn;
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (unexpected.length > 0) throw new EvaluationError(new Error(`unexpected invoke ${unexpected.join(", ")}`), resources);
  if (failure !== undefined) throw new EvaluationError(failure, resources);

  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [k, v] of Object.entries(exported)) {
    if (pulumi.Output.isInstance(v) && (await isSecretOutput(v as pulumi.Output<unknown>))) secretOutputs.push(k);
    outputs[k] = await resolveDeep(v);
  }
  return { resources, outputs, secretOutputs, invokes, fetched, warnings, hooks };
}

/** Resolves Outputs anywhere inside a value (stack outputs may nest them). */
async function resolveDeep(v: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) return resolveDeep(await unwrapOutput(v as pulumi.Output<unknown>));
  if (Array.isArray(v)) return Promise.all(v.map(resolveDeep));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await resolveDeep(x);
    return out;
  }
  return v;
}

/** Resolves an Output's value (mocks always know it), secret or not. */
export function unwrapOutput<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Whether an Output is secret. */
export function isSecretOutput(o: pulumi.Output<unknown>): Promise<boolean> {
  return (o as unknown as { isSecret: Promise<boolean> }).isSecret;
}

// ---------------------------------------------------------------- lookups

export function byType(ev: Evaluation, type: string): Registered[] {
  return ev.resources.filter((r) => r.type === type);
}

export function find(ev: Evaluation, type: string, name: string): Registered {
  const hits = ev.resources.filter((r) => r.type === type && r.name === name);
  if (hits.length !== 1) {
    const seen = ev.resources.map((r) => `${r.type} ${r.name}`).join("\n  ");
    throw new Error(`expected exactly one ${type} named ${name}, found ${hits.length}; registered:\n  ${seen}`);
  }
  return hits[0]!;
}

/** `type name` lines, sorted: the shape of a graph at a glance. */
export function inventoryOf(ev: Evaluation): string[] {
  return ev.resources.map((r) => `${r.type} ${r.name}`).sort();
}
