import type { ContentJob } from "./jobs";

export interface PostRow {
  id: string;
  author_id: string;
  title: string;
  body: string;
  summary: string | null;
  media_key: string | null;
  score: number;
  created_at: string;
}

const POST_CACHE_TTL_SECONDS = 300;

function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(data, { status, headers });
}

/** GET /posts?sort=score&limit=20: the public feed. */
export async function listPosts(env: Env, url: URL): Promise<Response> {
  const limit = Math.min(Number.parseInt(url.searchParams.get("limit") ?? "20", 10) || 20, 100);
  const sort = url.searchParams.get("sort") ?? "created_at";
  const { results } = await env.CONTENT_DB.prepare(
    `SELECT id, author_id, title, summary, media_key, score, created_at
       FROM posts
      WHERE status = 'published'
      ORDER BY ${sort} DESC
      LIMIT ?1`,
  )
    .bind(limit)
    .all<PostRow>();
  return json({ posts: results });
}

/** GET /posts/:id, read through the CONTENT_CACHE namespace. */
export async function getPost(env: Env, ctx: ExecutionContext, postId: string): Promise<Response> {
  const cacheKey = `post:${postId}`;
  const cached = await env.CONTENT_CACHE.get(cacheKey);
  if (cached !== null) {
    return new Response(cached, { headers: { "content-type": "application/json", "x-cache": "hit" } });
  }

  const post = await env.CONTENT_DB.prepare(
    "SELECT id, author_id, title, body, summary, media_key, score, created_at FROM posts WHERE id = ?1 AND status = 'published'",
  )
    .bind(postId)
    .first<PostRow>();
  if (post === null) return json({ error: "not found" }, 404);

  const payload = JSON.stringify({
    ...post,
    media_url: post.media_key ? `${env.PUBLIC_MEDIA_BASE_URL}/${post.media_key}` : null,
  });
  ctx.waitUntil(env.CONTENT_CACHE.put(cacheKey, payload, { expirationTtl: POST_CACHE_TTL_SECONDS }));
  ctx.waitUntil(countView(env, postId));
  return new Response(payload, { headers: { "content-type": "application/json", "x-cache": "miss" } });
}

/**
 * POST /posts: store a draft and queue it for moderation. Requests come through the API gateway,
 * which verifies the access token with the auth Worker and sets x-user-id.
 */
export async function createPost(env: Env, request: Request): Promise<Response> {
  const authorId = request.headers.get("x-user-id");
  if (!authorId) return json({ error: "unauthorized" }, 401);

  const input = await request.json<{ title?: string; body?: string; mediaKey?: string }>();
  if (!input.title || !input.body) return json({ error: "title and body are required" }, 400);

  const postId = crypto.randomUUID();
  await env.CONTENT_DB.prepare(
    "INSERT INTO posts (id, author_id, title, body, media_key, status) VALUES (?1, ?2, ?3, ?4, ?5, 'pending_review')",
  )
    .bind(postId, authorId, input.title, input.body, input.mediaKey ?? null)
    .run();

  const job: ContentJob = { kind: "moderate", postId };
  await env.CONTENT_QUEUE.send(job);
  return json({ id: postId, status: "pending_review" }, 202);
}

/** One row per post and day; the id comes from the URL. */
async function countView(env: Env, postId: string): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  await env.CONTENT_DB.prepare(
    "INSERT INTO post_views (post_id, day, views) VALUES (?1, ?2, 1) ON CONFLICT (post_id, day) DO UPDATE SET views = views + 1",
  )
    .bind(postId, day)
    .run();
}
