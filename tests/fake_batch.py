"""The Batch API on the fake OpenAI server: files, batches, and a scripted run of the lines.

POST /v1/files (multipart, purpose=batch), POST /v1/batches, GET /v1/batches/{id},
POST /v1/batches/{id}/cancel and GET /v1/files/{id}/content, answered over real sockets so the
real SDK is exercised. Each look at a batch moves it one step along `steps`; after the last step
it ends as `outcome`, and every line it ran is answered with the fake's scripted chat replies
(the same queue, `respond` and `default` that answer synchronous requests). A batch can be
scripted to fail, to expire after some lines (the rest in the error file as `batch_expired`), to
put some lines in the error file, or to leave some lines out of both files.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as email_policy
from typing import Any

from tests.fake_openai import FakeOpenAI, Reply, error

_counter = itertools.count(1)


@dataclass
class Script:
    """How the next batches run."""

    steps: list[str] = field(default_factory=lambda: ["validating", "in_progress", "finalizing"])
    outcome: str = "completed"  # or failed, expired, cancelled
    expire_after: int = 0  # expired or cancelled: how many lines ran before the end
    line_errors: dict[int, tuple[int, str]] = field(default_factory=dict)  # line -> status, message
    dropped: set[int] = field(default_factory=set)  # lines in neither file
    fail_message: str = "The input file has lines that are not valid JSON."


class FakeBatchAPI:
    """Serves the Batch API on a FakeOpenAI server; remembers the uploads and the calls."""

    def __init__(self, server: FakeOpenAI) -> None:
        self.server = server
        self.script = Script()
        self.files: dict[str, bytes] = {}
        self.purposes: dict[str, str] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.created: list[dict[str, Any]] = []  # the bodies of POST /v1/batches
        server.routes = self.route

    # --- what tests read ---------------------------------------------------------------------

    def lines(self, batch_id: str | None = None) -> list[dict[str, Any]]:
        """The request lines of a batch's input file (the latest batch by default)."""
        batch = self.batches[batch_id] if batch_id else list(self.batches.values())[-1]
        text = self.files[batch["input_file_id"]].decode("utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    # --- routing -----------------------------------------------------------------------------

    def route(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply | None:
        """Answer the Batch API's paths; None leaves the request to the chat fake."""
        path = path.split("?", 1)[0]
        if not path.startswith(("/v1/files", "/v1/batches")):
            return None
        self.calls.append((method, path))
        if method == "POST" and path == "/v1/files":
            return self._upload(headers, raw)
        if method == "POST" and path == "/v1/batches":
            return self._create(json.loads(raw or b"{}"))
        m = re.fullmatch(r"/v1/batches/([^/]+)", path)
        if method == "GET" and m:
            return self._look(m.group(1))
        m = re.fullmatch(r"/v1/batches/([^/]+)/cancel", path)
        if method == "POST" and m:
            return self._cancel(m.group(1))
        m = re.fullmatch(r"/v1/files/([^/]+)/content", path)
        if method == "GET" and m:
            data = self.files.get(m.group(1))
            if data is None:
                return error(404, f"No such File object: {m.group(1)}")
            return Reply(body=data, content_type="application/octet-stream")
        return error(404, f"no route {method} {path}")

    def _upload(self, headers: dict[str, str], raw: bytes) -> Reply:
        head = f"Content-Type: {headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=email_policy).parsebytes(head + raw)
        fields: dict[str, bytes] = {}
        filename = "upload"
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[str(name)] = part.get_payload(decode=True) or b""
            if name == "file":
                filename = str(part.get_filename() or filename)
        purpose = fields.get("purpose", b"").decode()
        if purpose != "batch" or "file" not in fields:
            return error(400, f"expected a file with purpose batch, got {purpose!r}")
        file_id = f"file-{next(_counter)}"
        self.files[file_id] = fields["file"]
        self.purposes[file_id] = purpose
        return Reply(body=_file_object(file_id, fields["file"], filename, purpose))

    def _create(self, body: dict[str, Any]) -> Reply:
        self.created.append(body)
        file_id = body.get("input_file_id")
        if file_id not in self.files:
            return error(400, f"no input file {file_id}")
        if body.get("endpoint") != "/v1/chat/completions" or body.get("completion_window") != "24h":
            return error(400, "unsupported endpoint or completion window")
        batch_id = f"batch_{next(_counter)}"
        total = len([x for x in self.files[file_id].splitlines() if x.strip()])
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": file_id,
            "completion_window": "24h",
            "status": "validating",
            "created_at": 1_700_000_000,
            "request_counts": {"total": total, "completed": 0, "failed": 0},
            "metadata": body.get("metadata"),
            "output_file_id": None,
            "error_file_id": None,
            "errors": None,
            "_looks": 0,
            "_script": self.script,
        }
        return Reply(body=self._public(batch_id))

    def _look(self, batch_id: str) -> Reply:
        batch = self.batches.get(batch_id)
        if batch is None:
            return error(404, f"No batch found with id '{batch_id}'.")
        script: Script = batch["_script"]
        if batch["status"] not in ("completed", "failed", "expired", "cancelled"):
            if batch["status"] == "cancelling":
                self._finish(batch, "cancelled")
            elif batch["_looks"] < len(script.steps):
                batch["status"] = script.steps[batch["_looks"]]
                batch["_looks"] += 1
            else:
                self._finish(batch, script.outcome)
        return Reply(body=self._public(batch_id))

    def _cancel(self, batch_id: str) -> Reply:
        batch = self.batches.get(batch_id)
        if batch is None:
            return error(404, f"No batch found with id '{batch_id}'.")
        batch["status"] = "cancelling"
        return Reply(body=self._public(batch_id))

    def _public(self, batch_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[batch_id].items() if not k.startswith("_")}

    # --- running a batch ---------------------------------------------------------------------

    def _finish(self, batch: dict[str, Any], outcome: str) -> None:
        script: Script = batch["_script"]
        batch["status"] = outcome
        if outcome == "failed":
            batch["errors"] = {
                "object": "list",
                "data": [{"code": "invalid_json_line", "message": script.fail_message}],
            }
            return
        out: list[dict[str, Any]] = []
        errs: list[dict[str, Any]] = []
        requests = [
            json.loads(x) for x in self.files[batch["input_file_id"]].splitlines() if x.strip()
        ]
        for i, line in enumerate(requests):
            cid = line["custom_id"]
            if i in script.dropped:
                continue
            if outcome in ("expired", "cancelled") and i >= script.expire_after:
                errs.append(
                    _error_line(
                        cid, None, "batch_expired" if outcome == "expired" else "batch_cancelled"
                    )
                )
                continue
            if i in script.line_errors:
                status, message = script.line_errors[i]
                errs.append(_error_line(cid, status, message))
                continue
            with self.server._lock:
                reply = self.server.next_reply(line["body"])
            if reply is None:
                errs.append(_error_line(cid, 500, "the fake has no scripted reply left"))
                continue
            body = reply.body(line["body"]) if callable(reply.body) else reply.body
            if reply.status != 200:
                errs.append(
                    {
                        "id": f"batch_req_{i}",
                        "custom_id": cid,
                        "error": None,
                        "response": {
                            "status_code": reply.status,
                            "request_id": f"req_{i}",
                            "body": body,
                        },
                    }
                )
                continue
            out.append(
                {
                    "id": f"batch_req_{i}",
                    "custom_id": cid,
                    "error": None,
                    "response": {"status_code": 200, "request_id": f"req_{i}", "body": body},
                }
            )
        out.reverse()  # the service promises no order
        batch["request_counts"] = {
            "total": len(requests),
            "completed": len(out),
            "failed": len(errs),
        }
        if out:
            batch["output_file_id"] = self._store(out)
        if errs:
            batch["error_file_id"] = self._store(errs)

    def _store(self, rows: list[dict[str, Any]]) -> str:
        file_id = f"file-{next(_counter)}"
        self.files[file_id] = "".join(json.dumps(r) + "\n" for r in rows).encode()
        self.purposes[file_id] = "batch_output"
        return file_id


def _error_line(custom_id: str, status: int | None, message: str) -> dict[str, Any]:
    if status is None:  # not run at all: no response, an error object
        text = "This request could not be executed before the completion window expired."
        return {
            "id": "batch_req_x",
            "custom_id": custom_id,
            "response": None,
            "error": {"code": message, "message": text},
        }
    body = {"error": {"message": message, "type": "server_error", "code": None}}
    return {
        "id": "batch_req_x",
        "custom_id": custom_id,
        "error": None,
        "response": {"status_code": status, "request_id": "req_x", "body": body},
    }


def _file_object(file_id: str, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": len(data),
        "created_at": 1_700_000_000,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }
