// In manifests/, the lowest builder room: manifests, values and security all label what they build.

/** The label every object of the platform carries, the graph's and the operators' alike. */
export const PART_OF = { "app.kubernetes.io/part-of": "agent-platform" } as const;

/** Labels on every object the graph creates itself (chart objects carry their charts' labels). */
export const COMMON_LABELS = {
  "app.kubernetes.io/managed-by": "pulumi",
  ...PART_OF,
} as const;
