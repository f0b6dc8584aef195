"""Benchmark `mbv bindings diff --all-envs` on a synthetic monorepo against `grep -rE 'env\\.[A-Z_]+'`.

Generates 50 Workers x 100 source files (about 20 MB; each Worker has a wrangler.toml with a
top level, staging and production, route handlers that use bindings in the ways real code does,
and library modules that do not touch the env), then times, in the same run:
  mbv  : `python -m mbv_cli bindings diff ROOT --all-envs --format json` (a fresh process each time)
  grep : `grep -rE 'env\\.[A-Z_]+' ROOT`
and prints the medians and the ratio. Usage: python benchmarks/bench_bindings_diff.py [--keep DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKERS = 50
FILES = 100
TARGET_FILE_BYTES = 4000

CONFIG = """name = "svc-{i}"
main = "src/index.ts"
compatibility_date = "2026-10-01"

[[kv_namespaces]]
binding = "CACHE"
id = "{hex}"

[[d1_databases]]
binding = "DB"
database_name = "svc-{i}"
database_id = "6f1c2d3e-4a5b-4c6d-8e7f-{tail}"

[[r2_buckets]]
binding = "FILES"
bucket_name = "svc-{i}-files"

[vars]
API_BASE = "https://api.example.com"
LIMIT = "50"
{env_sections}"""

ENV_SECTION = """
[env.{env}]
[[env.{env}.kv_namespaces]]
binding = "CACHE"
id = "{hex}"
[[env.{env}.d1_databases]]
binding = "DB"
database_name = "svc-{i}-{env}"
database_id = "6f1c2d3e-4a5b-4c6d-8e7f-{tail}"
{r2}[env.{env}.vars]
API_BASE = "https://api.example.com"
LIMIT = "50"
"""

HANDLER = """import {{ Hono }} from "hono";
import type {{ Env }} from "./env";
import {{ helper{j} }} from "../lib/util{j}";

const app = new Hono<{{ Bindings: Env }}>();

app.get("/items/{j}/:id", async (c) => {{
  const id = c.req.param("id");
  const cached = await c.env.CACHE.get(`item:${{id}}`);
  if (cached) return c.json(JSON.parse(cached));
  const row = await c.env.DB.prepare("SELECT * FROM items WHERE id = ?").bind(id).first();
  await c.env.CACHE.put(`item:${{id}}`, JSON.stringify(row), {{ expirationTtl: Number(c.env.LIMIT) }});
  return c.json(helper{j}(row));
}});

export async function upload{j}(request: Request, env: Env): Promise<Response> {{
  const {{ FILES, API_BASE }} = env;
  const body = await request.arrayBuffer();
  await FILES.put(`upload-{j}`, body);
  return Response.redirect(`${{API_BASE}}/files/upload-{j}`);
}}

export default app;
"""

LIBRARY = """// Pure helpers: formatting, validation, pagination. No bindings here.
export interface Item{j} {{ id: string; title: string; createdAt: number; tags: string[] }}

export function helper{j}(row: unknown): Item{j} | null {{
  if (!row || typeof row !== "object") return null;
  const r = row as Record<string, unknown>;
  return {{ id: String(r.id), title: String(r.title ?? ""), createdAt: Number(r.created_at ?? 0),
           tags: String(r.tags ?? "").split(",").filter(Boolean) }};
}}
"""

FILLER = """
export function paginate{j}_{k}<T>(items: T[], page: number, size = 20): {{ items: T[]; next: number | null }} {{
  const start = Math.max(0, (page - 1) * size);
  const slice = items.slice(start, start + size);
  return {{ items: slice, next: start + size < items.length ? page + 1 : null }};
}}
"""

INDEX = """import app from "./routes/r0";
{route_imports}export const uploads = [{uploads}];

export default {{
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {{
    if (new URL(request.url).pathname === "/upload") return upload0(request, env);
    return app.fetch(request, env, ctx);
  }},
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {{
    await env.DB.prepare("DELETE FROM items WHERE expires_at < ?").bind(Date.now()).run();
  }},
}} satisfies ExportedHandler<Env>;
"""

ENV_TS = """export interface Env {
  CACHE: KVNamespace;
  DB: D1Database;
  FILES: R2Bucket;
  API_BASE: string;
  LIMIT: string;
}
"""


def generate(root: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    total = 0
    for i in range(WORKERS):
        wdir = root / "workers" / f"svc-{i}"
        (wdir / "src" / "routes").mkdir(parents=True)
        (wdir / "src" / "lib").mkdir(parents=True)
        envs = []
        for env in ("staging", "production"):
            # every tenth Worker forgets its R2 bucket in production (a planted MBV001)
            r2 = "" if (env == "production" and i % 10 == 0) else (
                f'[[env.{env}.r2_buckets]]\nbinding = "FILES"\nbucket_name = "svc-{i}-{env}"\n')
            envs.append(ENV_SECTION.format(env=env, i=i, hex=f"{rng.getrandbits(128):032x}",
                                           tail=f"{rng.getrandbits(48):012x}", r2=r2))
        config = CONFIG.format(i=i, hex=f"{rng.getrandbits(128):032x}", tail=f"{rng.getrandbits(48):012x}",
                               env_sections="".join(envs))
        (wdir / "wrangler.toml").write_text(config)
        (wdir / "package.json").write_text(json.dumps({"name": f"svc-{i}", "dependencies": {"hono": "^4.9.0"}}) + "\n")
        # main imports every route module (as a router does); each route imports its helper, so 18 of
        # the 58 library modules are outside the module graph (dead code the code rules do not check)
        index = INDEX.format(route_imports="".join(f'import {{ upload{j} }} from "./routes/r{j}";\n' for j in range(40)),
                             uploads=", ".join(f"upload{j}" for j in range(40)))
        files = {"src/index.ts": index, "src/env.ts": ENV_TS}
        # 40 route modules using bindings, 58 library modules that do not
        for j in range(40):
            files[f"src/routes/r{j}.ts"] = HANDLER.format(j=j)
        for j in range(58):
            files[f"src/lib/util{j}.ts"] = LIBRARY.format(j=j)
        for rel, text in files.items():
            k = 0
            while len(text.encode()) < TARGET_FILE_BYTES:
                text += FILLER.format(j=rel.replace("/", "_").replace(".", "_"), k=k)
                k += 1
            (wdir / rel).write_text(text)
            total += len(text.encode())
    return total


def median_time(cmd: list[str], runs: int, env: dict[str, str] | None = None
                ) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Median wall time and median CPU time (user+sys of the child and its pool) of `runs` runs."""
    import resource

    times, cpus = [], []
    proc = None
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    assert proc is not None
    return statistics.median(times), statistics.median(cpus), proc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="mbv-bench-diff-"))
    if root.exists() and any(root.iterdir()):
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    try:
        size = generate(root)
        n_files = sum(1 for _ in root.rglob("*.ts"))
        print(f"synthetic monorepo: {WORKERS} Workers, {n_files} source files, {size / 1e6:.1f} MB at {root}")
        env = dict(os.environ)
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        mbv_cmd = [sys.executable, "-m", "mbv_cli", "bindings", "diff", str(root), "--all-envs", "--format", "json"]
        mbv_s, mbv_cpu, proc = median_time(mbv_cmd, args.runs, env)
        if proc.returncode not in (0, 1):
            sys.exit(f"mbv failed: {proc.stderr.decode()}")

        summary = json.loads(proc.stdout)["summary"]
        mbv1_s, mbv1_cpu, _ = median_time([*mbv_cmd, "--jobs", "1"], max(1, args.runs // 2), env)
        grep_s, grep_cpu, _ = median_time(["grep", "-rE", r"env\.[A-Z_]+", str(root)], args.runs)
        load = os.getloadavg()[0]
        print(f"cpus: {os.cpu_count()}, load average at the end: {load:.1f}")
        print(f"mbv bindings diff --all-envs : {mbv_s:.2f} s wall, {mbv_cpu:.2f} s CPU, median of {args.runs} "
              f"(findings {summary})")
        print(f"  same, --jobs 1             : {mbv1_s:.2f} s wall, {mbv1_cpu:.2f} s CPU")
        print(f"grep -rE 'env\\.[A-Z_]+'      : {grep_s:.3f} s wall, {grep_cpu:.3f} s CPU")
        print(f"ratio mbv / grep             : {mbv_s / grep_s:.1f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
