"""Parse an HTML report page with the standard library's HTML parser into what a reader sees.

:func:`parse_page` builds a small element tree (``html.parser``), then :class:`Page` reads the
report's parts by the page's own structure: the title, the head and section items, each table's
headers and cells, the legend, the provenance lines, the figures' JSON specs, and every URL the page
would load (``src``, ``href``), so a test can check that nothing is fetched from the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@dataclass
class Node:
    """An element: tag, attributes, children (elements or text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All text inside, joined."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]

    def elements(self, tag: str | None = None) -> list[Node]:
        """Direct child elements (of a tag)."""
        return [c for c in self.children if isinstance(c, Node) and (tag is None or c.tag == tag)]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            while len(self.stack) > 1 and self.stack[-1].tag != tag:
                self.stack.pop()
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Table:
    title: str
    headers: list[str]
    fields: list[str]
    types: list[str]
    rows: list[list[str]]
    emphasis: list[bool]
    empty: str
    has_filter: bool


@dataclass
class Item:
    key: str
    value: str
    detail: str
    emphasis: bool


@dataclass
class Page:
    """The parts of one report page."""

    root: Node
    doctype: bool

    @property
    def title(self) -> str:
        return self.root.find("h1", id="report-title").text()

    @property
    def document_title(self) -> str:
        return self.root.find("title").text()

    @staticmethod
    def _items(dl: Node) -> list[Item]:
        items = []
        for div in dl.elements("div"):
            dd = div.find("dd")
            details = dd.find_all("code", "detail")
            items.append(
                Item(
                    div.find("dt").text(),
                    dd.find("span", "value").text(),
                    details[0].text() if details else "",
                    "emphasis" in div.classes,
                )
            )
        return items

    @property
    def head(self) -> list[Item]:
        found = self.root.find_all("dl", "report-head")
        return self._items(found[0]) if found else []

    @property
    def tables(self) -> list[Table]:
        tables = []
        for section in self.root.find_all("section", "report-table"):
            titles = section.elements("h2")
            table = section.find("table")
            ths = table.find("thead").find_all("th")
            body = table.find("tbody").elements("tr")
            empty = section.find_all("p", "empty")
            tables.append(
                Table(
                    title=titles[0].text() if titles else "",
                    headers=[th.text() for th in ths],
                    fields=[th.attrs.get("data-fields", "") for th in ths],
                    types=[th.attrs.get("data-type", "") for th in ths],
                    rows=[[td.text() for td in tr.elements("td")] for tr in body],
                    emphasis=["emphasis" in tr.classes for tr in body],
                    empty=empty[0].text() if empty else "",
                    has_filter=bool(section.find_all("input", "table-filter")),
                )
            )
        return tables

    @property
    def legend(self) -> list[str]:
        found = self.root.find_all("ul", "report-legend")
        return [li.text() for li in found[0].elements("li")] if found else []

    @property
    def sections(self) -> list[tuple[str, list[Item]]]:
        return [
            (s.find("h2").text(), self._items(s.find("dl", "section-items")))
            for s in self.root.find_all("section", "report-section")
        ]

    @property
    def provenance(self) -> list[tuple[str, str, str]]:
        """(kind, key, value) of every provenance line, notes and warnings included, in page order."""
        found = self.root.find_all("section", "report-provenance")
        if not found:
            return []
        return [
            (next(iter(li.classes)), li.find("span", "key").text(), li.find("span", "value").text())
            for li in found[0].find("ul").elements("li")
        ]

    @property
    def figure_specs(self) -> list[dict[str, Any]]:
        """The JSON spec of every figure (parsed strictly: no NaN)."""
        specs = []
        for div in self.root.find_all("div", "plot"):
            script = self.root.find("script", id=div.attrs["data-spec"])
            assert script.attrs.get("type") == "application/json"
            specs.append(json.loads(script.text(), parse_constant=_no_constant))
        return specs

    @property
    def urls(self) -> list[str]:
        """Every ``src``/``href``/``action`` value: what the page would load or link to."""
        return [n.attrs[a] for n in self.root.iter() for a in ("src", "href", "action", "srcset") if a in n.attrs]


def _no_constant(name: str) -> float:
    msg = f"{name} is not JSON"
    raise ValueError(msg)


def parse_page(text: str) -> Page:
    """Parse a whole page; its elements must nest properly (no stray or crossed end tags)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    assert not builder.errors, builder.errors[:5]
    assert len(builder.stack) == 1, f"unclosed elements: {[n.tag for n in builder.stack[1:]]}"
    return Page(builder.root, text.lstrip().lower().startswith("<!doctype html>"))
