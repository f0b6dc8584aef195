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

export async function more(body: { password: string; passwordConfirm: string }, newPassword: string,
                           confirmPassword: string, bytes: string, obj: R2Object, contentDigest: string) {
  // good: two values from the same user input
  if (newPassword !== confirmPassword) return false;
  if (body.password !== body.passwordConfirm) return false;
  // good: a content digest / checksum
  if (obj.checksums.sha256 === contentDigest) return true;
  // good: magic bytes against a literal
  if (bytes.slice(0, 8) === "\x89PNG\r\n\x1a\n") return true;
  // good: against a literal
  const signatureAlgorithm = "hmac-sha256";
  return signatureAlgorithm === "hmac-sha256-v1";
}

export async function refreshed(previous: string | null, session: { token: string }) {
  // good: a value against its previous state (found in review)
  return previous === session.token;
}

const REDACTED_BACKUP_SECRET = "********";
enum SendAuthType { None = 0, Password = 1 }

export function constants(raw: string, send: { authType: SendAuthType }, password: string) {
  // good: a sentinel constant bound to a literal (found in review)
  if (raw === REDACTED_BACKUP_SECRET) return "keep";
  // good: an enum member (found in review)
  if (send.authType === SendAuthType.Password) return password;
  return null;
}
