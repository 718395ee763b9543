"""Every page of the page crawl, checked by axe-core in Chromium against WCAG 2.2 A and AA.

The demo is seeded; the crawl of tests/apps/core/test_page_crawl.py (the Django test client,
fast) finds the pages the leader (Lena) and the assistant (Alex) reach, in English and in
German, and the pages a visitor reaches. Each page is then opened in the browser and checked
with axe-core (the npm package's axe.min.js, pinned in package-lock.json) in two of four looks
— a desktop or a 375 px phone, in the light or the dark theme (`prefers-color-scheme`) — so
that every kind of page is checked in all four looks and in both languages, and the run stays
within a few minutes: English on the light desktop and the dark phone, German on the light
phone and the dark desktop (LOOKS).

A violation of impact "serious" or "critical" fails the test, always. A lesser one fails it
unless KNOWN lists its rule for that kind of page with the reason, which docs/accessibility.md
repeats. Every run writes the results per page to var/accessibility.md (the table in
docs/accessibility.md is copied from it).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from apps.core.demo import DEMO_PASSWORD
from tests.apps.core.test_page_crawl import crawl
from tests.conftest import Pair
from tests.e2e.conftest import login, screenshot
from tests.e2e.scenes import busy, people

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = Path(os.environ.get("TANDEM_A11Y_RESULTS", ROOT / "var" / "accessibility.md"))
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what EN 301 549 and BITV 2.0 point to.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Pages of one kind share a template: two of each kind say what all of them would.
PER_KIND = 2
MEMBERS = {"leader": "lena@demo.tandem.local", "assistant": "alex@demo.tandem.local"}
DESKTOP, PHONE = {"width": 1200, "height": 900}, {"width": 375, "height": 812}
LOOKS = {
    "en": {
        "desktop": {"viewport": DESKTOP, "color_scheme": "light"},
        "phone dark": {"viewport": PHONE, "color_scheme": "dark"},
    },
    "de": {
        "phone": {"viewport": PHONE, "color_scheme": "light"},
        "desktop dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    },
}
# Minor or moderate violations we know and accept, by (rule id, kind of page: the URL name,
# "*" for every page), with the reason; docs/accessibility.md lists them too.
KNOWN: dict[tuple[str, str], str] = {}

# A page in a second state: sent empty (its errors shown next to its fields), and for the
# decision log an area chosen afterwards (the live classification preview filled in).
STATES = {
    "delegation:decision_new": "form.decision-form button[name=save]",
    "signup": "main form button[type=submit]",
}
SENT_EMPTY = " (sent empty)"
RUN_AXE = """async (tags) => {
  // What a click would unfold (the numbers under a chart, an edit form) is checked too.
  document.querySelectorAll("details:not([open])").forEach(d => { d.open = true; });
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  const found = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
  // The keyboard follows the reading order: no element jumps the queue with tabindex > 0.
  const jumping = [...document.querySelectorAll("[tabindex]")].filter(e => e.tabIndex > 0);
  if (jumping.length) found.push({
    id: "positive-tabindex", impact: "serious", help: "Focus order follows the page's order",
    nodes: jumping.slice(0, 3).map(e => e.outerHTML.slice(0, 80)),
  });
  return found;
}"""


@dataclass(frozen=True)
class Finding:
    who: str
    language: str
    look: str
    path: str
    kind: str
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.who}/{self.language}/{self.look} {self.path} ({self.kind}): "
            f"{self.impact} {self.rule} — {self.help} at {', '.join(self.nodes)}"
        )


def pages_of(email: str | None, language: str) -> dict[str, str]:
    """path -> kind of page, for what this person (or a visitor) reaches by clicking."""
    if email is None:
        client = Client(headers={"accept-language": language})
        found = crawl(
            client, language=language, start="/accounts/login/", signed_in=False, per_kind=PER_KIND
        )
        return {path: found.visited[path] for path in found.html}
    user = User.objects.get(email=email)
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    found = crawl(client, language=language, per_kind=PER_KIND, checked=False)
    return {path: found.visited[path] for path in found.html}


def states(pages: dict[str, str]) -> list[tuple[str, str]]:
    """One page of each kind in STATES, to be checked once more in its second state."""
    first: dict[str, str] = {}
    for path, kind in pages.items():
        if kind in STATES:
            first.setdefault(kind, path)
    return [(path, kind + SENT_EMPTY) for kind, path in first.items()]


def send_empty(page, button: str) -> None:  # type: ignore[no-untyped-def]
    """Send the form without its browser-side checks, as a person without them would."""
    page.evaluate("document.querySelectorAll('form').forEach(f => { f.noValidate = true; })")
    with page.expect_navigation():
        page.locator(button).first.click()
    assert page.locator("[aria-invalid=true]").count() >= 1
    area = page.locator("form.decision-form select[name=area]")
    if area.count():
        area.select_option(index=1)
        page.wait_for_function(  # a function, not an expression: the CSP forbids eval
            "() => !document.querySelector('#classification-preview').hasAttribute('aria-busy')"
            " && !!document.querySelector('#classification-preview .badge')"
        )


def failing(findings: list[Finding], known: dict[tuple[str, str], str]) -> list[Finding]:
    """Every serious or critical finding, and every lesser one `known` does not list."""
    return [
        f
        for f in findings
        if f.impact in FAILING_IMPACTS
        or ((f.rule, f.kind) not in known and (f.rule, "*") not in known)
    ]


def report(
    findings: list[Finding], audited: dict[str, set[tuple[str, str, str, str]]], about: str
) -> str:
    """The results per kind of page, as the Markdown table docs/accessibility.md shows."""
    lines = [
        about,
        "",
        "| page (URL name) | checked as | checks | violations (rule, impact, checks) |",
        "|---|---|---|---|",
    ]
    for kind in sorted(audited):
        checks = audited[kind]
        who = sorted({c[0] for c in checks}, key=["leader", "assistant", "visitor"].index)
        found: dict[tuple[str, str], int] = defaultdict(int)
        for f in findings:
            if f.kind == kind:
                found[(f.rule, f.impact)] += 1
        said = "; ".join(f"{rule} ({impact}) ×{n}" for (rule, impact), n in sorted(found.items()))
        lines.append(f"| `{kind}` | {', '.join(who)} | {len(checks)} | {said or 'none'} |")
    return "\n".join(lines) + "\n"


def test_every_page_passes_the_automated_wcag_audit(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    assert AXE.exists(), "axe-core is missing: run `npm ci` (scripts/setup.sh does)"
    call_command("seed_demo", stdout=None)
    started = time.monotonic()
    findings: list[Finding] = []
    # kind of page -> (who, language, look, path) of each check
    audited: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    version = ""
    for who, email in [*MEMBERS.items(), ("visitor", None)]:
        for language, looks in LOOKS.items():
            pages = pages_of(email, language)
            for look, options in looks.items():
                context = browser.new_context(
                    base_url=live_server.url,
                    locale="de-DE" if language == "de" else "en-GB",
                    **options,
                )
                # An init script, not a <script> tag: the CSP (script-src 'self') stays as it is.
                context.add_init_script(path=str(AXE))
                page = context.new_page()
                if email:
                    login(page, email, DEMO_PASSWORD)
                for path, kind in [*pages.items(), *states(pages)]:
                    page.goto(path)
                    if kind.endswith(SENT_EMPTY):
                        send_empty(page, STATES[kind.removesuffix(SENT_EMPTY)])
                    audited[kind].add((who, language, look, path))
                    for v in page.evaluate(RUN_AXE, TAGS):
                        findings.append(
                            Finding(
                                who, language, look, path, kind, v["id"], v["impact"] or "",
                                v["help"], tuple(v["nodes"]),
                            )
                        )  # fmt: skip
                version = version or page.evaluate("axe.version")
                context.close()
    seconds = time.monotonic() - started
    checks = sum(len(c) for c in audited.values())
    about = (
        f"axe-core {version}, tags {', '.join(TAGS)}: {checks} page checks of "
        f"{len(audited)} kinds of page in {seconds:.0f} s."
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report(findings, audited, about), encoding="utf-8")
    print(about)

    refused = failing(findings, KNOWN)
    assert refused == [], "\n".join(sorted({str(f) for f in refused}))


def test_only_a_known_minor_finding_passes_the_audit() -> None:
    def finding(rule: str, impact: str, kind: str = "home") -> Finding:
        return Finding("leader", "en", "desktop", "/", kind, rule, impact, "", ())

    known = {("region", "home"): "a reason", ("landmark-unique", "*"): "a reason"}
    findings = [
        finding("region", "moderate"),  # known for this page
        finding("landmark-unique", "minor", kind="search:search"),  # known everywhere
        finding("region", "moderate", kind="search:search"),  # new on another page
        finding("region", "serious"),  # serious: never allowed
        finding("list", "minor"),  # a new rule
    ]

    assert failing(findings, known) == findings[2:]


BACKGROUND = "getComputedStyle(document.body).backgroundColor"
SIGN = "el => getComputedStyle(el, '::before').content"


def test_the_dark_theme_follows_the_system_setting(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    light, dark = new_page(), new_page(color_scheme="dark")
    for page in (light, dark):
        login(page, pair.leader.email)
        page.goto(f"/t/{pair.tandem.pk}/decisions/")

    # No script, no cookie: the stylesheet follows `prefers-color-scheme`.
    assert light.evaluate(BACKGROUND) == "rgb(247, 248, 250)"
    assert dark.evaluate(BACKGROUND) == "rgb(13, 17, 23)"
    # A state reads without its colour: a sign before the words, and a border of its own.
    badges = dark.locator("td .badge")
    signs = {
        badges.nth(i).inner_text(): (
            badges.nth(i).evaluate(SIGN),
            badges.nth(i).evaluate("el => getComputedStyle(el).borderTopStyle"),
        )
        for i in range(badges.count())
    }
    assert signs == {
        "Needs agreement": ('"!\u00a0" / ""', "dashed"),
        "Inform": ('"i\u00a0" / ""', "dotted"),
    }
    screenshot(dark, "decision-log-dark")
    dark.goto("/")
    screenshot(dark, "home-dark")


FOCUSED = """() => {
  const e = document.activeElement, style = getComputedStyle(e);
  return {
    what: e.tagName.toLowerCase() + (e.name ? `[name=${e.name}]` : "") + " " +
      (e.textContent || "").trim().slice(0, 30),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    inMain: !!e.closest("main"),
  };
}"""


def test_every_stop_of_the_keyboard_shows_where_it_is(new_page, pair: Pair) -> None:  # type: ignore[no-untyped-def]
    people(pair)
    busy(pair)
    page = new_page()
    login(page, pair.assistant.email)
    page.goto(f"/t/{pair.tandem.pk}/decisions/")

    stops = []
    for _ in range(45):  # the header, the tandem's navigation, the filters, the list, the form
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))

    assert [s["what"] for s in stops if not s["outline"]] == []
    assert stops[0]["what"].startswith("a Skip to content")
    assert any(s["what"].startswith("select[name=area]") for s in stops)  # the form is reached
    # Skipping to the content lands in <main>: the next Tab is the page's first control.
    page.goto(f"/t/{pair.tandem.pk}/decisions/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["inMain"]
