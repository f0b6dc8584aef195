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

export async function typed(env: Env, ids: string[], slugs: string[], n: number) {
  for (const id of ids) {
    // bad: .first<User>() with type arguments
    const user = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(id).first<User>();
    console.log(user);
  }
  for (const slug of slugs) {
    // bad: .all<Post>()
    const { results } = await env.DB.prepare("SELECT * FROM posts WHERE slug = ?").bind(slug).all<Post>();
    console.log(results);
  }
  let i = 0;
  while (i++ < n) {
    // bad: .raw<[number]>()
    const rows = await env.DB.prepare("SELECT count(*) FROM t WHERE k = ?").bind(i).raw<[number]>();
    console.log(rows);
  }
}
