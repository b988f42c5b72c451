/** `npm run -s platform -- <command> (--stack NAME[,NAME|GLOB…] | --tier T | --all) [--parallel N] [--json] …` (see automation/orchestrate.ts). */
import { join } from "node:path";
import { run } from "../automation/orchestrate";
import { localWorkspace } from "../automation/workspace";

const root = join(__dirname, "..");
run(process.argv.slice(2), localWorkspace(root), process.env, root)
  .then((out) => {
    for (const note of out.notes ?? []) process.stderr.write(`${note}\n`);
    (out.stream === "stdout" ? process.stdout : process.stderr).write(`${out.text}\n`);
    process.exit(out.code);
  })
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
