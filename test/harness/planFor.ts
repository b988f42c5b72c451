/** Builds a plan from partial settings for pure tests; staging/prod get an OIDC issuer and prod a manifest digest unless set. */
import { deepMerge } from "../../lib/tree";
import { resolveConfig } from "../../config/load";
import { NO_SECRETS, type SecretPresenceMap } from "../../config/secrets";
import { buildPlan, type Plan } from "../../plan/plan";

export const ISSUER = "https://login.example.internal/realms/platform";

export const MIRROR = {
  mode: "mirrored",
  host: "harbor.example.internal",
  pathPrefix: "mirror",
  username: "robot",
  manifestBaseUrl: "https://files.example.internal/m",
} as const;

export function planFor(values: Record<string, unknown>, secrets: SecretPresenceMap = NO_SECRETS, stack = "t"): Plan {
  const base = {
    ...(values["tier"] === "dev" ? {} : { gateway: { oidc: { issuer: ISSUER } }, policies: { apiServer: { cidrs: ["10.0.0.1/32"] } } }),
    ...(values["tier"] === "prod" ? { catalog: { manifestSha256: { "agent-sandbox": "a".repeat(64), "agent-sandbox-with-extensions": "b".repeat(64) } } } : {}),
  };
  const merged = deepMerge(base, values) as Record<string, unknown>;
  return buildPlan(stack, resolveConfig({ stack, values: merged, secrets }), secrets);
}
