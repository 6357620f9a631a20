"""The check codes: the closed vocabulary of the ``[check]`` at the end of each report line.

One member per code, with its meaning in English and Japanese; CONTRIBUTING.md and
CONTRIBUTING.ja.md list them from here (``markdown_table``, drift-tested), and a
:class:`~japus_data.problem.Problem` refuses a code that is not one of them. A member
is a ``str``, so reports, JSON and filters (``p.check == "hash"``) see the plain code.
"""

from __future__ import annotations

from enum import StrEnum


class Check(StrEnum):
    """A check code, with ``en`` and ``ja``: what a problem of that code means."""

    en: str
    ja: str

    def __new__(cls, code: str, en: str = "", ja: str = "") -> Check:
        member = str.__new__(cls, code)
        member._value_ = code
        member.en, member.ja = en, ja
        return member

    # datapackage.json and the files it names
    DESCRIPTOR = (
        "descriptor",
        "datapackage.json cannot be read as a JSON object, or gives a key twice",
        "datapackage.json が JSON オブジェクトとして読めない、または同じキーが二度ある",
    )
    PROFILE = (
        "profile",
        "datapackage.json does not follow the Data Package v2 profile",
        "datapackage.json が Data Package v2 のプロファイルに従っていない",
    )
    RESOURCE = (
        "resource",
        "a resource is not a table japus-data reads: a unique name, one path, a schema, a header",
        "リソースが読めるテーブルでない(一意の名前、パス一つ、スキーマ、ヘッダー行が要る)",
    )
    SCHEMA = (
        "schema",
        "a table schema refers to what does not exist, or declares what cannot be checked",
        "テーブルスキーマが存在しないものを参照している、または検査できない宣言がある",
    )
    NAME = (
        "name",
        "a table or field name that an export could not keep",
        "エクスポートで保てないテーブル名またはフィールド名",
    )
    PATH = (
        "path",
        "a file japus-data refuses to read: outside the package, not a regular file, too large",
        "読むことを拒んだファイル(パッケージの外、通常のファイルでない、大きすぎる)",
    )
    IO = (
        "io",
        "a file that cannot be read: missing, or no permission",
        "読めないファイル(存在しない、または権限がない)",
    )
    INTERNAL = (
        "internal",
        "japus-data could not check it: a bug, please report it",
        "japus-data が検査できなかった(不具合なので報告してください)",
    )
    # The bytes of a CSV file
    ENCODING = ("encoding", "the file is not UTF-8", "ファイルが UTF-8 でない")
    BOM = ("bom", "the file starts with a byte order mark", "ファイルが BOM で始まる")
    NEWLINE = ("newline", "mixed or bare-CR line ends", "改行が混在している、または CR だけ")
    BLANK_ROW = ("blank-row", "an empty line", "空行がある")
    QUOTE = (
        "quote",
        "a quote never closed, or a quote inside a cell that is not quoted",
        "引用符が閉じていない、または引用されていないセルの中に引用符がある",
    )
    HEADER = (
        "header",
        "the header is not exactly the schema's fields, in order",
        "ヘッダー行がスキーマのフィールドと順序どおりに一致しない",
    )
    EXTRA_CELL = (
        "extra-cell",
        "a row has more cells than the schema has fields",
        "行のセルがフィールドの数より多い",
    )
    MISSING_CELL = (
        "missing-cell",
        "a row has fewer cells than the schema has fields",
        "行のセルがフィールドの数より少ない",
    )
    PARSE = ("parse", "the file cannot be read as CSV", "CSV として読めない")
    HASH = (
        "hash",
        "the file changed since its hash was recorded: run make hash",
        "ハッシュを記録した後にファイルが変わった(make hash を実行する)",
    )
    MIN_ROWS = (
        "min-rows",
        "a table has fewer rows than the package needs (its minRows)",
        "テーブルの行がパッケージに必要な数(minRows)より少ない",
    )
    # A cell against its field
    TYPE = ("type", "a value not of its field's type", "値がフィールドの型でない")
    REQUIRED = ("required", "a required value is missing", "必須の値がない")
    PATTERN = ("pattern", "a value does not match its field's pattern", "値がパターンに合わない")
    MINIMUM = ("minimum", "a value below its field's minimum", "値が最小値より小さい")
    MAXIMUM = ("maximum", "a value above its field's maximum", "値が最大値より大きい")
    EXCLUSIVE_MINIMUM = (
        "exclusiveMinimum",
        "a value not above its field's exclusive minimum",
        "値が排他的最小値より大きくない",
    )
    EXCLUSIVE_MAXIMUM = (
        "exclusiveMaximum",
        "a value not below its field's exclusive maximum",
        "値が排他的最大値より小さくない",
    )
    MIN_LENGTH = ("minLength", "a text shorter than its field allows", "文字列が最小の長さより短い")
    MAX_LENGTH = ("maxLength", "a text longer than its field allows", "文字列が最大の長さより長い")
    ENUM = ("enum", "a value not among its field's enum", "値が列挙された値のどれでもない")
    CATEGORIES = (
        "categories",
        "a code that is not in its field's categories",
        "コードがフィールドのカテゴリーにない",
    )
    WHITESPACE = ("whitespace", "spaces around a value", "値の前後に空白がある")
    NUMBER_FORMAT = (
        "number-format",
        "full-width digits or thousands separators in a number",
        "数値に全角数字または桁区切りがある",
    )
    FORMULA = (
        "formula",
        "a text a spreadsheet would run as a formula",
        "表計算ソフトが数式として実行してしまう文字列",
    )
    # Keys
    PRIMARY_KEY = ("primary-key", "a primary key repeated", "主キーが重複している")
    UNIQUE = ("unique", "a value repeated in a unique field", "一意のフィールドで値が重複している")
    UNIQUE_KEY = ("unique-key", "a unique key repeated", "一意キーが重複している")
    FOREIGN_KEY = (
        "foreign-key",
        "a reference to a row that does not exist, or cannot be checked yet",
        "存在しない行への参照、またはまだ検査できない参照",
    )
    DUPLICATE_ROW = ("duplicate-row", "a row repeated whole", "行全体が重複している")
    # The package's own rules
    PERIOD = (
        "period",
        "a reference period inconsistent with its precision",
        "参照期間がその精度と合わない",
    )
    PERIOD_ORDER = (
        "period-order",
        "a period that ends before it starts",
        "期間の終わりが始まりより前",
    )
    SUBSET = ("subset", "a part larger than its whole", "内訳が全体より大きい")
    CLAIM = (
        "claim",
        "the claims cannot be recomputed (or not until their tables are fixed)",
        "主張を再計算できない(または元のテーブルを直すまでできない)",
    )
    CLAIM_COMPUTED = (
        "claim-computed",
        "a claim's recorded computed value differs from the tables",
        "主張に記録された計算値がテーブルから計算した値と違う",
    )
    CLAIM_TOLERANCE = (
        "claim-tolerance",
        "a claim too far from its recomputed value",
        "主張が再計算した値から許容範囲を超えて離れている",
    )
    CORRECTION = (
        "correction",
        "the corrections log does not match the tables or the source text",
        "訂正記録がテーブルまたは原文と合わない",
    )
    ATTESTATION = (
        "attestation",
        "a row's attestation disagrees with its documents",
        "行の裏付けの種類が出典と合わない",
    )
    SOURCES_LIST = (
        "sources-list",
        "a table's sources list is not the one derived from its rows: run make hash",
        "テーブルの出典リストが行から導いたものと違う(make hash を実行する)",
    )
    ENUM_DERIVED = (
        "enum-derived",
        "a coded field's constraints.enum is not its categories' values: run make hash",
        "コード列の constraints.enum がカテゴリーの値と違う(make hash を実行する)",
    )


CODES: frozenset[str] = frozenset(Check)


def markdown_table(lang: str = "en") -> str:
    """The codes and their meanings as the Markdown table CONTRIBUTING lists them in."""
    head = ("| check | meaning |", "| チェック | 意味 |")[lang == "ja"]
    rows = [f"| `{c}` | {c.ja if lang == 'ja' else c.en} |" for c in Check]
    return "\n".join([head, "|---|---|", *rows]) + "\n"
