"""The ``japus-data`` command: validate, list, show, hash, generate, diff, export, cite.

Exit codes: 0 valid / done, 1 invalid data, 2 usage or I/O error (including a descriptor or
a file that cannot be read safely; ``validate`` and ``export`` report a broken descriptor as
the validator's problems, exit 1). Errors on bad input are one line each, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .citation import LANGUAGES as CITATION_LANGUAGES
from .citation import STYLES as CITATION_STYLES
from .errors import (
    DescriptorError,
    DiffError,
    JapusDataError,
    MissingDependencyError,
    PackageFileError,
    UnknownTableError,
)
from .exports import FORMATS as EXPORT_FORMATS
from .locate import DESCRIPTOR, resolve_root

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# Commands that read one package take it as ``--path`` (an option, because ``cite`` has an
# optional positional TABLE that a positional PATH would make ambiguous).
INSTALLED, CURRENT = "the installed package", "the current folder"


def _add_path(parser: argparse.ArgumentParser, default: str = INSTALLED) -> None:
    parser.add_argument("--path", help=f"datapackage.json or its folder (default: {default})")


def _add_old_path(parser: argparse.ArgumentParser) -> None:
    """The positional PATH of 0.x ``validate``/``hash``, kept as a hidden, deprecated alias."""
    parser.add_argument("old_path", nargs="?", help=argparse.SUPPRESS)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="japus-data",
        description="Japan–US cooperation data (MEXT, 2025-12-18): validate and inspect.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="validate a data package (default: the installed one)")
    _add_path(v)
    _add_old_path(v)
    v.add_argument("--format", choices=["text", "json"], default="text")
    ls = sub.add_parser("list", help="tables with their rows and titles")
    _add_path(ls)
    show = sub.add_parser("show", help="print a table")
    show.add_argument("table")
    _add_path(show)
    h = sub.add_parser(
        "hash",
        help="record what the descriptor derives from the data: sources lists, hashes",
    )
    _add_path(h, CURRENT)
    _add_old_path(h)
    g = sub.add_parser("generate", help="regenerate models.py and loaders.py from the descriptor")
    g.add_argument("--check", action="store_true", help="exit 1 if they are out of date")
    d = sub.add_parser(
        "diff",
        help="rows added, removed and changed per table between two versions",
        description=(
            "Compare two versions of the data package by primary key. OLD and NEW are each a "
            "folder or datapackage.json, or a git revision: git:REV (e.g. git:origin/main, "
            "git:HEAD~1, git:v1.0.0:subdir). A name that is not an existing path is tried as "
            "a revision. Exit 0 when compared, 1 when a --fail-on-* condition holds, 2 on bad "
            "input."
        ),
    )
    d.add_argument("old", metavar="OLD", help="the earlier version: path or git:REV")
    d.add_argument("new", metavar="NEW", nargs="?", default=".", help="the later (default: .)")
    d.add_argument("--repo", default=".", help="git repository for revisions (default: .)")
    d.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    d.add_argument(
        "--fail-on-removed",
        action="store_true",
        help="exit 1 if a table lost rows or was removed",
    )
    d.add_argument(
        "--fail-on-version",
        action="store_true",
        help="exit 1 if NEW's version does not follow the version recipe",
    )
    e = sub.add_parser(
        "export", help="write the validated package as Parquet, SQLite, xlsx or JSON"
    )
    e.add_argument("--format", required=True, choices=list(EXPORT_FORMATS), dest="fmt")
    e.add_argument("--out", required=True, help="folder to write into (created if missing)")
    _add_path(e)
    c = sub.add_parser("cite", help="how to cite the package, or a table and its sources")
    c.add_argument("table", nargs="?", help="a table: cite it with the sources of its rows")
    c.add_argument(
        "--format",
        choices=list(CITATION_STYLES),
        default="text",
        dest="fmt",
        help="text; APA 7 as plain text, Markdown or HTML (title in italics); BibTeX; CSL-JSON",
    )
    c.add_argument(
        "--lang",
        choices=list(CITATION_LANGUAGES),
        default="en",
        help="ja: the Japanese (出典) form, with --format text",
    )
    _add_path(c)
    return parser


def _root(path: str | None) -> Path:
    root = resolve_root(path)
    if not (root / DESCRIPTOR).is_file():
        raise FileNotFoundError(f"{root / DESCRIPTOR}: file not found")
    return root


def _validate(path: str | None, fmt: str) -> int:
    from .validation import validate_package

    root = _root(path)
    report = validate_package(root)
    if fmt == "json":
        print(report.to_json())
    else:
        for problem in report.problems:
            print(problem)
        print(report.summary)
    return EXIT_OK if report.valid else EXIT_INVALID


def _list(path: str | None) -> int:
    from .read import read_table
    from .verify import package_at

    root = _root(path) if path else None
    package = package_at(root)
    width = max(len(n) for n in package.table_names)
    print(f"{'table':<{width}}  {'rows':>5}  title")
    for table in package.tables:
        rows = len(read_table(table.name, root))
        print(f"{table.name:<{width}}  {rows:>5}  {table.title} / {table.title_ja}")
    return EXIT_OK


def _show(name: str, path: str | None) -> int:
    from .read import read_table
    from .verify import package_at

    root = _root(path) if path else None
    package_at(root).table(name)  # an unknown table fails before any file is read
    frame = read_table(name, root)
    print(frame.to_csv(index=False), end="")
    return EXIT_OK


def _hash(path: str | None) -> int:
    from .integrity import refresh_derived

    root = _root(path or ".")
    changed = refresh_derived(root)
    print(f"updated: {', '.join(changed)}" if changed else "sources lists and hashes are current")
    return EXIT_OK


def _generate(check: bool) -> int:
    from .codegen import stale_files, write_generated
    from .descriptor import installed_package

    package = installed_package()
    if check:
        stale = stale_files(package)
        for path in stale:
            print(f"{path}: out of date with {DESCRIPTOR}; run `japus-data generate`")
        return EXIT_INVALID if stale else EXIT_OK
    for path in write_generated(package):
        print(f"wrote {path}")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .diff import RENDERERS, diff_packages

    result = diff_packages(args.old, args.new, args.repo)
    print(RENDERERS[args.format](result))
    if args.format != "text":  # the text report already shows them
        for warning in result.warnings():
            print(f"japus-data: warning: {warning}", file=sys.stderr)
    if args.fail_on_removed and result.lost_rows:
        return EXIT_INVALID
    if args.fail_on_version and not result.version_follows_recipe:
        return EXIT_INVALID
    return EXIT_OK


def _export(fmt: str, out: str, path: str | None) -> int:
    from .exports import InvalidPackageError, export

    root = _root(path) if path else None
    try:
        written = export(fmt, out, root)
    except InvalidPackageError as exc:
        # The validator's own lines, as `japus-data validate` prints them.
        for problem in exc.problems:
            print(problem)
        print(f"{exc.summary}; nothing exported")
        return EXIT_INVALID
    for file in written:
        print(f"wrote {file}")
    return EXIT_OK


def _cite(table: str | None, fmt: str, lang: str, path: str | None) -> int:
    from .citing import cite

    root = _root(path) if path else None
    try:
        text = cite(table, fmt, root, lang)
    except ValueError as exc:  # --lang ja with a format that has no Japanese form
        print(f"japus-data: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(text, end="")
    return EXIT_OK


def _deprecated_path(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Take ``validate PATH``/``hash PATH`` as ``--path PATH``, with a warning on stderr."""
    old = getattr(args, "old_path", None)
    if old is None:
        return
    if args.path is not None:
        parser.error(f"give the package once: --path {args.path} or {old}, not both")
    print(
        f"japus-data: warning: `japus-data {args.command} PATH` is deprecated; "
        f"use `japus-data {args.command} --path PATH`",
        file=sys.stderr,
    )
    args.path = old


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _deprecated_path(parser, args)
    try:
        if args.command == "validate":
            return _validate(args.path, args.format)
        if args.command == "list":
            return _list(args.path)
        if args.command == "show":
            return _show(args.table, args.path)
        if args.command == "hash":
            return _hash(args.path)
        if args.command == "diff":
            return _diff(args)
        if args.command == "export":
            return _export(args.fmt, args.out, args.path)
        if args.command == "cite":
            return _cite(args.table, args.fmt, args.lang, args.path)
        return _generate(args.check)
    except (
        DiffError,
        MissingDependencyError,
        DescriptorError,
        PackageFileError,
        UnknownTableError,
    ) as exc:
        # A package that cannot be read (descriptor, an unsafe or unreadable file), or a
        # table it does not have: a usage error, one line.
        print(f"japus-data: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a missing file, a folder that is a file, no permission
        print(f"japus-data: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except JapusDataError as exc:
        print(f"japus-data: {exc}", file=sys.stderr)
        return EXIT_INVALID


def run() -> None:
    """The ``japus-data`` program (console script and ``python -m japus_data``): this
    process's own settings, then ``main``. numpy is told not to ask the kernel for huge pages
    for its large arrays: where the kernel compacts memory to find them (Linux with
    transparent huge pages on ``madvise``), a validation of 10^6 rows measured 0.3-0.8 s of
    system time more with them (docs/benchmarks.md). numpy reads this setting when first
    imported, so a process that calls ``main`` itself keeps its own; one set here is kept."""
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    sys.exit(main())


if __name__ == "__main__":
    run()
