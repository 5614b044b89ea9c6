"""The built site through the web's own checkers: the Nu Html Checker and axe-core."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import AXE_JS, PAGE_KINDS, VNU_JAR, require


def run_vnu(*args: str) -> list[dict]:
    require(VNU_JAR.is_file(), "The Nu Html Checker (node_modules/vnu-jar)", "npm ci --ignore-scripts")
    require(shutil.which("java") is not None, "Java", "apt-get install default-jre-headless")
    # TieredStopAtLevel=1 halves the start-up; it needs the larger stack.
    command = ["java", "-XX:TieredStopAtLevel=1", "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr or result.stdout)
    return [m for m in report["messages"] if m["type"] == "error" or m.get("subType") == "fatal"]


def test_every_page_passes_the_nu_html_checker(built_site, prefixed_site):
    pages = [*sorted(str(p) for p in built_site.rglob("*.html")), str(prefixed_site / "404.html")]
    assert len(pages) > 30
    errors = run_vnu("--skip-non-html", *pages)
    assert errors == [], "\n".join(f"{e['url']}:{e.get('lastLine')}: {e['message']}" for e in errors)


def test_the_stylesheet_passes_the_css_check(built_site):
    errors = run_vnu("--css", str(built_site / "static/style.css"))
    assert errors == [], "\n".join(f"{e.get('lastLine')}: {e['message']}" for e in errors)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_axe_finds_no_violations(desktop, prefixed_server, kind, scheme):
    require(AXE_JS.is_file(), "axe-core (node_modules/axe-core)", "npm ci --ignore-scripts")
    page = desktop.page
    page.emulate_media(color_scheme=scheme)
    page.goto(prefixed_server + PAGE_KINDS[kind])
    # Evaluated from outside, as a devtools console does: the pages' Content-Security-Policy forbids the
    # inline <script> that add_script_tag would insert.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    page.emulate_media(color_scheme="light")
    desktop.take_errors()
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert violations == []
