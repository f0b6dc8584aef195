const BEGIN = "BEGIN TRANSACTION";

export async function transfer(env: Env, from: string, to: string) {
  // bad: exec BEGIN
  await env.DB.exec("BEGIN TRANSACTION");
  // bad: prepare COMMIT
  await env.DB.prepare("COMMIT").run();
  // bad: through a const
  await env.DB.exec(BEGIN);
  // bad: rollback after other statements in one exec
  await env.DB.exec("UPDATE a SET x = 1; ROLLBACK;");
  // bad: savepoint
  await env.DB.prepare(`SAVEPOINT transfer`).run();
}
