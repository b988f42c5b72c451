/**
 * The platform's policy pack: `pulumi preview --policy-pack policy
 * --policy-pack-config policy/config/<stack>.json`. It sees every object,
 * helm.v4.Chart children included, before anything reaches a cluster.
 */
import { PolicyPack, type ResourceValidationArgs, type StackValidationArgs } from "@pulumi/policy";
import {
  configMapViolations,
  defaultDenyViolations,
  latestTagViolations,
  mirrorViolations,
  packConfig,
  plainHttpChartViolations,
  podSecurityViolations,
  type PackConfig,
  type Res,
} from "./rules";

const configSchema = {
  properties: {
    tier: { type: "string" as const, enum: ["dev", "staging", "prod"] },
    mirrorHost: { type: "string" as const },
  },
};


const res = (a: ResourceValidationArgs): Res => ({ type: a.type, name: a.name, props: a.props });

function resourcePolicy(name: string, description: string, rule: (r: Res, cfg: PackConfig) => string[]) {
  return {
    name,
    description,
    enforcementLevel: "mandatory" as const,
    configSchema,
    validateResource: (args: ResourceValidationArgs, report: (message: string) => void) => {
      for (const message of rule(res(args), packConfig(args.getConfig<Partial<PackConfig>>()))) report(message);
    },
  };
}

new PolicyPack("agent-platform", {
  policies: [
    resourcePolicy("mirror-only", "In mirrored stacks, every image, chart and manifest comes from the mirror.", mirrorViolations),
    resourcePolicy("no-latest-tags", "No latest (or missing) image tags in staging and prod.", latestTagViolations),
    resourcePolicy("namespace-pod-security", "Every Namespace has a Pod Security enforce label.", (r) => podSecurityViolations(r)),
    resourcePolicy("no-secrets-in-configmaps", "No secret-looking keys in ConfigMaps.", (r) => configMapViolations(r)),
    resourcePolicy("no-plain-http-charts-in-prod", "No plain-HTTP chart repositories in prod.", plainHttpChartViolations),
    {
      name: "namespace-default-deny",
      description: "Every Namespace the stack creates has a default-deny NetworkPolicy.",
      enforcementLevel: "mandatory",
      validateStack: (args: StackValidationArgs, report: (message: string) => void) => {
        for (const message of defaultDenyViolations(args.resources.map((r) => ({ type: r.type, name: r.name, props: r.props })))) report(message);
      },
    },
  ],
});
