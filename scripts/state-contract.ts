/**
 * `npm run state-contract`: evaluates every example stack under the mock
 * engine and adds the URNs of new stateful resources to state/contract.json.
 * It refuses (exit 1) while a listed URN is no longer produced: add the
 * alias first.
 */
import { existsSync } from "node:fs";
import { ABOUT, CONTRACT_FILE, checkStack, extendContract, readContract, writeContract, type StateContract } from "../state/contract";
import type { ContractCheck } from "../state/urns";
import { EXAMPLE_STACKS, readProject } from "../test/harness/stackConfig";
import { runExampleStack } from "../test/harness/examples";

async function main(): Promise<void> {
  const contract: StateContract = existsSync(CONTRACT_FILE) ? readContract() : { about: ABOUT, stacks: {}, retired: {} };
  const project = readProject().name;
  const checks: Record<string, ContractCheck> = {};
  for (const stack of EXAMPLE_STACKS) checks[stack] = checkStack(contract, stack, (await runExampleStack(stack)).resources, project);
  const next = extendContract(contract, checks);
  const added = Object.values(checks).reduce((n, c) => n + c.unlisted.length, 0);
  writeContract(next);
  console.log(added === 0 ? "state/contract.json unchanged" : `state/contract.json: added ${added} URN(s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
