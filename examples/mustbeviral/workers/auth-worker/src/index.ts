/**
 * mustbeviral-auth: registration, login, token refresh and logout for the Must Be Viral apps,
 * plus /internal/* routes that other Workers reach through a service binding.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import {
  type AccessClaims,
  createSession,
  endSession,
  hashPassword,
  readSession,
  revokeAccessToken,
  signAccessToken,
  verifyAccessToken,
  verifyPassword,
} from "./auth";
import type { Env } from "./env";

export { RateLimiter } from "./rate-limiter";

type AppEnv = { Bindings: Env; Variables: { claims: AccessClaims } };

interface UserRow {
  id: string;
  role: string;
  password_hash: string;
  password_salt: string;
  password_iterations: number;
}

const app = new Hono<AppEnv>();

app.use("/auth/*", (c, next) =>
  cors({ origin: c.env.ALLOWED_ORIGIN, credentials: true, allowMethods: ["GET", "POST"], maxAge: 600 })(c, next),
);

// Service-binding calls from other Workers use the made-up host auth.internal; public traffic never does.
app.use("/internal/*", async (c, next) => {
  if (new URL(c.req.url).hostname !== "auth.internal") return c.notFound();
  await next();
});

const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const claims = header.startsWith("Bearer ") ? await verifyAccessToken(c.env, header.slice(7)) : null;
  if (claims === null) return c.json({ error: "unauthorized" }, 401);
  c.set("claims", claims);
  await next();
};

app.post("/auth/register", async (c) => {
  const body = await c.req.json<{ email?: string; password?: string; handle?: string }>();
  if (!body.email || !body.handle || !body.password || body.password.length < 12) {
    return c.json({ error: "email, handle and a password of at least 12 characters are required" }, 400);
  }
  const userId = crypto.randomUUID();
  const hashed = await hashPassword(body.password);
  const { AUTH_DB } = c.env;
  try {
    await AUTH_DB.batch([
      AUTH_DB.prepare(
        "INSERT INTO users (id, email, password_hash, password_salt, password_iterations) VALUES (?1, ?2, ?3, ?4, ?5)",
      ).bind(userId, body.email, hashed.hash, hashed.salt, hashed.iterations),
      AUTH_DB.prepare("INSERT INTO profiles (user_id, handle, display_name) VALUES (?1, ?2, ?2)").bind(
        userId,
        body.handle,
      ),
    ]);
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed")) {
      return c.json({ error: "email or handle already taken" }, 409);
    }
    throw err;
  }
  return c.json({ userId }, 201);
});

app.post("/auth/login", async (c) => {
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(ip));
  const { allowed, retryAfterSeconds } = await limiter.consume();
  if (!allowed) {
    return c.json({ error: "too many login attempts" }, 429, { "retry-after": String(retryAfterSeconds) });
  }

  const { email, password } = await c.req.json<{ email?: string; password?: string }>();
  if (!email || !password) return c.json({ error: "email and password are required" }, 400);

  const user = await c.env.AUTH_DB.prepare(
    "SELECT id, role, password_hash, password_salt, password_iterations FROM users WHERE email = ?1",
  )
    .bind(email)
    .first<UserRow>();
  const stored = user && { hash: user.password_hash, salt: user.password_salt, iterations: user.password_iterations };
  if (!user || !stored || !(await verifyPassword(password, stored))) {
    return c.json({ error: "invalid email or password" }, 401);
  }

  c.executionCtx.waitUntil(limiter.reset());
  const sessionId = await createSession(c.env, { id: user.id, role: user.role }, c.req.header("user-agent") ?? null);
  const accessToken = await signAccessToken(c.env, { userId: user.id, sessionId, role: user.role });
  return c.json({ accessToken, sessionId, expiresIn: Number.parseInt(c.env.ACCESS_TTL_SECONDS, 10) });
});

app.post("/auth/refresh", async (c) => {
  const { sessionId } = await c.req.json<{ sessionId?: string }>();
  if (!sessionId) return c.json({ error: "sessionId is required" }, 400);
  const session = await readSession(c.env, sessionId);
  if (session === null) return c.json({ error: "session expired" }, 401);
  const accessToken = await signAccessToken(c.env, { userId: session.userId, sessionId, role: session.role });
  return c.json({ accessToken, expiresIn: Number.parseInt(c.env.ACCESS_TTL_SECONDS, 10) });
});

app.post("/auth/logout", requireAuth, async (c) => {
  const claims = c.get("claims");
  await revokeAccessToken(c.env, claims);
  await endSession(c.env, claims.sid);
  return c.body(null, 204);
});

app.get("/auth/me", requireAuth, async (c) => {
  const { sub } = c.get("claims");
  const profile = await c.env.AUTH_DB.prepare(
    `SELECT u.id, u.email, u.role, p.handle, p.display_name, p.bio, p.avatar_key, p.followers
       FROM users u
       JOIN profiles p ON p.user_id = u.id
      WHERE u.id = ?1`,
  )
    .bind(sub)
    .first();
  return profile ? c.json(profile) : c.json({ error: "not found" }, 404);
});

// Called by the analytics Worker (AUTH_SERVICE binding) for every ingested batch.
app.post("/internal/sessions/verify", async (c) => {
  const header = c.req.header("authorization") ?? "";
  const claims = header.startsWith("Bearer ") ? await verifyAccessToken(c.env, header.slice(7)) : null;
  if (claims === null) return c.json({ error: "unauthorized" }, 401);
  return c.json({ userId: claims.sub, sessionId: claims.sid, role: claims.role });
});

app.post("/internal/sessions/touch", async (c) => {
  const { sessionId } = await c.req.json<{ sessionId?: string }>();
  if (!sessionId) return c.json({ error: "sessionId is required" }, 400);
  await c.env.AUTH_DB.prepare(
    "UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1 AND revoked_at IS NULL",
  )
    .bind(sessionId)
    .run();
  return c.body(null, 204);
});

export default app;
