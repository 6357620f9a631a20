"""The ``japus-data`` command: validate, list, show, hash, generate.

Exit codes: 0 valid / done, 1 invalid data, 2 usage or I/O error. Errors on bad input are
one line each, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .descriptor import DescriptorError
from .errors import JapusDataError
from .locate import DESCRIPTOR, resolve_root

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="japus-data",
        description="Japan–US cooperation data (MEXT, 2025-12-18): validate and inspect.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="validate a data package (default: the installed one)")
    v.add_argument("path", nargs="?", help="datapackage.json or its folder")
    v.add_argument("--format", choices=["text", "json"], default="text")
    ls = sub.add_parser("list", help="tables with their rows and titles")
    ls.add_argument("--path", help="datapackage.json or its folder (default: installed)")
    show = sub.add_parser("show", help="print a table")
    show.add_argument("table")
    show.add_argument("--path", help="datapackage.json or its folder (default: installed)")
    h = sub.add_parser("hash", help="record each resource's sha256 and size in the descriptor")
    h.add_argument("path", nargs="?", help="datapackage.json or its folder (default: .)")
    g = sub.add_parser("generate", help="regenerate models.py and loaders.py from the descriptor")
    g.add_argument("--check", action="store_true", help="exit 1 if they are out of date")
    return parser


def _root(path: str | None) -> Path:
    root = resolve_root(path)
    if not (root / DESCRIPTOR).is_file():
        raise FileNotFoundError(f"{root / DESCRIPTOR}: file not found")
    return root


def _validate(path: str | None, fmt: str) -> int:
    from .validate import validate_package

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
    from .read import package_at, read_table

    root = _root(path) if path else None
    package = package_at(root)
    width = max(len(n) for n in package.table_names)
    print(f"{'table':<{width}}  {'rows':>5}  title")
    for table in package.tables:
        rows = len(read_table(table.name, root))
        print(f"{table.name:<{width}}  {rows:>5}  {table.title} / {table.title_ja}")
    return EXIT_OK


def _show(name: str, path: str | None) -> int:
    from .read import package_at, read_table

    root = _root(path) if path else None
    names = package_at(root).table_names
    if name not in names:
        print(f"japus-data: no table {name!r}; tables: {', '.join(names)}", file=sys.stderr)
        return EXIT_USAGE
    frame = read_table(name, root)
    print(frame.to_csv(index=False), end="")
    return EXIT_OK


def _hash(path: str | None) -> int:
    from .integrity import refresh_hashes

    root = _root(path or ".")
    changed = refresh_hashes(root)
    print(f"updated: {', '.join(changed)}" if changed else "hashes are current")
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.path, args.format)
        if args.command == "list":
            return _list(args.path)
        if args.command == "show":
            return _show(args.table, args.path)
        if args.command == "hash":
            return _hash(args.path)
        return _generate(args.check)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"japus-data: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DescriptorError, JapusDataError) as exc:
        print(f"japus-data: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
