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

// good: UI / i18n message strings
export const messages = { PasswordMsg: "Password:", password: "Passwort", tokenExpiredText: "Session expired!" };

// good: storage key names
export const UPLOAD_SESSION_KEY = "uploadSession";
const TOKEN_STORAGE_KEY = "auth-token";

// good: a protocol constant as HMAC label (Telegram Web Apps)
export async function telegramKey(botToken: string) {
  const label = await crypto.subtle.importKey("raw", new TextEncoder().encode("WebAppData"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [label, botToken, TOKEN_STORAGE_KEY];
}

// good: public client keys by known prefix
export const analytics = { apiKey: "phc_9f8e7d6c5b4a3f2e1d0c" };
export const stripe = { publishableKey: "pk_live_51HabcdefGhijklmnop", apiKey: "pk_test_51Habcdefghij" };

// good: UI text in another script, outside an i18n folder (found in review)
export const zh = { emailAndPwdEmpty: "邮箱和密码不能为空", publicTokenFail: "token验证失败" };

// good: a storage key name with camelCase segments (found in review)
export const YUBICO_SECRET_KEY_CONFIG_KEY = "globalSettings__yubico__key";
// good: a mask shown instead of the secret (found in review)
export const REDACTED_BACKUP_SECRET = "********";
// good: the name of a column that holds tokens (found in review)
export const interviewTokens = { tokenColumn: "phone_interview_token", table: "interviews" };
