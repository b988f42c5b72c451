/** What `verify --probe` creates, how it judges the Sandbox, and that `npm run plan` lists it. */
import { describe, expect, it } from "vitest";
import { planStackFile } from "../../plan/fromStackFile";
import { planCommand } from "../../scripts/plan";
import { sandboxReady } from "../../verify/checks";
import { probeFindings, probePlan, probeSummary } from "../../verify/probe";
import { rowReference } from "../../verify/troubleshooting";
import { ROOT } from "../harness/stackConfig";

const ENV = { home: "/home/u", readFile: () => "" };

describe("the probe Sandbox", () => {
  it("prod: agents.x-k8s.io/v1beta1 in the sandbox namespace, the pause image from the mirror with the pull Secret, a workspace PVC of the workspace class", () => {
    const p = probePlan(planStackFile(ROOT, "prod").plan);
    expect(p.image).toBe("harbor.example.internal/mirror/registry.k8s.io/pause:3.10");
    expect(p.sandbox).toEqual({
      apiVersion: "agents.x-k8s.io/v1beta1",
      kind: "Sandbox",
      metadata: { name: "platform-verify-probe", namespace: "openshell-sandboxes", labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/component": "verify-probe" } },
      spec: {
        podTemplate: {
          metadata: { labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/component": "verify-probe" } },
          spec: {
            automountServiceAccountToken: false,
            imagePullSecrets: [{ name: "platform-registry-credentials" }],
            securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "probe",
                image: "harbor.example.internal/mirror/registry.k8s.io/pause:3.10",
                imagePullPolicy: "IfNotPresent",
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                volumeMounts: [{ name: "workspace", mountPath: "/workspace" }],
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: "workspace" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "cephfs", resources: { requests: { storage: "1Gi" } } } }],
      },
    });
    expect(p.pvcRef).toEqual({ apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "openshell-sandboxes", name: "workspace-platform-verify-probe" });
  });

  it("dev: the public image, no pull Secret, the default class", () => {
    const p = probePlan(planStackFile(ROOT, "dev").plan);
    expect(p.image).toBe("registry.k8s.io/pause:3.10");
    expect(JSON.stringify(p.sandbox)).not.toContain("imagePullSecrets");
    expect(JSON.stringify(p.sandbox)).not.toContain("storageClassName");
  });

  it.each([
    [null, { ready: false, detail: "the Sandbox does not exist" }],
    [{ status: {} }, { ready: false, detail: "no Ready condition" }],
    [{ status: { conditions: [{ type: "Ready", status: "True", reason: "DependenciesReady" }] } }, { ready: true, detail: "Ready=True (DependenciesReady)" }],
  ])("sandboxReady(%j)", (o, expected) => {
    expect(sandboxReady(o)).toEqual(expected);
  });

  it("a Sandbox not Ready: one finding with the PVC's phase", () => {
    const p = probePlan(planStackFile(ROOT, "dev").plan);
    const sandbox = { status: { conditions: [{ type: "Ready", status: "False", reason: "DependenciesNotReady" }] } };
    expect(probeFindings(p, sandbox, { status: { phase: "Pending" } }, 120)).toEqual([
      {
        check: "probe",
        object: "Sandbox openshell-sandboxes/platform-verify-probe",
        expected: "Ready=True within 120 s, its PersistentVolumeClaim workspace-platform-verify-probe Bound",
        found: "Ready=False (DependenciesNotReady); PersistentVolumeClaim Pending",
        troubleshooting: rowReference("probe"),
      },
    ]);
  });
});

describe("npm run plan lists what verify --probe creates", () => {
  it("prod, text and JSON", () => {
    const plan = planStackFile(ROOT, "prod").plan;
    const lines = [
      "Sandbox openshell-sandboxes/platform-verify-probe (agents.x-k8s.io/v1beta1, image harbor.example.internal/mirror/registry.k8s.io/pause:3.10), deleted after it is Ready",
      "PersistentVolumeClaim openshell-sandboxes/workspace-platform-verify-probe (cephfs, 1Gi), deleted with it",
      "port-forwards to a gateway pod: mTLS handshake on 8080, GET /readyz on 8081",
      "with the OpenShell CLI (on PATH or --openshell-cli): sandbox verify-probe-<6 hex> through the gateway (image harbor.example.internal/mirror/ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da unless --probe-image; its main process `sleep`), one `sandbox exec`, then `sandbox delete`",
    ];
    expect(probeSummary(plan)).toEqual(lines);
    const text = planCommand(ROOT, ["--stack", "prod"], ENV).stdout.split("\n");
    expect(text.slice(text.indexOf("verify --probe creates, then deletes:"), -1)).toEqual(["verify --probe creates, then deletes:", ...lines.map((l) => `  ${l}`)]);
    expect((JSON.parse(planCommand(ROOT, ["--stack", "prod", "--json"], ENV).stdout) as { verifyProbe: string[] }).verifyProbe).toEqual(lines);
  });
});
