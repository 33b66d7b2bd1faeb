"""Rendering notification templates with a small, safe context (plain strings only)."""

from __future__ import annotations

from django.template import Context, Engine, TemplateSyntaxError

# A private engine: no loaders, no autoescape (plain-text messages), only built-in filters.
ENGINE = Engine(autoescape=False, debug=False, string_if_invalid="")
FIELDS = (
    "customer_name", "order_id", "window_start", "window_end", "courier_phone", "new_date",
    "note", "event", "request_reference", "request_subject",
)  # fmt: skip


class TemplateProblem(ValueError):
    pass


def check_template(text: str) -> None:
    try:
        ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"template error: {exc}") from exc


def render(text: str, values: dict[str, str]) -> str:
    """Render ``text`` with only the known fields, as strings."""
    context = {name: str(values.get(name, "") or "") for name in FIELDS}
    try:
        return ENGINE.from_string(text).render(Context(context)).strip()
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"template error: {exc}") from exc
