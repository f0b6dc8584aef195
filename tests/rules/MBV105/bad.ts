// mbv-fixture: numeric_vars=PAGE_SIZE
import { env as globalEnv } from "cloudflare:workers";

export function cases(env: Env, c: { env: Env }) {
  // bad: strict equality with a number, always false
  if (env.RATE_LIMIT === 100) return 1;
  // bad: Hono context env
  if (c.env.MAX_ITEMS !== 5) return 2;
  // bad: relational comparison with the imported env
  if (globalEnv.MAX_UPLOAD_MB > 100) return 3;
  // bad: number on the left
  if (0 < env.RETRIES) return 4;
  return 0;
}
