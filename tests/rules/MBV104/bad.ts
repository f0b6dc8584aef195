export async function handle(request: Request, env: Env, token: string, user: { password: string }) {
  // bad: the Authorization header
  console.log("auth", request.headers.get("Authorization"));
  // bad: a token variable
  console.debug(`refreshing with ${token}`);
  // bad: a password property
  console.error("login failed", user.password);
  // bad: a secret from env
  console.info("using", env.JWT_SECRET);
}

export async function hono(c: Context, logger: Logger) {
  // bad: Hono's c.req.header("Authorization")
  console.log("auth", c.req.header("Authorization"));
  // bad: a cookie value
  console.log("session", getCookie(c, "session"));
  // bad: a whole-header dump
  console.log("headers", Object.fromEntries(c.req.raw.headers));
  // bad: spread headers
  console.debug([...c.req.raw.headers]);
  // bad: a structured logger given a token
  const token = c.req.query("token");
  logger.warn("refresh failed", { token });
  // bad: a request body holding a password field, logged whole
  const body = await c.req.json();
  console.log("login attempt", body);
  return body.password === "x";
}
