export function cases() {
  // bad: session id
  const sessionId = Math.random().toString(36).slice(2);
  // bad: a token property
  const reply = { token: Math.random().toString(16) };
  // bad: inside a function named like an id generator
  const generateId = () => `${Date.now()}-${Math.random()}`;
  // bad: an OTP code
  const otpCode = Math.floor(Math.random() * 1000000);
  return [sessionId, reply, generateId, otpCode];
}
