import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The real API server tier (test/cluster/*.cluster.test.ts) runs with `npm run test:cluster`;
    // its harness's own tests (stand-in binaries, no Go) run here. test/notice.ts says so in one line.
    include: ["test/**/*.test.ts"],
    exclude: ["**/*.cluster.test.ts", "**/node_modules/**"],
    globalSetup: ["test/notice.ts"],
    // Pulumi's runtime keeps global state (mocks, config, the stack resource), so evaluations run one
    // at a time per process and each starts from a clean runtime (test/harness/mocks.ts evaluate).
    // Files share their worker's modules (isolate: false): each example stack is evaluated once
    // per worker and shared by every test that reads it (test/harness/program.ts runExample).
    pool: "forks",
    isolate: false,
    testTimeout: 30000,
  },
});
