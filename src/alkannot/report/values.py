"""Values read from a result JSON for display: tolerant of missing or mistyped fields (older or hand-edited JSON),
shared by the sample, patient and cohort pages."""

from __future__ import annotations

from markupsafe import escape


def as_list(v) -> list:
    return list(v) if isinstance(v, (list, tuple)) else []


def as_dict(v) -> dict:
    return v if isinstance(v, dict) else {}


def as_text(v) -> str:
    return "" if v is None else str(v)


def html_text(value) -> str:
    """markupsafe.escape(value) as text: a plain string by markupsafe's own replacements (the same bytes as its
    C speedups), anything else by escape itself. Most cells hold none of the five characters: five membership
    tests are cheaper than five replace calls, and the string is then returned as it is (the page builders
    call this tens of thousands of times; escape() would also build a Markup object each time). A value that
    is not a str comes back as escape's Markup: put the result in an f-string or a join, never after a `str +`
    (Markup's own `+` would escape the markup to its left)."""
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;") \
                .replace('"', "&#34;")
        return value
    return escape(value)


def html_texts(texts: list) -> list:
    """[html_text(t) for t in texts], the plain ``str`` ones escaped together: joined on NUL, escaped once, split
    again (escaping replaces characters one by one and never makes or removes a NUL). A table of a few hundred
    rows has thousands of cells; one pass over their text costs less than a call per cell. A list holding
    anything but exactly str (a Markup must stay as it is, a number is escape's) or a text holding a NUL itself
    (the split would misplace it) is escaped item by item."""
    if not texts:
        return []
    if set(map(type, texts)) != {str}:
        return [html_text(t) for t in texts]
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return [html_text(t) for t in texts]
    return html_text(joined).split("\0")
