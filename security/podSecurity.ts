/**
 * Pod Security Admission labels for the namespaces the graph owns: each
 * namespace runs at the strictest level its pods can run under, versions
 * pinned to the cluster's minor, and every relaxation named.
 */
import { parseKubernetesVersion } from "../catalog/versions";
import type { Plan } from "../plan/types";

export type PsaLevel = "privileged" | "baseline" | "restricted";

/** What each owned namespace holds, and the level its pods need. */
export interface NamespaceRole {
  readonly namespace: string;
  readonly role:
    | "gateway"
    | "sandbox"
    | "agentSandbox"
    | "cloudnativePg"
    | "gpuOperator"
    | "csiDriverNfs"
    | "cephCsi"
    | "agentSandboxWorkloads"
    | "openhandsApp"
    | "openhandsRuntime"
    | "nemoclaw";
  /** The strictest level the workload can run under. */
  readonly needs: PsaLevel;
  readonly why: string;
}

export function namespaceRoles(plan: Plan): NamespaceRole[] {
  const n = plan.namespaces;
  const shared = n.sandbox === n.gateway;
  const roles: NamespaceRole[] = [
    { namespace: n.agentSandbox, role: "agentSandbox", needs: "restricted", why: "the controller runs as non-root with no privileges" },
    shared
      ? {
          namespace: n.gateway,
          role: "sandbox",
          needs: "privileged",
          why: "sandboxes share the gateway namespace (relaxations.sharedSandboxNamespace): sandbox pods need privileges",
        }
      : { namespace: n.gateway, role: "gateway", needs: "restricted", why: "the gateway and Postgres run as non-root with no privileges" },
  ];
  if (!shared) {
    roles.push({
      namespace: n.sandbox,
      role: "sandbox",
      needs: "privileged",
      why: "the sandbox supervisor needs Linux capabilities (SYS_ADMIN, NET_ADMIN, SYS_PTRACE) to build each sandbox's isolation",
    });
  }
  if (n.cloudnativePg !== undefined) roles.push({ namespace: n.cloudnativePg, role: "cloudnativePg", needs: "restricted", why: "the operator runs as non-root" });
  if (n.gpuOperator !== undefined) roles.push({ namespace: n.gpuOperator, role: "gpuOperator", needs: "privileged", why: "the driver, toolkit and device plugin manage the host" });
  if (n.csiDriverNfs !== undefined) roles.push({ namespace: n.csiDriverNfs, role: "csiDriverNfs", needs: "privileged", why: "CSI node plugins mount volumes on the host" });
  if (n.cephCsi !== undefined) roles.push({ namespace: n.cephCsi, role: "cephCsi", needs: "privileged", why: "CSI node plugins mount volumes on the host" });
  if (n.agentSandboxWorkloads !== undefined) {
    roles.push({
      namespace: n.agentSandboxWorkloads,
      role: "agentSandboxWorkloads",
      needs: "restricted",
      why: "SandboxTemplate pods run non-root (the OpenHands agent server as UID 10001) with no privileges, every capability dropped",
    });
  }
  if (n.openhandsApp !== undefined) roles.push({ namespace: n.openhandsApp, role: "openhandsApp", needs: "baseline", why: "the OpenHands app's entrypoint runs as root" });
  if (n.openhandsRuntime !== undefined) {
    const privileged = plan.config.openhands.kubernetesRuntime.privileged;
    roles.push({
      namespace: n.openhandsRuntime,
      role: "openhandsRuntime",
      needs: privileged ? "privileged" : "baseline",
      why: privileged ? "runtime pods run as root and privileged (openhands.kubernetesRuntime.privileged: docker-in-docker)" : "OpenHands runtime pods run as root",
    });
  }
  if (n.nemoclaw !== undefined) roles.push({ namespace: n.nemoclaw, role: "nemoclaw", needs: "restricted", why: "the NemoClaw blueprint runner runs non-root with no privileges" });
  return roles;
}

/** `v1.<minor>` of the cluster: the policy version the labels pin. */
export function psaVersion(kubernetesVersion: string): string {
  const v = parseKubernetesVersion(kubernetesVersion);
  return v === undefined ? "latest" : `v${v.major}.${v.minor}`;
}

/**
 * Labels per namespace. strict: enforce the needed level; audit and warn at
 * restricted so every exception shows. relaxed (dev): a restricted namespace
 * is enforced at baseline only (audit/warn still restricted).
 */
export function podSecurityLabels(role: NamespaceRole, profile: "relaxed" | "strict", kubernetesVersion: string, openshift: boolean): Record<string, string> {
  const version = psaVersion(kubernetesVersion);
  const enforce: PsaLevel = profile === "relaxed" && role.needs === "restricted" ? "baseline" : role.needs;
  const report: PsaLevel = role.needs === "privileged" ? "baseline" : "restricted";
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": version,
    "pod-security.kubernetes.io/audit": report,
    "pod-security.kubernetes.io/audit-version": version,
    "pod-security.kubernetes.io/warn": report,
    "pod-security.kubernetes.io/warn-version": version,
    // OpenShift rewrites PSA labels from SCCs unless told not to; these are deliberate.
    ...(openshift ? { "security.openshift.io/scc.podSecurityLabelSync": "false" } : {}),
  };
}

/** Every namespace the graph owns with its labels, in creation order. */
export function namespaceSpecs(plan: Plan): { name: string; labels: Record<string, string>; retainOnDelete?: boolean }[] {
  const c = plan.config;
  return namespaceRoles(plan).map((r) => ({
    name: r.namespace,
    labels: podSecurityLabels(r, c.policies.profile, plan.kubernetesVersion, c.cluster.openshift),
    ...(plan.protection.namespaces.includes(r.namespace) ? { retainOnDelete: true } : {}),
  }));
}
