"""A webhook receiver for the tests: an HTTP server on 127.0.0.1 in a thread (a port of 5700-5799)
that records every request and answers with the statuses it is told, one per request (then 200)."""
from __future__ import annotations

import errno
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(5700, 5800)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self):
        self.received: list[Received] = []
        self.statuses: list[int] = []
        self.server = self._bind()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _bind(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (the name http.server calls)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = f"answer {status} " .encode() + b"x" * 3000   # longer than what the log keeps
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_):
                pass

        for port in PORTS:
            try:
                return ThreadingHTTPServer(("127.0.0.1", port), Handler)
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
        raise RuntimeError("no free port in 5700-5799")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def of_type(self, event_type: str) -> list[Received]:
        return [r for r in self.received if r.headers["X-Jingsai-Event"] == event_type]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()
        self.server.server_close()
