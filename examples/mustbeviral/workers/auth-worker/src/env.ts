/**
 * Bindings of the auth Worker, written by hand (this Worker does not run `wrangler types`).
 * Keep in step with wrangler.toml (every environment) and .dev.vars.
 */
import type { RateLimiter } from "./rate-limiter";

export interface Env {
  AUTH_DB: D1Database;
  SESSIONS: KVNamespace;
  REVOKED_TOKENS: KVNamespace;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;

  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  ACCESS_TTL_SECONDS: string;
  SESSION_TTL_SECONDS: string;
  ALLOWED_ORIGIN: string;
  LOGIN_ATTEMPTS_PER_MINUTE: string;

  // Secrets: `wrangler secret put JWT_SECRET --env <env>`; locally from .dev.vars.
  // JWT_SECRET_PREVIOUS keeps tokens signed before a rotation valid until they expire.
  JWT_SECRET: string;
  JWT_SECRET_PREVIOUS: string;
}
