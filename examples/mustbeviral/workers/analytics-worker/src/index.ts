/**
 * mustbeviral-analytics: ingests batches of client events (views, likes, shares, follows) into
 * Workers Analytics Engine. Callers are authenticated through the auth Worker (AUTH_SERVICE).
 */
import { createHash } from "crypto";
import type { Env } from "./env";

interface ClientEvent {
  type: string;
  path: string;
  postId?: string;
  at?: number;
}

interface VerifiedSession {
  userId: string;
  sessionId: string;
  role: string;
}

const TRACKED_EVENT_TYPES: readonly string[] = ["view", "like", "share", "follow"];

// The URL's host only labels the request; a service binding never leaves Cloudflare.
const AUTH_BASE_URL = "https://auth.internal";

async function verifySession(env: Env, authorization: string | null): Promise<VerifiedSession | null> {
  if (!authorization) return null;
  const response = await env.AUTH_SERVICE.fetch(`${AUTH_BASE_URL}/internal/sessions/verify`, {
    method: "POST",
    headers: { authorization },
  });
  return response.ok ? response.json<VerifiedSession>() : null;
}

async function touchSession(env: Env, sessionId: string): Promise<void> {
  await env.AUTH_SERVICE.fetch(`${AUTH_BASE_URL}/internal/sessions/touch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sessionId }),
  });
}

/** Analytics Engine keeps raw IPs out of the dataset: store a short, one-way digest instead. */
function digestClientAddress(address: string): string {
  return createHash("sha256").update(address).digest("hex").slice(0, 16);
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/health") {
      return Response.json({ ok: true, environment: env.ENVIRONMENT });
    }
    if (request.method !== "POST" || url.pathname !== "/events") {
      return new Response("Not found", { status: 404 });
    }

    const session = await verifySession(env, request.headers.get("authorization"));
    if (session === null) return new Response("Unauthorized", { status: 401 });

    const events = await request.json<ClientEvent[]>();
    const maxEvents = Number.parseInt(env.MAX_EVENTS_PER_BATCH, 10);
    if (!Array.isArray(events) || events.length === 0 || events.length > maxEvents) {
      return Response.json({ error: `send between 1 and ${maxEvents} events` }, { status: 400 });
    }

    const accepted = events.filter((event) => TRACKED_EVENT_TYPES.includes(event.type));
    const client = digestClientAddress(request.headers.get("cf-connecting-ip") ?? "unknown");
    for (const event of accepted) {
      env.ANALYTICS.writeDataPoint({
        indexes: [session.userId],
        blobs: [event.type, event.path, event.postId ?? "", client, env.ENVIRONMENT],
        doubles: [event.at ?? Date.now()],
      });
    }

    touchSession(env, session.sessionId);
    return Response.json({ accepted: accepted.length, rejected: events.length - accepted.length }, { status: 202 });
  },
} satisfies ExportedHandler<Env>;
