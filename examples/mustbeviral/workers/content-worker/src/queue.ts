/**
 * Consumer for CONTENT_QUEUE: moderates new posts with Workers AI, writes a one-line summary,
 * and publishes or rejects them. All D1 reads and writes for a batch are one query each.
 */
import type { ContentJob } from "./jobs";

interface PendingPost {
  id: string;
  title: string;
  body: string;
}

function isUnsafe(verdict: unknown): boolean {
  const text = typeof verdict === "object" && verdict !== null && "response" in verdict ? String(verdict.response) : "";
  return text.trim().toLowerCase().startsWith("unsafe");
}

export async function handleContentJobs(batch: MessageBatch<ContentJob>, env: Env): Promise<void> {
  const postIds = batch.messages.map((message) => message.body.postId);
  const { results: posts } = await env.CONTENT_DB.prepare(
    "SELECT id, title, body FROM posts WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'pending_review'",
  )
    .bind(JSON.stringify(postIds))
    .all<PendingPost>();

  const updates: D1PreparedStatement[] = [];
  for (const post of posts) {
    const text = `${post.title}\n\n${post.body}`;
    const verdict = await env.AI.run(env.MODERATION_MODEL, { messages: [{ role: "user", content: text }] });
    if (isUnsafe(verdict)) {
      updates.push(env.CONTENT_DB.prepare("UPDATE posts SET status = 'rejected' WHERE id = ?1").bind(post.id));
      continue;
    }
    const summary = await env.AI.run(env.SUMMARY_MODEL, {
      messages: [
        { role: "system", content: "Summarise the post in one sentence of at most 25 words." },
        { role: "user", content: text },
      ],
    });
    const summaryText = "response" in summary && typeof summary.response === "string" ? summary.response : null;
    updates.push(
      env.CONTENT_DB.prepare(
        "UPDATE posts SET status = 'published', summary = ?2, published_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
      ).bind(post.id, summaryText),
    );
  }

  if (updates.length > 0) {
    await env.CONTENT_DB.batch(updates);
  }
  batch.ackAll();
}
