export async function handle(request: Request, token: string, payload: { sub: string }) {
  // good: presence only
  console.log("auth header present:", request.headers.has("Authorization"));
  // good: a message mentioning tokens
  console.warn("token expired for user", payload.sub);
  // good: a fact about the token
  console.log("token length", token.length);
  // good: a redacted value
  console.log("token", redact(token));
}
function redact(value: string): string { return value.slice(0, 4) + "..."; }

export function configured(env: Env) {
  // good: only whether the token is set
  console.error("API not configured:", { hasApiToken: !!env.CLOUDFLARE_API_TOKEN, tokenSet: env.TOKEN !== undefined });
}
