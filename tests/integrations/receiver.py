"""A real HTTP server on 127.0.0.1 (ephemeral port) in a thread, recording what it receives."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    # Each request pops (status, headers, body); the last one repeats.
    replies: deque[tuple[int, dict[str, str], bytes]] = field(default_factory=deque)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def reply(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"ok") -> None:
        self.replies.append((status, headers or {}, body))


def start() -> Receiver:
    holder: dict[str, Any] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            rec: Receiver = holder["r"]
            length = int(self.headers.get("Content-Length") or 0)
            rec.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
            )
            status, headers, body = rec.replies[0] if rec.replies else (200, {}, b"ok")
            if len(rec.replies) > 1:
                rec.replies.popleft()
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec = Receiver(server)
    holder["r"] = rec
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return rec
