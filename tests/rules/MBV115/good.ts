export function cases(token: string | null, tokenType: string, signature: string, header: { alg: string }) {
  // good: presence checks
  if (token === null || token === undefined) return false;
  // good: a label, not a secret
  if (tokenType === "Bearer") return true;
  // good: length check
  if (signature.length !== 64) return false;
  // good: typeof check and empty string
  if (typeof token !== "string" || token === "") return false;
  // good: a template without a secret in it
  if (tokenType === `Bearer ${header.alg}`) return true;
  // good: algorithm in a header
  return header.alg === "HS256";
}
