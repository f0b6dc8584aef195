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

// bad: origin: true reflects every origin, with credentials
app.use("/api/*", cors({ origin: true, credentials: true }));

// bad: an origin callback returning the request's Origin unchecked
app.use("/v2/*", cors({ origin: (origin) => origin, credentials: true }));

// bad: a callback with a block body and a fallback
app.use("/v3/*", cors({
  credentials: true,
  origin: (origin: string) => {
    return origin ?? "*";
  },
}));

export function echo(request: Request): Response {
  // bad: the request's Origin echoed in a headers object with credentials
  return new Response("ok", {
    headers: { "Access-Control-Allow-Origin": request.headers.get("Origin") ?? "*", "Access-Control-Allow-Credentials": "true" },
  });
}
