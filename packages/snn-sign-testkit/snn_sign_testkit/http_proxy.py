"""A forwarding HTTP proxy on 127.0.0.1 that remembers what it forwarded: the province's proxy
(or a mirror of the CA's services behind it) in tests of the company's proxy setting.

Plain HTTP only (OCSP, CRL and RFC 3161 are plain HTTP by design: their answers are signed).
A client configured with this proxy sends the absolute URL as the request target
(``GET http://ca.example/crl HTTP/1.1``); the proxy fetches it and returns the answer as is.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Never through another proxy (an http_proxy variable of the machine would loop or leak).
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PASSED_HEADERS = ("Content-Type", "Accept", "Authorization", "User-Agent")


class ForwardProxy:
    """``ForwardProxy.start()`` -> ``.url`` for a client's proxy setting; ``.seen`` the absolute
    URLs forwarded, in order; ``.stop()``."""

    def __init__(self, server: ThreadingHTTPServer):
        self._server = server
        self.seen: list[str] = []
        self._lock = threading.Lock()
        server.proxy = self
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    @classmethod
    def start(cls) -> ForwardProxy:
        proxy = cls(ThreadingHTTPServer(("127.0.0.1", 0), _Handler))
        proxy._thread.start()
        return proxy

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _note(self, url: str) -> None:
        with self._lock:
            self.seen.append(url)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: nothing to keep in step

    def log_message(self, format, *args):
        pass

    def _forward(self, body: bytes | None) -> None:
        if not self.path.startswith("http://"):  # only absolute-form requests are proxied
            self.send_error(400, "absolute http:// URL expected")
            return
        self.server.proxy._note(self.path)
        headers = {k: self.headers[k] for k in _PASSED_HEADERS if self.headers.get(k)}
        # S310: only http:// URLs get here (checked above), never file: or a custom scheme.
        request = urllib.request.Request(  # noqa: S310
            self.path, data=body, headers=headers, method=self.command
        )
        try:
            with _DIRECT.open(request, timeout=10) as answer:
                status, payload = answer.status, answer.read()
                content_type = answer.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
            content_type = error.headers.get("Content-Type", "text/plain")
        except OSError:
            self.send_error(502, "upstream unreachable")
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._forward(None)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self._forward(self.rfile.read(length))
