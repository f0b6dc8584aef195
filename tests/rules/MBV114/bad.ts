export function cases() {
  // bad: session id
  const sessionId = Math.random().toString(36).slice(2);
  // bad: a token property
  const reply = { token: Math.random().toString(16) };
  // bad: inside a function named like a token generator
  const generateToken = () => `${Date.now()}-${Math.random()}`;
  // bad: an OTP code
  const otpCode = Math.floor(Math.random() * 1000000);
  return [sessionId, reply, generateToken, otpCode];
}

export function codes() {
  // bad: a verification code
  const code = String(Math.floor(100000 + Math.random() * 900000));
  // bad: a PIN
  const pin = Math.floor(Math.random() * 10000).toString().padStart(4, "0");
  // bad: an email verification code property
  const record = { emailVerificationCode: Math.random().toString().slice(2, 8) };
  return [code, pin, record];
}
