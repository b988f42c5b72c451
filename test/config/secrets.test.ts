/**
 * Secret settings under the Pulumi runtime: presence is learned without
 * keeping values, and what the plan reads stays a secret Output.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { readSecrets } from "../../config/secrets";
import { runtimeConfig, secretPresence } from "../../config/load";
import { isSecretOutput, unwrapOutput } from "../harness/mocks";
import { buildConfigMap } from "../harness/stackConfig";

function configure(secrets: Record<string, string>, plain: Record<string, string> = {}): void {
  const map = buildConfigMap({ tier: "dev", kubernetesVersion: "1.34", ...plain }, secrets);
  pulumi.runtime.setAllConfig(map.config, map.secretKeys);
}

const readSecretPresence = (project: string) => secretPresence(project, runtimeConfig());

describe("secret presence under the runtime", () => {
  it("reports provided and encrypted secrets; project defaults count as not provided", () => {
    configure({ registryPassword: "fixture-pw" });
    expect(readSecretPresence("agent-platform")).toEqual({
      registryPassword: { provided: true, encrypted: true },
      inferenceApiKey: { provided: false, encrypted: false },
      cephUserKey: { provided: false, encrypted: false },
      backupAccessKeyId: { provided: false, encrypted: false },
      backupSecretAccessKey: { provided: false, encrypted: false },
      kubeconfig: { provided: false, encrypted: false },
      upstreamProxyCredentials: { provided: false, encrypted: false },
    });
  });

  it("notices a secret stored in plain text", () => {
    configure({}, { inferenceApiKey: "plain-key" });
    expect(readSecretPresence("agent-platform").inferenceApiKey).toEqual({ provided: true, encrypted: false });
  });
});

describe("readSecrets", () => {
  it("returns secret Outputs for exactly the keys the plan needs", async () => {
    configure({ registryPassword: "fixture-pw", inferenceApiKey: "fixture-key" });
    await pulumi.runtime.setMocks({ newResource: () => ({ id: undefined, state: {} }), call: () => ({}) }, "agent-platform", "dev");
    const s = readSecrets(new pulumi.Config("agent-platform"), ["registryPassword"]);
    expect(Object.keys(s)).toEqual(["registryPassword"]);
    expect(await isSecretOutput(s.registryPassword!)).toBe(true);
    expect(await unwrapOutput(s.registryPassword!)).toBe("fixture-pw");
  });
});
