/**
 * The cluster a stack targets, as @kubernetes/client-node loads it: the
 * kubeconfig path or contents and the context the plan names (the same
 * settings the Pulumi provider uses). One loader for `verify`, the
 * agent-sandbox migration hooks and `plan`'s preflight.
 */
import { existsSync } from "node:fs";
import { delimiter } from "node:path";
import * as k8s from "@kubernetes/client-node";
import { defaultKubeconfigPaths, type KubeconfigSource } from "./kubeRest";

export type { KubeconfigSource };

/** The kubeconfig cannot name a cluster: missing file, unknown context, no cluster for the context. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

export function loadKubeconfig(src: KubeconfigSource): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (src.contents !== undefined) kc.loadFromString(src.contents);
  else if (src.path !== undefined) kc.loadFromFile(src.path);
  else {
    // loadFromDefault falls back to http://localhost:8080 when it finds nothing; say what is missing instead.
    const candidates = defaultKubeconfigPaths();
    if (!candidates.some((p) => existsSync(p)) && process.env["KUBERNETES_SERVICE_HOST"] === undefined) {
      throw new KubeconfigError(`no kubeconfig (${candidates.join(delimiter)} ${candidates.length > 1 ? "do" : "does"} not exist; set cluster.kubeconfigPath or $KUBECONFIG)`);
    }
    kc.loadFromDefault();
  }
  if (src.context !== undefined) {
    if (kc.getContextObject(src.context) === null) {
      throw new KubeconfigError(`context "${src.context}" is not in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    }
    kc.setCurrentContext(src.context);
  }
  if (kc.getCurrentCluster() === null) throw new KubeconfigError(`the kubeconfig has no cluster for context "${kc.getCurrentContext()}"`);
  return kc;
}
