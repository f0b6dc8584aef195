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
