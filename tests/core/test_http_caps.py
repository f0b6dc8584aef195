"""Response bodies from JWKS URLs and Cloudflare's API are capped by their decoded size: an endless
body or a gzip bomb from a server on 127.0.0.1 ends as one RemoteError, with memory bounded."""

from __future__ import annotations

import functools
import resource
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mbv_cli.core.cloudflare import MAX_RESPONSE_BYTES, CloudflareClient, Credentials
from mbv_cli.core.errors import RemoteError
from mbv_cli.core.jwt.jwks import MAX_JWKS_BYTES, JwksCache

MB = 1024 * 1024


@functools.lru_cache(maxsize=1)
def gzip_bomb(decoded_mb: int) -> bytes:
    """`decoded_mb` MB of zeros, gzip-encoded (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * MB
    return b"".join(packer.compress(zeros) for _ in range(decoded_mb)) + packer.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sent: list[int]
    bomb: bytes

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if "bomb" in self.path:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
            return
        self.send_response(200)  # endless: no length, the body goes on until the client leaves
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"[" + b" " * (64 * 1024 - 1)
        try:
            while self.sent[0] < 2048 * MB:
                self.wfile.write(chunk)
                self.sent[0] += len(chunk)
        except OSError:
            pass

    do_POST = do_GET


@contextmanager
def serve() -> Iterator[tuple[str, list[int]]]:
    sent = [0]
    handler = type("H", (Handler,), {"sent": sent, "bomb": gzip_bomb(200)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", sent
    finally:
        server.shutdown()
        server.server_close()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("path", ["/endless", "/bomb"])
def test_a_jwks_url_body_is_capped(path: str) -> None:
    with serve() as (base, sent):
        with pytest.raises(RemoteError, match=r"passed 4 MB") as caught:
            JwksCache().fetch(f"{base}{path}/jwks.json")
        assert sent[0] < 64 * MB  # it stopped reading; the server did not get to send 2 GB
    if path == "/bomb":
        assert "after gzip decoding" in caught.value.one_line()
    assert MAX_JWKS_BYTES == 4 * MB


@pytest.mark.parametrize("path", ["endless", "bomb"])
def test_a_cloudflare_api_body_is_capped(path: str) -> None:
    before = peak_rss_mb()
    with serve() as (base, sent):
        client = CloudflareClient(Credentials("t0ken", "acc", f"{base}/{path}"))
        try:
            with pytest.raises(RemoteError, match=r"passed 64 MB"):
                client.kv_get("ns", "key")
        finally:
            client.close()
        assert sent[0] < 256 * MB
    assert peak_rss_mb() - before < 2 * MAX_RESPONSE_BYTES / MB  # a 200 MB bomb did not inflate in memory
