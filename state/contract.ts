/**
 * The state contract: for every example stack, the URN of every stateful
 * resource the program has ever shipped (state/contract.json). Users' states
 * hold these URNs for years; a change that no longer produces one of them,
 * directly or through an alias, would delete it (and replace it under a new
 * URN). The file only grows: `npm run state-contract` adds new URNs and
 * refuses while one is lost. A URN removed on purpose moves to `retired`
 * with the reason.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkContract, type ContractCheck, type Registration } from "./urns";

export interface StateContract {
  readonly about: string;
  /** Stack → URNs, sorted. */
  readonly stacks: Readonly<Record<string, readonly string[]>>;
  /** URN → why it was removed on purpose (it then needs no alias). */
  readonly retired: Readonly<Record<string, string>>;
}

export const CONTRACT_FILE = join(__dirname, "contract.json");

export const ABOUT =
  "URNs of the stateful resources (keys, certificates, Secrets, CRDs, the Postgres Cluster, namespaces, StorageClasses, charts, the provider) each example stack has shipped. A change must keep producing each one, directly or through an alias; see docs/day-2.md \"State contract\". Maintained by npm run state-contract; never edit a URN by hand.";

export function readContract(file: string = CONTRACT_FILE): StateContract {
  return JSON.parse(readFileSync(file, "utf8")) as StateContract;
}

export function checkStack(contract: StateContract, stack: string, registrations: readonly Registration[], project: string): ContractCheck {
  const expected = (contract.stacks[stack] ?? []).filter((u) => contract.retired[u] === undefined);
  return checkContract(expected, registrations, stack, project);
}

/** The contract with new URNs added; throws while a listed URN is lost. */
export function extendContract(contract: StateContract, checks: Readonly<Record<string, ContractCheck>>): StateContract {
  const lost = Object.entries(checks).flatMap(([stack, c]) => c.lost.map((u) => `${stack}: ${u}`));
  if (lost.length > 0) {
    throw new Error(
      `these URNs would be deleted from users' states; add an alias that maps the new resource to each (docs/day-2.md "State contract"), or retire it with a reason:\n  ${lost.join("\n  ")}`,
    );
  }
  const stacks: Record<string, string[]> = {};
  for (const stack of [...new Set([...Object.keys(contract.stacks), ...Object.keys(checks)])].sort()) {
    stacks[stack] = [...new Set([...(contract.stacks[stack] ?? []), ...(checks[stack]?.unlisted ?? [])])].sort();
  }
  return { about: ABOUT, stacks, retired: contract.retired };
}

export function writeContract(contract: StateContract, file: string = CONTRACT_FILE): void {
  writeFileSync(file, `${JSON.stringify(contract, null, 2)}\n`);
}
