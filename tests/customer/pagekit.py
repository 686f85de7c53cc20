"""Reading customer pages the way a person (or a browser without JavaScript) would.

A tiny HTML reader on the standard library: the visible text, the forms and their
fields, the links, the labels. Plus helpers that drive the journey through the test
client with the same form fields the pages offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from portal.extensions import db
from portal.models import ReturnRequest

CONTROLS = ("input", "select", "textarea")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse whitespace, including the no-break spaces Babel puts in money."""
    return SPACES.sub(" ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


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


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.html_attrs: dict[str, str] = {}
        self.forms: list[Form] = []
        self.controls: list[Control] = []
        self.label_for: set[str] = set()
        self.links: list[str] = []
        self.ids: dict[str, list[str]] = {}
        self._text: list[str] = []
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._id_open: list[tuple[str, int]] = []  # (id, depth)
        self._form: int | None = None
        self._label_depth = 0
        self._skip = 0
        self._open_control: Control | None = None
        self._option: list | None = None
        self.feed(html)
        self.close()

    # --- parsing ---
    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "html":
            self.html_attrs = a
        if tag in ("script", "style", "title"):
            self._skip += 1
        if tag == "form":
            self.forms.append(Form(a))
            self._form = len(self.forms) - 1
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "form" and a.get("action"):
            self.links.append(a["action"])
        if tag in CONTROLS:
            control = Control(tag, a, self._label_depth > 0, self._form)
            self.controls.append(control)
            if self._form is not None:
                self.forms[self._form].controls.append(control)
            if tag != "input":
                self._open_control = control
        if tag == "option" and self._open_control is not None:
            self._option = [a.get("value"), "", "selected" in a]
        if tag not in VOID:
            self._stack.append((tag, a))
            if a.get("id"):
                self._id_open.append((a["id"], len(self._stack)))
                self.ids.setdefault(a["id"], [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip = max(self._skip - 1, 0)
        if tag == "form":
            self._form = None
        if tag == "label":
            self._label_depth = max(self._label_depth - 1, 0)
        if tag == "option" and self._option is not None and self._open_control is not None:
            value, text, selected = self._option
            text = squash(text)
            self._open_control.options.append(
                (value if value is not None else text, text, selected)
            )
            self._option = None
        if tag in ("select", "textarea"):
            self._open_control = None
        if tag in VOID:
            return
        while self._stack:
            open_tag, _ = self._stack.pop()
            depth = len(self._stack) + 1
            self._id_open = [(i, d) for i, d in self._id_open if d < depth]
            if open_tag == tag:
                break
        self._text.append(" ")

    def handle_data(self, data):
        if self._skip:
            return
        if self._option is not None:
            self._option[1] += data
        if self._open_control is not None and self._open_control.tag == "textarea":
            self._open_control.text += data
        self._text.append(data)
        for ident, _depth in self._id_open:
            self.ids[ident].append(data)

    # --- reading ---
    @property
    def text(self) -> str:
        return squash("".join(self._text))

    def by_id(self, ident: str) -> str:
        assert ident in self.ids, f"no element with id {ident!r}"
        return squash("".join(self.ids[ident]))

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
    return Page(response.get_data(as_text=True))


# --- driving the journey -------------------------------------------------------------


def lookup(client, order, contact: str | None = None, number: str | None = None, **kw):
    return client.post(
        "/lookup",
        data={"number": number or order.number, "contact": contact or order.email},
        **kw,
    )


def item_fields(
    line,
    quantity: int = 1,
    reason: str = "too_small",
    resolution: str = "refund",
    exchange=None,
    comment: str = "",
) -> dict[str, str]:
    key = f"item-{line.id}"
    data = {
        f"{key}-quantity": str(quantity),
        f"{key}-reason": reason,
        f"{key}-resolution": resolution,
        f"{key}-comment": comment,
    }
    if exchange is not None:
        data[f"{key}-exchange"] = str(getattr(exchange, "id", exchange))
    return data


def to_review(client, order, point, items: dict[str, str]) -> None:
    """Lookup, items, relay point: the customer is on the review page."""
    assert lookup(client, order).status_code == 302
    response = client.post("/return/items", data=items)
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post("/return/relay", data={"relay_point_id": point.id})
    assert response.headers["Location"].endswith("/return/review")


def confirm(client):
    return client.post("/return/confirm")


def returns() -> list[ReturnRequest]:
    db.session.expire_all()
    return list(db.session.query(ReturnRequest).order_by(ReturnRequest.id))
