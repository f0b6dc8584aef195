// good: a translation catalogue (found in review): every value is UI text
export default {
  noResendToken: "Resend not configured",
  emptyBotToken: "human-verification-required",
  publicTokenFail: "token-verification-failed",
};
