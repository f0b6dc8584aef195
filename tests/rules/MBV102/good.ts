// good: wildcard without credentials
export const publicHeaders = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET" };

// good: credentials with one origin from a var
export function headersFor(env: Env) {
  return { "Access-Control-Allow-Origin": env.APP_ORIGIN, "Access-Control-Allow-Credentials": "true", Vary: "Origin" };
}

// good: hono cors with an origin list
app.use("/api/*", cors({ origin: ["https://app.example.com"], credentials: true }));

// good: credentials false
export const noCreds = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "false" };

// good: an origin callback that checks an allow-list
app.use("/v2/*", cors({ origin: (origin) => (ALLOWED.includes(origin) ? origin : null), credentials: true }));

// good: origin: true without credentials
app.use("/public/*", cors({ origin: true }));

export function echoChecked(request: Request): Response {
  const origin = request.headers.get("Origin") ?? "";
  if (!ALLOWED.includes(origin)) return new Response("no", { status: 403 });
  // good: echoed after an allow-list check
  return new Response("ok", {
    headers: { "Access-Control-Allow-Origin": request.headers.get("Origin") ?? "", "Access-Control-Allow-Credentials": "true" },
  });
}
