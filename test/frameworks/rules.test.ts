/**
 * The framework sections' configuration errors: each one exact ConfigError
 * naming the versions and the setting that would change them, before any
 * resource exists.
 */
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../config/load";
import { ConfigError } from "../../config/errors";
import { NO_SECRETS } from "../../config/secrets";
import { NEMOCLAW_RELEASES, nemoclawReleasesAccepting, openhandsHasKubernetesRuntime } from "../../catalog/frameworks";

const ISSUER = "https://login.example.internal";
const TAIL = 'Fix them with `pulumi config set --path <key> <value>` (secrets with --secret); docs/configuration.md lists every key.';

function errorOf(values: Record<string, unknown>): string {
  try {
    resolveConfig({ stack: "test", values: { tier: "dev", kubernetesVersion: "1.34", ...values }, secrets: NO_SECRETS });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const ok = (values: Record<string, unknown>) => resolveConfig({ stack: "test", values: { tier: "dev", kubernetesVersion: "1.34", ...values }, secrets: NO_SECRETS });

describe("NemoClaw and the pinned OpenShell", () => {
  it("the pinned OpenShell 0.0.111 with NemoClaw 0.0.130: one error naming both versions and the setting", () => {
    expect(errorOf({ nemoclaw: { enabled: true }, gateway: { oidc: { issuer: ISSUER } } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        '  - nemoclaw.release: NemoClaw 0.0.130 accepts exactly OpenShell 0.0.116, and this stack pins OpenShell 0.0.111; set catalog.versions.openshell to "0.0.116" (no NemoClaw release accepts OpenShell 0.0.111)',
        TAIL,
      ].join("\n"),
    );
  });

  it("a release the table does not know", () => {
    expect(errorOf({ nemoclaw: { enabled: true, release: "0.0.120" }, gateway: { oidc: { issuer: ISSUER } }, catalog: { versions: { openshell: "0.0.116" } } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        "  - nemoclaw.release: NemoClaw 0.0.120 is not in the catalog's compatibility table, so the OpenShell it accepts is unknown; known releases: 0.0.130 (OpenShell 0.0.116)",
        TAIL,
      ].join("\n"),
    );
  });

  it("NemoClaw needs OIDC on the gateway and a quota that admits one 8Gi OpenClaw sandbox", () => {
    expect(errorOf({ nemoclaw: { enabled: true }, catalog: { versions: { openshell: "0.0.116" } }, policies: { quota: { requestsMemory: "4Gi" } } })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - gateway.oidc.issuer: required when nemoclaw.enabled is true: NemoClaw's health check sends no client certificate, which the gateway accepts only with OIDC on",
        "  - policies.quota.requestsMemory: 4Gi cannot admit one OpenClaw sandbox (8Gi; smaller sandboxes are OOM-killed before OpenClaw binds) with nemoclaw.enabled",
        TAIL,
      ].join("\n"),
    );
  });

  it("the matching pair resolves; off, nothing is checked", () => {
    expect(ok({ nemoclaw: { enabled: true }, gateway: { oidc: { issuer: ISSUER } }, catalog: { versions: { openshell: "0.0.116" } } }).nemoclaw.release).toBe("0.0.130");
    expect(ok({ nemoclaw: { enabled: false, release: "0.0.999" } }).nemoclaw.enabled).toBe(false);
  });

  it("the table: one OpenShell per release, none accepts the pinned 0.0.111", () => {
    expect(NEMOCLAW_RELEASES).toEqual({ "0.0.130": { openshell: "0.0.116", source: expect.stringContaining("#11229") } });
    expect(nemoclawReleasesAccepting("0.0.111")).toEqual([]);
    expect(nemoclawReleasesAccepting("0.0.116")).toEqual(["0.0.130"]);
  });
});

describe("OpenHands versions", () => {
  const runtime = (version: string) => ({ openhands: { kubernetesRuntime: { enabled: true, version, ingressDomain: "oh.example.internal" } } });

  it.each(["0.63.0", "1.0.0", "0.44.0"])("KubernetesRuntime with OpenHands %s: one error naming the agent-sandbox mode", (v) => {
    expect(errorOf(runtime(v))).toBe(
      [
        'stack "test" has 1 configuration error:',
        `  - openhands.kubernetesRuntime.version: OpenHands ${v} has no KubernetesRuntime with the [kubernetes] section this mode configures (OpenHands 0.45.0-0.62.x only: added in 0.45.0, replaced by V1 conversations in 1.x and removed in April 2026); for OpenHands 1.x use openhands.agentSandbox (the agent SDK's AgentSandboxWorkspace on agent-sandbox warm pools) instead`,
        TAIL,
      ].join("\n"),
    );
  });

  it.each([
    ["0.45.0", true],
    ["0.62.0", true],
    ["0.62.3", true],
    ["0.44.9", false],
    ["0.63.0", false],
  ])("%s carries the KubernetesRuntime: %s", (v, has) => {
    expect(openhandsHasKubernetesRuntime(v)).toBe(has);
    if (has) expect(ok(runtime(v)).openhands.kubernetesRuntime.version).toBe(v);
  });

  it("the runtime needs its ingress domain and a namespace of its own", () => {
    expect(errorOf({ openhands: { kubernetesRuntime: { enabled: true, namespace: "openshell" } } })).toBe(
      [
        'stack "test" has 2 configuration errors:',
        "  - openhands.kubernetesRuntime.ingressDomain: required when openhands.kubernetesRuntime.enabled is true: every conversation gets an Ingress <id>.<ingressDomain> (wildcard DNS)",
        '  - openhands.kubernetesRuntime.namespace: "openshell" belongs to the platform (the gateway, its sandboxes or an operator); use a namespace of its own',
        TAIL,
      ].join("\n"),
    );
  });
});

describe("agent-sandbox templates and warm pools", () => {
  it("need the extensions, a known template and an image", () => {
    expect(
      errorOf({
        agentSandbox: { templates: { tools: { port: 8080 } }, warmPools: { pool: { template: "missing", replicas: 1 } } },
        openhands: { agentSandbox: { enabled: true } },
      }),
    ).toBe(
      [
        'stack "test" has 3 configuration errors:',
        "  - agentSandbox.extensions: must be true for agentSandbox.templates, agentSandbox.warmPools, openhands.agentSandbox.enabled: SandboxTemplate, SandboxWarmPool and SandboxClaim are agent-sandbox extension kinds (sandbox-with-extensions.yaml)",
        '  - agentSandbox.templates.tools.image: required without a preset (the image the template\'s pods run)',
        '  - agentSandbox.warmPools.pool.template: "missing" is not a template of this stack (agentSandbox.templates: openhands-agent-server, tools)',
        TAIL,
      ].join("\n"),
    );
  });

  it("an image without tag or digest floats and is refused; latest only in dev", () => {
    expect(errorOf({ agentSandbox: { extensions: true, templates: { tools: { image: "ghcr.io/example/tools" } } } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        '  - agentSandbox.templates.tools.image: must carry a tag or a digest (a reference without one floats)',
        TAIL,
      ].join("\n"),
    );
    expect(ok({ agentSandbox: { extensions: true, templates: { tools: { image: "ghcr.io/example/tools:latest" } } } }).agentSandbox.templates["tools"]?.image).toBe("ghcr.io/example/tools:latest");
  });

  it("the SDK's warm pool must run the agent-server preset; namespaces may not be shared", () => {
    expect(
      errorOf({
        agentSandbox: { extensions: true, namespace: "openhands", templates: { tools: { image: "ghcr.io/example/tools:1.0.0" } }, warmPools: { "openhands-pool": { template: "tools", replicas: 1 } } },
        openhands: { agentSandbox: { enabled: true } },
      }),
    ).toBe(
      [
        'stack "test" has 2 configuration errors:',
        '  - openhands.agentSandbox.warmPool: "openhands-pool" runs template "tools", which does not use the preset openhands-agent-server (the SDK needs the agent server and its session key)',
        '  - openhands.appNamespace: "openhands" is also agentSandbox.namespace; each needs a namespace of its own (their Pod Security levels differ)',
        TAIL,
      ].join("\n"),
    );
  });
});

describe("mirrors and the framework images", () => {
  it("a perRegistry mirror must map the registry of a template's own image", () => {
    const registry = {
      mode: "mirrored",
      host: "harbor.example.internal",
      manifestBaseUrl: "https://files.example.internal/m",
      layout: "perRegistry",
      registries: { "ghcr.io": "harbor.example.internal/ghcr", "registry.k8s.io": "harbor.example.internal/k8s" },
    };
    expect(errorOf({ registry, agentSandbox: { extensions: true, templates: { tools: { image: "quay.io/example/tools:1.0.0" } } } })).toBe(
      [
        'stack "test" has 1 configuration error:',
        "  - registry.registries: no mirror location for quay.io; the perRegistry layout needs one for every source registry this stack pulls from",
        TAIL,
      ].join("\n"),
    );
    expect(ok({ registry: { ...registry, registries: { ...registry.registries, "quay.io": "harbor.example.internal/quay" } }, agentSandbox: { extensions: true, templates: { tools: { image: "quay.io/example/tools:1.0.0" } } } }).registry.layout).toBe("perRegistry");
  });
});
