"""The generated pages of the documentation site, in English and Japanese.

Everything here is derived at build time from ``datapackage.json`` (through
``japus_data.descriptor``), the CSV files, the generated pandera models and loaders, and
``japus_data.claims``. Nothing is kept by hand: a new table gets its page, its place in the
diagram and in the table index without any edit to the documentation.

Every text taken from the package (descriptor properties, names, CSV cells) is escaped for
where it goes, by ``japus_data.render``: :func:`html` in HTML, :func:`md` in Markdown text,
:func:`code` for a name shown as code, ``mermaid_*`` in the diagram. None of it is ever read as
markup, a link or a script.

``generate(root, out)`` writes the pages (``<page>.md`` and ``<page>.ja.md``, the suffix
structure of mkdocs-static-i18n) and byte-identical copies of the CSV files under ``out``.
"""

from __future__ import annotations

import inspect
import posixpath
import re
import shutil
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import jinja2
from japus_charts import Bar, Group, bar_chart, number

from japus_data.csvtext import records
from japus_data.descriptor import Field, ForeignKey, Package, Table, parse_package
from japus_data.render import html as escape
from japus_data.render import markdown as md
from japus_data.render import mermaid_id, mermaid_text, safe_url
from japus_data.safepath import output_name, read_package_file

LANGS = ("en", "ja")
DATA_DIR = "data"  # site folder of the downloadable files
SOURCES, SOURCE_ID = "sources", "source_id"  # the table every row cites, and its key

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "rows": "Rows",
        "primary_key": "Primary key",
        "download": "Download",
        "load": "Load it in Python",
        "loader": "Loader",
        "returns": "returns a pandas frame checked by the pandera model",
        "columns": "Columns",
        "column": "Column",
        "type": "Type",
        "dtype": "pandas dtype",
        "unit": "Unit",
        "constraints": "Constraints",
        "categories": "Allowed values",
        "description": "Description",
        "keys": "Keys and links",
        "links_to": "Links to",
        "linked_from": "Linked from",
        "same_table": "(this table)",
        "no_links": "none",
        "sources": "Sources",
        "data": "Data",
        "chart": "Chart",
        "required": "required",
        "unique": "unique",
        "pattern": "pattern",
        "pk": "primary key",
        "published": "Published",
        "period": "Reference period",
        "source_row": "row in sources",
        "table": "Table",
        "title": "Title",
        "tables_title": "Tables",
        "tables_intro": "The data package holds {n} tables. Each page below gives the table's "
        "column dictionary, keys, sources, the data itself and a download of the exact CSV file.",
        "whole_package": "The whole package: [datapackage.json]({path}) (the descriptor) and "
        "one CSV file per table.",
        "rel_title": "Relationships",
        "rel_intro": "All tables and their keys. An arrow reads “one row of the left table is "
        "referenced by any number of rows of the right table”, labelled with the referencing "
        "column. Each table shows its key columns: PK primary key, FK foreign key.",
        "rel_list": "Every foreign key",
        "rel_sources": "Not drawn: the `source_id` of {n} tables references "
        "[sources](tables/sources.md), the document each row comes from.",
        "from": "From",
        "to": "To",
        "charts_title": "Charts",
        "charts_intro": "Drawn at build time from the CSV files; hover a bar for its figure. "
        "Each statistical series over the years, with its gaps and breaks: [Series](series.md).",
        "claims_title": "Claims",
        "claims_intro": "Each narrative figure of the briefing beside the value computed from "
        "its own tables (by `japus_data.claims.evaluate`), with the tolerance the claim is "
        "held to. The relative difference is |computed − stated| / stated.",
        "claim": "Claim",
        "stated": "Stated",
        "recorded": "Computed (recorded)",
        "recomputed": "Computed (now)",
        "difference": "Relative difference",
        "tolerance": "Tolerance",
        "holds": "Holds",
        "computation": "How it is computed",
        "yes": "yes",
        "no": "NO",
        "corrections_title": "Corrections",
        "corrections_intro": "Every slip of the extracted source text that was corrected, "
        "with the reason. The source text itself is kept byte for byte; the corrections "
        "table is the log.",
        "line": "Line",
        "kind": "Kind",
        "original": "Original",
        "corrected": "Corrected",
        "reason": "Reason",
        "applied_to": "Applied to",
        "exchange_title": "The briefing's table: students exchanged with each partner "
        "country, {direction}",
        "exchange_desc": "Students by partner country and measure: the rows of the "
        "student_exchange table read in the briefing itself.",
        "observations_title": "Every figure, by series and country",
        "observations_desc": "Each row of the student_exchange table as a bar, grouped by "
        "series and country and ordered by period. The series page draws them as lines.",
        "participants_title": "Program participants by year",
        "participants_desc": "Participants per program, direction and period, from the "
        "program_participants table.",
        "changelog_note": "",
        "note": "Note",
    },
    "ja": {
        "rows": "行数",
        "primary_key": "主キー",
        "download": "ダウンロード",
        "load": "Python での読み込み",
        "loader": "読み込み関数",
        "returns": "pandera モデルで検査された pandas のデータフレームを返します",
        "columns": "列",
        "column": "列名",
        "type": "型",
        "dtype": "pandas の型",
        "unit": "単位",
        "constraints": "制約",
        "categories": "取りうる値",
        "description": "説明",
        "keys": "キーと関連",
        "links_to": "参照先",
        "linked_from": "参照元",
        "same_table": "（この表）",
        "no_links": "なし",
        "sources": "出典",
        "data": "データ",
        "chart": "グラフ",
        "required": "必須",
        "unique": "一意",
        "pattern": "パターン",
        "pk": "主キー",
        "published": "公表日",
        "period": "対象期間",
        "source_row": "sources の行",
        "table": "表",
        "title": "表題",
        "tables_title": "表の一覧",
        "tables_intro": "このデータパッケージは {n} の表からなります。各ページに、列の定義、キー、"
        "出典、データそのもの、CSV ファイル（原本と同一）のダウンロードがあります。",
        "whole_package": "パッケージ全体：[datapackage.json]({path})（記述子）と、表ごとの CSV "
        "ファイル。",
        "rel_title": "表の関連",
        "rel_intro": "すべての表とキー。矢印は「左の表の1行が、右の表の任意の数の行から参照される」"
        "ことを示し、参照する列名を添えています。各表にはキーの列のみを示します（PK は主キー、FK は"
        "外部キー）。",
        "rel_list": "すべての外部キー",
        "rel_sources": "図では省略：{n} の表の `source_id` は、各行の出典である"
        "[出典](tables/sources.md)の表を参照しています。",
        "from": "参照元",
        "to": "参照先",
        "charts_title": "グラフ",
        "charts_intro": "CSV ファイルからビルド時に描画しています。棒にカーソルを合わせると数値が"
        "表示されます。各統計系列の年ごとの推移（欠けている年と定義の変更を含む）は"
        "[統計系列](series.md)を参照してください。",
        "claims_title": "資料の記述と検算",
        "claims_intro": "資料の本文にある数値を、資料自身の表から計算した値"
        "（`japus_data.claims.evaluate`）と並べ、許容誤差とともに示します。"
        "相対差は |計算値 − 記載値| / 記載値 です。",
        "claim": "記述",
        "stated": "記載値",
        "recorded": "計算値（記録）",
        "recomputed": "計算値（再計算）",
        "difference": "相対差",
        "tolerance": "許容誤差",
        "holds": "成立",
        "computation": "計算方法",
        "yes": "成立",
        "no": "不成立",
        "corrections_title": "訂正",
        "corrections_intro": "抽出した資料テキストの誤り（OCR の誤読など）の訂正とその理由。"
        "テキスト自体はそのまま保存し、訂正はこの表に記録しています。",
        "line": "行",
        "kind": "種類",
        "original": "訂正前",
        "corrected": "訂正後",
        "reason": "理由（英語）",
        "applied_to": "適用先",
        "exchange_title": "資料の表：相手国別の留学生交流（{direction}）",
        "exchange_desc": "相手国別・区分別の学生数（student_exchange 表のうち、資料自体から"
        "読み取った行）。",
        "observations_title": "すべての数値（系列・国別）",
        "observations_desc": "student_exchange 表の各行を棒で示し、系列・国ごとにまとめて期間順に"
        "並べています。統計系列のページでは線グラフで示しています。",
        "participants_title": "年度別のプログラム参加者数",
        "participants_desc": "プログラム・方向・期間別の参加者数（program_participants 表）。",
        "changelog_note": "変更履歴は英語で記録しています。",
        "note": "注記",
    },
}


# --------------------------------------------------------------------------------------------
# What the pages are made from
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """The data package as the pages need it: parsed descriptor and each table's rows."""

    root: Path
    package: Package
    rows: dict[str, list[dict[str, str]]]
    files: dict[str, bytes] = dataclass_field(default_factory=dict)  # each table's file, as read

    def table_title(self, table: Table, lang: str) -> str:
        return (table.title_ja or table.title) if lang == "ja" else table.title

    def title_md(self, table: Table, lang: str) -> str:
        """The table's title as Markdown text (escaped)."""
        return md(self.table_title(table, lang))

    def table_description(self, table: Table, lang: str) -> str:
        return (table.description_ja or table.description) if lang == "ja" else table.description

    def label(self, table: Table, field: str, value: str, lang: str) -> str:
        """The English or Japanese label of a category code; the code if it has none."""
        for cat in table.field(field).category_items or ():
            if cat.labelled and str(cat.value) == value:
                text = cat.label_ja if lang == "ja" else cat.label
                return str(text or cat.label or value)
        return value

    def lookup(self, table: str, key: str, value: str) -> dict[str, str]:
        for row in self.rows[table]:
            if row.get(key) == value:
                return row
        return {}


def read_rows(data: bytes) -> list[dict[str, str]]:
    """Each row of a CSV file's bytes by column name, read with no limit on a cell's size."""
    header, *rows = records(data.decode("utf-8")) or [[]]
    return [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        for row in rows
        if row
    ]


def load_site(root: Path) -> Site:
    """The package and its rows. Every file is read by the library's one safe reader: a
    resource path outside the package (``../secret.txt``, a symlink out, a FIFO) fails the
    build with one line naming it, and is never published."""
    package = parse_package(root)
    files = {t.name: read_package_file(root, t.path) for t in package.tables}
    rows = {name: read_rows(data) for name, data in files.items()}
    return Site(root=root, package=package, rows=rows, files=files)


def download_name(table: Table) -> str:
    """The published file of a table: named from its validated name, never from its path."""
    return output_name(table.name, ".csv")


def row_anchor(table: Table, row: dict[str, str]) -> str:
    """The HTML id of a row: ``row-`` and its primary key values (``_`` for any character
    but letters, digits, ``-`` and ``.``), safe in an attribute and in a link's fragment."""
    key = "--".join(row.get(k, "") for k in table.primary_key)
    return "row-" + re.sub(r"[^\w.-]+", "_", key)


def code(text: str) -> str:
    """A name shown as code, in Markdown text (and in a Markdown table cell)."""
    return f"<code>{md(text)}</code>"


def limit_text(value: object) -> str:
    """A ``minimum`` or ``maximum`` as written: a number, or a date as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------------------------
# Helpers for the table pages
# --------------------------------------------------------------------------------------------


def loader_signature(name: str) -> tuple[str, str]:
    """``japus_data.load_<name>(...) -> DataFrame[Model]`` from the generated loader."""
    from japus_data.loaders import LOADERS

    if name not in LOADERS:
        raise RuntimeError(
            f"no loader for table {name!r}: run `japus-data generate` (make generate)"
        )
    loader = LOADERS[name]
    signature = inspect.signature(loader)
    params = ", ".join(
        f"{p.name}: {p.annotation} = {p.default!r}" for p in signature.parameters.values()
    )
    returned = str(signature.return_annotation)
    return f"japus_data.{loader.__name__}({params}) -> {returned}", loader.__name__


def model_dtypes(name: str) -> tuple[str, dict[str, str]]:
    """The pandera model of a table and the dtype it declares for each column."""
    from japus_data.models import MODELS

    if name not in MODELS:
        raise RuntimeError(
            f"no model for table {name!r}: run `japus-data generate` (make generate)"
        )
    model = MODELS[name]
    dtypes: dict[str, str] = {}
    for column, annotation in inspect.get_annotations(model).items():
        inner = re.sub(r"^Series\[(.*)\]$", r"\1", str(annotation))
        dtypes[column] = {
            "pd.CategoricalDtype": "category",
            "pd.Int64Dtype": "Int64",
            "pd.Float64Dtype": "Float64",
            "pd.BooleanDtype": "boolean",
            "pa.DateTime": "datetime64",
        }.get(inner, inner)
    return model.__name__, dtypes


def constraints_text(table: Table, field: Field, lang: str) -> str:
    t = TEXT[lang]
    parts: list[str] = []
    if field.name in table.primary_key:
        parts.append(t["pk"])
    if field.required:
        parts.append(t["required"])
    if field.unique:
        parts.append(t["unique"])
    if field.minimum is not None:
        parts.append(f"≥ {escape(limit_text(field.minimum))}")
    if field.maximum is not None:
        parts.append(f"≤ {escape(limit_text(field.maximum))}")
    if field.pattern:
        parts.append(f"{t['pattern']} <code>{escape(field.pattern)}</code>")
    return "<br>".join(parts)


def categories_text(site: Site, table: Table, field: Field, lang: str) -> str:
    if field.categories is None:
        return ""
    return "<br>".join(
        f"<code>{escape(v)}</code> {escape(site.label(table, field.name, v, lang))}"
        for v in field.categories
    )


def html_table(header: Sequence[str], body: Sequence[Sequence[str]], attrs: str = "") -> str:
    """An HTML table (cells are given as HTML), on lines of its own for Python-Markdown."""
    head = "".join(f"<th>{h}</th>" for h in header)
    rows = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>" for cells in body)
    return f"<table{attrs}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"


def fk_targets(site: Site, table: Table) -> dict[str, tuple[Table, str]]:
    """Single-column foreign keys whose target is a one-column primary key: column → target."""
    targets: dict[str, tuple[Table, str]] = {}
    for fk in table.foreign_keys:
        target = site.package.table(fk.resource)
        if len(fk.fields) == 1 and target.primary_key == fk.reference_fields:
            targets[fk.fields[0]] = (target, fk.reference_fields[0])
    return targets


# The data table, rendered by Jinja2 with autoescaping: every value from the CSV file, the
# descriptor or a key is escaped by the template, none is written into the HTML by hand.
DATA_TABLE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
DATA_TABLE_TEMPLATE = DATA_TABLE.from_string(
    """<div class="japus-data" data-table="{{ name }}" data-rows="{{ rows | length }}" markdown="0">
<table>
<thead><tr>{% for f in fields %}<th><code>{{ f }}</code></th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}
<tr id="{{ row.id }}">{% for cell in row.cells %}<td><div class="cell">
{%- if cell.href is not none %}<a href="{{ cell.href }}">{{ cell.text }}</a>
{%- else %}{{ cell.text }}{% endif %}</div></td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
</div>"""
)


def data_table(site: Site, table: Table) -> str:
    """The rows exactly as in the CSV file; keys link to the row they reference."""
    links = fk_targets(site, table)
    rows = []
    for row in site.rows[table.name]:
        cells = []
        for f in table.fields:
            value = row.get(f.name, "")
            href = None
            if value and f.name in links:
                target, _ = links[f.name]
                anchor = row_anchor(target, {target.primary_key[0]: value})
                page = "" if target.name == table.name else f"../{target.name}/"
                href = f"{page}#{anchor}"
            cells.append({"text": value, "href": href})
        rows.append({"id": row_anchor(table, row), "cells": cells})
    return DATA_TABLE_TEMPLATE.render(name=table.name, fields=table.field_names, rows=rows)


def citation(site: Site, source: dict[str, Any], lang: str) -> str:
    """A full citation of one of a table's sources, in Markdown."""
    t = TEXT[lang]
    sid = str(source.get("source_id", ""))
    row = site.lookup("sources", "source_id", sid) if "sources" in site.rows else {}
    title_en = str(source.get("title") or row.get("title_en", ""))
    title_ja = str(source.get("title_ja") or row.get("title_ja", ""))
    published = str(source.get("date_published") or row.get("date_published", ""))
    if lang == "ja":
        publisher = row.get("publisher_ja") or str(source.get("publisher", ""))
        title = f"「{md(title_ja)}」" if title_ja else f"*{md(title_en)}*"
        period = row.get("reference_period_as_stated") or str(source.get("reference_period", ""))
        text = f"{md(publisher)}{title}"
        if title_ja and title_en and title_en != title_ja:
            text += f"（{md(title_en)}）"
        extra = [
            f"{t['published']}：{md(published)}" if published else "",
            f"{t['period']}：{md(period)}" if period else "",
        ]
        text += "。" + "。".join(e for e in extra if e)
    else:
        # The full English citation is kept on the descriptor's source entry (built from
        # sources.csv by japus_data.citation, and tested to match it): one wording everywhere.
        text = md(source.get("citation") or title_en)
    text = text.rstrip(". 。")
    text += "." if lang == "en" else "。"
    if sid and row and "sources" in site.rows:
        sources = site.package.table("sources")
        anchor = row_anchor(sources, row)
        text += f" [{code(sid)}](sources.md#{anchor})"
    elif sid:
        text += f" {code(sid)}"
    return text


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def briefing_source(site: Site) -> str:
    """The source_id of the briefing itself: the package's first source."""
    return str(site.package.sources[0]["source_id"])


def exchange_charts(site: Site, lang: str) -> list[str]:
    """The briefing's exchange table: one chart per direction, a bar per country and measure.

    Only the rows read in the briefing itself (``source_id`` is the briefing's): the other rows
    are earlier years of the series, drawn on the series page.
    """
    table = site.package.table("student_exchange")
    briefing = briefing_source(site)
    countries = sorted(
        (r for r in site.rows["countries"] if r.get("table_column")),
        key=lambda r: int(r["table_column"]),
    )
    name_key = "name_ja" if lang == "ja" else "name_en"
    charts = []
    for direction in table.field("direction").categories or ():
        rows = [
            r
            for r in site.rows["student_exchange"]
            if r["direction"] == direction and r["source_id"] == briefing
        ]
        groups = []
        for country in countries:
            bars = tuple(
                Bar(
                    label=f"{site.label(table, 'measure', r['measure'], lang)} "
                    f"({r['period_as_stated']})",
                    value=int(r["students"]),
                    series=r["measure"],
                )
                for r in rows
                if r["country_code"] == country["country_code"]
            )
            if bars:
                groups.append(Group(f"{country[name_key]} ({country['country_code']})", bars))
        if not groups:
            continue
        label = site.label(table, "direction", direction, lang)
        charts.append(
            bar_chart(
                TEXT[lang]["exchange_title"].format(direction=label),
                TEXT[lang]["exchange_desc"],
                groups,
                lang,
                f"chart-student-exchange-{direction}",
            )
        )
    return charts


def observation_charts(site: Site, lang: str) -> list[str]:
    """Every row of student_exchange as a bar: one group per series and country, by period."""
    table = site.package.table("student_exchange")
    series_table = next(fk.resource for fk in table.foreign_keys if fk.fields == ("series_id",))
    name_key = "name_ja" if lang == "ja" else "name_en"
    countries = {r["country_code"]: i for i, r in enumerate(site.rows["countries"])}
    rows = site.rows["student_exchange"]
    groups = []
    for series in site.rows[series_table]:
        mine = [r for r in rows if r["series_id"] == series["series_id"]]
        codes = sorted({r["country_code"] for r in mine}, key=lambda c: countries.get(c, 99))
        for code in codes:
            country = site.lookup("countries", "country_code", code)
            bars = tuple(
                Bar(
                    label=f"{r['period_as_stated']} — "
                    f"{site.label(table, 'measure', r['measure'], lang)}",
                    value=int(r["students"]),
                    series=r["measure"],
                )
                for r in sorted(mine, key=lambda r: (r["period_start"], r["measure"]))
                if r["country_code"] == code
            )
            name = series.get(name_key) or series["name_en"]
            groups.append(Group(f"{name} — {country.get(name_key) or code} ({code})", bars))
    if not groups:
        return []
    return [
        bar_chart(
            TEXT[lang]["observations_title"],
            TEXT[lang]["observations_desc"],
            groups,
            lang,
            "chart-student-exchange-observations",
        )
    ]


def participants_charts(site: Site, lang: str) -> list[str]:
    """Program participants by period (year), bars by program, direction and stage."""
    table = site.package.table("program_participants")
    rows = sorted(
        site.rows["program_participants"], key=lambda r: (r["period_start"], r["period_end"])
    )
    name_key = "name_ja" if lang == "ja" else "name_en"
    periods = list(dict.fromkeys((r["period_start"], r["period_as_stated"]) for r in rows))
    sep = "、" if lang == "ja" else ", "
    groups = []
    for start, stated in periods:
        bars = []
        for r in rows:
            if (r["period_start"], r["period_as_stated"]) != (start, stated):
                continue
            program = site.lookup("programs", "program_id", r["program_id"])
            name = program.get("acronym") or program.get(name_key) or r["program_id"]
            if len(name) > 40:
                name = name[:39] + "…"
            what = [
                site.label(table, "direction", r["direction"], lang),
                site.label(table, "stage", r["stage"], lang),
                site.label(table, "field", r["field"], lang),
            ]
            if r.get("partner_country_code"):
                what.append(r["partner_country_code"])
            bars.append(Bar(f"{name} — {sep.join(what)}", int(r["participants"]), r["direction"]))
        groups.append(Group(stated, tuple(bars)))
    if not groups:
        return []
    return [
        bar_chart(
            TEXT[lang]["participants_title"],
            TEXT[lang]["participants_desc"],
            groups,
            lang,
            "chart-program-participants",
        )
    ]


# The charts of each table's page (every row drawn), and those of the charts page.
CHARTS: dict[str, Callable[[Site, str], list[str]]] = {
    "student_exchange": observation_charts,
    "program_participants": participants_charts,
}
CHARTS_PAGE: dict[str, Callable[[Site, str], list[str]]] = {
    "student_exchange": exchange_charts,
    "program_participants": participants_charts,
}


def figure(svg: str) -> str:
    """A chart with its title as a visible caption (the SVG's own ``<title>``)."""
    title = re.search(r"<title[^>]*>(.*?)</title>", svg)
    caption = f"<figcaption>{title.group(1)}</figcaption>" if title else ""
    # The bars' labels repeat the data table: kept out of the search index.
    return f'<figure class="japus-figure" markdown="0" data-search-exclude>{caption}{svg}</figure>'


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def table_page(site: Site, table: Table, lang: str) -> str:
    t = TEXT[lang]
    rows = site.rows[table.name]
    csv_name = download_name(table)
    signature, loader = loader_signature(table.name)
    model, dtypes = model_dtypes(table.name)
    out = ["---", "hide:", "  - toc", "---", "", f"# {site.title_md(table, lang)}", ""]
    out += [md(site.table_description(table, lang)), ""]
    pk = ", ".join(code(k) for k in table.primary_key)
    out += [
        f'**{t["rows"]}:** <span class="japus-row-count">{len(rows)}</span> · '
        f"**{t['primary_key']}:** {pk} · "
        f"[{t['download']} {md(csv_name)}](../{DATA_DIR}/{csv_name})"
        "{ .japus-download download }",
        "",
        f"## {t['load']}",
        "",
        "```python",
        "import japus_data",
        "",
        f"{table.name} = japus_data.{loader}()  # -> DataFrame[{model}]",
        "```",
        "",
        f"{t['loader']}: {code(signature)} — {t['returns']} "
        f"[{code(f'japus_data.models.{model}')}](../api.md#models).",
        "",
        f"## {t['columns']}",
        "",
    ]
    body = []
    for f in table.fields:
        desc = (f.description_ja or f.description) if lang == "ja" else f.description
        title_ja = f.title_ja or None if lang == "ja" else None
        kind = f"{escape(f.type)}<br><code>{escape(dtypes.get(f.name, ''))}</code>"
        if f.unit:
            kind += f"<br>{t['unit']}: {escape(f.unit)}"
        rules = "<br>".join(
            x
            for x in (constraints_text(table, f, lang), categories_text(site, table, f, lang))
            if x
        )
        body.append(
            [
                f"<code>{escape(f.name)}</code>",
                kind,
                rules,
                (f"{escape(str(title_ja))} — " if title_ja else "") + escape(desc),
            ]
        )
    header = [
        t["column"],
        f"{t['type']} / {t['dtype']}",
        f"{t['constraints']} / {t['categories']}",
        t["description"],
    ]
    out += [f'<div class="japus-columns" markdown="0">\n{html_table(header, body)}\n</div>', ""]
    out += [f"## {t['keys']}", "", f"**{t['primary_key']}:** {pk}", ""]
    out += [f"**{t['links_to']}:**", ""]
    if table.foreign_keys:
        for fk in table.foreign_keys:
            target = site.package.table(fk.resource)
            cols = ", ".join(code(c) for c in fk.fields)
            refs = ", ".join(code(c) for c in fk.reference_fields)
            same = f" {t['same_table']}" if target.name == table.name else ""
            out.append(f"- {cols} → [{site.title_md(target, lang)}]({target.name}.md) {refs}{same}")
    else:
        out.append(f"- {t['no_links']}")
    out += ["", f"**{t['linked_from']}:**", ""]
    referrers = [
        (other, fk)
        for other in site.package.tables
        for fk in other.foreign_keys
        if fk.resource == table.name and other.name != table.name
    ]
    if referrers:
        for other, fk in referrers:
            cols = ", ".join(code(c) for c in fk.fields)
            out.append(f"- [{site.title_md(other, lang)}]({other.name}.md) {cols}")
    else:
        out.append(f"- {t['no_links']}")
    out += ["", f"## {t['sources']}", ""]
    sources = list(table.sources) or list(site.package.sources)
    for i, source in enumerate(sources, 1):
        out.append(f"{i}. {citation(site, source, lang)}")
    out.append("")
    charts = CHARTS.get(table.name)
    if charts is not None:
        out += [f"## {t['chart']}", ""]
        out += [figure(svg) + "\n" for svg in charts(site, lang)]
    out += [
        f"## {t['data']}",
        "",
        f"{len(rows)} {t['rows'].lower() if lang == 'en' else '行'} · "
        f"[{t['download']} {md(csv_name)}](../{DATA_DIR}/{csv_name})",
        "",
        data_table(site, table),
        "",
    ]
    return "\n".join(out)


def tables_index(site: Site, lang: str) -> str:
    t = TEXT[lang]
    out = [f"# {t['tables_title']}", "", t["tables_intro"].format(n=len(site.package.tables)), ""]
    out += [f"| {t['table']} | {t['rows']} | {t['description']} |", "|---|---:|---|"]
    for table in site.package.tables:
        desc = md(site.table_description(table, lang))
        out.append(
            f"| [{site.title_md(table, lang)}]({table.name}.md) {code(table.name)} | "
            f"{len(site.rows[table.name])} | {desc} |"
        )
    out += ["", t["whole_package"].format(path=f"../{DATA_DIR}/datapackage.json"), ""]
    return "\n".join(out)


def mermaid_type(field: Field) -> str:
    return re.sub(r"\W", "_", field.type, flags=re.ASCII) or "any"


def relationships_page(site: Site, lang: str) -> str:
    t = TEXT[lang]

    # Every table cites ``sources`` through ``source_id``: drawn, those edges would hide the
    # rest, so the diagram leaves them out and says so; the list below has every key.
    def drawn(fk: ForeignKey) -> bool:
        return not (fk.resource == SOURCES and fk.fields == (SOURCE_ID,))

    # Mermaid reads identifiers as bare words: a name that is not one is drawn under a safe
    # identifier, with the name itself as the entity's label or the column's comment.
    ids: dict[str, str] = {}
    for table in site.package.tables:
        ids[table.name] = mermaid_id(table.name, ids.values())
    lines = ['%%{init: {"er": {"useMaxWidth": false}}}%%', "erDiagram"]
    for table in site.package.tables:
        # Only the key columns: the column dictionary of each table is on its own page.
        fk_cols = {c for fk in table.foreign_keys if drawn(fk) for c in fk.fields}
        entity = ids[table.name]
        label = "" if entity == table.name else f'["{mermaid_text(table.name)}"]'
        lines.append(f"    {entity}{label} {{")
        columns: list[str] = []
        for f in table.fields:
            keys = [
                k
                for k, on in (("PK", f.name in table.primary_key), ("FK", f.name in fk_cols))
                if on
            ]
            if keys:
                column = mermaid_id(f.name, columns)
                columns.append(column)
                comment = "" if column == f.name else f' "{mermaid_text(f.name)}"'
                lines.append(f"        {mermaid_type(f)} {column} {', '.join(keys)}{comment}")
        lines.append("    }")
    for table in site.package.tables:
        for fk in table.foreign_keys:
            if not drawn(fk) or fk.resource not in ids:
                continue
            optional = not all(table.field(c).required for c in fk.fields)
            left = "|o" if optional else "||"
            label = mermaid_text(", ".join(fk.fields))
            lines.append(f'    {ids[fk.resource]} {left}--o{{ {ids[table.name]} : "{label}"')
    citing = [tb for tb in site.package.tables if any(not drawn(fk) for fk in tb.foreign_keys)]
    out = ["---", "hide:", "  - toc", "---", "", f"# {t['rel_title']}", "", t["rel_intro"], ""]
    out += ["```mermaid", *lines, "```", ""]
    out += [t["rel_sources"].format(n=len(citing)), ""]
    out += [f"## {t['rel_list']}", "", f"| {t['from']} | | {t['to']} | |", "|---|---|---|---|"]
    for table in site.package.tables:
        for fk in table.foreign_keys:
            target = site.package.table(fk.resource)
            out.append(
                f"| [{site.title_md(table, lang)}](tables/{table.name}.md) | "
                f"{', '.join(code(c) for c in fk.fields)} | "
                f"[{site.title_md(target, lang)}](tables/{target.name}.md) | "
                f"{', '.join(code(c) for c in fk.reference_fields)} |"
            )
    out.append("")
    return "\n".join(out)


def charts_page(site: Site, lang: str) -> str:
    t = TEXT[lang]
    out = [f"# {t['charts_title']}", "", t["charts_intro"], ""]
    for name, make in CHARTS_PAGE.items():
        if name not in site.rows:
            continue
        table = site.package.table(name)
        out += [f"## [{site.title_md(table, lang)}](tables/{name}.md)", ""]
        out += [figure(svg) + "\n" for svg in make(site, lang)]
    return "\n".join(out)


def claims_page(site: Site, lang: str) -> str:
    import japus_data
    from japus_data.claims import evaluate

    t = TEXT[lang]
    frames = {
        name: japus_data.load(name, site.root)
        for name in ("claims", "sources", "student_exchange", "countries")
    }
    result = evaluate(frames)
    claims = {r["claim_id"]: r for r in site.rows["claims"]}
    body = []
    for rec in result.to_dict("records"):
        row = claims[str(rec["claim_id"])]
        statement = row["statement_ja"] if lang == "ja" else row["statement_en"]
        unit = row.get("unit", "")
        body.append(
            [
                f'<span id="{escape(str(rec["claim_id"]))}">{escape(statement)}</span>',
                f"{number(int(rec['value_stated']), lang)} {escape(unit)}",
                number(int(rec["value_computed"]), lang),
                number(int(rec["value_recomputed"]), lang),
                f"{float(rec['relative_difference']):.2%}",
                f"{float(rec['tolerance_relative']):.0%}",
                t["yes"] if bool(rec["holds"]) else f"<strong>{t['no']}</strong>",
                escape(row.get("computation_en", "")),
            ]
        )
    header = [
        t["claim"],
        t["stated"],
        t["recorded"],
        t["recomputed"],
        t["difference"],
        t["tolerance"],
        t["holds"],
        t["computation"],
    ]
    out = ["---", "hide:", "  - toc", "---", "", f"# {t['claims_title']}", "", t["claims_intro"]]
    out.append("")
    out += [f'<div class="japus-claims" markdown="0">\n{html_table(header, body)}\n</div>', ""]
    out += [f"[{site.title_md(site.package.table('claims'), lang)}](tables/claims.md)", ""]
    return "\n".join(out)


def corrections_page(site: Site, lang: str) -> str:
    t = TEXT[lang]
    table = site.package.table("corrections")
    body = [
        [
            escape(r["line_number"]),
            escape(site.label(table, "kind", r["kind"], lang)),
            f"<code>{escape(r['original_text'])}</code>",
            f"<code>{escape(r['corrected_text'])}</code>",
            escape(r["reason_en"]),
            "<br>".join(f"<code>{escape(a.strip())}</code>" for a in r["applied_to"].split(";")),
        ]
        for r in site.rows["corrections"]
    ]
    header = [t["line"], t["kind"], t["original"], t["corrected"], t["reason"], t["applied_to"]]
    out = ["---", "hide:", "  - toc", "---", "", f"# {t['corrections_title']}", ""]
    out += [t["corrections_intro"], ""]
    out += [f'<div class="japus-corrections" markdown="0">\n{html_table(header, body)}\n</div>', ""]
    out += [f"[{site.title_md(table, lang)}](tables/corrections.md)", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Files included from the repository root
# --------------------------------------------------------------------------------------------

LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")  # [label](target)
REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:[ \t]*)(\S+)", re.MULTILINE)  # [label]: target
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)")  # a URL, an anchor or an absolute path


def site_link(target: str, tables: Collection[str]) -> str | None:
    """Where a repository-relative link of README/CHANGELOG/CONTRIBUTING points in the site."""
    path, _, fragment = target.partition("#")
    path = path.removeprefix("./")
    known = {
        "README.md": "index.md",
        "CHANGELOG.md": "changelog.md",
        "CONTRIBUTING.md": "contributing.md",
        "CONTRIBUTING.ja.md": "contributing.md",
        "datapackage.json": f"{DATA_DIR}/datapackage.json",
    }
    mapped: str | None = known.get(path)
    if mapped is None and path.startswith("docs/") and path.endswith(".md"):
        mapped = path.removeprefix("docs/")
    if mapped is None and path.startswith("resources/") and path.endswith(".csv"):
        name = Path(path).stem
        mapped = f"tables/{name}.md" if name in tables else None
    if mapped is None:
        return None
    return mapped + (f"#{fragment}" if fragment else "")


def rewrite_links(text: str, target_for: Callable[[str], str | None]) -> str:
    """Apply ``target_for`` to every relative link target of a Markdown text.

    ``target_for`` returns the new target, the same one to keep it, or None when the link has
    no place in the site: an inline link then becomes its plain label, a reference definition
    an anchor-only link.
    """

    def inline(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if safe_url(target) is None:
            return label  # a javascript:, data: or other link that is not http(s)
        if EXTERNAL.match(target):
            return match.group(0)
        new = target_for(target)
        return label if new is None else f"[{label}]({new})"

    def reference(match: re.Match[str]) -> str:
        head, target = match.group(1), match.group(2)
        if safe_url(target) is None:
            return head + "#"
        if EXTERNAL.match(target):
            return match.group(0)
        return head + (target_for(target) or "#")

    return REFERENCE.sub(reference, LINK.sub(inline, text))


def include(text: str, site: Site, note: str, original: tuple[str, str] | None = None) -> str:
    """A repository Markdown file, as a page at the root of the site (``note`` under its title).

    ``original`` is given for a translation: the repository file it translates and the URL of
    that file's page, relative to this page. Links to the original then lead to its page in
    the default language, as raw HTML: a Markdown link would be resolved by
    mkdocs-static-i18n to the page of the current language, this very page.
    """
    if original is not None:
        source, url = original

        def to_original(match: re.Match[str]) -> str:
            path = match.group(2).partition("#")[0].removeprefix("./")
            if path != source:
                return match.group(0)
            return f'<a href="{escape(url)}" hreflang="en">{match.group(1)}</a>'

        text = LINK.sub(to_original, text)
    body = rewrite_links(text, lambda target: site_link(target, site.rows))
    if not note:
        return body
    admonition = f'!!! note "{TEXT["ja"]["note"]}"\n\n    {note}\n'
    lines = body.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
    return "\n".join([*lines[: title + 1], "", admonition, *lines[title + 1 :]])


# --------------------------------------------------------------------------------------------
# Writing it all
# --------------------------------------------------------------------------------------------


def page_path(out: Path, name: str, lang: str) -> Path:
    suffix = "" if lang == "en" else f".{lang}"
    return out / f"{name}{suffix}.md"


# Pages included from a repository file, and the file for each language. A page whose file is
# the English one in another language gets the ``<page>_note`` of ``TEXT`` under its title.
INCLUDED: dict[str, dict[str, str]] = {
    "changelog": {"en": "CHANGELOG.md", "ja": "CHANGELOG.md"},
    "contributing": {"en": "CONTRIBUTING.md", "ja": "CONTRIBUTING.ja.md"},
}


def page_url(name: str, lang: str, directory_urls: bool) -> str:
    """The URL of a page of the site, relative to the site root."""
    prefix = "" if lang == LANGS[0] else f"{lang}/"
    return f"{prefix}{name}/" if directory_urls else f"{prefix}{name}.html"


def generate(
    root: Path,
    out: Path,
    directory_urls: bool = True,
    extra_pages: Mapping[str, Callable[[Site, str], str]] | None = None,
) -> list[str]:
    """Write every generated page and data file under ``out``; return the table page names.

    ``directory_urls`` is MkDocs' ``use_directory_urls``: the form of the URLs that link a
    translated page to the page of its original. ``extra_pages`` adds pages made by other
    modules (name → function of the site and the language), such as ``japus_series.PAGES``.
    """
    site = load_site(root)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / DATA_DIR).mkdir(parents=True, exist_ok=True)
    for table in site.package.tables:
        # The download is the file itself, byte for byte, as the safe reader read it.
        (out / DATA_DIR / download_name(table)).write_bytes(site.files[table.name])
    shutil.copyfile(root / "datapackage.json", out / DATA_DIR / "datapackage.json")
    pages: dict[str, Callable[[Site, str], str]] = {
        "tables/index": tables_index,
        "relationships": relationships_page,
        "charts": charts_page,
        "claims": claims_page,
        "corrections": corrections_page,
        **(extra_pages or {}),
    }
    for lang in LANGS:
        for table in site.package.tables:
            page_path(out, f"tables/{output_name(table.name)}", lang).write_text(
                table_page(site, table, lang), encoding="utf-8"
            )
        for name, make in pages.items():
            page_path(out, name, lang).write_text(make(site, lang), encoding="utf-8")
        for name, sources in INCLUDED.items():
            source, english = sources[lang], sources[LANGS[0]]
            text = (root / source).read_text(encoding="utf-8")
            note = TEXT[lang].get(f"{name}_note", "") if source == english else ""
            original = None
            if source != english:
                here = page_url(name, lang, directory_urls)
                there = page_url(name, LANGS[0], directory_urls)
                # A browser resolves a link against the page's folder: the URL itself when it
                # ends in "/", else the folder the URL's file is in.
                base = here.rstrip("/") if here.endswith("/") else posixpath.dirname(here)
                url = posixpath.relpath(there, base or ".")
                original = (english, url + ("/" if there.endswith("/") else ""))
            page = include(text, site, note, original)
            page_path(out, name, lang).write_text(page, encoding="utf-8")
    return [f"tables/{t.name}.md" for t in site.package.tables]
