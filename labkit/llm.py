"""One small client for any OpenAI-compatible chat endpoint: the course's simulator or yours.

It uses the official `openai` package and reads these environment variables:

| variable | default | meaning |
|---|---|---|
| `LABKIT_LLM_BASE_URL` | `http://127.0.0.1:8100/v1` | the endpoint (where the simulator listens) |
| `LABKIT_LLM_API_KEY` | `labkit-local` | the key; the simulator ignores it |
| `LABKIT_LLM_MODEL` | `simulator` | the model name to ask for |
| `LABKIT_LLM_CALL_BUDGET` | `5000` | calls one client may make before it refuses |

The same notebook runs against Ollama, vLLM or a vendor by setting these. Retries and the
timeout are bounded, and every failure is a `LLMError` with a one-line message that names the
URL tried and what to do, not a page of traceback.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import openai

DEFAULT_BASE_URL = "http://127.0.0.1:8100/v1"
DEFAULT_API_KEY = "labkit-local"
DEFAULT_MODEL = "simulator"
DEFAULT_CALL_BUDGET = 5_000
START_HINT = ("start the course model with `python -m labkit.advisor_server`, or set "
              "LABKIT_LLM_BASE_URL to your endpoint")


class LLMError(RuntimeError):
    """A call that failed, with a one-line message saying what to do."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message is the whole story.
        return [f"{type(self).__name__}: {self}"]


class ModelUnreachable(LLMError):
    """The endpoint did not answer: down, wrong URL, or too slow."""


class ModelRefused(LLMError):
    """The endpoint answered with an error (a bad request, an unknown model, a spent budget)."""


class CallBudgetExceeded(LLMError):
    """This client has made as many calls as its budget allows."""


@dataclass(frozen=True)
class ChatReply:
    """One reply: its text and what the endpoint said about itself."""

    text: str
    model: str
    system_fingerprint: str | None
    finish_reason: str | None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class LLMClient:
    """A chat client with a call budget. Arguments left out come from the environment."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None,
                 model: str | None = None, *, timeout: float = 20.0, max_retries: int = 2,
                 call_budget: int | None = None) -> None:
        self.base_url = base_url or os.environ.get("LABKIT_LLM_BASE_URL") or DEFAULT_BASE_URL
        self.model = model or os.environ.get("LABKIT_LLM_MODEL") or DEFAULT_MODEL
        self.timeout, self.max_retries = timeout, max_retries
        budget = (call_budget if call_budget is not None
                  else os.environ.get("LABKIT_LLM_CALL_BUDGET") or DEFAULT_CALL_BUDGET)
        try:
            self.call_budget = int(budget)
        except ValueError:
            raise LLMError(f"LABKIT_LLM_CALL_BUDGET must be a whole number, not {budget!r}"
                           ) from None
        self.calls = 0
        self._client = openai.OpenAI(
            base_url=self.base_url, timeout=timeout, max_retries=max_retries,
            api_key=api_key or os.environ.get("LABKIT_LLM_API_KEY") or DEFAULT_API_KEY)

    def chat(self, messages: str | Sequence[dict[str, Any] | Any], *, temperature: float = 0.7,
             seed: int | None = None, max_tokens: int | None = None) -> ChatReply:
        """Send one conversation (or one user message as a string) and return the reply."""
        if self.calls >= self.call_budget:
            raise CallBudgetExceeded(
                f"this client has made its {self.call_budget:,} calls; a design that needs "
                "more is larger than the project asks (check the loop), or pass "
                "call_budget=N / set LABKIT_LLM_CALL_BUDGET")
        self.calls += 1
        options: dict[str, Any] = {"temperature": temperature}
        if seed is not None:
            options["seed"] = seed
        if max_tokens is not None:
            options["max_tokens"] = max_tokens
        try:
            response = self._client.chat.completions.create(
                model=self.model, messages=_as_dicts(messages), **options)
        except openai.APITimeoutError:
            raise ModelUnreachable(
                f"no answer from {self.base_url} within {self.timeout:g} s "
                f"({self.max_retries + 1} attempts); is it overloaded? {START_HINT}") from None
        except openai.APIConnectionError:
            raise ModelUnreachable(
                f"could not connect to {self.base_url} ({self.max_retries + 1} attempts); "
                f"{START_HINT}") from None
        except openai.APIStatusError as error:
            raise ModelRefused(f"{self.base_url} refused the call with HTTP "
                               f"{error.status_code}: {_message(error)}") from None
        except openai.OpenAIError as error:
            raise LLMError(f"the call to {self.base_url} failed: {error}") from None
        choice = response.choices[0]
        usage = response.usage
        return ChatReply(
            text=choice.message.content or "", model=response.model,
            system_fingerprint=response.system_fingerprint, finish_reason=choice.finish_reason,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()


def _as_dicts(messages: str | Sequence[dict[str, Any] | Any]) -> list[dict[str, Any]]:
    """A string becomes one user message; message objects (pydantic) become dicts."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    return [m if isinstance(m, dict) else m.model_dump() for m in messages]


def _message(error: openai.APIStatusError) -> str:
    """The endpoint's own error message when it sent one, else the client's."""
    body = error.body
    if isinstance(body, dict):
        body = body.get("error", body)
        if isinstance(body, dict) and body.get("message"):
            return str(body["message"])
    return str(error.message)
