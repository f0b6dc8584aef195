/**
 * Access tokens (HS256 JWTs signed with Web Crypto), password hashing (PBKDF2) and sessions.
 * Sessions live in D1 (the record) and in the SESSIONS KV namespace (the hot copy, with a TTL).
 */
import type { Env } from "./env";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface AccessClaims {
  sub: string;
  sid: string;
  role: string;
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

export interface SessionRecord {
  userId: string;
  role: string;
  createdAt: string;
}

export interface PasswordHash {
  hash: string;
  salt: string;
  iterations: number;
}

function toBase64url(data: ArrayBuffer | Uint8Array): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

function importHmacKey(keyMaterial: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(keyMaterial), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function signAccessToken(
  { JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, ACCESS_TTL_SECONDS }: Env,
  subject: { userId: string; sessionId: string; role: string },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: AccessClaims = {
    sub: subject.userId,
    sid: subject.sessionId,
    role: subject.role,
    jti: crypto.randomUUID(),
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat: now,
    exp: now + Number.parseInt(ACCESS_TTL_SECONDS, 10),
  };
  const header = toBase64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const payload = toBase64url(encoder.encode(JSON.stringify(claims)));
  const signingInput = `${header}.${payload}`;
  const mac = await crypto.subtle.sign("HMAC", await importHmacKey(JWT_SECRET), encoder.encode(signingInput));
  return `${signingInput}.${toBase64url(mac)}`;
}

/**
 * Checks the MAC against the current key, then the previous one (key rotation), with
 * crypto.subtle.verify, which compares in constant time. Then issuer, audience, expiry, revocation.
 */
export async function verifyAccessToken(env: Env, jwt: string): Promise<AccessClaims | null> {
  const parts = jwt.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, mac] = parts;
  const signingInput = encoder.encode(`${header}.${payload}`);
  const macBytes = fromBase64url(mac);

  let verified = false;
  for (const keyMaterial of [env.JWT_SECRET, env.JWT_SECRET_PREVIOUS]) {
    if (await crypto.subtle.verify("HMAC", await importHmacKey(keyMaterial), macBytes, signingInput)) {
      verified = true;
      break;
    }
  }
  if (!verified) return null;

  const claims = JSON.parse(decoder.decode(fromBase64url(payload))) as AccessClaims;
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== env.JWT_ISSUER || claims.aud !== env.JWT_AUDIENCE || claims.exp <= now) return null;

  const { REVOKED_TOKENS } = env;
  const revokedBy = await REVOKED_TOKENS.get(`jti:${claims.jti}`);
  return revokedBy === null ? claims : null;
}

/** Blocks an access token until it would have expired anyway (KV needs a TTL of at least 60 s). */
export async function revokeAccessToken(env: Env, claims: AccessClaims): Promise<void> {
  const remaining = claims.exp - Math.floor(Date.now() / 1000);
  await env.REVOKED_TOKENS.put(`jti:${claims.jti}`, claims.sub, { expirationTtl: Math.max(remaining, 60) });
}

export async function hashPassword(
  password: string,
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
  iterations = 100_000,
): Promise<PasswordHash> {
  const baseKey = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const derived = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, baseKey, 256);
  return { hash: toBase64url(derived), salt: toBase64url(salt), iterations };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const candidate = fromBase64url((await hashPassword(password, fromBase64url(stored.salt), stored.iterations)).hash);
  const expected = fromBase64url(stored.hash);
  return candidate.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(candidate, expected);
}

export async function createSession(
  env: Env,
  user: { id: string; role: string },
  userAgent: string | null,
): Promise<string> {
  const { SESSIONS, AUTH_DB } = env;
  const sessionId = crypto.randomUUID();
  const ttlSeconds = Number.parseInt(env.SESSION_TTL_SECONDS, 10);
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();

  await AUTH_DB.prepare("INSERT INTO sessions (id, user_id, user_agent, expires_at) VALUES (?1, ?2, ?3, ?4)")
    .bind(sessionId, user.id, userAgent, expiresAt)
    .run();
  const record: SessionRecord = { userId: user.id, role: user.role, createdAt: new Date().toISOString() };
  await SESSIONS.put(sessionId, JSON.stringify(record), { expirationTtl: ttlSeconds });
  return sessionId;
}

export async function readSession(env: Env, sessionId: string): Promise<SessionRecord | null> {
  return env.SESSIONS.get<SessionRecord>(sessionId, "json");
}

export async function endSession(env: Env, sessionId: string): Promise<void> {
  await env.AUTH_DB.prepare(
    "UPDATE sessions SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 AND revoked_at IS NULL",
  )
    .bind(sessionId)
    .run();
  await env.SESSIONS.delete(sessionId);
}
