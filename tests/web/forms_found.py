"""Find every form a signed-in person can post: crawl the site's pages from the plan list,
following its own links, and read each ``<form method="post">`` with its fields.

Used by the hostile-input and CSRF tests, so a form added later is covered
without anyone listing it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Links that end the session or download a file: not pages with forms to follow.
SKIPPED_PREFIXES = ("/static/", "/admin/", "/api/", "/accounts/logout/")
SKIPPED_SUFFIXES = (".pdf", ".docx", ".pptx", ".xlsx", ".html", ".csv", ".json", ".yaml")


@dataclass
class FormField:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)
    id: str | None = None


@dataclass
class Form:
    page: str  # where it was found
    action: str
    fields: list[FormField] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    @property
    def signature(self) -> tuple[str, tuple[str, ...]]:
        """The URL pattern and field names: the same form on another item's page is one."""
        try:
            route = resolve(urlsplit(self.action).path).route
        except Resolver404:
            route = self.action
        return route, tuple(sorted(f.name for f in self.fields))

    def data(self) -> dict[str, str]:
        """What a browser would post as the page stands: checked boxes and first options."""
        values: dict[str, str] = {}
        for item in self.fields:
            if item.kind in ("submit", "button", "image", "reset", "file"):
                continue
            if item.kind in ("radio", "checkbox") and item.name in values:
                continue
            if item.kind == "select":
                values[item.name] = item.value or (item.options[0] if item.options else "")
            else:
                values[item.name] = item.value
        return values


class _PageParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.ids: set[str] = set()
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a" and found.get("href"):
            self.links.append(found["href"])
        elif tag == "form":
            if found.get("method", "get").lower() == "post":
                action = urljoin(self.page, found.get("action") or self.page)
                self._form = Form(page=self.page, action=action)
                self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and found.get("name"):
            kind = found.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("radio", "checkbox") and "checked" not in found:
                value = ""
            else:
                value = found.get("value", "")
            self._form.fields.append(
                FormField(found["name"], kind, value, [found.get("value", "")], found.get("id"))
            )
        elif self._form is not None and tag == "textarea" and found.get("name"):
            self._textarea = FormField(found["name"], "textarea", "", [], found.get("id"))
            self._form.fields.append(self._textarea)
        elif self._form is not None and tag == "select" and found.get("name"):
            self._select = FormField(found["name"], "select", "", [], found.get("id"))
            self._form.fields.append(self._select)
        elif self._select is not None and tag == "option":
            self._select.options.append(found.get("value", ""))
            if "selected" in found:
                self._select.value = found.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(page: str, html: str) -> tuple[list[str], list[Form], set[str]]:
    parser = _PageParser(page)
    parser.feed(html)
    for form in parser.forms:
        form.ids = parser.ids
    return parser.links, parser.forms, parser.ids


def crawl(client: Client, starts: list[str], limit: int = 150) -> list[Form]:
    """Every distinct post form on the pages reachable from ``starts`` (at most ``limit``)."""
    seen = set(starts)
    queue = deque(starts)
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    visited = 0
    while queue and visited < limit:
        page = queue.popleft()
        response = client.get(page)
        visited += 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        links, found, _ = parse(page, response.content.decode("utf-8"))
        for form in found:
            forms.setdefault(form.signature, form)
        for link in links:
            target = urljoin(page, link)
            parts = urlsplit(target)
            if parts.netloc or parts.scheme:
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
                continue
            if path not in seen:
                seen.add(path)
                queue.append(path)
    return [form for form in forms.values() if not form.action.startswith(SKIPPED_PREFIXES)]
