/**
 * The plan of a stack file, as `npm run plan` and `npm run inventory` build
 * it: the file read as `pulumi up` reads it, validated by the same rules,
 * with secrets the stack has not set yet reported instead of refused.
 */
import type { ConfigIssue } from "../config/errors";
import { resolveConfigReportingMissingSecrets } from "../config/load";
import { readStackFileSettings } from "../config/stackFile";
import type { SecretPresenceMap } from "../config/secrets";
import { buildPlan, type Plan } from "./plan";

export interface StackFilePlan {
  readonly plan: Plan;
  readonly secrets: SecretPresenceMap;
  readonly missingSecrets: readonly ConfigIssue[];
}

export function planStackFile(root: string, stack: string): StackFilePlan {
  const settings = readStackFileSettings(root, stack);
  const { config, missingSecrets } = resolveConfigReportingMissingSecrets(settings);
  return { plan: buildPlan(stack, config, settings.secrets), secrets: settings.secrets, missingSecrets };
}
