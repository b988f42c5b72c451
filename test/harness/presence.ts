/** Secret presence maps for pure tests: the named secrets provided and encrypted. */
import { NO_SECRETS, type SecretKey, type SecretPresenceMap } from "../../config/secrets";

export const provided = (...keys: SecretKey[]): SecretPresenceMap => ({
  ...NO_SECRETS,
  ...Object.fromEntries(keys.map((k) => [k, { provided: true, encrypted: true }])),
});
