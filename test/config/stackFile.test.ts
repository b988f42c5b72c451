/**
 * The stack-file reader of `npm run plan` and `npm run inventory` reads a
 * file the way the Pulumi CLI does, and hands the result to the program's own
 * decoder: for each case the file path and the `pulumi up` path (the program
 * under the mock engine with the configuration the CLI would pass) end in the
 * same result or the same message.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/errors";
import { resolveConfig, settingsFromConfig } from "../../config/load";
import { StackFileError, nearestExample, stackFileConfig } from "../../config/stackFile";
import { EvaluationError } from "../harness/mocks";
import { buildConfigMap, runProgram } from "../harness/program";

const PROJECT = { name: "agent-platform", defaults: { cluster: {}, registryPassword: "" } };
const FILE = "Pulumi.t.yaml";

const fromFile = (text: string) => settingsFromConfig(PROJECT.name, "t", stackFileConfig(PROJECT, FILE, text));

/** The message `npm run plan` prints for a stack file. */
function planMessage(text: string): string {
  try {
    resolveConfig(fromFile(text));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StackFileError) return err.message;
    throw err;
  }
  return "accepted";
}

/** The message `pulumi up` prints for the configuration the CLI derives from the same file. */
async function upMessage(values: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<string> {
  const failure = await runProgram("t", buildConfigMap(values, secrets)).then(
    () => undefined,
    (err: unknown) => err as EvaluationError,
  );
  return failure === undefined ? "accepted" : failure.message;
}

const FOOTER = 'Fix them with `pulumi config set --path <key> <value>` (secrets with --secret); docs/configuration.md lists every key.';
const DEV = 'config:\n  agent-platform:tier: dev\n  agent-platform:kubernetesVersion: "1.34"\n';

describe("secrets in a stack file", () => {
  it("a secret in plain text is refused with the message pulumi up gives", async () => {
    const inference = { provider: "openai-compatible", endpoint: "https://llm.example.internal/v1" };
    const text = `${DEV}  agent-platform:inference:\n    provider: openai-compatible\n    endpoint: https://llm.example.internal/v1\n  agent-platform:inferenceApiKey: sk-plain-text\n`;
    const expected = [
      'stack "t" has 1 configuration error:',
      "  - inferenceApiKey: is stored in plain text; set it with `pulumi config set --secret inferenceApiKey <value>`",
      FOOTER,
    ].join("\n");
    expect(planMessage(text)).toBe(expected);
    expect(await upMessage({ tier: "dev", kubernetesVersion: "1.34", inference, inferenceApiKey: "sk-plain-text" })).toBe(expected);
  });

  it("a secure: value counts as set and encrypted; its ciphertext is never decoded", () => {
    const text = `${DEV}  agent-platform:inference:\n    provider: openai-compatible\n    endpoint: https://llm.example.internal/v1\n  agent-platform:inferenceApiKey:\n    secure: v1:AAAABBBB\n`;
    const s = fromFile(text);
    expect(s.secrets.inferenceApiKey).toEqual({ provided: true, encrypted: true });
    expect(JSON.stringify(s.values)).not.toContain("v1:AAAABBBB");
    expect(resolveConfig(s).inference.provider).toBe("openai-compatible");
  });

  it("a secure: value inside a plain key is refused: secrets live in the secret keys", async () => {
    const expected = [
      'stack "t" has 1 configuration error:',
      "  - registry: holds a value stored as a secret (secure:); only registryPassword, inferenceApiKey, cephUserKey, backupAccessKeyId, backupSecretAccessKey, kubeconfig, upstreamProxyCredentials are secrets, set registry in plain text",
      FOOTER,
    ].join("\n");
    expect(planMessage(`${DEV}  agent-platform:registry:\n    username:\n      secure: v1:CCCC\n`)).toBe(expected);
    expect(await upMessage({ tier: "dev", kubernetesVersion: "1.34" }, { registry: JSON.stringify({ username: "robot" }) })).toBe(expected);
  });
});

describe("scalars decode as Pulumi decodes them", () => {
  it("an unquoted 1.34 reaches the program as the string 1.34", () => {
    expect(resolveConfig(fromFile("config:\n  agent-platform:tier: dev\n  agent-platform:kubernetesVersion: 1.34\n")).kubernetesVersion).toBe("1.34");
  });

  it("an unquoted 1.30 is the number 1.3: plan and up say to quote it", async () => {
    const expected = [
      'stack "t" has 1 configuration error:',
      "  - kubernetesVersion: 1.3 is not supported; allowed: 1.30 or newer (quote it in YAML: an unquoted 1.30 reads as the number 1.3)",
      FOOTER,
    ].join("\n");
    expect(planMessage("config:\n  agent-platform:tier: dev\n  agent-platform:kubernetesVersion: 1.30\n")).toBe(expected);
    expect(await upMessage({ tier: "dev", kubernetesVersion: 1.3 })).toBe(expected);
  });

  it.each([
    ["1.34", "1.34"],
    ["1.30", "1.3"],
    ["1.0", "1"],
    ["true", "true"],
    ["10", "10"],
    ["0777", "511"],
    ["1e3", "1000"],
    ["yes", "yes"],
    ["~", ""],
    ['"1.30"', "1.30"],
  ])("%s → %j", (yaml, program) => {
    expect(stackFileConfig(PROJECT, FILE, `config:\n  agent-platform:x: ${yaml}\n`).values["agent-platform:x"]).toBe(program);
  });

  it("objects reach the program as JSON with numbers decoded; unset keys take the project file's defaults", () => {
    const source = stackFileConfig(PROJECT, FILE, "config:\n  agent-platform:gateway:\n    replicas: 2.0\n    resources: {limits: {cpu: 1.50}}\n");
    expect(source.values).toEqual({
      "agent-platform:gateway": '{"replicas":2,"resources":{"limits":{"cpu":1.5}}}',
      "agent-platform:cluster": "{}",
      "agent-platform:registryPassword": "",
    });
  });

  it("bare keys belong to the project, as the CLI reads them", () => {
    expect(resolveConfig(fromFile('config:\n  tier: dev\n  kubernetesVersion: "1.34"\n')).tier).toBe("dev");
  });
});

describe("structural mistakes get their own message", () => {
  it.each([
    ["- tier: dev\n", "Pulumi.t.yaml: expected a mapping with a config: section, got a list"],
    ["", "Pulumi.t.yaml: expected a mapping with a config: section, got an empty file"],
    ["agent-platform:tier: dev\nagent-platform:kubernetesVersion: '1.34'\n", "Pulumi.t.yaml has no config: section; agent-platform:tier, agent-platform:kubernetesVersion stand at the top level: indent them under config:"],
    ["encryptionsalt: v1:abc\n", "Pulumi.t.yaml has no config: section; every stack sets at least agent-platform:tier and agent-platform:kubernetesVersion under config:"],
    ["config:\n  - agent-platform:tier\n", "Pulumi.t.yaml: config: must be a mapping of keys to values, got a list"],
    ["config:\n  agent-platform:tier: dev\n  agent-platform:tier: prod\n", "Pulumi.t.yaml:3:3: Map keys must be unique"],
    ["config:\n  agent-platform:tier: dev\n   kubernetesVersion: [\n", "Pulumi.t.yaml:2:24: Nested mappings are not allowed in compact mappings (and 2 more)"],
    ["config:\n  a:b:c: 1\n", "Pulumi.t.yaml: could not parse a:b:c as a configuration key (configuration keys should be of the form `<namespace>:<name>`)"],
  ])("%j", (text, message) => {
    expect(() => stackFileConfig(PROJECT, FILE, text)).toThrow(new StackFileError(message));
  });

  it("keys under a misspelled namespace are named as ignored, with what they probably meant; plan and up agree", async () => {
    const expected = [
      'stack "t" has 2 configuration errors:',
      '  - Agent-Platform:storage: ignored: "Agent-Platform" is not this project\'s namespace; did you mean agent-platform:storage?',
      '  - agent-platfrom:gpu: ignored: "agent-platfrom" is not this project\'s namespace; did you mean agent-platform:gpu?',
      FOOTER,
    ].join("\n");
    expect(planMessage(`${DEV}  agent-platfrom:gpu:\n    enabled: true\n  Agent-Platform:storage: {}\n`)).toBe(expected);
    expect(await upMessage({ tier: "dev", kubernetesVersion: "1.34", "agent-platfrom:gpu": { enabled: true }, "Agent-Platform:storage": {} })).toBe(expected);
  });

  it("without the namespaced keys, the CLI's own rule applies: a declared key without default is required", () => {
    expect(planMessage("config:\n  agent-platfrom:tier: dev\n  agent-platform:tier: dev\n")).toBe(
      [
        'stack "t" has 2 configuration errors:',
        '  - agent-platfrom:tier: ignored: "agent-platfrom" is not this project\'s namespace; did you mean agent-platform:tier?',
        "  - kubernetesVersion: required (every stack sets it; see Pulumi.<stack>.yaml)",
        FOOTER,
      ].join("\n"),
    );
  });

  it("other namespaces are the providers' and pass untouched", () => {
    expect(resolveConfig(fromFile(`${DEV}  kubernetes:context: kind-dev\n  pulumi:disable-default-providers: ["*"]\n`)).tier).toBe("dev");
  });

  it("a top-level typo gets a suggestion", () => {
    expect(planMessage(`${DEV}  agent-platform:gatway:\n    replicas: 1\n`).split("\n")[1]).toMatch(/^ {2}- gatway: unknown key \(did you mean gateway\?\); allowed keys: /);
  });
});

describe("a missing stack file", () => {
  it.each([
    ["prod-eu", "prod"],
    ["staging2", "staging"],
    ["stagin", "staging"],
    ["qa", "dev"],
  ])("%s: the nearest example is %s", (stack, example) => {
    expect(nearestExample(stack, ["dev", "prod", "staging"])).toBe(example);
  });
});
