/**
 * The `.dockerconfigjson` document of a `kubernetes.io/dockerconfigjson`
 * pull Secret. Pure: the caller applies it to the secret password Output, so
 * the result stays secret.
 */
export function dockerConfigJson(host: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}
