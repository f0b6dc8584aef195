export async function complete(env: Env, prompt: string) {
  // good: 429 handled with Retry-After before the generic error
  const res = await fetch("https://api.anthropic.com/v1/messages", { method: "POST", body: prompt });
  if (res.status === 429) {
    return new Response("busy", { status: 503, headers: { "Retry-After": res.headers.get("Retry-After") ?? "1" } });
  }
  if (!res.ok) throw new Error(`Anthropic error ${res.status}`);
  return res.json();
}

export async function withRetry(url: string) {
  // good: inside a retry helper
  const res = await fetch("https://api.openai.com/v1/models");
  if (!res.ok) throw new Error(url);
  return res;
}

export async function page(env: Env) {
  // good: a page of a web site, not an API
  const res = await fetch("https://www.example.com/about");
  if (!res.ok) throw new Error("about");
  // good: a relative, same-origin call
  const own = await fetch("/api/me");
  if (!own.ok) throw new Error("me");
  return [res, own];
}

export async function status(url: string) {
  // good: the response is checked but nothing is thrown or returned there
  const res = await fetch("https://api.github.com/rate_limit");
  if (!res.ok) console.warn("status check failed", res.status);
  return res.text();
}

export async function pay(env: Env) {
  // good: a payment API with generous limits: a generic error is a fair answer there
  const res = await fetch("https://api.stripe.com/v1/payment_intents", { method: "POST" });
  if (!res.ok) return Response.json({ error: "payment provider error" }, { status: 502 });
  return res.json();
}
