/** ResourceQuota and LimitRange of the sandbox namespace, per tier. */
import type { Plan } from "../plan/types";
import { OPENCLAW_SANDBOX_MEMORY } from "../catalog/frameworks";
import { quantityAtLeast } from "../lib/quantity";
import { COMMON_LABELS } from "../manifests/labels";


export function sandboxQuota(plan: Plan) {
  const q = plan.config.policies.quota;
  return {
    apiVersion: "v1" as const,
    kind: "ResourceQuota" as const,
    metadata: { name: "sandboxes", namespace: plan.namespaces.sandbox, labels: { ...COMMON_LABELS } },
    spec: {
      hard: {
        pods: String(q.pods),
        "requests.cpu": q.requestsCpu,
        "requests.memory": q.requestsMemory,
        "limits.cpu": q.limitsCpu,
        "limits.memory": q.limitsMemory,
        "requests.storage": q.requestsStorage,
        persistentvolumeclaims: String(q.persistentVolumeClaims),
        "requests.nvidia.com/gpu": String(q.gpus),
      },
    },
  };
}

export function sandboxLimitRange(plan: Plan) {
  const d = plan.config.policies.containerDefaults;
  // NemoClaw's OpenClaw sandboxes are OOM-killed below 8Gi: a sandbox that sets no limit gets at least that.
  const nemoclaw = plan.config.nemoclaw.enabled && !quantityAtLeast(d.limits.memory, OPENCLAW_SANDBOX_MEMORY);
  const defaultMemory = nemoclaw ? OPENCLAW_SANDBOX_MEMORY : d.limits.memory;
  return {
    apiVersion: "v1" as const,
    kind: "LimitRange" as const,
    metadata: { name: "sandbox-defaults", namespace: plan.namespaces.sandbox, labels: { ...COMMON_LABELS } },
    spec: {
      limits: [
        {
          type: "Container",
          defaultRequest: { cpu: d.requests.cpu, memory: d.requests.memory },
          default: { cpu: d.limits.cpu, memory: defaultMemory },
        },
      ],
    },
  };
}
