/**
 * Secret settings. They are read with `requireSecret` and stay
 * `pulumi.Output<string>`: never parsed by zod, never turned into plain
 * strings. Validation only learns *whether* each one was provided, and
 * whether it was stored encrypted (`pulumi config set --secret`).
 *
 * They are declared in Pulumi.yaml with a `""` default (so that optional
 * secrets stay optional: Pulumi makes a declared key without a default
 * mandatory in every stack and refuses a `secret: true` key with a plain
 * default), and this module refuses any that was set in plain text.
 */
import * as pulumi from "@pulumi/pulumi";

export const SECRET_KEYS = {
  registryPassword: "Password or robot token of registry.username on the mirror (image pull secret and chart pulls).",
  inferenceApiKey: "API key of the inference provider (inference.provider), stored in a Kubernetes Secret for the gateway.",
  cephUserKey: "Ceph user key for the standalone ceph-csi CephFS driver (storage.cephfs.mode = standalone).",
  backupAccessKeyId: "Access key id of the S3-compatible backup store (database.backup.enabled).",
  backupSecretAccessKey: "Secret access key of the S3-compatible backup store (database.backup.enabled).",
  kubeconfig: "kubeconfig contents for the target cluster; alternative to cluster.kubeconfigPath.",
  upstreamProxyCredentials: "user:password of gateway.upstreamProxy, stored in a Kubernetes Secret in the sandbox namespace (never in chart values).",
} as const;

export type SecretKey = keyof typeof SECRET_KEYS;
export const SECRET_KEY_NAMES = Object.keys(SECRET_KEYS) as SecretKey[];

export interface SecretPresence {
  /** A non-empty value is set for the stack. */
  readonly provided: boolean;
  /** The value was stored encrypted. */
  readonly encrypted: boolean;
}

export type SecretPresenceMap = Readonly<Record<SecretKey, SecretPresence>>;

/** The secret Outputs the plan needs; absent keys were not needed. */
export type Secrets = Readonly<Partial<Record<SecretKey, pulumi.Output<string>>>>;

export const NO_SECRETS: SecretPresenceMap = Object.fromEntries(
  SECRET_KEY_NAMES.map((k) => [k, { provided: false, encrypted: false }]),
) as Record<SecretKey, SecretPresence>;

/** Reads the secrets the plan uses as secret Outputs. */
export function readSecrets(config: pulumi.Config, needed: readonly SecretKey[]): Secrets {
  const out: Partial<Record<SecretKey, pulumi.Output<string>>> = {};
  for (const key of [...needed].sort()) out[key] = config.requireSecret(key);
  return out;
}
