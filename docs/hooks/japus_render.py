"""The templates and words of the generated pages: one Jinja2 environment, one place for both.

Pages are ``docs/templates/*.md.j2`` (Markdown) and ``*.html.j2`` (HTML blocks inside a page);
the words of the interface are ``docs/i18n/<lang>.yml``, one file per language with the same
keys. Nothing is escaped by hand: every escape is a function of ``japus_data.render``.

- HTML and SVG templates (``*.html.j2``, ``*.svg.j2``) are autoescaped, by ``render.html``.
- Markdown templates are not: each value from the package must go through an explicit filter
  (``md``, ``code``, ``mermaid``; ``named``/``identifier``/``anchor`` for names that are
  validated rather than escaped) or be HTML already rendered by a template. A plain string
  written by a Markdown template fails the build (see :func:`_finalize`), so a forgotten filter
  cannot publish package text as Markdown.
- Undefined names fail the build too (``StrictUndefined``): a missing word or a misspelt field
  is an error, never an empty cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from japus_data import render
from japus_data.safepath import output_name

DOCS = Path(__file__).resolve().parent.parent
TEMPLATES = DOCS / "templates"
I18N = DOCS / "i18n"
LANGS = ("en", "ja")
MARKUP = ("html.j2", "svg.j2")  # autoescaped templates: HTML blocks and SVG charts


def md(text: object) -> Markup:
    """Package text in Markdown prose, a heading or a table cell."""
    return Markup(render.markdown(text))


def code(text: object) -> Markup:
    """A name shown as code, in Markdown text (and in a Markdown table cell)."""
    return Markup(f"<code>{render.markdown(text)}</code>")


def named(name: str, suffix: str = "") -> Markup:
    """A resource name in a link target or code: validated, not escaped (``output_name``)."""
    return Markup(output_name(name, suffix))


def identifier(name: str) -> Markup:
    """A Python name of the generated code (a loader, a model), written as it is."""
    if not name.isidentifier():
        raise ValueError(f"{name!r} is not a Python identifier")
    return Markup(name)


def joined(items: Iterable[object], separator: str = ", ") -> Markup:
    """Escaped items (Markup) joined by ``separator``."""
    values: list[Markup] = []
    for value in items:
        if not isinstance(value, Markup):
            raise TypeError(f"{value!r} is joined unescaped: escape it first")
        values.append(value)
    return Markup(separator.join(values))


def anchor(key: str) -> Markup:
    """An HTML id made of a key: ``_`` for any character but letters, digits, ``-`` and ``.``,
    so that it is safe in an attribute, a link's fragment and Markdown's ``{#id}``."""
    return Markup(re.sub(r"[^\w.-]+", "_", key))


def heading_id(key: str) -> Markup:
    """A Markdown heading's id (attr_list): ``{#key}``, the key made an :func:`anchor`."""
    return Markup("{#" + anchor(key) + "}")


def mermaid(text: object) -> Markup:
    """Package text in a quoted Mermaid label or comment."""
    return Markup(render.mermaid_text(text))


def fill(template: str, **values: object) -> Markup:
    """A word of the interface with its ``{name}`` places filled by already-escaped values."""
    for name, value in values.items():
        if not isinstance(value, Markup | int | float):
            raise TypeError(f"{name}={value!r}: escape it (md, code, named) before filling it in")
    return Markup(str(template).format(**values))


@jinja2.pass_eval_context
def _finalize(context: jinja2.nodes.EvalContext, value: object) -> object:
    if isinstance(value, Markup | int | float):
        return value
    if context.autoescape:
        # Escaped by render.html rather than by Jinja2's own escape: one HTML escape everywhere.
        return Markup(render.html(value))
    # In Markdown (not autoescaped) only Markup and numbers are written as they are.
    raise TypeError(f"{value!r} is written unescaped into Markdown: use md, code or mermaid")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=MARKUP),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md,
        code=code,
        mermaid=mermaid,
        fill=fill,
        named=named,
        identifier=identifier,
        joined=joined,
        anchor=anchor,
        heading_id=heading_id,
    )
    return env


def page(template: str, **context: Any) -> str:
    """A page's Markdown: a ``*.md.j2`` template rendered with ``context``."""
    return environment().get_template(template).render(**context)


def block(template: str, **context: Any) -> Markup:
    """An HTML block of a page: a ``*.html.j2`` template (autoescaped) rendered."""
    return Markup(block_template(template).render(**context))


class Blocks:
    """The macros of an HTML template, for a Markdown template: each returns its (autoescaped)
    HTML as Markup. (Called from a Markdown template itself, a macro returns plain text.)"""

    def __init__(self, template: str) -> None:
        self._module = block_template(template).module

    def __getattr__(self, name: str) -> Callable[..., Markup]:
        macro = getattr(self._module, name)
        return lambda *args, **kwargs: Markup(macro(*args, **kwargs))


def block_template(template: str) -> jinja2.Template:
    if not template.endswith(MARKUP):
        raise ValueError(f"{template}: an HTML block is rendered from an autoescaped template")
    return environment().get_template(template)


@cache
def _words() -> dict[str, dict[str, dict[str, Markup]]]:
    words: dict[str, dict[str, dict[str, Markup]]] = {}
    for lang in LANGS:
        data = yaml.safe_load((I18N / f"{lang}.yml").read_text(encoding="utf-8"))
        # The words are ours, reviewed like code: Markdown that templates write as it is.
        words[lang] = {
            section: {key: Markup(value) for key, value in entries.items()}
            for section, entries in data.items()
        }
    return words


def words(lang: str, section: str) -> Mapping[str, Markup]:
    """The words of one part of the site (``pages``, ``series``) in ``lang``."""
    return _words()[lang][section]


def figure(svg: str) -> Markup:
    """A chart (an SVG its module escaped) with its title as a visible caption."""
    title = re.search(r"<title[^>]*>(.*?)</title>", svg)
    caption = None if title is None else Markup(title.group(1))
    return block("figure.html.j2", svg=Markup(svg), title=caption)
