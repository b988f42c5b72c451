/**
 * The relaxations a stack runs with, in words: every exception to the
 * strict defaults (Pod Security, API-server egress, shared namespaces,
 * unauthenticated users, telemetry), printed as a warning on every run and
 * by `npm run plan`.
 */
import { ANY_ADDRESS } from "../config/rules";
import type { Plan } from "../plan/types";
import { namespaceRoles } from "./podSecurity";

/** Human-readable relaxations in force, printed as warnings on every run. */
export function relaxations(plan: Plan): string[] {
  const out: string[] = [];
  const c = plan.config;
  if (c.policies.profile === "relaxed") {
    for (const r of namespaceRoles(plan).filter((x) => x.needs === "restricted")) {
      out.push(`namespace ${r.namespace}: Pod Security enforced at baseline, not restricted (policies.profile: relaxed)`);
    }
  }
  const any = c.policies.apiServer.cidrs.filter((cidr) => ANY_ADDRESS.includes(cidr));
  if (any.length > 0) out.push(`API-server egress is allowed to any address (policies.apiServer.cidrs: ${any.join(", ")})`);
  if (plan.namespaces.sandbox === plan.namespaces.gateway) out.push(`namespace ${plan.namespaces.gateway}: sandboxes share the gateway namespace, which runs at privileged`);
  if (c.gateway.allowUnauthenticatedUsers) out.push("the gateway accepts users without an OIDC token (gateway.allowUnauthenticatedUsers)");
  if (plan.namespaces.openhandsRuntime !== undefined && c.openhands.kubernetesRuntime.privileged) {
    out.push(`namespace ${plan.namespaces.openhandsRuntime}: OpenHands runtime pods run privileged, the namespace at Pod Security privileged (openhands.kubernetesRuntime.privileged)`);
  }
  if (c.gateway.telemetry) {
    out.push(`the gateway and every sandbox send telemetry to NVIDIA (gateway.telemetry)${plan.registry.mode === "mirrored" ? ", from a mirrored stack" : ""}`);
  }
  return out;
}
