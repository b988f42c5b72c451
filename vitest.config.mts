import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Pulumi's runtime keeps global state (mocks, config, stack resource):
    // each test file gets its own process so one file's mocks never leak into another.
    pool: "forks",
    testTimeout: 30000,
  },
});
