"""A local HTTP sink on 127.0.0.1 that records every request (used by channel tests, integration tests, bench)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink:
    """Start with `with Sink() as sink:`; `sink.url`, `sink.requests`, `sink.status` (answer code)."""

    def __init__(self, status: int = 200, answer: bytes = b'{"errcode": 0}', delay: float = 0.0) -> None:
        self.status = status
        self.answer = answer
        self.delay = delay
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if sink.delay:
                    time.sleep(sink.delay)
                with sink.lock:
                    sink.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(sink.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(sink.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Sink:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def delivery_ids(self) -> list[int]:
        with self.lock:
            return [json.loads(r["body"])["delivery_id"] for r in self.requests]
