/**
 * What the graph protects, per tier: the state users cannot get back. One
 * table; the components read the plan derived from it, docs/day-2.md and the
 * configuration reference render it, and the tests assert it on the mocked
 * graph (chart children through the chart's transform).
 *
 * - `protect`: Pulumi refuses to delete or replace the resource (a destroy, a
 *   rename without alias, an input that forces replacement) until it is
 *   unprotected in the state.
 * - `retainOnDelete`: when Pulumi deletes the resource it only forgets it; the
 *   object stays in the cluster (a CRD deletion would delete every custom
 *   resource of it; a namespace deletion everything in it).
 */
export type ProtectionOption = "protect" | "retainOnDelete";

export interface ProtectedState {
  readonly what: string;
  /** The resources, by Pulumi name (as index.ts names the components). */
  readonly resources: string;
  readonly option: ProtectionOption;
  /** When it applies. */
  readonly when: "protection.enabled" | "always";
  readonly why: string;
}

export const PROTECTED_STATE: readonly ProtectedState[] = [
  { what: "CA private key and certificate", resources: "`pki-ca-key`, `pki-ca`", option: "protect", when: "protection.enabled", why: "every client and sandbox certificate chains to it" },
  { what: "credential-storage key-encryption key", resources: "`pki-kek`", option: "protect", when: "protection.enabled", why: "every stored credential is encrypted with it; OpenShell cannot re-encrypt them" },
  { what: "sandbox JWT signing key", resources: "`pki-jwt-key`", option: "protect", when: "protection.enabled", why: "running sandboxes hold tokens signed with it" },
  { what: "Postgres Cluster", resources: "`database-cluster`", option: "protect", when: "protection.enabled", why: "the gateway's data (its PVCs go with it)" },
  { what: "agent-sandbox CRDs", resources: "`agent-sandbox-crd-*`", option: "retainOnDelete", when: "protection.enabled", why: "deleting a CRD deletes every Sandbox, i.e. every user's sandbox" },
  { what: "GPU Operator CRDs (chart children)", resources: "CRDs rendered by `gpu-operator-chart`, through its transform", option: "retainOnDelete", when: "protection.enabled", why: "ClusterPolicy, NVIDIADriver and node-feature-discovery objects hold operator state" },
  { what: "CloudNativePG CRDs (chart children)", resources: "CRDs rendered by `database-operator`", option: "retainOnDelete", when: "always", why: "the chart marks them `helm.sh/resource-policy: keep`, which helm.v4.Chart maps to retainOnDelete" },
  { what: "gateway namespace", resources: "`namespaces-<gateway.namespace>`", option: "retainOnDelete", when: "protection.enabled", why: "it holds the Postgres (or SQLite) data" },
  { what: "sandbox namespace", resources: "`namespaces-<gateway.sandboxNamespace>`", option: "retainOnDelete", when: "protection.enabled", why: "it holds the sandboxes and their workspace volumes" },
];

/** What the components apply for one stack. */
export interface ProtectionPlan {
  readonly enabled: boolean;
  /** `protect` on the CA key and certificate, the KEK and the JWT key. */
  readonly keys: boolean;
  /** `protect` on the Postgres Cluster. */
  readonly database: boolean;
  /** `retainOnDelete` on the CRDs the graph installs (agent-sandbox's; the GPU Operator chart's). */
  readonly crds: boolean;
  /** Namespaces kept on delete. */
  readonly namespaces: readonly string[];
}

export function protectionPlan(enabled: boolean, ns: { readonly gateway: string; readonly sandbox: string }): ProtectionPlan {
  return {
    enabled,
    keys: enabled,
    database: enabled,
    crds: enabled,
    namespaces: enabled ? [...new Set([ns.gateway, ns.sandbox])].sort() : [],
  };
}

/** The protection table as Markdown (docs/day-2.md and docs/configuration.md). */
export function protectionTable(): string {
  const rows = PROTECTED_STATE.map(
    (p) => `| ${p.what} | ${p.resources} | \`${p.option}\` | ${p.when === "always" ? "every tier" : "staging, prod; dev with `protection.enabled`"} | ${p.why} |`,
  );
  return ["| state | resources | option | where | why |", "|---|---|---|---|---|", ...rows].join("\n");
}

const PKI_CHAIN = "agent-platform:platform:Pki";
/** The protected keys a rotation replaces, by the `pki.rotation` field that rotates them. */
const ROTATED: Readonly<Record<"ca" | "jwtKey" | "kek", readonly { type: string; name: string }[]>> = {
  ca: [
    { type: "tls:index/privateKey:PrivateKey", name: "pki-ca-key" },
    { type: "tls:index/selfSignedCert:SelfSignedCert", name: "pki-ca" },
  ],
  jwtKey: [{ type: "tls:index/privateKey:PrivateKey", name: "pki-jwt-key" }],
  kek: [{ type: "random:index/randomBytes:RandomBytes", name: "pki-kek" }],
};

/**
 * The `pulumi state unprotect` commands a protected stack needs before the
 * `pulumi up` that applies a raised generation (none when protection is off
 * or nothing is rotated).
 */
export function rotationUnprotectCommands(
  stack: string,
  project: string,
  protection: Pick<ProtectionPlan, "keys">,
  rotation: Readonly<Record<"ca" | "jwtKey" | "kek", number>>,
): string[] {
  if (!protection.keys) return [];
  return (Object.keys(ROTATED) as (keyof typeof ROTATED)[])
    .filter((k) => rotation[k] > 1)
    .flatMap((k) => ROTATED[k].map((r) => `pulumi state unprotect --stack ${stack} 'urn:pulumi:${stack}::${project}::${PKI_CHAIN}$${r.type}::${r.name}'`));
}
