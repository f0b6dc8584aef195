/** POST /posts/:id/boost: creators pay to promote a post. Payment goes through Stripe's REST API. */

interface PaymentIntent {
  id: string;
  client_secret: string;
}

const MIN_BOOST_CENTS = 500;

export async function createBoost(env: Env, request: Request, postId: string): Promise<Response> {
  const authorId = request.headers.get("x-user-id");
  if (!authorId) return Response.json({ error: "unauthorized" }, { status: 401 });

  const { amountCents } = await request.json<{ amountCents?: number }>();
  if (amountCents === undefined || !Number.isInteger(amountCents) || amountCents < MIN_BOOST_CENTS) {
    return Response.json({ error: `amountCents must be an integer of at least ${MIN_BOOST_CENTS}` }, { status: 400 });
  }

  const post = await env.CONTENT_DB.prepare("SELECT id FROM posts WHERE id = ?1 AND author_id = ?2")
    .bind(postId, authorId)
    .first<{ id: string }>();
  if (post === null) return Response.json({ error: "not found" }, { status: 404 });

  const stripeResponse = await fetch("https://api.stripe.com/v1/payment_intents", {
    method: "POST",
    headers: {
      authorization: `Bearer ${env.STRIPE_API_KEY}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      amount: String(amountCents),
      currency: "usd",
      "metadata[post_id]": postId,
      "metadata[author_id]": authorId,
    }),
  });
  if (!stripeResponse.ok) return Response.json({ error: "payment provider error" }, { status: 502 });
  const intent = await stripeResponse.json<PaymentIntent>();

  await env.CONTENT_DB.prepare(
    "INSERT INTO boosts (id, post_id, author_id, amount_cents, payment_intent_id) VALUES (?1, ?2, ?3, ?4, ?5)",
  )
    .bind(crypto.randomUUID(), postId, authorId, amountCents, intent.id)
    .run();
  return Response.json({ clientSecret: intent.client_secret }, { status: 201 });
}

/** GET /boosts: the caller's boosts, newest first. */
export async function listBoosts(env: Env, request: Request): Promise<Response> {
  const authorId = request.headers.get("x-user-id");
  if (!authorId) return Response.json({ error: "unauthorized" }, { status: 401 });

  const { results } = await env.CONTENT_DB.prepare(
    "SELECT id, post_id, amount_cents, created_at FROM boosts WHERE author_id = ?1 ORDER BY created_at DESC LIMIT 50",
  )
    .bind(authorId)
    .all<{ id: string; post_id: string; amount_cents: number; created_at: string }>();
  return Response.json({ boosts: results });
}
