"""An HTTP/1.1 server on 127.0.0.1 that records exactly what it received and answers on purpose.

Every request is kept (`server.received`: method, raw target, path, query, headers in order with
their case, body bytes), so tests prove what mbv sent byte for byte. Routes:

- anything else          200 JSON echo {method, path, query, headers, body (text or base64)}
- /status/NNN            that status, echo body
- /retry-after/KEY/N/S   429 with `Retry-After: S` for the first N hits of KEY, then 200
- /unavailable/KEY/N     503 without Retry-After for the first N hits of KEY, then 200
- /slow/SECONDS          sleep, then 200
- /drop                  close the connection without answering
- /redirect?to=URL&code= 302 (or code) to URL
- /chunked               a chunked response in three chunks
- /binary                256 bytes 0x00..0xff as application/octet-stream
- /big/N                 N bytes of 'x'
- /set-cookie/VALUE      200 with `Set-Cookie: sid=VALUE; HttpOnly`
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    method: str
    target: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[0] if values else None


@dataclass
class EchoServer:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    record: bool = True

    tls: bool = False

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    def hit(self, key: str) -> int:
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]


def _echo_body(r: Received) -> bytes:
    try:
        body: Any = r.body.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(r.body).decode("ascii"), "base64"
    return json.dumps({"method": r.method, "path": r.path, "query": r.query,
                       "headers": [[k, v] for k, v in r.headers], "body": body,
                       "body_encoding": encoding}).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: avoid delayed-ACK stalls
    server_version = "echo/1"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]] | None = None,
              content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers or []:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        echo: EchoServer = self.server.echo  # type: ignore[attr-defined]
        body = self._read_body()
        parts = urlsplit(self.path)
        received = Received(self.command, self.path, parts.path, parts.query, list(self.headers.items()), body)
        if echo.record:
            with echo.lock:
                echo.received.append(received)
        segments = [s for s in parts.path.split("/") if s]
        route = segments[0] if segments else ""
        if route == "status" and len(segments) > 1:
            self._send(int(segments[1]), _echo_body(received))
        elif route == "retry-after":
            key, times, after = segments[1], int(segments[2]), segments[3]
            if echo.hit("ra:" + key) <= times:
                self._send(429, b'{"error":"slow down"}', [("Retry-After", after)])
            else:
                self._send(200, _echo_body(received))
        elif route == "unavailable":
            key, times = segments[1], int(segments[2])
            if echo.hit("un:" + key) <= times:
                self._send(503, b'{"error":"unavailable"}')
            else:
                self._send(200, _echo_body(received))
        elif route == "slow":
            time.sleep(float(segments[1]))
            self._send(200, _echo_body(received))
        elif route == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
        elif route == "redirect":
            query = parse_qs(parts.query)
            code = int(query.get("code", ["302"])[0])
            self._send(code, b"", [("Location", query["to"][0])], content_type="text/plain")
        elif route == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"first,", b"second,", b"third"):
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        elif route == "binary":
            self._send(200, bytes(range(256)), content_type="application/octet-stream")
        elif route == "big":
            self._send(200, b"x" * int(segments[1]), content_type="text/plain")
        elif route == "set-cookie":
            self._send(200, _echo_body(received), [("Set-Cookie", f"sid={segments[1]}; HttpOnly; Path=/")])
        else:
            self._send(200, _echo_body(received))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (not trusted by anything, which is the point)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def serve_echo(*, record: bool = True, tls_dir: Path | None = None) -> Iterator[EchoServer]:
    """Serve on 127.0.0.1 on a free port; with `tls_dir`, HTTPS with a self-signed certificate."""
    server = _Server(("127.0.0.1", 0), _Handler)
    if tls_dir is not None:
        import ssl

        cert, key = _self_signed(tls_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    echo = EchoServer(server, record=record, tls=tls_dir is not None)
    server.echo = echo  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield echo
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
