"""Read an HTML form the way a browser submits it, so tests can post back what a page shows."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select = None  # (name, options seen, selected values, is multiple)
        self._textarea = None  # (name, text so far)
        self._option = None  # (value or None, text so far, selected)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return  # a browser posts no file when none is picked
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, [], [], "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop the one newline that follows <textarea>.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            value = text.strip() if value is None else value
            self._select[1].append(value)
            if selected:
                self._select[2].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options, selected, multiple = self._select
            if not selected and not multiple and options:
                selected = options[:1]  # a single select always submits something
            self.fields.extend((name, value) for value in selected)
            self._select = None


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields the form with this id would submit unchanged: {name: [values]}."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data


def change_url(obj) -> str:
    """The admin's change form of `obj`."""
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def open_and_post(client, obj, **changes):
    """Open `obj`'s change form, change `changes` (a value or a list of values), and press "Save
    and continue editing"; the response."""
    page = client.get(change_url(obj))
    data = form_data(page.content.decode(), f"{obj._meta.model_name}_form")
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    data["_continue"] = ["Save and continue editing"]
    return client.post(change_url(obj), data)
