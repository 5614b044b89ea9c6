"""Whatever a content page or a capture holds, loading and building end in a site or in reported
problems (BuildFailed, which the command line prints without a traceback), never in another error."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from conftest import CAPTURE, GOOD_PAGE, MINIMAL_SITE_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsite.build.builder import Builder
from microsite.errors import BuildFailed
from microsite.model.loader import load_site

KEYS = ["title", "publisher", "published", "date_note", "url", "seed", "draft", "story", "companies", "sources",
        "claims", "comments", "id", "statement", "quote", "source", "status", "event_date", "items", "text", "name",
        "kind", "note", "stance", "votes", "reply_to", "digest", "unknown"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["2017-12", "2017-13-45", "0000-00-00", "Huawei", "PhoneArena", "capture.txt", "reported", "x"]),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    max_leaves=25,
)
front_matters = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)


def site_with(page: str, capture: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix="property-"))
    (root / "content").mkdir()
    (root / "seeds").mkdir()
    (root / "site.yaml").write_text(MINIMAL_SITE_YAML, encoding="utf-8")
    (root / "seeds/capture.txt").write_text(capture, encoding="utf-8", errors="surrogatepass")
    (root / "content/talks.md").write_text(page, encoding="utf-8", errors="surrogatepass")
    return root


def loads_or_reports(root: Path) -> None:
    try:
        load_site(root)
    except BuildFailed as failed:
        assert failed.problems, "a failure with no problem to show"
        assert failed.report()  # the text the command line prints


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(front_matters)
def test_random_front_matter_loads_or_is_reported(data):
    page = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nA body.\n"
    loads_or_reports(site_with(page, CAPTURE))


@PROPERTY
@given(st.text(max_size=300))
def test_random_text_as_a_page_loads_or_is_reported(text):
    loads_or_reports(site_with(text, CAPTURE))


@PROPERTY
@given(st.text(max_size=200), st.text(min_size=1, max_size=2000))
def test_random_text_in_the_front_matter_or_the_capture_loads_or_is_reported(title_noise, capture):
    page = GOOD_PAGE.replace("title: Huawei talks to AT&T", "title: " + title_noise.replace("\n", " "), 1)
    loads_or_reports(site_with(page, capture))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=400), st.data())
def test_a_quote_taken_from_random_capture_text_builds_or_is_reported(capture, data):
    # Whole builds (every template) of pages whose quote is a random slice of a random capture.
    start = data.draw(st.integers(0, len(capture) - 1))
    end = data.draw(st.integers(start + 1, len(capture)))
    quote = capture[start:end]
    without_comments = GOOD_PAGE.split("comments:")[0] + "---\nA body.\n"  # its comments quote another capture
    page = without_comments.replace(
        "quote: Huawei is reportedly negotiating with US carriers", "quote: " + json.dumps(quote)
    )
    root = site_with(page, capture)
    try:
        Builder(root, root / "_site", cache=False).build()
    except BuildFailed as failed:
        assert failed.problems and failed.report()
