"""The site in Chromium, as a reader uses it: served under a GitHub Pages project path."""

from __future__ import annotations

import pytest
from conftest import PAGE_KINDS, SCREENSHOTS

OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def goto(watch, url: str) -> None:
    watch.page.goto(url, wait_until="load")


def test_a_reader_goes_from_home_to_a_quote_a_company_and_the_timeline(desktop, prefixed_server):
    page = desktop.page
    goto(desktop, prefixed_server + "index.html")
    page.locator(".latest .card-title a").first.click()
    assert "/some-repo/articles/" in page.url
    title = page.locator("h1").inner_text()

    # A claim's quote leads to its highlighted place in the raw capture.
    quote = page.locator("tr.claim .quote a").first
    claim_id = quote.get_attribute("href").split("#q-")[1]
    quote.click()
    assert "/some-repo/captures/" in page.url and page.url.endswith(f"#q-{claim_id}")
    target = page.locator(f"mark#q-{claim_id}")
    assert target.is_visible() and "hl-claim" in target.get_attribute("class")
    assert page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }",
        f"q-{claim_id}",
    ), "the highlighted passage is scrolled into view"
    assert page.locator("h1").inner_text() == title

    # Back on the article, a company chip opens the company's page.
    page.go_back()
    chip = page.locator(".article-header .chip").first
    company = chip.inner_text()
    chip.click()
    assert "/some-repo/companies/" in page.url and page.locator("h1").inner_text() == company

    # The timeline, filtered by that company, shows only its entries.
    page.get_by_role("link", name="Timeline", exact=True).click()
    assert page.url.endswith("/some-repo/timeline.html")
    total = page.locator(".tl-entry").count()
    slug = page.locator("#timeline-company option", has_text=company).get_attribute("value")
    page.select_option("#timeline-company", slug)
    visible = page.locator(".tl-entry:visible")
    assert 0 < visible.count() < total
    for index in range(visible.count()):
        assert slug in visible.nth(index).get_attribute("data-companies").split()
    assert f"company={slug}" in page.url

    # The company page's own link to the timeline opens it filtered to the company.
    page.go_back()
    page.locator(".on-timeline a").click()
    assert page.locator("#timeline-company").input_value() == slug
    assert page.locator(".tl-entry:visible").count() == visible.count()
    assert desktop.take_errors() == []


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_kind_of_page_loads_cleanly_and_fits(request, viewport, prefixed_server):
    watch = request.getfixturevalue(viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for kind, path in PAGE_KINDS.items():
        for scheme in ("light", "dark"):
            watch.page.emulate_media(color_scheme=scheme)
            goto(watch, prefixed_server + path)
            if kind == "search":  # the results come after the load event: wait for them, then look
                watch.page.wait_for_selector(".pagefind-ui__result-link")
            errors = watch.take_errors()
            if kind == "404":  # the page itself answers 404, as it must; nothing else may fail
                errors = [e for e in errors if not ((e.endswith(path) and "HTTP 404" in e) or "status of 404" in e)]
                assert watch.page.locator("h1").inner_text() == "Page not found"
            assert errors == [], f"{kind} ({viewport}, {scheme}): {errors}"
            assert not watch.page.evaluate(OVERFLOW), f"{kind} overflows horizontally at {viewport} width"
            assert watch.page.locator("link[rel=stylesheet]").count() == (2 if kind == "search" else 1)
            assert watch.page.evaluate("getComputedStyle(document.body).fontFamily") != ""
            watch.page.screenshot(path=str(SCREENSHOTS / f"{kind}-{viewport}-{scheme}.png"), full_page=True)
    watch.page.emulate_media(color_scheme="light")


KEY = "e => e.tagName + '|' + (e.getAttribute('href') || e.name || e.id || '') + '|' + e.innerText"


def _focusables(page) -> set[str]:
    return set(
        page.evaluate(
            f"""() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
              .filter(e => !e.closest('[hidden]') && e.offsetParent !== null && !e.disabled).map({KEY})"""
        )
    )


FOCUS_STYLE = f"""() => {{ const e = document.activeElement; const s = getComputedStyle(e);
  return {{tag: e.tagName, text: (e.innerText || e.value || '').slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none',
          key: ({KEY})(e)}}; }}"""


@pytest.mark.parametrize("kind", ["home", "timeline", "article"])
def test_every_link_and_control_is_reachable_by_tab_with_a_visible_focus(desktop, prefixed_server, kind):
    page = desktop.page
    goto(desktop, prefixed_server + PAGE_KINDS[kind])
    expected = _focusables(page)
    assert len(expected) > 5
    seen = set()
    page.locator("body").focus()
    total = page.evaluate("document.querySelectorAll('a[href], button, input, select, textarea, summary').length")
    for _ in range(total + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["tag"] == "BODY":
            break
        assert state["outline"] or state["shadow"], f"no visible focus on {state['tag']} {state['text']!r}"
        seen.add(state["key"])
    assert expected <= seen, f"Tab never reached {sorted(expected - seen)[:5]}"
    assert desktop.take_errors() == []


def test_the_site_opens_from_disk(desktop, prefixed_site):
    page = desktop.page
    goto(desktop, (prefixed_site / "index.html").as_uri())
    page.get_by_role("link", name="Companies", exact=True).click()
    assert page.url.endswith("/companies/index.html")
    page.locator("tbody a").first.click()
    assert page.locator("h1").inner_text()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert desktop.take_errors() == []
