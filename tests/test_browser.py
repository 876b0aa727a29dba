"""The built site in a real browser (the system's chromium, driven by playwright): pages
render with no console errors and no request to another host, search works, a diagram
renders. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("the system's chromium is not installed (apt-get install -y chromium)",
                allow_module_level=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    local = urlparse(base_url).netloc

    def request(req) -> None:
        url = urlparse(req.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != local:
            page.problems.append(f"request to another host: {req.url}")

    page.on("request", request)
    yield page
    context.close()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize(("path", "name", "text"), [
    ("", "home", "LLM failure analysis"),
    ("reference/taxonomy/", "taxonomy", "fabricated-fact"),
    ("projects/failure-audit/", "project-failure-audit", "failure audit"),
    ("projects/failure-audit-notebook/", "notebook-page", "Read-only copy"),
])
def test_page_renders_cleanly(page, base_url, path, name, text):
    page.goto(base_url + path, wait_until="networkidle")
    assert text.lower() in page.inner_text("article").lower()
    shoot(page, name)
    assert page.problems == []


def test_a_lesson_renders_cleanly(page, base_url, site):
    lessons = sorted((site / "lessons").glob("*/index.html"))
    if not lessons:
        pytest.skip("no lessons yet")
    path = lessons[0].parent.relative_to(site).as_posix() + "/"
    page.goto(base_url + path, wait_until="networkidle")
    assert page.inner_text("article").strip()
    shoot(page, "lesson")
    assert page.problems == []


def test_diagram_renders_offline(page, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url, wait_until="networkidle")
    # Material replaces the diagram's source by an SVG in a closed shadow root: a drawn
    # diagram is an element whose source text is gone and which has a size.
    page.wait_for_function(
        "() => { const d = document.querySelector('.mermaid');"
        " return d && d.innerHTML === '' && d.getBoundingClientRect().height > 40 }",
        timeout=15000)
    page.locator(".mermaid").screenshot(path=str(ARTIFACTS / "diagram.png"))
    assert page.problems == []


def test_search_finds_a_typed_term(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    page.click("label.md-search__icon, .md-search__input")
    page.keyboard.type("confabulation", delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.inner_text(".md-search-result")
    assert "Taxonomy" in results or "taxonomy" in results.lower()
    shoot(page, "search")
    assert page.problems == []
