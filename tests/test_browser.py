"""The built site in a real browser (the system's chromium, driven by playwright): pages
render with no console errors, no failed request and no request to another host; search
works and finds a glossary term's own entry first; every diagram renders with readable
text; the light and dark schemes switch and keep text readable; the logo and favicon load.
Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def watched_page(context, base_url: str):
    """A new page of `context` that records in `page.problems` every console error, page
    error, failed response and request to a host other than the local test server."""
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("response", lambda r: r.status >= 400
            and page.problems.append(f"HTTP {r.status}: {r.url}"))
    local = urlparse(base_url).netloc

    def request(req) -> None:
        url = urlparse(req.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != local:
            page.problems.append(f"request to another host: {req.url}")

    page.on("request", request)
    return page


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield watched_page(context, base_url)
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


# --- Diagrams: every one readable at a desktop width ---------------------------------------

COURSE = ROOT / "course"
MIN_DIAGRAM_FONT_PX = 11
# Material draws each diagram into a closed shadow root; opening it (in the test's browser
# only) lets the test read the SVG.
OPEN_SHADOW_ROOTS = """Element.prototype.attachShadow = ((attach) => function (options) {
  return attach.call(this, {...options, mode: "open"}); })(Element.prototype.attachShadow);"""
# Per diagram: the smallest rendered text size, in CSS pixels, of any text in the SVG (its
# computed font size times the SVG's scale: rendered width / viewBox width).
DIAGRAM_FONT_SIZES = """() => [...document.querySelectorAll(".mermaid")].map((host) => {
  const svg = host.shadowRoot.querySelector("svg");
  const box = svg.viewBox.baseVal;
  const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
  const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
  const sizes = [], words = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest("style")) continue;
    sizes.push(parseFloat(getComputedStyle(node.parentElement).fontSize) * scale);
    words.push(node.textContent.trim());
  }
  return {text: words.join(" / ").slice(0, 60), labels: sizes.length,
          smallest: Math.min(...sizes)};
})"""


def pages_with_diagrams() -> list[tuple[str, int]]:
    """(site path, number of ```mermaid fences) of every course page holding a diagram."""
    found = []
    for source in sorted(COURSE.rglob("*.md")):
        count = len(re.findall(r"^\s*```mermaid\s*$", source.read_text(encoding="utf-8"), re.M))
        if count:
            path = source.relative_to(COURSE).with_suffix("").as_posix()
            path = "" if path == "index" else path.removesuffix("/index") + "/"
            found.append((path, count))
    return found


@pytest.mark.parametrize(("path", "count"), pages_with_diagrams(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_every_diagram_is_readable(browser, base_url, path, count):
    """Every diagram of the page is drawn, and none shrinks its text below 11 px."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(OPEN_SHADOW_ROOTS)
    page = watched_page(context, base_url)
    try:
        page.goto(base_url + path, wait_until="networkidle")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.mermaid')].every(d => d.shadowRoot"
            " && d.shadowRoot.querySelector('svg text, svg foreignObject'))", timeout=15000)
        diagrams = page.evaluate(DIAGRAM_FONT_SIZES)
        assert len(diagrams) == count, "every ```mermaid fence is drawn"
        for diagram in diagrams:
            assert diagram["labels"], f"a diagram without text: {diagram}"
            assert diagram["smallest"] >= MIN_DIAGRAM_FONT_PX, (
                f"{path or 'home'}: text drawn at {diagram['smallest']:.1f} px in the diagram "
                f"{diagram['text']!r}: too wide for the column, draw it top-down (TD)")
        assert page.problems == []
    finally:
        context.close()


# --- The look: light and dark schemes, logo, favicon ---------------------------------------

SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"
# WCAG 2 contrast ratio of an element's text against the page (or its header) background,
# compositing semi-transparent colours over the opaque background first.
CONTRAST = """([selector, backgroundOf]) => {
  const rgba = (css) => css.match(/[\\d.]+/g).map(Number).concat([1]).slice(0, 4);
  const over = ([r, g, b, a], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a),
                                            b * a + B * (1 - a)];
  const luminance = (rgb) => rgb.map((c) => c / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const element = document.querySelector(selector);
  const background = over(rgba(getComputedStyle(document.querySelector(backgroundOf))
                                 .backgroundColor), [255, 255, 255]);
  const text = over(rgba(getComputedStyle(element).color), background);
  const [hi, lo] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""
READABLE = {  # what must reach WCAG AA (4.5:1) in both schemes
    "body text": ("article.md-content__inner p", "body"),
    "a link": ("article.md-content__inner p a[href]:not(.headerlink)", "body"),
    "the header title": (".md-header__title .md-ellipsis", ".md-header"),
}


@pytest.mark.parametrize("system", ["light", "dark"])
def test_scheme_follows_the_system_and_the_toggle_switches_it(browser, base_url, system):
    """The first scheme follows the system's; the toggle switches it and the choice sticks;
    text, links and the header stay readable in both."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=system)
    page = watched_page(context, base_url)
    try:
        page.goto(base_url + "lessons/01-how-llms-produce-text/", wait_until="networkidle")
        first, second = ("default", "slate") if system == "light" else ("slate", "default")
        assert page.evaluate(SCHEME) == first
        for scheme in (first, second):
            if page.evaluate(SCHEME) != scheme:
                page.locator("form[data-md-component=palette] label:visible").click()
                page.wait_for_function(f"() => ({SCHEME})() === '{scheme}'", timeout=5000)
            for what, selectors in READABLE.items():
                ratio = page.evaluate(CONTRAST, list(selectors))
                assert ratio >= 4.5, f"{what} in the {scheme} scheme: contrast {ratio:.2f}:1"
            shoot(page, f"scheme-{system}-system-{scheme}")
        page.goto(base_url, wait_until="networkidle")
        assert page.evaluate(SCHEME) == second, "the choice is kept from page to page"
        assert page.problems == []
    finally:
        context.close()


def test_logo_and_favicon_load(page, base_url):
    """The course's own logo and favicon are served and decode as images."""
    page.goto(base_url, wait_until="networkidle")
    logo = page.locator(".md-header__button.md-logo img")
    assert logo.get_attribute("src").endswith("assets/logo.svg")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    favicon = page.locator("link[rel=icon]").get_attribute("href")
    assert favicon.endswith("assets/favicon.svg")
    loaded = page.evaluate("""(href) => new Promise((done) => {
      const img = new Image(); img.onload = () => done(img.naturalWidth > 0);
      img.onerror = () => done(false); img.src = href; })""", favicon)
    assert loaded, f"the favicon {favicon} does not load as an image"
    response = page.request.get(urljoin(page.url, favicon))
    assert response.ok and "svg" in response.headers["content-type"]
    assert page.problems == []


# --- Search: a glossary term finds its own entry first -------------------------------------

@pytest.mark.parametrize(("term", "anchor"), [
    ("hallucination", "hallucination"),
    ("sycophancy", "sycophancy"),
    ("calibration", "calibration"),
    ("prompt injection", "prompt-injection"),
    ("over-refusal", "over-refusal"),
])
def test_search_puts_the_glossary_entry_first(page, base_url, term, anchor):
    """Typing a glossary term in the search box lists the term's glossary entry first."""
    page.goto(base_url, wait_until="networkidle")
    page.click("label.md-search__icon, .md-search__input")
    page.keyboard.type(term, delay=20)
    # The first result's best section: the first link to a section (`#`) in the first item.
    first_section = ("() => { const item = document.querySelector('.md-search-result__item');"
                     " const link = item && [...item.querySelectorAll('a')]"
                     ".find(a => a.href.includes('#')); return link ? link.href : null }")
    wanted = f"/reference/glossary/#{anchor}"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion says what came first instead
        page.wait_for_function(f"() => ({first_section})()?.endsWith('{wanted}')", timeout=5000)
    assert (page.evaluate(first_section) or "").endswith(wanted), (
        f"searching {term!r}: first result {page.evaluate(first_section)}, not {wanted}")
    shoot(page, f"search-{anchor}")
    assert page.problems == []
