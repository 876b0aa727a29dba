"""Speed of the simulated risk assistant: in process, and over HTTP through labkit's client.

Target (issue 10): at least 500 calls a second in process. Prints figures; asserts nothing.
Run with `.venv/bin/python bench/bench_advisor.py`.
"""

from __future__ import annotations

import time

from labkit.advisor import assess
from labkit.advisor_server import start_server
from labkit.advisor_variant import derive_variant
from labkit.llm import LLMClient

ENQUIRIES = [
    "I'm 58 and retire in three years. I have £40,000 in savings and I'm thinking of putting "
    "£30,000 into the Quillfield Global Growth fund. How risky is that for me?",
    "Good morning. I am fifty-eight years of age and shall retire in three years' time. I hold "
    "£40k in savings and am considering placing £30k in the Global Growth fund. Is it safe?",
    "I'm 35, adventurous, and want to invest for 20 years: either the Emerging Markets fund or "
    "a bond fund? I'm not interested in crypto. Please answer today, it's urgent.",
]
VARIANT = derive_variant("bench", "learner")


def rate(action, calls: int) -> float:
    """Calls a second over `calls` calls of `action(i)`."""
    start = time.perf_counter()
    for i in range(calls):
        action(i)
    return calls / (time.perf_counter() - start)


def report(name: str, per_second: float, target: float | None = None) -> None:
    """Print a rate, against a target if there is one."""
    verdict = ""
    if target is not None:
        verdict = f"  (target {target:,.0f}/s: {'met' if per_second >= target else 'MISSED'})"
    print(f"{name:<44} {per_second:10,.0f} calls/s{verdict}")


def main() -> None:
    """Measure the model in process, then the server through the client."""
    def in_process(i: int) -> None:
        assess(ENQUIRIES[i % 3], temperature=0.7, seed=i, variant=VARIANT)

    rate(in_process, 200)                                   # warm the regex caches
    report("in process: assess()", rate(in_process, 5_000), target=500)

    server = start_server(VARIANT, port=0, call_budget=1_000_000)
    client = LLMClient(base_url=server.url, call_budget=1_000_000)
    try:
        def over_http(i: int) -> None:
            client.chat(ENQUIRIES[i % 3], temperature=0.7, seed=i)

        rate(over_http, 50)
        report("over HTTP: LLMClient.chat() -> local server", rate(over_http, 1_000))
    finally:
        client.close()
        server.stop()


if __name__ == "__main__":
    main()
