/** Files written for one reader only: directories 0700, each file with its own mode (umask notwithstanding). */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface PrivateFile {
  /** Relative to the directory written. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export function writePrivateFiles(dir: string, files: readonly PrivateFile[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, f.content, { mode: f.mode });
    chmodSync(path, f.mode);
  }
}
