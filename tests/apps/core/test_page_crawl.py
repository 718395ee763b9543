"""Every page a demo member can reach by clicking is a page worth showing, in both languages.

Seeds the demo, signs in as each demo member (and then as a visitor) in English and in German,
starts at `/` and follows every same-site link breadth-first (GET only; not the admin, the
API, static files or calendar feeds). Each page must answer 200 (directly or after a
redirect) in the person's language, have exactly one <h1>, a label for every field (`<label
for>`, an enclosing label or aria-label), no id twice, a CSRF token in every POST form, no raw
enum values (`needs_agreement`) in its text and, in German, no English UI text of 3+ words:
neither a msgid whose German differs nor one of our strings still without German. A broken
link graph, or a demo that lost its objects, shows up as pages not reached.
"""

from __future__ import annotations

import ast
import io
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import CharField, TextField
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from apps.accounts.models import User
from apps.tandems.models import Membership

ROOT = Path(__file__).resolve().parents[3]
MAX_PAGES = 300
# Pages of one kind (an occurrence, a decision) link on to the next one without end; a few of
# each kind say as much as all of them.
MAX_PAGES_PER_KIND = 12
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/accounts/logout/", "/i18n/")
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Text of these elements is not shown to people (or is code).
INVISIBLE = {"script", "style", "template", "noscript"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Shown text that reads like a raw enum value or a field name (`needs_approval`, `action_item`).
RAW_VALUE = re.compile(r"(?<![\w/.@-])[a-z]+(?:_[a-z]+)+(?![\w/.@-])")


@dataclass
class Page:
    """What the crawler needs from one HTML page."""

    links: list[str] = field(default_factory=list)
    h1_count: int = 0
    ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    fields: list[dict[str, str]] = field(default_factory=list)
    wrapped_fields: set[int] = field(default_factory=set)
    text: list[str] = field(default_factory=list)
    post_forms_without_csrf: list[str] = field(default_factory=list)
    lang: str = ""

    @property
    def shown_text(self) -> str:
        return " ".join(" ".join(self.text).split())


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.label_depth = 0
        self.post_form: tuple[str, bool] | None = None  # (action, has its CSRF token)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        page = self.page
        if "id" in attributes:
            page.ids.append(attributes["id"])
        if tag == "html":
            page.lang = attributes.get("lang", "")
        elif tag == "a" and "href" in attributes:
            page.links.append(attributes["href"])
        elif tag == "h1":
            page.h1_count += 1
        elif tag == "form" and attributes.get("method", "get").lower() == "post":
            self.post_form = (attributes.get("action", ""), False)
        elif tag == "input" and attributes.get("name") == "csrfmiddlewaretoken" and self.post_form:
            self.post_form = (self.post_form[0], True)
        elif tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                page.label_for.add(attributes["for"])
        elif tag in {"input", "select", "textarea"} and (
            attributes.get("type", "text").lower() not in UNLABELLED_TYPES
        ):
            if self.label_depth:
                page.wrapped_fields.add(len(page.fields))
            page.fields.append({"tag": tag, **attributes})
        for name in ("placeholder", "aria-label", "title", "alt"):
            if attributes.get(name) and not self._hidden():
                page.text.append(attributes[name])
        if tag == "input" and attributes.get("type") in {"submit", "button"}:
            page.text.append(attributes.get("value", ""))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth:
            self.label_depth -= 1
        if tag == "form" and self.post_form is not None:
            if not self.post_form[1]:
                self.page.post_forms_without_csrf.append(self.post_form[0])
            self.post_form = None
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._hidden():
            self.page.text.append(data)

    def _hidden(self) -> bool:
        return any(tag in INVISIBLE for tag in self.stack)


def parse(html: str) -> Page:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


GETTEXT_NAMES = {
    "_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy",
}  # fmt: skip
# What `templatize` turns {% translate %} and {% blocktranslate %} into, as makemessages reads it.
TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\(((?:\s*u'(?:[^'\\]|\\.)*'\s*,?)+)")
LITERAL = re.compile(r"u'((?:[^'\\]|\\.)*)'")


def source_msgids() -> list[tuple[str, str, str]]:
    """(context, msgid, plural msgid) of every translatable string in our templates and code,
    read the way makemessages reads them: so a string is checked even before it reaches the
    catalogue."""
    found: list[tuple[str, str, str]] = []
    for template in (ROOT / "templates").rglob("*.html"):
        for call in TEMPLATE_CALL.finditer(templatize(template.read_text(encoding="utf-8"))):
            args = [ast.literal_eval(f"'{text}'") for text in LITERAL.findall(call.group(2))]
            context = args.pop(0) if call.group(1).startswith(("p", "np")) else ""
            found.append(
                (context, args[0], args[1] if call.group(1).startswith(("n", "np")) else "")
            )
    for module in [*(ROOT / "apps").rglob("*.py"), *(ROOT / "tandem").rglob("*.py")]:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if name not in GETTEXT_NAMES or not args or not all(isinstance(a, str) for a in args):
                continue
            context = args.pop(0) if name.startswith(("p", "np")) else ""
            if args:
                found.append(
                    (
                        context,
                        args[0],
                        args[1] if name.startswith(("n", "np")) and len(args) > 1 else "",
                    )
                )
    return found


def english_leftovers() -> list[tuple[str, re.Pattern[str]]]:
    """One pattern per English text of 3+ words that a German page must not show: every msgid
    whose German differs, and every msgid of our sources that has no German yet.

    The compiled catalogue gives every translated msgid (Django's own included); our
    templates and code add the strings still waiting for their German. A msgid with
    placeholders or markup contributes its literal pieces of 3+ words.
    """
    pairs: list[tuple[str, str]] = []
    with translation.override("de"):
        catalog = trans_real.translation("de")._catalog  # type: ignore[attr-defined]
    for key, german in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        pairs.append((msgid.split("\x04")[-1], german))
    for context, msgid, plural in source_msgids():
        key = f"{context}\x04{msgid}" if context else msgid
        if plural:
            forms = [catalog.get((key, n)) for n in (0, 1)]
            german = " ".join(f for f in forms if f) if all(forms) else ""
            pairs += [(msgid, german), (plural, german)]
        else:
            pairs.append((msgid, catalog.get(key) or ""))
    patterns = set()
    for msgid, german in pairs:
        if not msgid or german == msgid:
            continue
        for piece in re.split(r"<[^>]*>|%\(\w+\)[sd]|%[sd]|\{\w*\}", msgid):
            words = " ".join(piece.split()).strip(" .,:;…")
            if len(words.split()) >= 3 and words not in german:
                patterns.add(words)
    return [(w, re.compile(rf"(?<!\w){re.escape(w)}(?!\w)")) for w in sorted(patterns)]


def people_wrote() -> list[str]:
    """Every text of 3+ words people (or the demo) stored: it is content, not the UI, so
    English there is no untranslated leftover (a cycle may be titled like its template)."""
    texts: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, CharField | TextField) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            texts.update(
                " ".join(v.split()) for v in row if isinstance(v, str) and v.count(" ") >= 2
            )
    return sorted(texts, key=len, reverse=True)


def same_site_path(base: str, href: str) -> str | None:
    """The path (with query) a link leads to, or None if the crawler does not follow it."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url, _ = urldefrag(urljoin("http://testserver" + base, href))
    parts = urlsplit(url)
    if parts.netloc != "testserver":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(".ics"):
        return None
    return path


def kind_of(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return "?"


@dataclass
class Crawl:
    visited: dict[str, str] = field(default_factory=dict)  # path -> url name
    html: list[str] = field(default_factory=list)  # the visited paths that are HTML pages
    problems: list[str] = field(default_factory=list)


def crawl(
    client: Client,
    *,
    language: str,
    start: str = "/",
    signed_in: bool = True,
    per_kind: int = MAX_PAGES_PER_KIND,
    checked: bool = True,
) -> Crawl:
    """Follow every same-site link from `start`, breadth-first, and check each page (at most
    `per_kind` pages of one kind; `checked=False` only finds them)."""
    result = Crawl()
    german = language == "de" and checked
    leftovers = english_leftovers() if german else []
    content = people_wrote() if german else []
    queue: deque[str] = deque([start])
    seen = {start}
    kinds: Counter[str] = Counter()
    while queue and len(result.visited) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path, follow=True)
        where = path
        if response.redirect_chain:
            final = response.redirect_chain[-1][0]
            where = f"{path} → {final}"
            if final.startswith("/accounts/login/") and not path.startswith("/accounts/login/"):
                if signed_in:
                    result.problems.append(f"{where}: a member is sent to the login page")
                continue
        if response.status_code != 200:
            result.problems.append(f"{where}: answers {response.status_code}")
            continue
        final_path = response.request["PATH_INFO"]
        result.visited[path] = kind_of(final_path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        result.html.append(path)
        page = parse(response.content.decode())
        if checked:
            problems = check(page, language, leftovers, content)
            result.problems.extend(f"{where}: {problem}" for problem in problems)
        for href in page.links:
            target = same_site_path(final_path, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            kind = kind_of(target)
            kinds[kind] += 1
            if kinds[kind] <= per_kind:
                queue.append(target)
    return result


def check(
    page: Page, language: str, leftovers: list[tuple[str, re.Pattern[str]]], content: list[str]
) -> list[str]:
    problems = []
    if page.lang != language:
        problems.append(f"is in {page.lang!r}, not {language!r}")
    if page.h1_count != 1:
        problems.append(f"has {page.h1_count} <h1> elements instead of one")
    if page.post_forms_without_csrf:
        problems.append(f"posts without a CSRF token to {page.post_forms_without_csrf}")
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        problems.append(f"repeats the ids {duplicates}")
    for index, attrs in enumerate(page.fields):
        labelled = (
            attrs.get("id") in page.label_for
            or attrs.get("aria-label")
            or attrs.get("aria-labelledby")
            or index in page.wrapped_fields
        )
        if not labelled:
            problems.append(f"has an unlabelled <{attrs['tag']} name={attrs.get('name')!r}>")
    text = page.shown_text
    raw = sorted(set(RAW_VALUE.findall(text)))
    if raw:
        problems.append(f"shows raw values {raw}")
    for written in content:
        text = text.replace(written, " ")
    english = [words for words, pattern in leftovers if words in text and pattern.search(text)]
    if english:
        problems.append(f"shows English in German: {english}")
    return problems


def expected_page_names(user: User) -> set[str]:
    """URL names every member must reach from the home page, whatever the demo's details."""
    names = {
        "home",
        "notifications:inbox",
        "accounts:preferences",
        "tandems:overview",
        "tandems:vision",
        "delegation:matrix",
        "delegation:history",
        "delegation:decisions",
        "delegation:decision",
        "delegation:decision_new",
        "checkins:index",
        "checkins:occurrence",
        "checkins:action_items",
        "feedback:index",
        "feedback:cycle",
        "feedback:appreciations",
    }
    if Membership.objects.filter(user=user, role="leader").exists():
        names |= {"delegation:review", "delegation:area_edit"}
    return names


# A floor per member, a little under what the demo gives today (counting at most
# MAX_PAGES_PER_KIND pages of one kind): fewer pages means a link or a demo object went missing.
MIN_PAGES = {"lena": 50, "alex": 60, "markus": 35}


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_a_demo_member_reaches_is_sound(db: None, language: str) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    problems, missing, too_few = [], {}, {}
    for member, floor in MIN_PAGES.items():
        user = User.objects.get(email=f"{member}@demo.tandem.local")
        user.language = language
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)

        result = crawl(client, language=language)

        problems += [f"{member}: {problem}" for problem in result.problems]
        if unreached := expected_page_names(user) - set(result.visited.values()):
            missing[member] = sorted(unreached)
        if len(result.visited) < floor:
            too_few[member] = len(result.visited)

    assert problems == [], "\n".join(problems)
    assert missing == {}
    assert too_few == {}


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_a_visitor_reaches_is_sound(db: None, language: str) -> None:
    client = Client(headers={"accept-language": language})

    result = crawl(client, language=language, start="/accounts/login/", signed_in=False)

    assert result.problems == [], "\n".join(result.problems)
    assert {"login", "signup", "password_reset"} <= set(result.visited.values())


SOUND_PAGE = (
    '<html lang="de"><body><h1>Start</h1>'
    '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x">'
    '<label for="id_a">A</label><input id="id_a" name="a">'
    '<label>B <select name="b"></select></label>'
    '<textarea name="c" aria-label="C"></textarea></form></body></html>'
)


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        (SOUND_PAGE.replace('lang="de"', 'lang="en"'), "is in 'en', not 'de'"),
        (SOUND_PAGE.replace("<h1>Start</h1>", ""), "has 0 <h1> elements instead of one"),
        (SOUND_PAGE.replace('name="b"', 'name="b" id="id_a"'), "repeats the ids ['id_a']"),
        (SOUND_PAGE.replace(' aria-label="C"', ""), "has an unlabelled <textarea name='c'>"),
        (
            SOUND_PAGE.replace('name="csrfmiddlewaretoken"', 'name="token"'),
            "posts without a CSRF token to ['']",
        ),
        (SOUND_PAGE.replace("Start", "needs_agreement"), "shows raw values ['needs_agreement']"),
        (
            SOUND_PAGE.replace("Start", "Change or stop the series"),
            "shows English in German: ['Change or stop']",
        ),
    ],
)
def test_the_checker_notices(html: str, problem: str) -> None:
    leftovers = [("Change or stop", re.compile(r"(?<!\w)Change or stop(?!\w)"))]

    assert check(parse(SOUND_PAGE), "de", leftovers, []) == []
    assert check(parse(html), "de", leftovers, []) == [problem]


def test_what_people_wrote_is_not_an_english_leftover() -> None:
    leftovers = [("Change or stop", re.compile(r"(?<!\w)Change or stop(?!\w)"))]
    page = parse(SOUND_PAGE.replace("Start", "Change or stop"))

    assert check(page, "de", leftovers, ["Change or stop"]) == []
