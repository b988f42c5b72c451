/**
 * The troubleshooting rows `verify` findings point at: one row per
 * kind of finding, in docs/troubleshooting.md "verify findings" (a test
 * checks every row is there).
 */
export const TROUBLESHOOTING = {
  namespace: "namespace missing or wrong Pod Security labels",
  pullSecret: "pull Secret or mirror CA ConfigMap missing",
  crd: "CRD missing, not Established, or not serving a version",
  operator: "operator Deployment not Available",
  gateway: "gateway not ready or Service without ready endpoints",
  postgres: "Postgres Cluster not ready",
  certificate: "server certificate wrong, from another CA, or near expiry",
  storage: "StorageClass missing or not the default",
  policy: "NetworkPolicy, ResourceQuota or LimitRange missing",
  clients: "in-cluster client Secret or ConfigMap missing",
  probe: "probe Sandbox not Ready or workspace PVC not bound",
  mtls: "gateway mTLS handshake or /readyz fails",
  openshellRegister: "OpenShell CLI cannot register or reach the gateway",
  openshellCreate: "OpenShell sandbox not Ready through the gateway",
  openshellExec: "command in the OpenShell sandbox fails or prints something else",
  openshellDelete: "OpenShell sandbox delete fails",
} as const;

export type TroubleshootingRow = keyof typeof TROUBLESHOOTING;

/** How a finding names its row. */
export const rowReference = (row: TroubleshootingRow): string => `docs/troubleshooting.md › verify findings: "${TROUBLESHOOTING[row]}"`;
