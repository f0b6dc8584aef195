import jwt from "@tsndr/cloudflare-worker-jwt";
import { sign } from "hono/jwt";

// bad: a constant named like a secret
const JWT_SECRET = "s3cr3t-signing-key-2024";

export async function issue(env: Env, userId: string) {
  // bad: the key argument of jwt.sign
  const a = await jwt.sign({ sub: userId }, "another-hardcoded-key");
  // bad: a fallback secret
  const secret = env.JWT_SECRET ?? "dev-secret-fallback";
  // bad: hono sign with a literal key
  const b = await sign({ sub: userId }, "hono-literal-secret-key");
  return [a, b, secret, JWT_SECRET];
}

// bad: a property in a config object
export const config = { apiKey: "AKIAIOSFODNN7EXAMPLE" };

export async function hmacKey() {
  // bad: importKey for HMAC with literal key data
  return crypto.subtle.importKey("raw", new TextEncoder().encode("literal-hmac-key-data"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

export function fallbacks(env: Env) {
  // bad: a fallback for a secret env var, the variable named in another script
  const 密钥 = env.JWT_SECRET || "fallback-secret-value";
  // bad: a fallback for env.X ending in KEY, assigned to a neutral name
  const clé = env.SIGNING_KEY ?? "dev-signing-key-123";
  // bad: a fallback as an argument property
  return { k: env.API_TOKEN || "hardcoded-api-token", 密钥, clé };
}

export function defaults() {
  // bad: a default admin password (found in review: a single lower-case word is no UI label)
  return { ADMIN_USERNAME: "admin", ADMIN_PASSWORD: "password" };
}

// bad: a real-looking secret held by a *_KEY constant is still a secret
export const STRIPE_SECRET_KEY = "sk_live_51HxQa9Lk2ZrT8vYw";
