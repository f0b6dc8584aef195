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
