"""Issue 17 (security, replay): redaction without gaps, no raw terminal escapes, --follow drops
every credential header across origins. Against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.echo_server import EchoServer, serve_echo


@pytest.fixture
def echo() -> Iterator[EchoServer]:
    with serve_echo() as server:
        yield server


def _everything(result: object, har: Path) -> str:
    return result.stdout + result.stderr + har.read_text(encoding="utf-8")  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_json_body_sent_as_form_is_redacted(run_mbv, echo: EchoServer, tmp_path: Path, fmt: str) -> None:
    curl = f"""curl {echo.url}/login --data-raw '{{"user":"ann","password":"Hunter2-SEKRET"}}'"""
    har = tmp_path / "out.har"
    result = run_mbv("replay", "--curl", curl, "-f", fmt, "--har-out", str(har))
    assert result.exit_code == 0, result.stderr
    # it went out exactly as curl sends it (form-encoded label), and the server echoed it back
    assert echo.received[-1].body == b'{"user":"ann","password":"Hunter2-SEKRET"}'
    assert echo.received[-1].header("Content-Type") == "application/x-www-form-urlencoded"
    text = _everything(result, har)
    assert "Hunter2-SEKRET" not in text
    assert "REDACTED" in text and "ann" in text


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_multipart_form_fields_are_redacted(run_mbv, echo: EchoServer, tmp_path: Path, fmt: str) -> None:
    body = ("--XyZ\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nann\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nMultiPart-SEKRET\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\nKeyValue-SEKRET\r\n--XyZ--\r\n")
    data = tmp_path / "body.bin"
    data.write_bytes(body.encode())
    har = tmp_path / "out.har"
    result = run_mbv("replay", "POST", f"{echo.url}/upload", "-H", "Content-Type: multipart/form-data; boundary=XyZ",
                     "-d", f"@{data}", "-f", fmt, "--har-out", str(har))
    assert result.exit_code == 0, result.stderr
    assert echo.received[-1].body == body.encode()
    text = _everything(result, har)
    for secret in ("MultiPart-SEKRET", "KeyValue-SEKRET"):
        assert secret not in text
    assert "ann" in text


@pytest.mark.parametrize("param", ["sig", "signature", "X-Amz-Signature", "X-Amz-Credential", "X-Goog-Signature",
                                   "code", "pwd", "hmac", "otp"])
def test_signing_query_parameters_are_redacted(run_mbv, echo: EchoServer, tmp_path: Path, param: str) -> None:
    har = tmp_path / "out.har"
    value = f"Q{param.replace('-', '')}Value9876"
    result = run_mbv("replay", "GET", f"{echo.url}/obj?page=2&{param}={value}", "-f", "json", "--har-out", str(har))
    assert result.exit_code == 0, result.stderr
    assert echo.received[-1].query == f"page=2&{param}={value}"
    text = _everything(result, har)
    assert value not in text
    assert f"{param}=REDACTED" in text and "page=2" in text
    text_result = run_mbv("replay", "GET", f"{echo.url}/obj?{param}={value}")
    assert value not in text_result.stdout + text_result.stderr


# -- terminal escape sequences from a server never reach the terminal raw ------------------------------

HOSTILE = "\x1b]0;pwned-title\x07\x1b[2Jcleared\x9b31m"


def _hostile_server(body: bytes = HOSTILE.encode("utf-8"),
                    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/plain; charset=utf-8"),)) -> object:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_escape_sequences_in_bodies_are_shown_escaped(run_mbv, echo: EchoServer) -> None:
    # header values may carry obs-text bytes; as Latin-1, 0x9b is the C1 CSI that starts an escape sequence
    server = _hostile_server(headers=(("Content-Type", "text/plain; charset=utf-8"), ("X-Evil", "\x9b2Jgone")))
    try:
        host, port = server.server_address[:2]  # type: ignore[attr-defined]
        result = run_mbv("replay", "GET", f"http://{host}:{port}/x")
    finally:
        server.shutdown()  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
    assert "\\x1b]0;pwned-title\\x07\\x1b[2Jcleared" in result.stdout
    assert "< X-Evil: \\x9b2Jgone" in result.stdout
    # a JSON echo (the server repeats the request body JSON-escaped; pretty-printing must not unescape it)
    echoed = run_mbv("replay", "POST", f"{echo.url}/echo", "-H", "Content-Type: text/plain", "-d", HOSTILE)
    assert echoed.exit_code == 0, echoed.stderr
    assert "\x1b" not in echoed.stdout and "\x07" not in echoed.stdout
    assert "pwned-title" in echoed.stdout


# -- --follow: every credential header stays with its origin ------------------------------------------

def test_follow_drops_every_secret_header_across_origins(run_mbv, echo: EchoServer) -> None:
    with serve_echo() as other:
        result = run_mbv("replay", f"{echo.url}/redirect?to={other.url}/landing", "--follow",
                         "-H", "X-Api-Key: key-value-123456", "-H", "X-Auth-Token: tok-value-123456",
                         "-H", "Proxy-Authorization: Basic abcdefgh", "-H", "X-Session-Id: sess-123456",
                         "-H", "X-Other: ok", "-f", "json")
        assert result.exit_code == 0, result.stderr
        assert echo.received[0].header("X-Api-Key") == "key-value-123456"
        landed = other.received[0]
        for name in ("X-Api-Key", "X-Auth-Token", "Proxy-Authorization", "X-Session-Id"):
            assert landed.header(name) is None, name
        assert landed.header("X-Other") == "ok"
        dropped = json.loads(result.stdout)["exchanges"][0]["redirects"][0]["dropped_headers"]
        assert dropped == ["Proxy-Authorization", "X-Api-Key", "X-Auth-Token", "X-Session-Id"]
    # the same origin keeps them
    run_mbv("replay", f"{echo.url}/redirect?to=/same&code=307", "--follow", "-H", "X-Api-Key: key-value-123456")
    assert echo.received[-1].path == "/same" and echo.received[-1].header("X-Api-Key") == "key-value-123456"


# -- a header without a colon is not echoed (it may be a credential) ----------------------------------

def test_header_without_colon_is_not_echoed(run_mbv, tmp_path: Path) -> None:
    http = tmp_path / "a.http"
    http.write_text("GET http://127.0.0.1:9/x\nAuthorization SEKRET-HTTPFILE\n\n", encoding="utf-8")
    for args in (("GET", "http://127.0.0.1:9/", "-H", "Authorization SEKRET-OPTION"),
                 ("--curl", "curl http://127.0.0.1:9/ -H 'Authorization SEKRET-CURL'"),
                 ("--curl", "curl http://127.0.0.1:9/ -H 'SEKRETONEWORD'"),
                 (str(http), "--dry-run")):
        result = run_mbv("replay", *args)
        assert result.exit_code == 2, args
        assert "SEKRET" not in result.stdout + result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert "'Authorization'" in result.stderr


# -- curl -u with a custom Authorization header: one header, as curl sends ---------------------------

@pytest.mark.parametrize(("extra", "expected"), [
    ("-H 'Authorization: Bearer custom-x'", ["Bearer custom-x"]),
    ("-H 'authorization: Bearer custom-y'", ["Bearer custom-y"]),
    ("-H 'Authorization;'", [""]),
    ("-H 'Authorization:'", []),
    ("", ["Basic dXNlcjpwdw=="]),
])
def test_curl_user_and_authorization_header_send_one(run_mbv, echo: EchoServer, extra: str,
                                                      expected: list[str]) -> None:
    result = run_mbv("replay", "--curl", f"curl -u user:pw {extra} {echo.url}/who", "--show-secrets")
    assert result.exit_code == 0, result.stderr
    got = [v for k, v in echo.received[-1].headers if k.lower() == "authorization"]
    assert got == expected


# -- the --max-body note under gzip compares like with like -----------------------------------------

def test_gzip_note_does_not_compare_decompressed_cap_with_compressed_length(run_mbv) -> None:
    import gzip

    compressed = gzip.compress(b"0" * 2_000_000)
    server = _hostile_server(compressed, (("Content-Type", "text/plain"), ("Content-Encoding", "gzip")))
    try:
        host, port = server.server_address[:2]  # type: ignore[attr-defined]
        result = run_mbv("replay", "GET", f"http://{host}:{port}/z", "--max-body", "0.5", "-f", "json")
    finally:
        server.shutdown()  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.stderr
    cap = int(0.5 * 1024 * 1024)
    response = json.loads(result.stdout)["exchanges"][0]["response"]
    assert response["body_truncated"] and response["body_size"] == cap
    note = next(line for line in result.stderr.splitlines() if "cut at --max-body" in line)
    assert note.endswith(f"cut at --max-body {cap} bytes of the decompressed body "
                         f"({len(compressed)} bytes gzip-encoded on the wire)"), note


def test_json_output_escapes_c1_controls(run_mbv) -> None:
    server = _hostile_server()
    try:
        host, port = server.server_address[:2]  # type: ignore[attr-defined]
        result = run_mbv("replay", "GET", f"http://{host}:{port}/x", "-f", "json")
    finally:
        server.shutdown()  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.stderr
    assert not any(ch in result.stdout for ch in "\x1b\x07\x9b")
    assert json.loads(result.stdout)["exchanges"][0]["response"]["body"] == HOSTILE  # still the exact text


def test_presigned_location_header_is_redacted(run_mbv, echo: EchoServer, tmp_path: Path) -> None:
    from urllib.parse import quote

    target = "https://bucket.example/obj?X-Amz-Credential=AKIAEXAMPLE1234&X-Amz-Signature=abcdef0123456789"
    har = tmp_path / "out.har"
    result = run_mbv("replay", "GET", f"{echo.url}/redirect?to={quote(target, safe='')}", "-f", "json",
                     "--har-out", str(har))
    text = _everything(result, har)
    assert "abcdef0123456789" not in text and "AKIAEXAMPLE1234" not in text
    assert "X-Amz-Signature=REDACTED" in text and "bucket.example/obj" in text
