/** PUT /media/:name: direct uploads into R2. Uses the module-level `env` import, not a handler argument. */
import { env } from "cloudflare:workers";

const ALLOWED_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp", "video/mp4"];

export async function uploadMedia(request: Request, fileName: string): Promise<Response> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!ALLOWED_CONTENT_TYPES.includes(contentType)) {
    return Response.json({ error: `unsupported content type ${contentType}` }, { status: 415 });
  }

  // R2 single-part uploads stop at 100 MB on our plan.
  const maxMegabytes = env.MAX_UPLOAD_MB > 100 ? 100 : Number(env.MAX_UPLOAD_MB);
  const size = Number(request.headers.get("content-length") ?? "0");
  if (!size || size > maxMegabytes * 1024 * 1024) {
    return Response.json({ error: `uploads are limited to ${maxMegabytes} MB` }, { status: 413 });
  }

  const objectKey = `uploads/${crypto.randomUUID()}/${encodeURIComponent(fileName)}`;
  await env.MEDIA_BUCKET.put(objectKey, request.body, { httpMetadata: { contentType } });
  return Response.json({ key: objectKey, url: `${env.PUBLIC_MEDIA_BASE_URL}/${objectKey}` }, { status: 201 });
}
