"""Replay against the pinned real `wrangler dev --local` serving a Worker on 127.0.0.1.

Until the shared example Worker (examples/mustbeviral) lands, a small Worker is written to a temp
dir: it answers JSON describing the request it saw and guards /api/secure with a bearer token.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.peers import peer_env, require_peer

pytestmark = pytest.mark.wrangler

WORKER = """
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api/secure") {
      if (request.headers.get("authorization") !== `Bearer ${env.API_TOKEN}`) {
        return Response.json({ error: "unauthorized" }, { status: 401 });
      }
    }
    if (url.pathname === "/api/boom") {
      throw new Error("boom");
    }
    const body = await request.text();
    return Response.json({
      worker: "replay-fixture",
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers.get("content-type"),
      trace: request.headers.get("x-trace"),
      body,
    }, { headers: { "x-served-by": "wrangler-dev" } });
  },
};
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def worker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    wrangler = require_peer("wrangler")
    root = tmp_path_factory.mktemp("worker")
    (root / "index.js").write_text(WORKER, encoding="utf-8")
    (root / "wrangler.toml").write_text('name = "replay-fixture"\nmain = "index.js"\n'
                                        'compatibility_date = "2025-01-01"\n', encoding="utf-8")
    (root / ".dev.vars").write_text("API_TOKEN=dev-token-123456\n", encoding="utf-8")
    env = peer_env(root / "home")
    # keep wrangler off the network: no update check (banner), no Request.cf download
    env.update({"WRANGLER_HIDE_BANNER": "true", "CLOUDFLARE_CF_FETCH_ENABLED": "false"})
    port = _free_port()
    log = (root / "wrangler.log").open("wb")
    process = subprocess.Popen([str(wrangler), "dev", "--ip", "127.0.0.1", "--port", str(port), "--local"],
                               cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"wrangler dev exited early: {(root / 'wrangler.log').read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("wrangler dev did not become ready within 60 s")
            time.sleep(0.25)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def test_http_file_against_wrangler_dev(run_mbv, worker_url: str, tmp_path: Path) -> None:
    source = tmp_path / "worker.http"
    source.write_text(
        "@base = https://api.production.example\n"
        "### create\n"
        "POST {{base}}/api/items?tag=a&tag2=b\n"
        "Content-Type: application/json\n"
        "X-Trace: t-1\n"
        "\n"
        '{"name": "widget"}\n'
        "\n"
        "### secure, token from the environment\n"
        "GET {{base}}/api/secure\n"
        "Authorization: Bearer {{$processEnv REPLAY_DEV_TOKEN}}\n", encoding="utf-8")
    result = run_mbv("replay", str(source), "--target", worker_url, "-f", "json",
                     env={"REPLAY_DEV_TOKEN": "dev-token-123456"})
    assert result.exit_code == 0, result.stdout + result.stderr
    first, second = json.loads(result.stdout)["exchanges"]
    answer = json.loads(first["response"]["body"])
    assert answer == {"worker": "replay-fixture", "method": "POST", "path": "/api/items",
                      "query": {"tag": "a", "tag2": "b"}, "contentType": "application/json", "trace": "t-1",
                      "body": '{"name": "widget"}'}
    assert first["response"]["headers"]["x-served-by"] == "wrangler-dev"
    assert second["response"]["status"] == 200
    assert "dev-token-123456" not in result.stdout
    # the same file without the token: the Worker says 401 and mbv exits 1
    denied = run_mbv("replay", str(source), "--target", worker_url, "-f", "json",
                     env={"REPLAY_DEV_TOKEN": "wrong-token-000"})
    assert denied.exit_code == 1
    assert json.loads(denied.stdout)["exchanges"][1]["response"]["status"] == 401


def test_curl_command_against_wrangler_dev(run_mbv, worker_url: str) -> None:
    command = ("curl 'https://api.production.example/api/orders?id=9' -X PUT "
               "-H 'Content-Type: text/plain' -H 'X-Trace: from-curl' --data-binary 'line1'")
    result = run_mbv("replay", "--curl", command, "--target", worker_url, "-f", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    answer = json.loads(json.loads(result.stdout)["exchanges"][0]["response"]["body"])
    assert (answer["method"], answer["path"], answer["query"], answer["body"], answer["trace"]) == (
        "PUT", "/api/orders", {"id": "9"}, "line1", "from-curl")


def test_synthetic_tail_log_against_wrangler_dev(run_mbv, worker_url: str, tmp_path: Path) -> None:
    def event(outcome: str, method: str, path: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
        return {"outcome": outcome, "scriptName": "replay-fixture", "diagnosticsChannelEvents": [],
                "exceptions": [] if outcome == "ok" else [{"name": "Error", "message": "boom", "timestamp": 1}],
                "logs": [], "eventTimestamp": 1764300000000,
                "event": {"request": {"url": f"https://api.production.example{path}", "method": method,
                                      "headers": headers, "cf": {"colo": "AMS", "country": "NL"}},
                          "response": {"status": 200 if outcome == "ok" else 500}}}

    events = [event("ok", "GET", "/api/list?page=2", {"x-trace": "tail-ok"}),
              event("exception", "GET", "/api/boom", {"x-trace": "tail-boom"}),
              event("ok", "GET", "/api/secure", {"authorization": "REDACTED", "x-trace": "tail-secure"})]
    log = tmp_path / "tail.json"
    log.write_text("".join(json.dumps(e, indent=4) + "\n" for e in events), encoding="utf-8")

    ok = run_mbv("replay", str(log), "--target", worker_url, "--outcome", "ok", "--bearer-env", "REPLAY_DEV_TOKEN",
                 "-f", "json", env={"REPLAY_DEV_TOKEN": "dev-token-123456"})
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    exchanges = json.loads(ok.stdout)["exchanges"]
    assert [json.loads(e["response"]["body"])["path"] for e in exchanges] == ["/api/list", "/api/secure"]
    assert json.loads(exchanges[0]["response"]["body"])["query"] == {"page": "2"}
    assert "authorization" in ok.stderr  # the tail's redacted header was noted, not sent

    failing = run_mbv("replay", str(log), "--target", worker_url, "--status", "5xx", "-f", "json")
    assert failing.exit_code == 1  # the Worker still throws: wrangler dev answers 500
    (only,) = json.loads(failing.stdout)["exchanges"]
    assert only["request"]["url"] == f"{worker_url}/api/boom"
    assert only["response"]["status"] == 500
