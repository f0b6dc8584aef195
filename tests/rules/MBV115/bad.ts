export function cases(req: Request, env: Env, signature: string, expected: string, token: string) {
  // bad: api key header against the secret
  if (req.headers.get("X-Api-Key") !== env.API_KEY) return false;
  // bad: signature against the expected value
  if (signature === expected) return true;
  // bad: token compared to a stored token
  if (token === env.ADMIN_TOKEN) return true;
  // bad: HMAC digest compare
  const hmacDigest = "computed";
  if (hmacDigest == req.headers.get("x-signature")) return true;
  // bad: the Authorization header against a template holding the secret (found in review)
  if (req.headers.get("Authorization") === `Bearer ${env.API_SECRET}`) return true;
  // bad: a token against the same template
  return token !== `Bearer ${env.ADMIN_TOKEN}`;
}

export function more(body: { signature: string }, computedSignature: string, env: Env, password: string) {
  // bad: a signature from the request against a computed one
  if (body.signature !== computedSignature) return false;
  // bad: a password against the stored one
  return password === env.ADMIN_PASSWORD;
}

export function againstEnv(env: { ADMIN_TOKEN: string }, token: string) {
  // bad: a secret from env is not a constant of the file
  return token === env.ADMIN_TOKEN;
}
