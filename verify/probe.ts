/**
 * `verify --probe`: what it creates (a Sandbox of the pinned probe image with
 * a workspace PVC of the workspace class, in the sandbox namespace) and how
 * it judges the outcome. Pure; verify/run.ts drives it through the cluster
 * layer. `npm run plan` lists the same objects.
 */
import type { Plan } from "../plan/types";
import { formatImageRef } from "../registry/imageRef";
import { COMMON_LABELS } from "../manifests/labels";
import { sandboxReady, type Finding, type KubeObject } from "./checks";
import type { ObjectRef } from "./expectations";
import { probeSandboxImage, SANDBOX_NAME_PREFIX } from "./openshellProbe";
import { rowReference } from "./troubleshooting";

export const PROBE_NAME = "platform-verify-probe";
export const PROBE_WORKSPACE = "workspace";
export const PROBE_WORKSPACE_SIZE = "1Gi";
export const PROBE_IMAGE_ID = "verify.probe";
const PROBE_LABELS = { ...COMMON_LABELS, "app.kubernetes.io/component": "verify-probe" };

export interface ProbePlan {
  readonly sandbox: KubeObject;
  readonly sandboxRef: ObjectRef;
  /** The PVC agent-sandbox makes from the claim template: `<template>-<sandbox>`. */
  readonly pvcRef: ObjectRef;
  readonly image: string;
  readonly storageClass?: string;
}

export function probePlan(plan: Plan): ProbePlan {
  const entry = plan.images.find((i) => i.id === PROBE_IMAGE_ID);
  if (entry === undefined) throw new Error("the plan has no probe image (catalog verify.probe)");
  const image = formatImageRef(entry.resolved);
  const namespace = plan.namespaces.sandbox;
  const storageClass = plan.config.storage.workspaceClass;
  const sandbox: KubeObject = {
    apiVersion: "agents.x-k8s.io/v1beta1",
    kind: "Sandbox",
    metadata: { name: PROBE_NAME, namespace, labels: { ...PROBE_LABELS } },
    spec: {
      podTemplate: {
        metadata: { labels: { ...PROBE_LABELS } },
        spec: {
          automountServiceAccountToken: false,
          ...(plan.pullSecretName !== undefined ? { imagePullSecrets: [{ name: plan.pullSecretName }] } : {}),
          securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "probe",
              image,
              imagePullPolicy: "IfNotPresent",
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
              volumeMounts: [{ name: PROBE_WORKSPACE, mountPath: "/workspace" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: PROBE_WORKSPACE },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(storageClass !== undefined ? { storageClassName: storageClass } : {}),
            resources: { requests: { storage: PROBE_WORKSPACE_SIZE } },
          },
        },
      ],
    },
  };
  return {
    sandbox,
    sandboxRef: { apiVersion: "agents.x-k8s.io/v1beta1", kind: "Sandbox", namespace, name: PROBE_NAME },
    pvcRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name: `${PROBE_WORKSPACE}-${PROBE_NAME}` },
    image,
    ...(storageClass !== undefined ? { storageClass } : {}),
  };
}

/** What `npm run plan` prints for the probe. */
export function probeSummary(plan: Plan): string[] {
  const p = probePlan(plan);
  return [
    `Sandbox ${p.sandboxRef.namespace}/${p.sandboxRef.name} (agents.x-k8s.io/v1beta1, image ${p.image}), deleted after it is Ready`,
    `PersistentVolumeClaim ${p.pvcRef.namespace}/${p.pvcRef.name} (${p.storageClass ?? "the default class"}, ${PROBE_WORKSPACE_SIZE}), deleted with it`,
    "port-forwards to a gateway pod: mTLS handshake on 8080, GET /readyz on 8081",
    `with the OpenShell CLI (on PATH or --openshell-cli): sandbox ${SANDBOX_NAME_PREFIX}<6 hex> through the gateway (image ${probeSandboxImage(plan)} unless --probe-image; its main process \`sleep\`), one \`sandbox exec\`, then \`sandbox delete\``,
  ];
}

const record = (v: unknown): Readonly<Record<string, unknown>> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The finding for a probe Sandbox that did not become Ready in time (none when it did). */
export function probeFindings(p: ProbePlan, sandbox: KubeObject | null, pvc: KubeObject | null, timeoutSeconds: number): Finding[] {
  const s = sandboxReady(sandbox);
  if (s.ready) return [];
  const phase = pvc === null ? "not created" : String(record(pvc["status"])["phase"] ?? "no phase");
  return [
    {
      check: "probe",
      object: `Sandbox ${p.sandboxRef.namespace}/${p.sandboxRef.name}`,
      expected: `Ready=True within ${timeoutSeconds} s, its PersistentVolumeClaim ${p.pvcRef.name} Bound`,
      found: `${s.detail}; PersistentVolumeClaim ${phase}`,
      troubleshooting: rowReference("probe"),
    },
  ];
}
