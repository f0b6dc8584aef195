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

export async function usage(env: Env, logger: Logger, request: Request) {
  // good: counts named like tokens
  const maxTokens = 1024;
  const result = { usage: { totalTokens: 10, promptTokens: 3 } };
  console.log("llm usage", maxTokens, result.usage.totalTokens, result.usage.promptTokens);
  // good: a structured logger given facts only
  logger.info("request", { path: new URL(request.url).pathname, hasAuth: request.headers.has("Authorization") });
  // good: a body without secret fields
  const body = await request.json<{ title: string }>();
  console.log("new post", body);
  // good: one harmless header
  console.log("ua", request.headers.get("User-Agent"));
  return body.title;
}
