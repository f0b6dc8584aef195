import { sign } from "hono/jwt";

export async function issue(env: Env, userId: string) {
  // good: the key comes from an env binding
  const token = await sign({ sub: userId }, env.JWT_SECRET);
  // good: the name of a secret, not its value
  const secretName = "JWT_SECRET_PREVIOUS";
  // good: a header name and a message
  const tokenHeader = "x-refresh-token";
  const passwordError = "password must have at least 12 characters";
  // good: a short value and an UPPER_SNAKE reference
  const token2 = "abc";
  const apiKeyVar = "STRIPE_API_KEY";
  return [token, secretName, tokenHeader, passwordError, token2, apiKeyVar];
}
