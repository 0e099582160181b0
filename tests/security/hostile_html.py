"""Read the forms of a rendered page the way a browser would submit them.

The hostile-input suite posts what a page's own form would send (its baseline), then the same
with one field changed. Only the standard library's HTML parser is used: the forms are what
Django rendered, so a small, forgiving reader is enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    """One named control of a form: an input, a select or a textarea."""

    tag: str  # input | select | textarea | button
    name: str
    type: str = "text"  # the input's type; "select", "select-multiple", "textarea"
    value: str = ""
    checked: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[str] = field(default_factory=list)  # a select's option values
    selected: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    def names(self) -> list[str]:
        seen: list[str] = []
        for control in self.controls:
            if control.name not in seen:
                seen.append(control.name)
        return seen

    def controls_named(self, name: str) -> list[Control]:
        return [control for control in self.controls if control.name == name]

    def baseline(self, *, submitter: Control | None = None) -> dict[str, list[str]]:
        """What the browser sends for the form as rendered: checked boxes and radios, each
        select's chosen options (the first when none is chosen), every text and hidden value,
        and the value of the submit button pressed (the first named one unless given)."""
        data: dict[str, list[str]] = {}
        buttons = [c for c in self.controls if c.tag == "button" or c.type in ("submit", "image")]
        chosen = submitter or next((b for b in buttons if b.name), None)
        for control in self.controls:
            if control in buttons:
                if control is chosen:
                    data.setdefault(control.name, []).append(control.value)
                continue
            if control.type in ("checkbox", "radio"):
                if control.checked:
                    data.setdefault(control.name, []).append(control.value or "on")
                continue
            if control.type == "file":
                continue
            if control.type in ("select", "select-multiple"):
                values = control.selected or (
                    control.options[:1] if control.type == "select" else []
                )
                data.setdefault(control.name, []).extend(values)
                continue
            data.setdefault(control.name, []).append(control.value)
        return data


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: dict[str, str] | None = None
        self._option_text: list[str] = []
        self._textarea: Control | None = None
        self._textarea_text: list[str] = []
        self.by_id: dict[str, dict[str, str]] = {}  # every element with an id, by id
        # Controls outside any <form> but tied to one by form="id".
        self._orphans: list[tuple[str, Control]] = []

    def _add(self, control: Control, attrs: dict[str, str]) -> None:
        owner = attrs.get("form")
        if owner:
            self._orphans.append((owner, control))
        elif self._form is not None:
            self._form.controls.append(control)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        if "id" in attrs:
            self.by_id[attrs["id"]] = {"tag": tag, **attrs}
        if tag == "form":
            self._form = Form(
                method=attrs.get("method", "get").lower(),
                action=attrs.get("action", ""),
                enctype=attrs.get("enctype", ""),
                attrs=attrs,
            )
            self.forms.append(self._form)
        elif tag == "input" and attrs.get("name"):
            self._add(
                Control(
                    tag="input",
                    name=attrs["name"],
                    type=attrs.get("type", "text").lower(),
                    value=attrs.get("value", ""),
                    checked="checked" in attrs,
                    attrs=attrs,
                ),
                attrs,
            )
        elif tag == "button" and attrs.get("name"):
            if attrs.get("type", "submit").lower() == "submit":
                self._add(
                    Control(
                        tag="button",
                        name=attrs["name"],
                        type="submit",
                        value=attrs.get("value", ""),
                        attrs=attrs,
                    ),
                    attrs,
                )
        elif tag == "select" and attrs.get("name"):
            self._select = Control(
                tag="select",
                name=attrs["name"],
                type="select-multiple" if "multiple" in attrs else "select",
                attrs=attrs,
            )
            self._add(self._select, attrs)
        elif tag == "option" and self._select is not None:
            self._option = attrs
            self._option_text = []
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Control(
                tag="textarea", name=attrs["name"], type="textarea", attrs=attrs
            )
            self._textarea_text = []
            self._add(self._textarea, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text.append(data)
        if self._option is not None:
            self._option_text.append(data)

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value = self._option.get("value", "".join(self._option_text).strip())
        self._select.options.append(value)
        if "selected" in self._option:
            self._select.selected.append(value)
        self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea_text)
            # The HTML syntax drops one newline right after <textarea>; Django writes one.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._textarea.value = text
            self._textarea = None
        elif tag == "form":
            self._form = None

    def close(self) -> None:
        super().close()
        by_id = {form.attrs.get("id"): form for form in self.forms if form.attrs.get("id")}
        for owner, control in self._orphans:
            if owner in by_id:
                by_id[owner].controls.append(control)


@dataclass
class Page:
    forms: list[Form]
    by_id: dict[str, dict[str, str]]


def parse_page(html: str) -> Page:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return Page(forms=parser.forms, by_id=parser.by_id)


def parse_forms(html: str) -> list[Form]:
    return parse_page(html).forms
