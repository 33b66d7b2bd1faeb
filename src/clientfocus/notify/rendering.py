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


# What a template may use: text, variables with the built-in filters, if/for/with and
# comments. Anything else (include, extends, load, url, …) would need a loader or a
# request at render time and is refused when the template is saved.
ALLOWED_NODES = frozenset(
    {"TextNode", "VariableNode", "IfNode", "ForNode", "CommentNode", "WithNode",
     "FirstOfNode"}
)  # fmt: skip
MAX_TEMPLATE_CHARS = 20_000


def _nodes(nodelist) -> list:
    found = []
    for node in nodelist:
        found.append(node)
        for attribute in getattr(node, "child_nodelists", ()):
            found.extend(_nodes(getattr(node, attribute, None) or []))
        if type(node).__name__ == "IfNode":
            for _condition, branch in node.conditions_nodelists:
                found.extend(_nodes(branch))
    return found


def check_template(text: str) -> None:
    """Refuse a template that would fail or reach outside its values at render time."""
    if len(text or "") > MAX_TEMPLATE_CHARS:
        raise TemplateProblem(f"template error: longer than {MAX_TEMPLATE_CHARS} characters")
    try:
        template = ENGINE.from_string(text or "")
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"template error: {exc}") from exc
    except Exception as exc:  # the template engine raises more than syntax errors
        raise TemplateProblem(f"template error: {type(exc).__name__}") from exc
    for node in _nodes(template.nodelist):
        name = type(node).__name__
        if name not in ALLOWED_NODES:
            tag = name.removesuffix("Node").lower()
            raise TemplateProblem(f"template error: the {tag!r} tag is not allowed here")


def render(text: str, values: dict[str, str]) -> str:
    """Render ``text`` with only the known fields, as strings; any failure is a
    TemplateProblem (never an unexpected exception in the caller's business action)."""
    context = {name: str(values.get(name, "") or "") for name in FIELDS}
    try:
        check_template(text)
        return ENGINE.from_string(text).render(Context(context)).strip()
    except TemplateProblem:
        raise
    except Exception as exc:
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}") from exc
