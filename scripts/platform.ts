/** `npm run -s platform -- <command> --env <env|all> [--json] [--expect-no-changes]` (see automation/orchestrate.ts). */
import { join } from "node:path";
import { run } from "../automation/orchestrate";
import { localWorkspace } from "../automation/workspace";

const root = join(__dirname, "..");
run(process.argv.slice(2), localWorkspace(root), process.env, root)
  .then((out) => {
    (out.stream === "stdout" ? process.stdout : process.stderr).write(`${out.text}\n`);
    process.exit(out.code);
  })
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
