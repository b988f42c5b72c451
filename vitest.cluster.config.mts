import { defineConfig } from "vitest/config";

// The real API server tier (`npm run test:cluster`): each file starts its own etcd and
// kube-apiserver (test/cluster/controlPlane.ts); files run one after another so two control
// planes never compete for the 2 cores CI has.
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.cluster.test.ts"],
    pool: "forks",
    isolate: false,
    fileParallelism: false,
    testTimeout: 120000,
    hookTimeout: 180000,
  },
});
