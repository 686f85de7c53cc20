"""Reading a page the way a person (or a browser without JavaScript) would, with one
parser for every test: BeautifulSoup on the standard library's HTML parser.

`Page(html)` gives the visible text, the forms and their fields, the links, the labels
and the elements by id; `visible(html)` is just the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from bs4 import BeautifulSoup, NavigableString, Tag

CONTROLS = ("input", "select", "textarea")
HIDDEN = ("script", "style", "title", "template")
SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse whitespace, including the no-break spaces Babel puts in money."""
    return SPACES.sub(" ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


def _strings(tag: Tag, *, gap: str) -> list[str]:
    """The text a reader sees in `tag`, in order; `gap` after each element that ends
    (so that "<td>1</td><td>2</td>" reads "1 2", while "2<sup>e</sup>" stays "2e")."""
    out: list[str] = []
    for child in tag.children:
        if isinstance(child, Tag):
            if child.name in HIDDEN:
                continue
            out.extend(_strings(child, gap=gap))
            if not child.can_be_empty_element:
                out.append(gap)
        elif type(child) is NavigableString:  # not a comment, doctype or CDATA
            out.append(str(child))
    return out


def text_of(tag: Tag) -> str:
    return squash("".join(_strings(tag, gap=" ")))


def visible(html: str) -> str:
    """The page's visible text (the body's, if it has one), whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    return text_of(soup.body or soup)


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    in_label: bool
    form: int | None
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # value, text, selected
    text: str = ""

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")

    @property
    def type(self) -> str:
        return self.attrs.get("type", "text") if self.tag == "input" else self.tag


@dataclass
class Form:
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.attrs.get("action", "")

    @property
    def method(self) -> str:
        return self.attrs.get("method", "get").lower()

    def values(self) -> dict[str, str]:
        """What a browser would send if the person changed nothing (no button name)."""
        data: dict[str, str] = {}
        for c in self.controls:
            if not c.name or "disabled" in c.attrs:
                continue
            if c.type in ("submit", "button", "file", "reset"):
                continue
            if c.type in ("radio", "checkbox"):
                if "checked" in c.attrs:
                    data[c.name] = c.attrs.get("value", "on")
            elif c.tag == "select":
                chosen = [v for v, _t, sel in c.options if sel] or [v for v, _t, _s in c.options]
                data[c.name] = chosen[0] if chosen else ""
            elif c.tag == "textarea":
                data[c.name] = c.text
            else:
                data[c.name] = c.attrs.get("value", "")
        return data


def _attrs(tag: Tag) -> dict[str, str]:
    """Attributes as strings (BeautifulSoup gives `class` as a list)."""
    return {k: " ".join(v) if isinstance(v, list) else (v or "") for k, v in tag.attrs.items()}


class Page:
    """A parsed page: `.text`, `.forms`, `.controls`, `.links`, `.ids`, `.html_attrs`,
    `.label_for`, and `.soup` for anything else (CSS selectors with `.soup.select`)."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.soup = BeautifulSoup(html, "html.parser")
        root = self.soup.find("html")
        self.html_attrs: dict[str, str] = _attrs(root) if isinstance(root, Tag) else {}
        self.ids: dict[str, Tag] = {}
        for tag in self.soup.find_all(id=True):
            self.ids.setdefault(tag["id"], tag)
        self.label_for = {
            label["for"] for label in self.soup.find_all("label", attrs={"for": True})
        }
        self.links = [
            tag.get("href") if tag.name == "a" else tag.get("action")
            for tag in self.soup.find_all(["a", "form"])
            if (tag.name == "a" and tag.has_attr("href"))
            or (tag.name == "form" and tag.get("action"))
        ]
        self.forms = [Form(_attrs(tag)) for tag in self.soup.find_all("form")]
        form_tags = self.soup.find_all("form")
        self.controls: list[Control] = []
        for tag in self.soup.find_all(CONTROLS):
            owner = tag.find_parent("form")
            index = next((i for i, f in enumerate(form_tags) if f is owner), None)
            control = Control(tag.name, _attrs(tag), tag.find_parent("label") is not None, index)
            if tag.name == "select":
                for option in tag.find_all("option"):
                    label = squash(option.get_text())
                    value = option.get("value")
                    control.options.append(
                        (value if value is not None else label, label, option.has_attr("selected"))
                    )
            elif tag.name == "textarea":
                control.text = tag.get_text()
            self.controls.append(control)
            if index is not None:
                self.forms[index].controls.append(control)

    # --- reading ---
    @cached_property
    def text(self) -> str:
        return text_of(self.soup)

    def by_id(self, ident: str) -> str:
        """The text inside the element with this id."""
        assert ident in self.ids, f"no element with id {ident!r}"
        return squash("".join(_strings(self.ids[ident], gap="")))

    def control(self, name: str) -> Control:
        found = [c for c in self.controls if c.name == name]
        assert found, f"no field named {name!r}"
        return found[0]

    def select_options(self, name: str) -> list[tuple[str, str, bool]]:
        return self.control(name).options

    def form_posting_to(self, action: str) -> Form:
        found = [f for f in self.forms if f.method == "post" and f.action.endswith(action)]
        assert found, f"no POST form to {action!r}"
        return found[0]

    def unlabelled_controls(self) -> list[Control]:
        """Form controls a screen reader would announce without a name."""
        missing = []
        for c in self.controls:
            if c.type in ("hidden", "submit", "button", "reset", "image"):
                continue
            if c.in_label or c.attrs.get("aria-label") or c.attrs.get("aria-labelledby"):
                continue
            if c.attrs.get("id") and c.attrs["id"] in self.label_for:
                continue
            missing.append(c)
        return missing


def page(response) -> Page:
    """The test client's response, parsed."""
    return Page(response.get_data(as_text=True))
