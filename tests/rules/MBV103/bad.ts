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
