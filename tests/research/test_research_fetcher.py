"""Fetcher behaviour against a scripted local server: robots, retries, redirects, limits, encodings, 304."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from research_server import scripted_server

from sophia_crew.engines.research.fetcher import USER_AGENT, Fetcher, FetchError, FetchPolicy
from sophia_crew.engines.research.serve import serve_directory
from sophia_crew.errors import InputError

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "research" / "site"


class Sleeps:
    """Records waits instead of sleeping, so retry/backoff tests run instantly."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def server():
    with scripted_server() as (base, state):
        yield base, state


def make(tmp_path: Path, sleeps: Sleeps | None = None, **policy) -> Fetcher:
    defaults = {"min_interval": 0.0, "max_attempts": 3, "backoff_base": 0.01, "max_retry_after": 5.0}
    return Fetcher(tmp_path / "cache", FetchPolicy(**{**defaults, **policy}), sleep=sleeps or Sleeps())


def test_robots_disallow_blocks_and_never_requests(server, tmp_path):
    base, state = server
    with make(tmp_path) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/private/page.html")
    assert err.value.reason == "robots_disallowed"
    assert "robots.txt" in str(err.value)
    assert state.hits.get("/private/page.html") is None
    assert state.hits["/robots.txt"] == 1


def test_user_agent_names_the_tool(server, tmp_path):
    base, state = server
    with make(tmp_path) as f:
        f.fetch(f"{base}/target")
    assert set(state.user_agents) == {USER_AGENT}
    assert USER_AGENT == "sophia-crew/0.1 (+research)"


def test_429_retry_after_then_success(server, tmp_path):
    base, state = server
    sleeps = Sleeps()
    with make(tmp_path, sleeps) as f:
        page = f.fetch(f"{base}/flaky")
    assert page.status == 200 and "Finally" in page.text
    assert state.hits["/flaky"] == 2
    assert sleeps.calls == [1.0]  # the server's Retry-After, honoured exactly


def test_retry_after_beyond_bound_gives_up_at_once(server, tmp_path):
    base, state = server
    sleeps = Sleeps()
    with make(tmp_path, sleeps) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/rate-limited-long")
    assert err.value.reason == "rate_limited"
    assert "3600" in str(err.value)
    assert state.hits["/rate-limited-long"] == 1
    assert sleeps.calls == []


def test_5xx_retried_with_backoff_then_clear_error(server, tmp_path):
    base, state = server
    sleeps = Sleeps()
    with make(tmp_path, sleeps, max_attempts=3) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/down")
    assert state.hits["/down"] == 3
    assert len(sleeps.calls) == 2 and sleeps.calls[1] >= sleeps.calls[0] > 0
    assert "HTTP 503 after 3 attempts" in str(err.value)


def test_redirect_loop_detected(server, tmp_path):
    base, state = server
    with make(tmp_path) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/loop-a")
    assert err.value.reason == "redirect_loop"
    assert "/loop-a -> " in str(err.value) and "/loop-b" in str(err.value)
    assert state.hits["/loop-a"] == 1 and state.hits["/loop-b"] == 1


def test_redirect_followed_records_final_url(server, tmp_path):
    base, _ = server
    with make(tmp_path) as f:
        page = f.fetch(f"{base}/moved")
    assert page.url == f"{base}/moved"
    assert page.final_url == f"{base}/target"
    assert page.redirects == [f"{base}/target"]
    assert len(page.content_hash) == 64 and page.fetched_at.tzinfo is not None


def test_10mb_page_refused_from_content_length(server, tmp_path):
    base, _ = server
    with make(tmp_path) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/big")
    assert err.value.reason == "too_large"
    assert "10,485,760 bytes" in str(err.value) and "not downloaded" in str(err.value)


def test_10mb_stream_without_length_aborted_at_limit(server, tmp_path):
    base, _ = server
    limit = 1024 * 1024
    with make(tmp_path, max_bytes=limit) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/big-stream")
    assert err.value.reason == "too_large"
    read = int(str(err.value).split("aborted after ")[1].split(" bytes")[0].replace(",", ""))
    assert limit < read <= limit + 64 * 1024  # stopped one chunk past the limit, not 10 MB


def test_non_html_content_type_refused(server, tmp_path):
    base, _ = server
    with make(tmp_path) as f, pytest.raises(FetchError) as err:
        f.fetch(f"{base}/report.pdf")
    assert err.value.reason == "content_type"
    assert "application/pdf" in str(err.value)


def test_broken_encoding_replaced_not_crashing(server, tmp_path):
    base, _ = server
    with make(tmp_path) as f:
        page = f.fetch(f"{base}/broken-utf8")
    assert page.encoding == "utf-8" and page.encoding_errors is True
    assert "Preis: 49 €" in page.text and "\ufffd" in page.text


def test_undeclared_latin1_detected(server, tmp_path):
    base, _ = server
    with make(tmp_path) as f:
        page = f.fetch(f"{base}/latin1")
    assert "Müller & Söhne GmbH" in page.text and "Größere" in page.text
    assert page.encoding_errors is False


def test_etag_304_served_from_cache(server, tmp_path):
    base, state = server
    with make(tmp_path) as f:
        first = f.fetch(f"{base}/etag")
        second = f.fetch(f"{base}/etag")
    assert (first.status, first.from_cache) == (200, False)
    assert (second.status, second.from_cache) == (304, True)
    assert second.text == first.text and second.content_hash == first.content_hash
    assert state.conditional == ["304"]


def test_last_modified_304_via_served_directory(tmp_path):
    with serve_directory(SITE) as base, make(tmp_path) as f:
        first = f.fetch(f"{base}/pricing.html")
        second = f.fetch(f"{base}/pricing.html")
    assert first.last_modified and first.status == 200
    assert second.status == 304 and second.from_cache and second.text == first.text


def test_cache_max_age_skips_network(server, tmp_path):
    base, state = server
    with make(tmp_path, cache_max_age=3600) as f:
        f.fetch(f"{base}/target")
        again = f.fetch(f"{base}/target")
    assert again.from_cache and state.hits["/target"] == 1


def test_per_host_rate_limit_and_crawl_delay(tmp_path):
    sleeps = Sleeps()
    with scripted_server("User-agent: *\nCrawl-delay: 2\n") as (base, _):
        f = Fetcher(tmp_path / "c", FetchPolicy(min_interval=0.5), sleep=sleeps, clock=lambda: 100.0)
        with f:
            f.fetch(f"{base}/target")
            f.fetch(f"{base}/etag")
    # robots.txt first (no wait), then each page waits the crawl-delay (2 s > min_interval 0.5 s)
    assert sleeps.calls == [2.0, 2.0]


def test_bad_url_is_input_error(tmp_path):
    with make(tmp_path) as f:
        for bad in ("file:///etc/passwd", "not a url", "ftp://example.org/x"):
            with pytest.raises(InputError):
                f.fetch(bad)


def test_timeout_retried_then_clear_error(server, tmp_path):
    base, state = server
    sleeps = Sleeps()
    # robots off: only the page request should meet the tiny timeout
    with (
        make(tmp_path, sleeps, timeout=0.1, max_attempts=2, respect_robots=False) as f,
        pytest.raises(FetchError) as err,
    ):
        f.fetch(f"{base}/slow")
    assert err.value.reason == "network" and "timed out after 2 attempts" in str(err.value)
    assert state.hits["/slow"] == 2 and len(sleeps.calls) == 1
