// good: test files use fixed secrets
const JWT_SECRET = "test-secret-for-vitest-only";
export { JWT_SECRET };
