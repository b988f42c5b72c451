/**
 * What the Pulumi engine and the Kubernetes provider send to the API server for a graph, emulated
 * over the tier's real API server, so day-2 paths are tested the way `pulumi preview` and
 * `pulumi up` meet a cluster (the real-engine runs in the #23 note are the reference):
 *
 * - **preview**: every object in dependency order. The provider previews a create or update as a
 *   server-side apply with `dryRun=All` (pulumi-kubernetes v4.32.0 provider.go, Create/Update with
 *   `req.GetPreview()`), except where it cannot: an input is unknown, or the kind is not served
 *   yet, or the namespace does not exist yet; those it shows from the inputs. Resource hooks run
 *   in their preview mode (`onDryRun`, `dryRun()` true): they only read.
 * - **up**: the same order; hooks with `dryRun()` false run before their resource's create or
 *   update, then the object is applied for real (a CRD is waited for until Established).
 *
 * A hook runs only when its resource would be created or changed, as the engine does: the object
 * absent, or present with other data. The result lists, per object, what happened, and every
 * refusal with the server's text.
 */
import { MigrationError } from "../../migration/agentSandbox";
import { ApiError, type ApiClient, type K8sObject } from "./api";
import type { GraphObject } from "./graph";

export type Hook = () => Promise<void>;

export interface EngineRun {
  /** One line per object: `<resource>: dry run | from inputs (<why>) | applied | refused`. */
  readonly steps: readonly string[];
  /** `<resource> <Kind> <ns>/<name>: <server text>` for each refusal (the run stops at the first, as the engine does). */
  readonly failures: readonly string[];
  /** The hooks that ran, in order. */
  readonly hooksRun: readonly string[];
}

const ref = (o: K8sObject): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** Whether applying `object` would change the stored one (a ConfigMap's data; anything else: whether it exists). */
async function wouldChange(client: ApiClient, object: K8sObject): Promise<"create" | "update" | "none"> {
  const live = await client.get<K8sObject>(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
  if (live === undefined) return "create";
  if (object.kind === "ConfigMap") return JSON.stringify(live["data"] ?? {}) === JSON.stringify(object["data"] ?? {}) ? "none" : "update";
  return "update";
}

/** Why the provider would show this object from its inputs in preview, or undefined when it dry-runs it. */
async function fromInputs(client: ApiClient, g: GraphObject): Promise<string | undefined> {
  if (g.computed === true) return "an input is computed";
  try {
    await client.resourceFor(g.object.apiVersion, g.object.kind);
  } catch {
    return "its kind is not served yet";
  }
  const ns = g.object.metadata.namespace;
  if (ns !== undefined && (await client.get("v1", "Namespace", ns)) === undefined) return "its namespace does not exist yet";
  return undefined;
}

async function runHooks(g: GraphObject, op: "create" | "update" | "none", hooks: Readonly<Record<string, Hook>>, ran: string[]): Promise<void> {
  if (op === "none") return;
  for (const name of g.hooks?.[op === "create" ? "beforeCreate" : "beforeUpdate"] ?? []) {
    const hook = hooks[name];
    if (hook === undefined) throw new Error(`${g.resource}: no hook named ${name} was given to the emulation`);
    ran.push(name);
    await hook();
  }
}

/** One object's step: in preview a dry run (or its inputs shown), under up a real apply (a CRD then waited for). */
async function step(client: ApiClient, g: GraphObject, mode: "preview" | "up"): Promise<string> {
  if (mode === "preview") {
    const why = await fromInputs(client, g);
    if (why !== undefined) return `${g.resource}: from inputs (${why})`;
    await client.apply(g.object, { dryRun: true, fieldManager: "pulumi-kubernetes" });
    return `${g.resource}: dry run`;
  }
  await client.apply(g.object, { fieldManager: "pulumi-kubernetes" });
  if (g.object.kind === "CustomResourceDefinition") await client.waitEstablished(g.object);
  return `${g.resource}: applied`;
}

/** The objects in order, each after its resource's hooks; stops at the first refusal, as the engine does. */
async function runGraph(client: ApiClient, objects: readonly GraphObject[], hooks: Readonly<Record<string, Hook>>, mode: "preview" | "up"): Promise<EngineRun> {
  const steps: string[] = [];
  const hooksRun: string[] = [];
  for (const g of objects) {
    try {
      await runHooks(g, await wouldChange(client, g.object), hooks, hooksRun);
      steps.push(await step(client, g, mode));
    } catch (err) {
      if (!(err instanceof ApiError) && !(err instanceof MigrationError)) throw err;
      steps.push(`${g.resource}: refused`);
      return { steps, failures: [`${g.resource} ${ref(g.object)}: ${err.message}`], hooksRun };
    }
  }
  return { steps, failures: [], hooksRun };
}

/** `pulumi preview`: dry runs where the provider makes them, hooks in preview mode (the caller's). Writes nothing. */
export const previewGraph = (client: ApiClient, objects: readonly GraphObject[], hooks: Readonly<Record<string, Hook>>): Promise<EngineRun> =>
  runGraph(client, objects, hooks, "preview");

/** `pulumi up`'s update: hooks, then each object applied for real, in order. */
export const upGraph = (client: ApiClient, objects: readonly GraphObject[], hooks: Readonly<Record<string, Hook>>): Promise<EngineRun> =>
  runGraph(client, objects, hooks, "up");
