/**
 * Remote components — the `helm.v4.Chart`s and the `yaml.v2.ConfigGroup` —
 * report every child they register in their `resources` output. When the
 * program accepts resource references, the Node.js SDK turns each of those
 * children into a resource object as the component's registration returns,
 * and every one reads the child's whole state back from the engine (a
 * `pulumi:pulumi:getResource` invoke per child, CRD schemas included), on
 * every preview and update (prod: 66 invokes, 1.9 MB, per no-op preview).
 *
 * The program never reads those outputs. It only waits for the components:
 * `dependsOn` a remote component sends the component's URN, and the
 * component's registration returns only once the provider has registered
 * every child (its Construct call), so the wait covers the children without
 * any resource object for them in the program.
 *
 * So the registration of a remote component asks the engine for its
 * outputs without resource references (`acceptResources: false`; the
 * references arrive as the children's IDs/URNs). This is the same switch as
 * `PULUMI_DISABLE_RESOURCE_REFERENCES`, but for remote components only, and
 * part of the program rather than of each shell. It changes only what the
 * engine sends back to this process: the request's inputs, options and
 * dependencies, and the state the engine records (the component's outputs
 * included), are the same.
 */
import * as pulumi from "@pulumi/pulumi";

/** What is used of the SDK's RegisterResourceRequest (generated protobuf accessors). */
interface RegisterRequest {
  getRemote(): boolean;
  setAcceptresources(accept: boolean): void;
}

type Register = (req: RegisterRequest, ...rest: unknown[]) => unknown;

const PATCHED = Symbol.for("agent-platform/remote-outputs-without-resource-references");

type Monitor = { registerResource?: Register; [PATCHED]?: true };

/**
 * Makes every later registration of a remote component on this runtime's
 * resource monitor (the engine's, or the mocks') ask for outputs without
 * resource references. Idempotent. Throws when the SDK no longer exposes
 * what it relies on (runtime.getMonitor().registerResource and the request's
 * remote/acceptResources accessors), so an SDK upgrade that moves them fails
 * loudly in the tests instead of silently bringing the invokes back.
 */
export function remoteOutputsWithoutResourceReferences(): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor | undefined;
  if (monitor === undefined) throw new Error("remoteOutputsWithoutResourceReferences: the runtime has no resource monitor yet");
  if (monitor[PATCHED] === true) return;
  const register = monitor.registerResource;
  if (typeof register !== "function") throw new Error("remoteOutputsWithoutResourceReferences: the resource monitor has no registerResource (SDK changed)");
  monitor.registerResource = function (this: unknown, req: RegisterRequest, ...rest: unknown[]) {
    if (typeof req.getRemote !== "function" || typeof req.setAcceptresources !== "function") {
      throw new Error("remoteOutputsWithoutResourceReferences: RegisterResourceRequest has no getRemote/setAcceptresources (SDK changed)");
    }
    if (req.getRemote()) req.setAcceptresources(false);
    return register.call(monitor, req, ...rest);
  };
  monitor[PATCHED] = true;
}
