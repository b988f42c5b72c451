/** Labels on every object the graph creates itself (chart objects carry their charts' labels). */
export const COMMON_LABELS = {
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "agent-platform",
} as const;
