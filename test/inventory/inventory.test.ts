/**
 * The inventory: per example stack, its formats, the command line, and the
 * proof that it equals what the mocked graph references (plus nothing else).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { IMAGES, type ChartId } from "../../catalog/artifacts";
import { buildInventory, type Inventory } from "../../inventory/inventory";
import { planStackFile } from "../../plan/fromStackFile";
import { formatImageRef, parseImageRef } from "../../registry/imageRef";
import { USAGE, inventoryCommand, inventoryText, parseArgs } from "../../scripts/inventory";
import { runCommand } from "../../scripts/cli";
import type { Evaluation } from "../harness/mocks";
import { runExample } from "../harness/program";

const ROOT = join(__dirname, "..", "..");
const inventoryOf = (stack: string): Inventory => JSON.parse(inventoryText(ROOT, ["--stack", stack, "--format", "json"])) as Inventory;

describe("inventory of the example stacks", () => {
  it("prod: every image, run-time-only ones and one driver per node OS included, on the mirror", () => {
    const inv = inventoryOf("prod");
    expect(inv.registryMode).toBe("mirrored");
    expect(inv.images.map((i) => [i.source, i.runtimeOnly])).toEqual([
      ["ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0", false],
      ["ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie", true],
      ["ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da", true],
      ["ghcr.io/nvidia/openshell/gateway:0.0.111", false],
      ["ghcr.io/nvidia/openshell/supervisor:0.0.111", true],
      ["nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.12.0", true],
      ["nvcr.io/nvidia/driver:595.91.07-ubuntu22.04", true],
      ["nvcr.io/nvidia/driver:595.91.07-ubuntu24.04", true],
      ["nvcr.io/nvidia/gpu-operator:v26.7.0", false],
      ["nvcr.io/nvidia/k8s-device-plugin:v0.20.0", true],
      ["nvcr.io/nvidia/k8s/container-toolkit:v1.20.0", true],
      ["nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-distroless", true],
      ["registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1", false],
      ["registry.k8s.io/nfd/node-feature-discovery:v0.19.0", false],
      ["registry.k8s.io/pause:3.10", true],
    ]);
    expect(inv.images.every((i) => i.mirror === `harbor.example.internal/mirror/${i.source}`)).toBe(true);
    const operator = inv.images.find((i) => i.source === "nvcr.io/nvidia/gpu-operator:v26.7.0")!;
    expect(operator.why).toEqual(["gpuOperator.operator: GPU Operator Deployment", "gpuOperator.validator: operator-validator DaemonSet"]);
    expect(operator.setBy).toEqual([
      "gpuOperator: operator.repository, operator.image, operator.version",
      "gpuOperator: validator.repository, validator.image, validator.version",
    ]);
  });

  it("prod: charts and the manifest with their mirror locations and digest", () => {
    const inv = inventoryOf("prod");
    expect(inv.charts).toEqual([
      { name: "helm-chart", version: "0.0.111", source: "oci://ghcr.io/nvidia/openshell/helm-chart", mirror: "oci://harbor.example.internal/mirror/ghcr.io/nvidia/openshell/helm-chart", why: "openshell chart, release namespace openshell" },
      { name: "gpu-operator", version: "v26.7.0", source: "https://helm.ngc.nvidia.com/nvidia", mirror: "oci://harbor.example.internal/mirror/helm.ngc.nvidia.com/nvidia/gpu-operator", why: "gpuOperator chart, release namespace gpu-operator" },
      { name: "cloudnative-pg", version: "0.29.0", source: "https://cloudnative-pg.github.io/charts", mirror: "oci://harbor.example.internal/mirror/cloudnative-pg.github.io/charts/cloudnative-pg", why: "cloudnativePg chart, release namespace cnpg-system" },
    ]);
    expect(inv.files).toEqual([
      {
        name: "sandbox.yaml",
        version: "v1.0.1",
        source: "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml",
        mirror: "https://files.example.internal/platform-manifests/agent-sandbox/v1.0.1/sandbox.yaml",
        sha256: "e30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0",
        why: "agent-sandbox manifest",
      },
    ]);
  });

  it("staging: the NFS driver's images and chart", () => {
    const inv = inventoryOf("staging");
    expect(inv.images.filter((i) => i.source.includes("sig-storage")).map((i) => i.source)).toEqual([
      "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0",
      "registry.k8s.io/sig-storage/csi-provisioner:v6.3.0",
      "registry.k8s.io/sig-storage/csi-resizer:v2.2.0",
      "registry.k8s.io/sig-storage/csi-snapshotter:v8.6.0",
      "registry.k8s.io/sig-storage/livenessprobe:v2.19.0",
      "registry.k8s.io/sig-storage/nfsplugin:v4.13.4",
    ]);
    expect(inv.charts.map((c) => c.name)).toEqual(["helm-chart", "cloudnative-pg", "csi-driver-nfs"]);
  });
});

describe("formats", () => {
  it("hauler: Images, Charts and Files of the upstream references", () => {
    const docs = parseAllDocuments(inventoryText(ROOT, ["--stack", "dev", "--format", "hauler"])).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs).toEqual([
      {
        apiVersion: "content.hauler.cattle.io/v1",
        kind: "Images",
        metadata: { name: "agent-platform-dev-images" },
        spec: {
          images: [
            { name: "ghcr.io/nvidia/openshell-community/sandboxes/base:8f7d0da" },
            { name: "ghcr.io/nvidia/openshell/gateway:0.0.111" },
            { name: "ghcr.io/nvidia/openshell/supervisor:0.0.111" },
            { name: "registry.k8s.io/agent-sandbox/agent-sandbox-controller:v1.0.1" },
            { name: "registry.k8s.io/pause:3.10" },
          ],
        },
      },
      {
        apiVersion: "content.hauler.cattle.io/v1",
        kind: "Charts",
        metadata: { name: "agent-platform-dev-charts" },
        spec: { charts: [{ name: "helm-chart", repoURL: "oci://ghcr.io/nvidia/openshell", version: "0.0.111" }] },
      },
      {
        apiVersion: "content.hauler.cattle.io/v1",
        kind: "Files",
        metadata: { name: "agent-platform-dev-files" },
        spec: { files: [{ path: "https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml", name: "sandbox.yaml" }] },
      },
    ]);
  });

  it("skopeo: images by source registry, charts and files named in the header", () => {
    const text = inventoryText(ROOT, ["--stack", "dev", "--format", "skopeo"]);
    expect(parse(text)).toEqual({
      "ghcr.io": {
        images: {
          "nvidia/openshell-community/sandboxes/base": ["8f7d0da"],
          "nvidia/openshell/gateway": ["0.0.111"],
          "nvidia/openshell/supervisor": ["0.0.111"],
        },
      },
      "registry.k8s.io": { images: { "agent-sandbox/agent-sandbox-controller": ["v1.0.1"], pause: ["3.10"] } },
    });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "# skopeo sync source for stack dev; not images (fetch with helm or hauler, curl):",
      "#   chart oci://ghcr.io/nvidia/openshell/helm-chart helm-chart 0.0.111",
      "#   file https://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml sha256 e30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0",
    ]);
  });

  it("list: one tab-separated line per artifact after a summary", () => {
    const lines = inventoryText(ROOT, ["--stack", "dev"]).trimEnd().split("\n");
    expect(lines[0]).toBe("# dev: 5 images, 1 charts, 1 files (online)");
    expect(lines).toHaveLength(8);
    expect(lines[7]).toBe(
      "file\thttps://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml\thttps://github.com/kubernetes-sigs/agent-sandbox/releases/download/v1.0.1/sandbox.yaml\te30fa5017c6c39d85780ba94554e372da35b068e63a1c3d1a7d70137b349a9b0\tagent-sandbox manifest",
    );
  });
});

describe("command line", () => {
  const run = (argv: string[]) => runCommand(USAGE, argv, (a) => inventoryCommand(ROOT, a));

  it.each([
    [[], "--stack is required"],
    [["--stack"], "--stack needs a value"],
    [["--stack", "prod", "--format", "xml"], 'unknown format "xml"; allowed: list, hauler, skopeo, json'],
    [["--stak", "prod"], 'unknown argument "--stak"'],
  ])("%j: exit 2, the reason and the usage on stderr, nothing on stdout", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
    expect(run(argv)).toEqual({ code: 2, stdout: "", stderr: `${message}\n${USAGE}\n` });
  });

  it("--help prints the usage and exits 0", () => {
    expect(run(["--help"])).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: "" });
  });

  it("json: only JSON on stdout; a secret prod has not set yet is a note on stderr", () => {
    const out = run(["--stack", "prod", "--format", "json"]);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as Inventory).stack).toBe("prod");
    expect(out.stderr).toBe(
      [
        "note: inferenceApiKey is not set (the inventory does not need it; pulumi up refuses the stack until it is set)",
        "note: registryPassword is not set (the inventory does not need it; pulumi up refuses the stack until it is set)",
        "",
      ].join("\n"),
    );
  });

  it("a missing stack file suggests copying the nearest example", () => {
    expect(run(["--stack", "prod-eu"])).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "no stack file Pulumi.prod-eu.yaml: copy the nearest example and edit it (cp Pulumi.prod.yaml Pulumi.prod-eu.yaml), or create it with `pulumi stack init prod-eu` and `pulumi config set` (example stacks: dev, prod, staging)\n",
    });
  });
});

/** The chart ids of the chart resources the program registers. */
const CHART_RESOURCES: Readonly<Record<string, ChartId>> = {
  "gateway-chart": "openshell",
  "database-operator": "cloudnativePg",
  "gpu-operator-chart": "gpuOperator",
  "storage-nfs": "csiDriverNfs",
  "storage-cephfs": "cephCsiCephfs",
};

const get = (o: unknown, path: string): unknown => path.split(".").reduce<unknown>((cur, k) => (cur as Record<string, unknown> | undefined)?.[k], o);

/** Image references found by walking the mocked graph: chart values (through the catalog's keys), manifest objects, CR fields. */
function referencesInGraph(ev: Evaluation): Set<string> {
  const found = new Set<string>();
  for (const r of ev.resources) {
    const chart = CHART_RESOURCES[r.name];
    if (r.type === "kubernetes:helm.sh/v4:Chart" && chart !== undefined) {
      const values = r.inputs["values"];
      for (const img of IMAGES) {
        for (const b of img.bindings) {
          if (b.kind === "repository-tag" && b.chart === chart && get(values, b.repository) !== undefined) found.add(`${String(get(values, b.repository))}:${String(get(values, b.tag))}`);
          if (b.kind === "repository-image-version" && b.chart === chart && get(values, b.repository) !== undefined)
            found.add(`${String(get(values, b.repository))}/${String(get(values, b.image))}:${String(get(values, b.version))}`);
          if (b.kind === "reference" && b.chart === chart && get(values, b.path) !== undefined) found.add(String(get(values, b.path)));
        }
      }
    }
    if (r.type === "kubernetes:yaml/v2:ConfigGroup") {
      for (const o of (r.inputs["objs"] as { spec?: { template?: { spec?: { containers?: { image: string }[] } } } }[]) ?? []) {
        for (const c of o.spec?.template?.spec?.containers ?? []) found.add(c.image);
      }
    }
    if (r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster") found.add(String(get(r.inputs, "spec.imageName")));
  }
  return new Set([...found].map((i) => formatImageRef(parseImageRef(i))));
}

describe("the inventory is what the graph deploys", () => {
  it.each(["dev", "staging", "prod"])("%s: graph references = inventory (driver per OS collapsed) + disabled components of installed charts", async (stack) => {
    const ev = await runExample(stack);
    const { plan } = planStackFile(ROOT, stack);
    const inventory = new Set(
      buildInventory(plan).images.map((i) => {
        const ref = parseImageRef(i.mirror);
        const os = plan.config.gpu.nodeOperatingSystems.find((o) => ref.tag?.endsWith(`-${o}`));
        return formatImageRef(os === undefined ? ref : { ...ref, tag: ref.tag!.slice(0, -(os.length + 1)) });
      }),
    );
    const selected = new Set(plan.images.map((i) => i.id));
    const disabled = new Set(plan.chartImages.filter((i) => !selected.has(i.id)).map((i) => formatImageRef(i.resolved)));
    const graph = referencesInGraph(ev);
    // The probe image is pulled by `verify --probe`, never by the graph.
    const verifyOnly = plan.images.filter((i) => i.id === "verify.probe").map((i) => formatImageRef(i.resolved));
    expect(verifyOnly).toHaveLength(1);
    expect([...graph].filter((r) => !inventory.has(r) && !disabled.has(r))).toEqual([]);
    expect([...inventory].filter((r) => !graph.has(r))).toEqual(verifyOnly);
    expect(inventory.size).toBe(new Set(plan.images.map((i) => formatImageRef(i.resolved))).size);
  });
});
