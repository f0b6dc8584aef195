export async function load(env: Env, ids: string[], stmt: D1PreparedStatement) {
  // good: statements built in the loop, sent in one batch
  const statements = [];
  for (const id of ids) statements.push(stmt.bind(id));
  await env.DB.batch(statements);
  // good: concurrent map, not a loop body
  await Promise.all(ids.map(async (id) => env.DB.prepare("SELECT 1 WHERE ? = ?").bind(id, id).first()));
  // good: fetch in a loop is not a D1 query
  for (const id of ids) await fetch(`https://example.com/${id}`);
  // good: a retry loop
  for (let attempt = 0; attempt < 3; attempt++) {
    try { return await env.DB.prepare("SELECT 1").first(); } catch { /* retry */ }
  }
}
