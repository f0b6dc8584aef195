// good: test output may show fixture tokens
const token = "fixture";
console.log(token);
