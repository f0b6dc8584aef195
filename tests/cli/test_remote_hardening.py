"""Issue 17: the Cloudflare API token never crosses the network in clear text, and TLS failures of the
Cloudflare API and of a JWKS URL name the certificate problem (as replay does). Servers on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.cf_api import ACCOUNT, TOKEN
from tests.support.echo_server import serve_echo

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "db" / "worker"


@pytest.fixture
def worker(tmp_path: Path) -> Path:
    target = tmp_path / "worker"
    shutil.copytree(FIXTURE, target)
    return target


def _env(base: str) -> dict[str, str]:
    return {"CLOUDFLARE_API_TOKEN": TOKEN, "CLOUDFLARE_ACCOUNT_ID": ACCOUNT, "CLOUDFLARE_API_BASE_URL": base}


@pytest.mark.parametrize("base", ["http://api.example.com/client/v4", "http://10.1.2.3:8080", "http://[2001:db8::1]/"])
def test_plain_http_api_base_to_another_machine_is_refused(worker: Path, run_mbv, base: str) -> None:
    result = run_mbv("db", "health", "DB", str(worker), "--remote", env=_env(base))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "plain HTTP" in lines[0] and "CLOUDFLARE_API_BASE_URL" in lines[0], result.stderr
    assert TOKEN not in result.stderr + result.stdout


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_to_loopback_is_allowed(worker: Path, run_mbv, host: str) -> None:
    # nothing listens on port 9: the request is made (and fails to connect), it is not refused up front
    result = run_mbv("db", "health", "DB", str(worker), "--remote", env=_env(f"http://{host}:9/client/v4"))
    assert "plain HTTP" not in result.stderr
    assert "cannot reach the Cloudflare API" in result.stderr, result.stderr


def test_untrusted_certificate_of_the_api_is_named(worker: Path, run_mbv, tmp_path: Path) -> None:
    with serve_echo(tls_dir=tmp_path) as server:
        result = run_mbv("db", "health", "DB", str(worker), "--remote", env=_env(server.url + "/client/v4"))
    assert result.exit_code == 2, result.stderr
    assert "TLS certificate" in result.stderr and "certificate verify failed" in result.stderr, result.stderr
    assert "ConnectError" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_untrusted_certificate_of_a_jwks_url_is_named(run_mbv, tmp_path: Path) -> None:
    token = ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhIn0."
             "c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl")
    with serve_echo(tls_dir=tmp_path) as server:
        result = run_mbv("jwt", "verify", token, "--jwks", server.url + "/jwks.json")
    assert "TLS certificate is not trusted" in result.stderr and "certificate verify failed" in result.stderr, \
        result.stderr
    assert "ConnectError" not in result.stderr
