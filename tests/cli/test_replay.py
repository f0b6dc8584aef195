"""`mbv replay` end to end against a real HTTP server on 127.0.0.1 that records what it received."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.echo_server import EchoServer, serve_echo

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIn0"
       ".S1gnatureS1gnatureS1gnatureS1gnatureXYZ")


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    with serve_echo() as server:
        yield server


def _json(result: object) -> dict:  # type: ignore[type-arg]
    return json.loads(result.stdout)  # type: ignore[attr-defined]


# -- every source format: the server proves what was sent --------------------------------------------

def test_inline_sends_exactly_method_path_query_headers_body(run_mbv, echo: EchoServer) -> None:
    body = '{"name": "ünïcode", "n": [1, 2]}'
    result = run_mbv("replay", "PATCH", f"{echo.url}/v1/items/7?a=1&b=%20x", "-H", "X-Trace: abc",
                     "-H", "Content-Type: application/json", "-d", body, "-f", "json", "--show-secrets")
    assert result.exit_code == 0, result.stderr
    got = echo.received[-1]
    assert (got.method, got.path, got.query) == ("PATCH", "/v1/items/7", "a=1&b=%20x")
    assert got.body == body.encode("utf-8")
    assert got.header("X-Trace") == "abc"
    assert got.header("Content-Length") == str(len(body.encode("utf-8")))
    # the log shows exactly the headers that arrived, in order
    logged = _json(result)["exchanges"][0]["request"]
    assert list(logged["headers"].items()) == got.headers
    assert logged["body"] == body


def test_http_file_variables_env_and_separators(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    (tmp_path / "payload.bin").write_bytes(b"\x00\x01binary\xff")
    source = tmp_path / "api.http"
    source.write_text(
        "@host = {{base}}\n"
        "@id = 42\n"
        "# @name first\n"
        "GET {{host}}/users/{{id}}?q=1 HTTP/1.1\n"
        "X-Api-Version: 2\n"
        "Authorization: Bearer {{$processEnv REPLAY_TEST_TOKEN}}\n"
        "\n"
        "### create\n"
        "POST {{host}}/users\n"
        "    ?dry=true\n"
        "    &source=test\n"
        "Content-Type: application/json\n"
        "\n"
        '{\n  "id": {{id}},\n  "name": "a b"\n}\n'
        "\n"
        "###\n"
        "PUT {{host}}/blob\n"
        "Content-Type: application/octet-stream\n"
        "\n"
        "< ./payload.bin\n",
        encoding="utf-8")
    result = run_mbv("replay", str(source), "--var", f"base={echo.url}", "-f", "json",
                     env={"REPLAY_TEST_TOKEN": "tok-123456"}, )
    assert result.exit_code == 0, result.stderr
    first, second, third = echo.received
    assert (first.method, first.path, first.query) == ("GET", "/users/42", "q=1")
    assert first.header("X-Api-Version") == "2"
    assert first.header("Authorization") == "Bearer tok-123456"
    assert first.body == b""
    assert (second.method, second.path, second.query) == ("POST", "/users", "dry=true&source=test")
    assert second.body == b'{\n  "id": 42,\n  "name": "a b"\n}'
    assert (third.method, third.path, third.body) == ("PUT", "/blob", b"\x00\x01binary\xff")
    data = _json(result)
    assert [e["name"] for e in data["exchanges"]] == ["first", "create", None]
    assert data["exchanges"][0]["source"] == f"{source}:4"
    assert "tok-123456" not in result.stdout


def test_curl_command_quoting_data_and_auth(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    (tmp_path / "body.json").write_bytes(b'{"a":\n1}\n')
    command = (f"curl -sS -X PUT '{echo.url}/things/1?x=y' \\\n"
               "  -H 'Content-Type: application/json' -H \"X-Quote: it's \\\"quoted\\\"\" \\\n"
               "  --data-binary @body.json -u alice:s3cr3t-pw -b 'sid=abc123456; theme=dark'\n")
    (tmp_path / "cmd.curl").write_text(command, encoding="utf-8")
    result = run_mbv("replay", "--curl", f"@{tmp_path / 'cmd.curl'}", "-f", "json")
    assert result.exit_code == 0, result.stderr
    got = echo.received[-1]
    assert (got.method, got.path, got.query) == ("PUT", "/things/1", "x=y")
    assert got.header("X-Quote") == "it's \"quoted\""
    assert got.body == b'{"a":\n1}\n'  # --data-binary keeps newlines
    assert got.header("Authorization") == "Basic " + base64.b64encode(b"alice:s3cr3t-pw").decode()
    assert got.header("Cookie") == "sid=abc123456; theme=dark"


def test_curl_data_get_and_json(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", "--curl", f"curl -G {echo.url}/search -d q=cats -d page=2")
    assert result.exit_code == 0, result.stderr
    got = echo.received[-1]
    assert (got.method, got.query, got.body) == ("GET", "q=cats&page=2", b"")
    result = run_mbv("replay", "--curl", f"curl --json '{{\"k\": 1}}' {echo.url}/j")
    assert result.exit_code == 0, result.stderr
    got = echo.received[-1]
    assert (got.method, got.body) == ("POST", b'{"k": 1}')
    assert got.header("Content-Type") == "application/json"
    assert got.header("Accept") == "application/json"


def _har(url: str) -> dict:  # type: ignore[type-arg]
    def entry(method: str, path: str, status: int, body: str | None = None, b64: bool = False) -> dict:  # type: ignore[type-arg]
        request: dict = {"method": method, "url": f"{url}{path}", "httpVersion": "HTTP/2",  # type: ignore[type-arg]
                         "headers": [{"name": ":authority", "value": "example.com"},
                                     {"name": "Host", "value": "example.com"},
                                     {"name": "X-Har", "value": path},
                                     {"name": "Content-Length", "value": "999"}],
                         "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1}
        if body is not None:
            request["postData"] = {"mimeType": "application/json", "text": body}
            if b64:
                request["postData"]["encoding"] = "base64"
        return {"startedDateTime": "2026-01-01T00:00:00Z", "time": 1, "request": request,
                "response": {"status": status}, "cache": {}, "timings": {}}

    return {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [
        entry("GET", "/api/ok?x=1", 200),
        entry("POST", "/api/fail", 500, '{"bad": true}'),
        entry("PUT", "/static/x.png", 503, base64.b64encode(b"\x89PNG\x00").decode(), b64=True),
        entry("GET", "/api/missing", 404),
    ]}}


def test_har_match_and_status_filters(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    path = tmp_path / "session.har"
    path.write_text(json.dumps(_har("https://prod.example.com"), indent=2), encoding="utf-8")
    result = run_mbv("replay", str(path), "--target", echo.url, "--status", "5xx", "--match", "^https://[^/]+/api/")
    assert result.exit_code == 0, result.stderr
    assert [(r.method, r.path) for r in echo.received] == [("POST", "/api/fail")]
    got = echo.received[0]
    assert got.body == b'{"bad": true}'
    assert got.header("Host") == echo.url.removeprefix("http://")  # recomputed for the target
    assert got.header("Content-Length") == "13"
    assert got.header("X-Har") == "/api/fail"
    result = run_mbv("replay", str(path), "--target", echo.url, "--status", "503")
    assert echo.received[-1].body == b"\x89PNG\x00"
    assert result.exit_code == 0


def test_tail_log_outcome_filter(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    events = [
        {"outcome": "ok", "scriptName": "api", "eventTimestamp": 1, "logs": [], "exceptions": [],
         "event": {"request": {"url": "https://api.example.com/a?x=1", "method": "GET",
                               "headers": {"accept": "application/json", "authorization": "REDACTED"},
                               "cf": {"colo": "AMS"}}, "response": {"status": 200}}},
        {"outcome": "ok", "scriptName": "api", "eventTimestamp": 2, "logs": [], "exceptions": [],
         "event": {"cron": "* * * * *", "scheduledTime": 2}},
        {"outcome": "exception", "scriptName": "api", "eventTimestamp": 3, "logs": [],
         "exceptions": [{"name": "Error", "message": "boom", "timestamp": 3}],
         "event": {"request": {"url": "https://api.example.com/b/c?y=2", "method": "DELETE",
                               "headers": {"x-request-id": "r-1", "host": "api.example.com"}}}},
    ]
    text = "".join(json.dumps(e, indent=4) + "\n" for e in events)  # wrangler's JSON.stringify(msg, null, 4)
    path = tmp_path / "tail.log"
    path.write_text(text, encoding="utf-8")
    result = run_mbv("replay", str(path), "--target", echo.url, "--outcome", "exception")
    assert result.exit_code == 0, result.stderr
    assert [(r.method, r.path, r.query) for r in echo.received] == [("DELETE", "/b/c", "y=2")]
    assert echo.received[0].header("x-request-id") == "r-1"
    result = run_mbv("replay", str(path), "--target", echo.url, "--bearer-env", "REPLAY_BEARER",
                     env={"REPLAY_BEARER": "bearer-value-1"})
    assert result.exit_code == 0, result.stderr
    got = echo.received[-2]
    assert (got.method, got.path) == ("GET", "/a")
    assert got.header("Authorization") == "Bearer bearer-value-1"
    assert "authorization" in result.stderr  # the note about the tail's redacted header


# -- redaction ------------------------------------------------------------------------------------------

SECRETS = ["hunter2-password", "sess-abcdef123456", "api-key-999999", "S1gnatureS1gnatureS1gnatureS1gnatureXYZ",
           "bearer-env-secret-777", "qp-token-5555", "alice:pw-in-basic", "field-secret-value"]


def test_no_redacted_value_in_any_output_or_har(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    body = json.dumps({"password": "hunter2-password", "profile": {"pin": "field-secret-value"},
                       "note": f"token {JWT}"})
    common = [f"{echo.url}/set-cookie/sess-abcdef123456?token=qp-token-5555&plain=1",
              "-H", "Cookie: sid=sess-abcdef123456", "-H", "X-Api-Key: api-key-999999",
              "-H", f"X-Forward: {JWT}", "-H", "Content-Type: application/json",
              "-H", "Proxy-Authorization: Basic " + base64.b64encode(b"alice:pw-in-basic").decode(),
              "-d", body, "--bearer-env", "REPLAY_SECRET", "--redact-field", "profile.pin"]
    env = {"REPLAY_SECRET": "bearer-env-secret-777"}
    har = tmp_path / "out.har"
    outputs = []
    for fmt in ("text", "json"):
        result = run_mbv("replay", "POST", *common, "-f", fmt, "--har-out", str(har), env=env)
        assert result.exit_code == 0, result.stderr
        outputs += [result.stdout, result.stderr, har.read_text(encoding="utf-8")]
    # the server did get the real values
    got = echo.received[-1]
    assert got.header("X-Api-Key") == "api-key-999999"
    assert got.header("Authorization") == "Bearer bearer-env-secret-777"
    for output in outputs:
        for secret in SECRETS:
            assert secret not in output
        assert base64.b64encode(b"alice:pw-in-basic").decode() not in output
    # readable parts stay: JWT header.payload, cookie names, field names
    json_out = outputs[3]
    assert JWT.rsplit(".", 1)[0] + ".REDACTED" in json_out
    assert "sid=REDACTED" in json_out
    shown = run_mbv("replay", "POST", *common, "-f", "json", "--show-secrets", env=env)
    assert "--show-secrets" in shown.stderr and "warning" in shown.stderr
    for secret in ("hunter2-password", "api-key-999999", "bearer-env-secret-777", JWT):
        assert secret in shown.stdout


def test_har_out_round_trips(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    har = tmp_path / "saved.har"
    result = run_mbv("replay", "POST", f"{echo.url}/rt?k=v", "-H", "X-One: 1", "-d", "hello",
                     "--har-out", str(har))
    assert result.exit_code == 0, result.stderr
    document = json.loads(har.read_text(encoding="utf-8"))
    entry = document["log"]["entries"][0]
    assert document["log"]["version"] == "1.2"
    assert entry["response"]["status"] == 200
    assert entry["timings"]["wait"] >= 0
    again = run_mbv("replay", str(har))
    assert again.exit_code == 0, again.stderr
    first, second = echo.received
    assert (second.method, second.path, second.query, second.body) == (first.method, first.path, first.query, b"hello")
    assert second.header("X-One") == "1"


# -- sending behaviour --------------------------------------------------------------------------------

def test_target_rewrite_header_override_and_drop(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", "GET", "https://prod.example.com/deep/path?q=1&r=2", "--target", echo.url,
                     "-H", "X-Env: local", "-H", "User-Agent: custom", "--drop-header", "x-env")
    assert result.exit_code == 0, result.stderr
    got = echo.received[-1]
    assert (got.path, got.query) == ("/deep/path", "q=1&r=2")
    assert got.header("X-Env") is None
    assert got.header("User-Agent") == "custom"


def test_mint_jwt_is_verifiable_and_redacted(run_mbv, echo: EchoServer) -> None:
    import jwt as pyjwt

    secret = "a-shared-hs256-secret-of-32-bytes!!"
    result = run_mbv("replay", "GET", f"{echo.url}/me", "--mint-jwt", "--secret-env", "REPLAY_HS", "--sub", "u-1",
                     "-f", "json", env={"REPLAY_HS": secret})
    assert result.exit_code == 0, result.stderr
    token = echo.received[-1].header("Authorization").removeprefix("Bearer ")  # type: ignore[union-attr]
    claims = pyjwt.decode(token, secret, algorithms=["HS256"])
    assert claims["sub"] == "u-1" and claims["exp"] > claims["iat"]
    assert token.rsplit(".", 1)[1] not in result.stdout
    assert secret not in result.stdout


def test_retry_after_is_honoured_and_every_attempt_logged(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/retry-after/k1/2/1", "--retries", "3", "-f", "json")
    assert result.exit_code == 0, result.stderr
    exchange = _json(result)["exchanges"][0]
    assert exchange["attempts"] == 3
    log = exchange["attempt_log"]
    assert [a["status"] for a in log] == [429, 429, 200]
    assert [a["wait_reason"] for a in log[:2]] == ["Retry-After: 1", "Retry-After: 1"]
    assert result.stderr.count("retrying in 1 s") == 2
    assert len(echo.received) == 3


def test_no_retries_by_default_shows_the_real_failure(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/retry-after/k2/5/1", "-f", "json")
    assert result.exit_code == 1
    assert _json(result)["exchanges"][0]["response"]["status"] == 429
    assert len(echo.received) == 1


def test_503_without_retry_after_backs_off(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/unavailable/k3/1", "--retries", "1", "-f", "json")
    assert result.exit_code == 0, result.stderr
    log = _json(result)["exchanges"][0]["attempt_log"]
    assert [(a["status"], a["wait_reason"]) for a in log] == [(503, "backoff, full jitter up to 1 s"), (200, None)]
    assert 0.0 <= log[0]["wait_s"] <= 1.0 and log[1]["wait_s"] is None


def test_slow_response_hits_read_timeout(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/slow/2", "--read-timeout", "0.3", "-f", "json")
    assert result.exit_code == 1
    exchange = _json(result)["exchanges"][0]
    assert exchange["response"] is None
    assert "0.3 s read timeout" in exchange["error"]
    ok = run_mbv("replay", f"{echo.url}/slow/0.3", "-f", "json")
    assert ok.exit_code == 0
    assert _json(ok)["exchanges"][0]["timings_ms"]["ttfb"] >= 250


def test_dropped_connection_is_an_error_with_the_request_shown(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/drop")
    assert result.exit_code == 1
    assert f"> GET {echo.url}/drop" in result.stdout
    assert "disconnected without sending a response" in result.stdout


def test_redirect_not_followed_by_default(run_mbv, echo: EchoServer) -> None:
    with serve_echo() as other:
        result = run_mbv("replay", f"{echo.url}/redirect?to={other.url}/landing", "-f", "json")
        assert result.exit_code == 0
        assert _json(result)["exchanges"][0]["response"]["status"] == 302
        assert other.received == []


def test_follow_never_carries_authorization_to_another_origin(run_mbv, echo: EchoServer) -> None:
    with serve_echo() as other:
        result = run_mbv("replay", f"{echo.url}/redirect?to={other.url}/landing", "--follow",
                         "-H", "Authorization: Bearer keep-it-here-1", "-H", "Cookie: a=bcdefgh1",
                         "-H", "X-Other: ok", "-f", "json")
        assert result.exit_code == 0, result.stderr
        assert echo.received[0].header("Authorization") == "Bearer keep-it-here-1"
        landed = other.received[0]
        assert landed.path == "/landing"
        assert landed.header("Authorization") is None and landed.header("Cookie") is None
        assert landed.header("X-Other") == "ok"
        exchange = _json(result)["exchanges"][0]
        assert exchange["redirects"][0]["dropped_headers"] == ["Authorization", "Cookie"]
    # same origin keeps it
    result = run_mbv("replay", f"{echo.url}/redirect?to=/same&code=307", "--follow", "-H", "Authorization: Bearer x")
    assert echo.received[-1].path == "/same"
    assert echo.received[-1].header("Authorization") == "Bearer x"


def test_chunked_and_binary_bodies(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/chunked", "-f", "json")
    response = _json(result)["exchanges"][0]["response"]
    assert response["body"] == "first,second,third"
    result = run_mbv("replay", f"{echo.url}/binary", "-f", "json")
    response = _json(result)["exchanges"][0]["response"]
    assert response["body_encoding"] == "base64"
    assert base64.b64decode(response["body"]) == bytes(range(256))
    text = run_mbv("replay", f"{echo.url}/binary")
    assert "binary body, 256 bytes" in text.stdout
    assert "00000000  00 01 02 03" in text.stdout


def test_max_body_truncates_with_a_note(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/big/5000", "--max-body", "0.001", "-f", "json")
    response = _json(result)["exchanges"][0]["response"]
    assert response["body_truncated"] is True
    assert len(response["body"]) == int(0.001 * 1024 * 1024)
    assert "cut at --max-body" in result.stderr


def test_expect_status(run_mbv, echo: EchoServer) -> None:
    assert run_mbv("replay", f"{echo.url}/status/404").exit_code == 1
    assert run_mbv("replay", f"{echo.url}/status/404", "--expect-status", "404").exit_code == 0
    assert run_mbv("replay", f"{echo.url}/status/200", "--expect-status", "4xx").exit_code == 1


def test_dry_run_sends_nothing(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", "POST", f"{echo.url}/x", "-d", "abc", "--dry-run")
    assert result.exit_code == 0
    assert echo.received == []
    assert f"> POST {echo.url}/x" in result.stdout
    assert "> Content-Length: 3" in result.stdout
    assert "abc" in result.stdout


def test_compare_json_aware_with_ignore_field(run_mbv, echo: EchoServer) -> None:
    with serve_echo() as other:
        # the echo bodies differ only in the Host header (different ports)
        result = run_mbv("replay", f"{echo.url}/cmp", "--compare", other.url, "-f", "json")
        assert result.exit_code == 1
        diffs = _json(result)["comparisons"][0]["differences"]
        assert [d["where"] for d in diffs] == ["body.headers.0.1"]
        result = run_mbv("replay", f"{echo.url}/cmp", "--compare", other.url, "--ignore-field", "headers.0.1")
        assert result.exit_code == 0, result.stdout
        assert "same answer" in result.stdout
        assert other.received[-1].path == "/cmp"


def test_repeat_concurrency_statistics(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", f"{echo.url}/r", "--repeat", "40", "--concurrency", "4", "-f", "json")
    assert result.exit_code == 0, result.stderr
    summary = _json(result)["repeat"][0]
    assert summary["count"] == 40 and summary["statuses"] == {"200": 40}
    latency = summary["latency_ms"]
    assert latency["min"] <= latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
    assert len(echo.received) == 40
    text = run_mbv("replay", f"{echo.url}/status/500", "--repeat", "5", "--concurrency", "2")
    assert text.exit_code == 1
    assert "p99" in text.stdout and "500" in text.stdout


def test_tls_is_verified_by_default_and_insecure_warns(run_mbv, tmp_path: Path) -> None:
    with serve_echo(tls_dir=tmp_path) as secure:
        refused = run_mbv("replay", f"{secure.url}/t", "-f", "json")
        assert refused.exit_code == 1
        error = _json(refused)["exchanges"][0]["error"]
        assert "certificate" in error and "--insecure" in error
        assert secure.received == []
        allowed = run_mbv("replay", f"{secure.url}/t", "--insecure", "-f", "json")
        assert allowed.exit_code == 0, allowed.stderr
        assert "warning: --insecure" in allowed.stderr
        timings = _json(allowed)["exchanges"][0]["timings_ms"]
        assert timings["tls"] is not None and timings["tls"] > 0
        assert secure.received[-1].path == "/t"


# -- failures ---------------------------------------------------------------------------------------

def test_unreachable_target(run_mbv, echo: EchoServer) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_mbv("replay", "GET", f"http://127.0.0.1:{port}/x")
    assert result.exit_code == 1
    assert f"> GET http://127.0.0.1:{port}/x" in result.stdout
    assert "cannot connect to 127.0.0.1" in result.stdout


def test_dns_failure_still_prints_the_request(run_mbv) -> None:
    result = run_mbv("replay", "POST", "http://no-such-host.invalid/p", "-H", "X-A: 1", "-d", "body", "-f", "json")
    assert result.exit_code == 1
    exchange = _json(result)["exchanges"][0]
    assert exchange["request"]["url"] == "http://no-such-host.invalid/p"
    assert exchange["request"]["headers"]["X-A"] == "1"
    assert "DNS lookup for no-such-host.invalid failed" in exchange["error"]
    text = run_mbv("replay", "POST", "http://no-such-host.invalid/p", "-d", "body", "--retries", "2")
    assert "> POST http://no-such-host.invalid/p" in text.stdout
    assert "retrying" not in text.stderr  # a name that does not resolve is not retried


@pytest.mark.parametrize(("name", "content", "where"), [
    ("bad.http", "@host = http://x\n\nGET {{host}}/a\nX-Ok: 1\nnot a header\n", "bad.http:5:1"),
    ("var.http", "GET http://h/{{missing}}\n", "var.http:1:14"),
    ("unterminated.http", "\nGET http://h/{{x\n", "unterminated.http:2:14"),
    ("method.http", "FETCH http://h/x\n", "method.http:1:1"),
    ("cmd.curl", "curl -X POST 'http://h/x\n  -d 'a'\n", "cmd.curl:2:8"),
    ("opt.curl", "curl http://h/x \\\n  --frobnicate 1\n", "opt.curl:2:3"),
    ("broken.har", '{"log": {"entries": [\n  {"request": {"method": "GET",, }}\n]}}\n', "broken.har:2:32"),
    ("tail.log", '{\n    "outcome": "ok",\n    "event": {"request": {"url": "http://h/"}}\n}\n{\n    "outcome": \n',
     "tail.log:7:1"),
    ("junk.log", '{\n    "outcome": "ok"\n}\nWARNING something\n', "junk.log:4:1"),
])
def test_malformed_sources_report_line_and_column(run_mbv, tmp_path: Path, name: str, content: str,
                                                 where: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    kind = ["--from", "tail"] if name.endswith(".log") else []
    result = run_mbv("replay", str(path), *kind)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"mbv: error: {tmp_path / where}:"), lines[0]
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(run_mbv, tmp_path: Path) -> None:
    assert run_mbv("replay", "GET", "http://127.0.0.1:1/", "--bearer-env", "REPLAY_UNSET_VAR_X").exit_code == 2
    assert run_mbv("replay", "GET", "http://127.0.0.1:1/", "--repeat", "2", "--retries", "1").exit_code == 2
    assert run_mbv("replay", "GET", "http://127.0.0.1:1/", "--target", "ftp://x").exit_code == 2
    assert run_mbv("replay", "GET", "http://127.0.0.1:1/", "-H", "nocolon").exit_code == 2
    assert run_mbv("replay", str(tmp_path / "missing.http")).exit_code == 2
    result = run_mbv("replay", "GET", "http://127.0.0.1:1/", "--status", "6xx")
    assert result.exit_code == 2 and "--status" in result.stderr


def test_transport_errors_retry_only_when_safe(run_mbv, echo: EchoServer) -> None:
    get = run_mbv("replay", f"{echo.url}/drop", "--retries", "1", "-f", "json")
    assert _json(get)["exchanges"][0]["attempts"] == 2  # GET is idempotent: tried again
    post = run_mbv("replay", "POST", f"{echo.url}/drop", "-d", "x", "--retries", "1", "-f", "json")
    assert _json(post)["exchanges"][0]["attempts"] == 1  # the POST may have landed: not sent twice
    assert [r.method for r in echo.received] == ["GET", "GET", "POST"]


def test_stdin_source_needs_from(run_mbv, echo: EchoServer) -> None:
    text = f"GET {echo.url}/from-stdin?x=1\nX-S: 1\n"
    assert run_mbv("replay", "-", stdin=text).exit_code == 2
    result = run_mbv("replay", "-", "--from", "http", stdin=text)
    assert result.exit_code == 0, result.stderr
    assert (echo.received[-1].path, echo.received[-1].header("X-S")) == ("/from-stdin", "1")
    assert run_mbv("replay", "-", "--from", "yaml", stdin=text).exit_code == 2


# -- input hardening: malformed URLs and headers are the user's to fix (exit 2), a server's are errors ---

def _one_line_error(result: object) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("mbv: error: "), lines
    return lines[0]


@pytest.mark.parametrize("url", ["http://[::1/y", "http://127.0.0.1:99999/", "http://127.0.0.1:abc/"])
def test_malformed_url_inline_curl_and_http_file_exit_2(run_mbv, tmp_path: Path, url: str) -> None:
    assert "malformed" in _one_line_error(run_mbv("replay", "GET", url))
    assert "--curl:1:" in _one_line_error(run_mbv("replay", "--curl", f"curl '{url}'"))
    source = tmp_path / "bad.http"
    source.write_text(f"# first\nGET {url}\n", encoding="utf-8")
    assert f"{source}:2:5: request URL is malformed" in _one_line_error(run_mbv("replay", str(source)))
    # the same URL through a variable and a query continuation line, caught before sending
    source.write_text(f"@u = {url}\nGET {{{{u}}}}\n    ?a=1\n", encoding="utf-8")
    assert f"{source}:2" in _one_line_error(run_mbv("replay", str(source)))


def test_malformed_target_and_compare_exit_2(run_mbv, echo: EchoServer) -> None:
    for option in ("--target", "--compare"):
        line = _one_line_error(run_mbv("replay", f"{echo.url}/x", option, "http://[::1"))
        assert option in line
    assert echo.received == []


def test_non_latin1_header_values_exit_2(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    line = _one_line_error(run_mbv("replay", "GET", f"{echo.url}/", "-H", "X-A: café☃"))
    assert "U+2603" in line and "café" not in line  # the value itself is not echoed (it may be a secret)
    assert "X A" in _one_line_error(run_mbv("replay", "GET", f"{echo.url}/", "-H", "X A: b"))
    source = tmp_path / "h.http"
    source.write_text(f"GET {echo.url}/\nX-Ok: fine\nX-A:   café☃\n", encoding="utf-8")
    assert f"{source}:3:12:" in _one_line_error(run_mbv("replay", str(source)))
    assert "--curl:1:" in _one_line_error(run_mbv("replay", "--curl", f"curl -H 'X-A: ☃' {echo.url}/"))
    # Latin-1 (é) is legal in HTTP/1.1 and goes out as one byte
    result = run_mbv("replay", "GET", f"{echo.url}/", "-H", "X-A: café")
    assert result.exit_code == 0, result.stderr
    assert echo.received[-1].header("X-A") == "café"
    assert len(echo.received) == 1


def test_non_latin1_bearer_from_env_exit_2(run_mbv, echo: EchoServer) -> None:
    result = run_mbv("replay", "GET", f"{echo.url}/", "--bearer-env", "TOK", env={"TOK": "tøken-☃-secret"})
    line = _one_line_error(result)
    assert "Authorization" in line and "secret" not in line
    assert echo.received == []


@pytest.mark.parametrize("location", ["http://x:99999/", "http://[::1/y", "http://127.0.0.1:abc/"])
def test_follow_to_a_malformed_location_is_an_exchange_error(run_mbv, echo: EchoServer, location: str) -> None:
    from urllib.parse import quote

    result = run_mbv("replay", f"{echo.url}/redirect?to={quote(location, safe='')}", "--follow", "-f", "json")
    assert result.exit_code == 1, result.stderr
    exchange = _json(result)["exchanges"][0]
    # httpx itself refuses some Locations (no response kept); mbv refuses the rest before following
    assert "unusable Location" in exchange["error"] or "Invalid URL in location header" in exchange["error"]
    assert len(echo.received) == 1


@pytest.mark.parametrize("where", ["dir", "missing"])
def test_har_out_checked_before_sending(run_mbv, echo: EchoServer, tmp_path: Path, where: str) -> None:
    har = tmp_path if where == "dir" else tmp_path / "no" / "such" / "out.har"
    line = _one_line_error(run_mbv("replay", "POST", f"{echo.url}/x", "-d", "a=1", "--har-out", str(har)))
    assert "--har-out" in line
    assert echo.received == []
