// bad: one headers object
export const corsHeaders = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Credentials": "true",
};

export function preflight(): Response {
  // bad: Headers.set in one function
  const headers = new Headers();
  headers.set("Access-Control-Allow-Origin", "*");
  headers.set("Access-Control-Allow-Credentials", "true");
  return new Response(null, { headers });
}

// bad: hono cors() with both
app.use("/api/*", cors({ origin: "*", credentials: true }));

export function lower(): Response {
  // bad: lower-case header names and boolean true
  return new Response("ok", { headers: { "access-control-allow-origin": "*", "access-control-allow-credentials": true } });
}
