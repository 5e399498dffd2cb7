"""A JSON-RPC proxy in front of anvil that tests program: it can refuse a call (an error, an HTTP status, a
time-out), hang, or act on the chain right after answering one. It listens on a free port it picks."""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


@dataclass
class Call:
    method: str
    params: list[Any]


@dataclass
class Refusal:
    """How to answer instead of the node: an HTTP status, a JSON-RPC error, or seconds of silence first."""

    status: int = 200
    error: str | None = None
    delay: float = 0.0
    body: bytes | None = None


class RpcProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.calls: list[Call] = []
        self.refused: list[Call] = []
        # Return a Refusal to answer a call instead of the node, None to pass it on.
        self.refuse: Callable[[Call], Refusal | None] = lambda call: None
        # Called with each call the node answered, after the answer is sent.
        self.after: Callable[[Call, Any], None] = lambda call, answer: None
        self.hang = threading.Event()  # while set, calls get no answer at all
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = json.loads(body)
                call = Call(request.get("method", ""), request.get("params", []))
                with proxy._lock:
                    proxy.calls.append(call)
                while proxy.hang.is_set():
                    time.sleep(0.05)
                refusal = proxy.refuse(call)
                if refusal is not None:
                    with proxy._lock:
                        proxy.refused.append(call)
                    time.sleep(refusal.delay)
                    if refusal.error is not None:
                        error = {"code": -32000, "message": refusal.error}
                        payload = json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "error": error})
                        self._send(refusal.status, payload.encode(), "application/json")
                    else:
                        self._send(refusal.status, refusal.body or b"", "text/html")
                    return
                answer = httpx.post(
                    proxy.upstream, content=body, headers={"content-type": "application/json"}
                )
                try:
                    self._send(answer.status_code, answer.content, "application/json")
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (a time-out): what a slow node looks like
                proxy.after(call, answer.json().get("result"))

            def _send(self, status: int, content: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def node(self, method: str, params: list[Any]) -> Any:
        """Call the node directly (not through the proxy)."""
        answer = httpx.post(
            self.upstream, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        )
        return answer.json()["result"]

    def close(self) -> None:
        self.hang.clear()
        self.server.shutdown()
        self.server.server_close()
