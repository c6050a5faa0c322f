"""A real HTTP server on 127.0.0.1 that speaks /v1/chat/completions with scripted replies and faults.

The OpenAI SDK talks to it over real sockets, so retries, timeouts and error mapping run exactly
as they would against the service; nothing inside the SDK is mocked. Faults: any status with any
headers (a 429 with Retry-After), a body of any content type (a proxy's HTML page with 200), and
slow replies; the server notes when each request arrived and how many were in flight at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = dict[str, Any] | str | bytes | Callable[[dict[str, Any]], dict[str, Any]]


@dataclass
class Reply:
    status: int = 200
    body: Body = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float | Callable[[dict[str, Any]], float] = 0.0  # seconds, or from the request
    content_type: str = "application/json"


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    json: dict[str, Any]
    at: float = 0.0  # time.monotonic() when the request arrived


def html(
    page: str = "<html><body><h1>Proxy login</h1><p>Sign in to continue.</p></body></html>",
) -> Reply:
    """A 200 answer that is a web page, as a captive portal or a misconfigured proxy sends."""
    return Reply(body=page, content_type="text/html; charset=utf-8")


def completion(
    content: str | dict[str, Any] | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 1200,
    completion_tokens: int = 300,
    cached_tokens: int = 0,
) -> dict[str, Any]:
    """A chat.completion object as the API returns it."""
    text = json.dumps(content) if isinstance(content, dict) else content
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4.1-mini-2025-04-14",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": refusal},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        },
    }


def error(status: int, message: str, **headers: str) -> Reply:
    """An API error reply in OpenAI's shape."""
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return Reply(status=status, body=body, headers=headers)


class FakeOpenAI:
    """Serve scripted replies in order; record every request."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.default: Reply | None = None
        # When set, answers every request the queue does not: a reply chosen from the request.
        self.respond: Callable[[dict[str, Any]], Reply] | None = None
        self.seen: list[Seen] = []
        # When set, sees every request first (method, path, headers, raw body) and may answer it:
        # tests/fake_batch.py serves the Batch API's files and batches this way.
        self.routes: Callable[[str, str, dict[str, str], bytes], Reply | None] | None = None
        self.active = 0  # requests being answered now
        self.max_active = 0  # the most that were ever answered at once
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _routed(self, method: str, raw: bytes) -> bool:
                if server.routes is None:
                    return False
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server.routes(method, self.path, headers, raw)
                if reply is None:
                    return False
                self._answer(reply, {})
                return True

            def do_GET(self) -> None:
                if not self._routed("GET", b""):
                    self._answer(error(404, f"no route GET {self.path}"), {})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if self._routed("POST", raw):
                    return
                try:
                    payload = json.loads(raw or b"{}")
                except ValueError:
                    payload = {"_raw": raw.decode("utf-8", "replace")}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.seen.append(Seen(self.path, headers, payload, time.monotonic()))
                    reply = server.next_reply(payload)
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    self._answer(reply, payload)
                finally:
                    with server._lock:
                        server.active -= 1

            def _answer(self, reply: Reply | None, payload: dict[str, Any]) -> None:
                if reply is None:
                    reply = error(500, "the fake server has no scripted reply left")
                delay = reply.delay(payload) if callable(reply.delay) else reply.delay
                if delay:
                    time.sleep(delay)
                body = reply.body(payload) if callable(reply.body) else reply.body
                data = (
                    body
                    if isinstance(body, bytes)
                    else (body if isinstance(body, str) else json.dumps(body)).encode()
                )
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A short poll keeps stop() quick: shutdown waits for the loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """The /v1 URL to give the SDK."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def next_reply(self, payload: dict[str, Any]) -> Reply | None:
        """The scripted reply to a chat request: the queue first, then `respond`, then `default`.

        Callers hold the lock (the handler does; the fake Batch API takes it around a batch run).
        """
        if self.replies:
            return self.replies.popleft()
        if self.respond is not None:
            return self.respond(payload)
        return self.default

    def queue(self, *replies: Reply | dict[str, Any]) -> None:
        """Add replies: a Reply, or a body to send with 200."""
        for r in replies:
            self.replies.append(r if isinstance(r, Reply) else Reply(body=r))

    def start(self) -> FakeOpenAI:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
