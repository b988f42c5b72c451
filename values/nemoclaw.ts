/**
 * NemoClaw's external OpenShell target, pure: the blueprint with the
 * in-cluster HTTPS endpoint (a name on the gateway's server certificate),
 * the Secret and ConfigMap names, and the runner pod fragment that mounts
 * them as regular files (subPath: NemoClaw opens them with O_NOFOLLOW and
 * refuses the symlinks a plain Secret or ConfigMap volume contains).
 */
import { stringify } from "yaml";
import { NEMOCLAW_BLUEPRINT_DIR, NEMOCLAW_RELEASES, NEMOCLAW_TARGET_DIR } from "../catalog/frameworks";
import type { Plan } from "../plan/types";
import { COMMON_LABELS } from "../manifests/labels";
import { GATEWAY_NAME, GATEWAY_PORT } from "./openshell";

export const NEMOCLAW_TARGET_SECRET = "nemoclaw-openshell-target";
export const NEMOCLAW_CA_KEY = "ca.pem";
/** The team's Secret with the machine credential (`authentication`): its shape depends on the NemoClaw release. */
export const NEMOCLAW_CREDENTIAL_SECRET = "nemoclaw-openshell-credential";
export const NEMOCLAW_CREDENTIAL_KEY = "authentication";
export const NEMOCLAW_BLUEPRINT_CONFIGMAP = "nemoclaw-blueprint";
export const NEMOCLAW_BLUEPRINT_KEY = "blueprint.yaml";

/** `https://openshell.<gateway ns>.svc.cluster.local:8080`: covered by the server certificate, never loopback. */
export function nemoclawEndpoint(plan: Plan): string {
  return `https://${GATEWAY_NAME}.${plan.namespaces.gateway}.svc.cluster.local:${GATEWAY_PORT}`;
}

/** The OpenShell version the named NemoClaw release accepts (the rules refuse an unknown release first). */
export function nemoclawOpenShell(plan: Plan): string {
  const r = NEMOCLAW_RELEASES[plan.config.nemoclaw.release];
  if (r === undefined) throw new Error(`NemoClaw ${plan.config.nemoclaw.release} is not in the catalog`);
  return r.openshell;
}

export function nemoclawBlueprintYaml(plan: Plan): string {
  const openshell = nemoclawOpenShell(plan);
  return stringify({
    version: "1.0.0",
    min_openshell_version: openshell,
    max_openshell_version: openshell,
    openshell_target: {
      endpoint: nemoclawEndpoint(plan),
      workspace: plan.config.nemoclaw.workspace,
      expected_release: openshell,
      lifecycle: "external",
      trust: { ca_file: `${NEMOCLAW_TARGET_DIR}/${NEMOCLAW_CA_KEY}` },
      authentication: { credential_file: `${NEMOCLAW_TARGET_DIR}/${NEMOCLAW_CREDENTIAL_KEY}` },
    },
  });
}

export function nemoclawBlueprintConfigMap(plan: Plan) {
  const ns = plan.namespaces.nemoclaw;
  if (ns === undefined) return undefined;
  return {
    apiVersion: "v1" as const,
    kind: "ConfigMap" as const,
    metadata: { name: NEMOCLAW_BLUEPRINT_CONFIGMAP, namespace: ns, labels: { ...COMMON_LABELS } },
    data: { [NEMOCLAW_BLUEPRINT_KEY]: nemoclawBlueprintYaml(plan) },
  };
}

/** The runner pod's volumes, mounts and environment: every file a regular file through subPath. */
export function nemoclawRunnerPod(plan: Plan) {
  if (plan.namespaces.nemoclaw === undefined) return undefined;
  return {
    env: [{ name: "NEMOCLAW_BLUEPRINT_PATH", value: NEMOCLAW_BLUEPRINT_DIR }],
    volumes: [
      { name: "blueprint", configMap: { name: NEMOCLAW_BLUEPRINT_CONFIGMAP } },
      { name: "openshell-ca", secret: { secretName: NEMOCLAW_TARGET_SECRET } },
      { name: "openshell-credential", secret: { secretName: NEMOCLAW_CREDENTIAL_SECRET } },
    ],
    volumeMounts: [
      { name: "blueprint", mountPath: `${NEMOCLAW_BLUEPRINT_DIR}/${NEMOCLAW_BLUEPRINT_KEY}`, subPath: NEMOCLAW_BLUEPRINT_KEY, readOnly: true },
      { name: "openshell-ca", mountPath: `${NEMOCLAW_TARGET_DIR}/${NEMOCLAW_CA_KEY}`, subPath: NEMOCLAW_CA_KEY, readOnly: true },
      { name: "openshell-credential", mountPath: `${NEMOCLAW_TARGET_DIR}/${NEMOCLAW_CREDENTIAL_KEY}`, subPath: NEMOCLAW_CREDENTIAL_KEY, readOnly: true },
    ],
  };
}
