"""Protects the monitoring page as a person sees it: served over HTTP from 127.0.0.1 and opened
in a real headless Chromium (Debian's, driven by Playwright). No console or script error, no
request to any other host, the verdict on screen, every chart drawn with visible bars; a
screenshot is left in tests/artifacts/monitoring.png.

Needs Debian's `chromium` (.ci/run installs it) and PyPI `playwright` (the dev extras); a
missing one fails the test with what to install, never skips it.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from support.browser import visiting

from modelops.monitor.page import render_page

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SCREENSHOT = ARTIFACTS / "monitoring.png"
HOSTILE = "<img src=x onerror=alert(1)>"
# Geometry of every chart, measured by the browser after layout.
MEASURE_CHARTS = """() => [...document.querySelectorAll("svg.chart")].map(svg => {
  const box = svg.getBoundingClientRect();
  const size = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  return {
    label: svg.getAttribute("aria-label"), width: box.width, height: box.height,
    bars: [...svg.querySelectorAll("rect.bar")].map(b => [Number(b.dataset.share), ...size(b)]),
    lines: [...svg.querySelectorAll("path.series")].map(p => [p.dataset.series, ...size(p)]),
  };
})"""


@contextmanager
def serving(html: str) -> Iterator[str]:
    """The page at / of an HTTP server on 127.0.0.1; anything else is a 404."""
    body = html.encode("utf-8")

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            found = self.path == "/"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_monitoring_page_in_a_real_browser(browser, example_report):
    hostile = dict(example_report["drift"]["features"][0], name=HOSTILE, level="ok")
    example_report["drift"]["features"].append(hostile)
    features = example_report["drift"]["features"]
    SCREENSHOT.unlink(missing_ok=True)

    with serving(render_page(example_report)) as url, visiting(browser, url) as (page, visit):
        assert visit.console_errors == []
        assert visit.page_errors == []
        assert visit.dialogs == []
        assert visit.requests, "the page itself was not requested"
        assert visit.elsewhere() == []

        verdict = page.locator("#verdict")
        assert verdict.is_visible()
        assert page.locator("#verdict h1").inner_text() == "ALERT"
        for reason in example_report["reasons"]:
            assert reason["message"] in verdict.inner_text()
        verdict_top = verdict.bounding_box()["y"]
        assert verdict_top < page.locator("#drift").bounding_box()["y"]

        # The hostile feature name is text on the screen, not an element.
        assert page.locator("img").count() == 0
        assert HOSTILE in page.locator("#drift-table").inner_text()

        coverage = page.locator("#coverage-table")
        assert coverage.is_visible()
        assert "approved by exploration" in coverage.inner_text()
        assert page.locator("#performance").bounding_box()["y"] < coverage.bounding_box()["y"]

        charts = page.evaluate(MEASURE_CHARTS)
        # One per feature, the score, performance over time, refusals by rule.
        assert len(charts) == len(features) + 3
        for chart in charts:
            assert chart["width"] > 0 and chart["height"] > 0, chart["label"]
            for share, width, height in chart["bars"]:
                if share > 0:
                    assert width > 0 and height > 0, (chart["label"], share)
        for feature in features:
            label = f"{feature['name']}: share per bin, reference vs now"
            (chart,) = [c for c in charts if c["label"] == label]
            nonzero = sum(s > 0 for s in feature["reference_shares"] + feature["current_shares"])
            assert sum(h > 0 for _, _, h in chart["bars"]) == nonzero, feature["name"]
        (over_time,) = [c for c in charts if "per period" in c["label"]]
        drawn = {series for series, width, height in over_time["lines"] if width and height}
        assert drawn == {"live_roc_auc", "estimated_roc_auc", "label_coverage"}

        page.screenshot(path=str(SCREENSHOT), full_page=True)

    width, height = png_size(SCREENSHOT)
    assert width == 1280 and height > 2000, "the screenshot is not the whole page"
    assert SCREENSHOT.stat().st_size > 50_000


def test_the_browser_checks_catch_a_misbehaving_page(browser):
    """The checks above can fail: a page with a script error, a console error and a request
    to another host is caught on each count (the request aborted before it leaves)."""
    bad = (
        "<!DOCTYPE html><html><head><title>bad</title></head><body>"
        "<script>console.error('boom'); null.x;</script>"
        '<img src="http://192.0.2.1/pixel.png" alt="">'
        "</body></html>"
    )
    with serving(bad) as url, visiting(browser, url) as (_, visit):
        assert any("boom" in text for text in visit.console_errors)
        assert visit.page_errors
        assert visit.elsewhere() == ["http://192.0.2.1/pixel.png"]
