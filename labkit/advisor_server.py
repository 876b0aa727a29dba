"""Serve the simulated risk assistant as an OpenAI-compatible chat endpoint, on loopback.

    python -m labkit.advisor_server                       # the course default variant
    python -m labkit.advisor_server --variant my-variant.txt --port 8100

It answers `POST /v1/chat/completions` (model, messages, temperature, seed, max_tokens) with
a standard `chat.completion` object whose `system_fingerprint` names the variant, and
`GET /v1/models`. Bad requests get a 400 with an OpenAI-style error object; after its call
budget (20,000 by default) the server answers 429 until it is restarted. It listens on
127.0.0.1 only: nothing outside this computer can reach it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from labkit.advisor import MODEL_ID, TOKEN, ChatMessage, assess, count_tokens
from labkit.advisor_variant import AdvisorVariant, VariantError, load_variant

HOST = "127.0.0.1"
DEFAULT_PORT = 8100
DEFAULT_CALL_BUDGET = 20_000
MAX_BODY_BYTES = 1_000_000
DRAIN_BYTES = 16_000_000  # an oversized body up to this is read and dropped before the 413


class CompletionRequest(BaseModel):
    """The fields of a chat-completion request the simulator uses; others are ignored."""

    model_config = ConfigDict(extra="ignore")
    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    temperature: float = Field(default=1.0, ge=0, le=2, allow_inf_nan=False)
    seed: int | None = Field(default=None, ge=-(2**63), lt=2**64)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    n: int = Field(default=1, ge=1, le=1)
    stream: bool = False


class RequestProblem(Exception):
    """A request the server refuses: HTTP status, message, OpenAI error type and code."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.code, self.param = (
            status, message, kind, code, param)

    def body(self) -> dict[str, Any]:
        """The OpenAI-style error object."""
        return {"error": {"message": self.message, "type": self.kind, "param": self.param,
                          "code": self.code}}


def completion(request: CompletionRequest, variant: AdvisorVariant) -> dict[str, Any]:
    """The chat.completion object answering one validated request."""
    text = assess(request.messages, temperature=request.temperature, seed=request.seed,
                  variant=variant).text
    limit = request.max_completion_tokens or request.max_tokens
    finish = "stop"
    if limit is not None and count_tokens(text) > limit:
        text = text[:list(TOKEN.finditer(text))[limit - 1].end()]
        finish = "length"
    prompt_tokens = sum(count_tokens(m.content) for m in request.messages)
    completion_tokens = count_tokens(text)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion",
        "created": int(time.time()), "model": request.model,
        "system_fingerprint": variant.fingerprint,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "logprobs": None, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def parse_request(body: bytes) -> CompletionRequest:
    """Validate a request body, or raise the RequestProblem a client should see."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RequestProblem(400, f"the request body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise RequestProblem(400, "the request body must be a JSON object")
    try:
        request = CompletionRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise RequestProblem(400, f"{where}: {first['msg']}", param=where) from None
    if request.stream:
        raise RequestProblem(400, "stream: streaming is not supported by the simulator; "
                             "send stream=false", param="stream")
    if request.model != MODEL_ID:
        raise RequestProblem(404, f"The model `{request.model}` does not exist; this server "
                             f"serves `{MODEL_ID}`", code="model_not_found", param="model")
    return request


class AdvisorServer(ThreadingHTTPServer):
    """The HTTP server. The standard library's threading server is enough for one learner's
    probes and adds no dependency to the learner's environment."""

    daemon_threads = True

    def __init__(self, variant: AdvisorVariant, port: int = DEFAULT_PORT,
                 call_budget: int = DEFAULT_CALL_BUDGET, verbose: bool = False) -> None:
        super().__init__((HOST, port), _Handler)
        self.variant, self.call_budget, self.verbose = variant, call_budget, verbose
        self.calls = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL clients use, e.g. http://127.0.0.1:8100/v1."""
        return f"http://{HOST}:{self.server_address[1]}/v1"

    def take_call(self) -> None:
        """Count one call, or refuse it with a 429 once the budget is spent."""
        with self._lock:
            if self.calls >= self.call_budget:
                raise RequestProblem(
                    429, f"this server has answered its budget of {self.call_budget:,} calls; "
                    "check your probe loop, then restart it (python -m labkit.advisor_server, "
                    "--call-budget N to change the budget)",
                    kind="insufficient_quota", code="call_budget_exhausted")
            self.calls += 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A dropped connection is the client's business: stay quiet unless verbose."""
        if self.verbose:
            super().handle_error(request, client_address)

    def stop(self) -> None:
        """Stop serving and close the socket (for servers started with `start_server`)."""
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: AdvisorServer
    protocol_version = "HTTP/1.1"      # keep-alive: a probe loop reuses one connection
    disable_nagle_algorithm = True     # headers and body go out at once, not 40 ms apart

    def do_GET(self) -> None:
        model = {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "labkit"}
        if self.path.rstrip("/") == "/v1/models":
            self._send(200, {"object": "list", "data": [model]})
        elif self.path == f"/v1/models/{MODEL_ID}":
            self._send(200, model)
        else:
            self._send_problem(RequestProblem(404, f"no such endpoint: GET {self.path}"))

    def do_POST(self) -> None:
        try:
            if self.path.rstrip("/") != "/v1/chat/completions":
                raise RequestProblem(404, f"no such endpoint: POST {self.path}")
            request = parse_request(self._body())
            self.server.take_call()
            self._send(200, completion(request, self.server.variant))
        except RequestProblem as problem:
            self._send_problem(problem)
        except Exception as error:  # a bug in the simulator: say so, do not drop the line
            self._send_problem(RequestProblem(
                500, f"internal error in the simulator ({type(error).__name__}: {error}); "
                "please report it with the request that caused it", kind="server_error"))

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise RequestProblem(411, "send the request with a Content-Length header") from None
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            if 0 < length <= DRAIN_BYTES:  # read it first: a client still sending it would
                self._discard(length)      # otherwise get a broken pipe, not the answer
            raise RequestProblem(413, f"the request body is larger than {MAX_BODY_BYTES:,} bytes")
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)

    def _send_problem(self, problem: RequestProblem) -> None:
        # The openai client retries 429s and 5xx unless told not to: a spent budget stays spent.
        # The connection is closed, since a refused request's body may not have been read.
        self.close_connection = True
        self._send(problem.status, problem.body(), {"x-should-retry": "false"})

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
              ) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet unless asked: a notebook cell that writes to stderr scores 0 under nbgrader.
        if self.server.verbose:
            super().log_message(format, *args)


def start_server(variant: AdvisorVariant | None = None, port: int = 0,
                 call_budget: int = DEFAULT_CALL_BUDGET) -> AdvisorServer:
    """Serve in a background thread (port 0: any free port; see `.url`). Stop with `.stop()`."""
    server = AdvisorServer(variant or load_variant(None), port, call_budget)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                     name="advisor-server", daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    """The command line: start the server and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m labkit.advisor_server",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", metavar="FILE_OR_TOKEN",
                        help="a variant token, or a file holding one (default: the course's)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 for any free one)")
    parser.add_argument("--call-budget", type=int, default=DEFAULT_CALL_BUDGET,
                        help=f"calls answered before 429s (default {DEFAULT_CALL_BUDGET:,})")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    try:
        variant = load_variant(args.variant)
        server = AdvisorServer(variant, args.port, args.call_budget, args.verbose)
    except VariantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot listen on {HOST}:{args.port} ({error.strerror}); is another "
              "server already running there? Try --port 8101", file=sys.stderr)
        return 2
    print(f"Quillfield risk assistant (model {MODEL_ID!r}, variant {variant.fingerprint}) "
          f"on {server.url}  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
