// good: test data
export const fakeToken = Math.random().toString(36);
