/** vitest globalSetup for `npm test`: one line on the tier this suite does not run. */
export default function setup(): void {
  console.log("real API server tier (etcd + kube-apiserver) not run by npm test: run `npm run test:cluster` (needs Go, or KUBEBUILDER_ASSETS)");
}
