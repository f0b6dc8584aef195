/**
 * mustbeviral-content: the posts API, media uploads and the moderation queue consumer.
 */
import { createBoost, listBoosts } from "./billing";
import type { ContentJob } from "./jobs";
import { uploadMedia } from "./media";
import { createPost, getPost, listPosts } from "./posts";
import { handleContentJobs } from "./queue";

async function route(request: Request, env: Env, ctx: ExecutionContext, url: URL): Promise<Response> {
  const [resource, id, action] = url.pathname.split("/").filter(Boolean);
  const method = request.method;

  if (resource === "posts" && id === undefined) {
    if (method === "GET") return listPosts(env, url);
    if (method === "POST") return createPost(env, request);
  }
  if (resource === "posts" && id !== undefined && action === undefined && method === "GET") {
    return getPost(env, ctx, id);
  }
  if (resource === "posts" && id !== undefined && action === "boost" && method === "POST") {
    return createBoost(env, request, id);
  }
  if (resource === "boosts" && id === undefined && method === "GET") {
    return listBoosts(env, request);
  }
  if (resource === "media" && id !== undefined && method === "PUT") {
    return uploadMedia(request, id);
  }
  return Response.json({ error: "not found" }, { status: 404 });
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    try {
      return await route(request, env, ctx, url);
    } catch (err) {
      console.error("content request failed", request.method, url.pathname, err);
      return Response.json({ error: "internal error" }, { status: 500 });
    }
  },

  async queue(batch, env): Promise<void> {
    await handleContentJobs(batch, env);
  },
} satisfies ExportedHandler<Env, ContentJob>;
