export async function transfer(env: Env, from: string, to: string) {
  // good: a batch is the D1 transaction
  await env.DB.batch([
    env.DB.prepare("UPDATE accounts SET balance = balance - 10 WHERE id = ?").bind(from),
    env.DB.prepare("UPDATE accounts SET balance = balance + 10 WHERE id = ?").bind(to),
  ]);
  // good: the word inside a value
  await env.DB.prepare("SELECT * FROM jobs WHERE state = 'BEGIN'").all();
  // good: regex exec on a string
  /^BEGIN/.exec("BEGIN");
  // good: a comment mentioning rollback
  await env.DB.prepare("-- no ROLLBACK here\nSELECT 1").first();
}
