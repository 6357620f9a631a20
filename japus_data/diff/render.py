"""Rendering a :class:`~japus_data.diff.compare.PackageDiff`: text for a terminal, Markdown
for a pull request (every name and value escaped by ``japus_data.render``), JSON for tools."""

from __future__ import annotations

import json

from ..render import markdown, markdown_code
from .compare import PackageDiff, TableDiff


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(t: TableDiff) -> str:
    if t.status == "added":
        return f"table added, {_plural(t.rows_new, 'row')}"
    if t.status == "removed":
        return f"table removed, {_plural(t.rows_old, 'row')} lost"
    return (
        f"{t.rows_old} → {t.rows_new} rows: {len(t.added)} added, {len(t.removed)} removed, "
        f"{len(t.changed)} changed"
    )


def _schema_lines(t: TableDiff) -> list[str]:
    if t.status != "changed":
        return []
    out = [f"schema: column added: {n} ({ty})" for n, ty in t.fields_added]
    out += [f"schema: column removed: {n} ({ty})" for n, ty in t.fields_removed]
    out += [f"schema: column retyped: {n} {o} → {w}" for n, o, w in t.fields_retyped]
    if t.primary_key_change:
        old, new = t.primary_key_change
        out.append(
            f"schema: primary key {', '.join(old) or '(none)'} → {', '.join(new) or '(none)'}"
        )
    out += [f"file: column added: {c} (not declared in the schema)" for c in t.file_columns_added]
    out += [
        f"file: column removed: {c} "
        + ("(still in the schema)" if c in t.schema_fields else "(never declared in the schema)")
        for c in t.file_columns_removed
    ]
    if t.metadata:
        out.append(f"metadata changed: {', '.join(t.metadata)}")
    return out


def _version_line(d: PackageDiff) -> str:
    level, reasons = d.bump()
    suggested = d.suggested_version()
    if suggested is None:
        return "suggested version: unknown (OLD's version is not MAJOR.MINOR.PATCH)"
    if level == "none":
        return f"suggested version: {suggested} (no change)"
    return f"suggested version: {suggested} ({level}: {'; '.join(reasons)})"


def render_text(d: PackageDiff) -> str:
    lines = [f"diff {d.old_label} ({d.old_version}) → {d.new_label} ({d.new_version})"]
    lines += [f"WARNING: {w}" for w in d.warnings()]
    if d.tables_added:
        lines.append(f"tables added: {', '.join(t.name for t in d.tables_added)}")
    if d.tables_removed:
        lines.append(f"tables removed: {', '.join(t.name for t in d.tables_removed)}")
    for t in d.tables:
        if t.status == "unchanged":
            continue
        lines.append("")
        lines.append(f"{t.name}: {_summary(t)}")
        lines += [f"  {s}" for s in _schema_lines(t)]
        lines += [f"  + {t.key_text(k)}" for k in t.added]
        lines += [f"  - {t.key_text(k)}" for k in t.removed]
        for c in t.changed:
            lines.append(f"  ~ {t.key_text(c.key)}")
            lines += [f"      {x.field}: {x.old!r} → {x.new!r}" for x in c.cells]
    if d.metadata:
        lines += ["", f"package metadata changed: {', '.join(d.metadata)}"]
    if not d.has_changes:
        lines += ["", "no changes"]
    lines += ["", f"version: {d.old_version} → {d.new_version}", _version_line(d)]
    return "\n".join(lines)


def _md(text: str) -> str:
    """A text as a Markdown code span (see japus_data.render.markdown_code)."""
    return markdown_code(text)


def render_markdown(d: PackageDiff) -> str:
    lines = [
        "## Data diff",
        "",
        f"{_md(d.old_label)} ({markdown(d.old_version)}) → "
        f"{_md(d.new_label)} ({markdown(d.new_version)})",
        "",
    ]
    warnings = d.warnings()
    if warnings:
        lines += ["> [!WARNING]", *[f"> - {markdown(w)}" for w in warnings], ""]
    changed = [t for t in d.tables if t.status != "unchanged"]
    if changed:
        lines += [
            "| table | status | rows before | rows after | added | removed | changed | schema |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for t in changed:
            schema = (
                "; ".join(markdown(s) for s in _schema_lines(t)) if t.status == "changed" else ""
            )
            added = t.rows_new if t.status == "added" else len(t.added)
            removed = t.rows_old if t.status == "removed" else len(t.removed)
            lines.append(
                f"| {_md(t.name)} | {t.status} | {t.rows_old} | {t.rows_new} | {added} | "
                f"{removed} | {len(t.changed)} | {schema} |"
            )
        lines.append("")
    for t in changed:
        if not (t.added or t.removed or t.changed):
            continue
        lines += [f"### {_md(t.name)}", ""]
        lines += [f"- added {_md(t.key_text(k))}" for k in t.added]
        lines += [f"- **removed** {_md(t.key_text(k))}" for k in t.removed]
        for c in t.changed:
            lines.append(f"- changed {_md(t.key_text(c.key))}")
            lines += [f"  - {_md(x.field)}: {_md(x.old)} → {_md(x.new)}" for x in c.cells]
        lines.append("")
    if d.metadata:
        lines += [f"Package metadata changed: {', '.join(_md(m) for m in d.metadata)}", ""]
    if not d.has_changes:
        lines += ["No changes.", ""]
    mark = "✅ follows the recipe" if d.version_follows_recipe else "⚠️ does not follow the recipe"
    lines += [
        f"Version: {markdown(d.old_version)} → {markdown(d.new_version)} {mark}",
        "",
        f"**{markdown('S' + _version_line(d)[1:])}**",
    ]
    return "\n".join(lines)


def render_json(d: PackageDiff) -> str:
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=2)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
