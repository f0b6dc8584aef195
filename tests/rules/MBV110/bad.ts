export async function load(env: Env, ids: string[], stmt: D1PreparedStatement) {
  const out = [];
  for (const id of ids) {
    // bad: query per id
    out.push(await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(id).first());
  }
  let i = 0;
  while (i < ids.length) {
    // bad: a prepared statement bound in a while loop
    await stmt.bind(ids[i]).run();
    i++;
  }
  for (let k = 0; k < ids.length; k++) {
    // bad: all() in a for loop
    const { results } = await env.DB.prepare("SELECT * FROM posts WHERE author = ?").bind(ids[k]).all();
    out.push(results);
  }
  for (const key in ids) {
    // bad: exec in a for-in loop
    await env.DB.exec(`DELETE FROM t WHERE k = 1`);
  }
  return out;
}
