"""The simulator's OpenAI-compatible server, and the labkit client that talks to it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from labkit.advisor import assess
from labkit.advisor_server import start_server
from labkit.advisor_variant import derive_variant
from labkit.llm import (
    CallBudgetExceeded,
    LLMClient,
    LLMError,
    ModelRefused,
    ModelUnreachable,
)

ENQUIRY = ("I'm 58 and retire in three years. I have £40,000 in savings and I'm thinking of "
           "putting £30,000 into the Quillfield Global Growth fund. How risky is that for me?")
VARIANT = derive_variant("test secret", "ada")


@pytest.fixture(scope="module")
def server():
    server = start_server(VARIANT, port=0, call_budget=1_000)
    yield server
    server.stop()


def post(url: str, body: bytes | dict, path: str = "/chat/completions") -> tuple[int, dict]:
    """Send a raw POST and return the status and the JSON body, errors included."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_server_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_the_openai_client_gets_the_simulators_reply(server):
    client = LLMClient(base_url=server.url)
    answer = client.chat(ENQUIRY, temperature=0.7, seed=1003)
    assert answer.text == assess(ENQUIRY, temperature=0.7, seed=1003, variant=VARIANT).text
    assert answer.system_fingerprint == VARIANT.fingerprint
    assert answer.model == "simulator" and answer.finish_reason == "stop"
    assert answer.prompt_tokens and answer.completion_tokens
    again = client.chat([{"role": "user", "content": ENQUIRY}], temperature=0.7, seed=1003)
    assert again.text == answer.text
    client.close()


def test_the_completion_object_is_standard(server):
    status, body = post(server.url, {"model": "simulator", "temperature": 0, "seed": 1,
                                     "messages": [{"role": "system", "content": "Be brief."},
                                                  {"role": "user", "content": [
                                                      {"type": "text", "text": ENQUIRY}]}]})
    assert status == 200 and body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert body["system_fingerprint"] == VARIANT.fingerprint


def test_max_tokens_cuts_the_reply(server):
    status, body = post(server.url, {"model": "simulator", "max_tokens": 5,
                                     "messages": [{"role": "user", "content": ENQUIRY}]})
    assert status == 200 and body["choices"][0]["finish_reason"] == "length"
    assert body["choices"][0]["message"]["content"] == "Risk band: high."


def test_the_model_list(server):
    with urllib.request.urlopen(server.url + "/models", timeout=10) as response:
        body = json.load(response)
    assert [m["id"] for m in body["data"]] == ["simulator"]


@pytest.mark.parametrize(("body", "status", "words"), [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    ({"model": "simulator"}, 400, "messages"),
    ({"model": "simulator", "messages": []}, 400, "messages"),
    ({"model": "simulator", "messages": [{"role": "wizard", "content": "hi"}]}, 400, "role"),
    ({"model": "simulator", "messages": [{"role": "user", "content": "hi"}],
      "temperature": 5}, 400, "temperature"),
    ({"model": "simulator", "messages": [{"role": "user", "content": "hi"}], "n": 3}, 400, "n"),
    ({"model": "simulator", "messages": [{"role": "user", "content": "hi"}], "stream": True},
     400, "streaming"),
    ({"model": "gpt-x", "messages": [{"role": "user", "content": "hi"}]}, 404, "gpt-x"),
])
def test_bad_requests_get_an_openai_style_error(server, body, status, words):
    got, answer = post(server.url, body)
    assert got == status
    assert set(answer["error"]) == {"message", "type", "param", "code"}
    assert words in answer["error"]["message"]


def test_unknown_paths_and_oversized_bodies(server):
    assert post(server.url, {}, path="/completions")[0] == 404
    assert post(server.url, b"x" * 1_000_001)[0] == 413


def test_the_client_reports_a_refused_request_in_one_line(server):
    with pytest.raises(ModelRefused, match=r"HTTP 400: temperature"):
        LLMClient(base_url=server.url).chat("hi", temperature=3)


def test_the_servers_budget_gives_429_without_retries():
    small = start_server(VARIANT, port=0, call_budget=2)
    try:
        client = LLMClient(base_url=small.url)
        client.chat("hi")
        client.chat("hi")
        with pytest.raises(ModelRefused, match="budget of 2 calls"):
            client.chat("hi")
        status, body = post(small.url, {"model": "simulator",
                                        "messages": [{"role": "user", "content": "hi"}]})
        assert status == 429 and body["error"]["code"] == "call_budget_exhausted"
        assert small.calls == 2
    finally:
        small.stop()


def test_the_clients_own_budget():
    client = LLMClient(base_url="http://127.0.0.1:9/v1", call_budget=0)
    with pytest.raises(CallBudgetExceeded, match="0 calls"):
        client.chat("hi")


def test_a_server_that_is_down_names_the_url_and_the_fix():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelUnreachable) as caught:
        LLMClient(base_url=url, max_retries=0).chat("hi")
    message = str(caught.value)
    assert url in message and "python -m labkit.advisor_server" in message
    assert "\n" not in message
    assert caught.value.__suppress_context__      # no openai traceback chained under it
    assert caught.value._render_traceback_() == [f"ModelUnreachable: {message}"]


def test_a_server_that_never_answers_times_out_clearly():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    try:
        with pytest.raises(ModelUnreachable, match="no answer from"):
            LLMClient(base_url=url, timeout=0.3, max_retries=0).chat("hi")
    finally:
        for connection, _ in accepted:
            connection.close()
        listener.close()


def test_the_client_reads_its_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("LABKIT_LLM_BASE_URL", "http://127.0.0.1:1234/v1")
    monkeypatch.setenv("LABKIT_LLM_MODEL", "my-model")
    monkeypatch.setenv("LABKIT_LLM_CALL_BUDGET", "7")
    client = LLMClient()
    assert (client.base_url, client.model, client.call_budget) == (
        "http://127.0.0.1:1234/v1", "my-model", 7)
    monkeypatch.setenv("LABKIT_LLM_CALL_BUDGET", "lots")
    with pytest.raises(LLMError, match="whole number"):
        LLMClient()


def test_one_command_starts_the_server(tmp_path):
    token_file = tmp_path / "variant.txt"
    token_file.write_text(VARIANT.token())
    process = subprocess.Popen(
        [sys.executable, "-m", "labkit.advisor_server", "--variant", str(token_file),
         "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert VARIANT.fingerprint in line
        url = line.split(" on ")[1].split()[0]
        answer = LLMClient(base_url=url).chat(ENQUIRY, seed=5)
        assert answer.system_fingerprint == VARIANT.fingerprint
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_bad_variant_stops_the_command_with_a_message():
    done = subprocess.run([sys.executable, "-m", "labkit.advisor_server", "--variant",
                           "qfa1.damaged", "--port", "0"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "damaged" in done.stderr and "Traceback" not in done.stderr


def test_a_bug_in_the_simulator_is_a_500_not_a_dropped_line(server, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr("labkit.advisor_server.assess", broken)
    status, body = post(server.url, {"model": "simulator",
                                     "messages": [{"role": "user", "content": "hi"}]})
    assert status == 500 and "ZeroDivisionError" in body["error"]["message"]
