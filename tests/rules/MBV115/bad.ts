export function cases(req: Request, env: Env, signature: string, expected: string, token: string) {
  // bad: api key header against the secret
  if (req.headers.get("X-Api-Key") !== env.API_KEY) return false;
  // bad: signature against the expected value
  if (signature === expected) return true;
  // bad: token compared to a stored token
  if (token === env.ADMIN_TOKEN) return true;
  // bad: HMAC digest compare
  const hmacDigest = "computed";
  return hmacDigest == req.headers.get("x-signature");
}
