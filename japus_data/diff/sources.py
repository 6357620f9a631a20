"""Reading one version of the package: a folder, or a git revision read with ``git cat-file``
without checking anything out.

The descriptor is read by the model's one structural check (``japus_data.descriptor.
resource_model``): a resource japus-data cannot read is refused with the same line the
validator and the loader give. Only the resources are needed: package metadata of the wrong
type is a change the diff reports, not a version it cannot read. Cells are kept as the text
in the CSV files (``japus_data.csvread.text_records``, the dialect as the model reads it),
so that the diff works for data the current schema would reject.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..csvread import text_records
from ..descriptor import (
    Dialect,
    Package,
    Table,
    loads_descriptor,
    resource_model,
    resource_name,
)
from ..errors import DescriptorError, PackageFileError
from ..errors import DiffError as DiffError  # defined with every error; still importable here
from ..locate import DESCRIPTOR, resolve_root
from ..safepath import (
    MAX_DESCRIPTOR_BYTES,
    path_problem,
    path_text_problem,
    read_package_file,
    read_regular_file,
)

if TYPE_CHECKING:
    import subprocess

GIT_PREFIX = "git:"
EXTRA = "(extra cells)"  # cells beyond the header, kept rather than dropped

Row = tuple[str, ...]


@dataclass(frozen=True)
class TableText:
    """One table of one version: its model and its cells as text."""

    table: Table
    header: tuple[str, ...]  # as in the CSV file
    rows: tuple[Row, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def path(self) -> str:
        return self.table.path

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(name, type) of each field, as declared."""
        return tuple((f.name, f.type) for f in self.table.fields)

    @property
    def primary_key(self) -> tuple[str, ...]:
        return self.table.primary_key


@dataclass(frozen=True)
class Snapshot:
    label: str
    package: Package
    tables: dict[str, TableText]

    @property
    def version(self) -> str:
        return self.package.version


class _Folder:
    def __init__(self, root: Path, label: str) -> None:
        self.root, self.label = root, label

    def problem(self, path: str) -> str | None:
        """Why ``path`` is not a file inside the package, or None."""
        return path_problem(self.root, path)

    def read(self, path: str) -> bytes:
        """A file of the package, read by the library's one safe reader."""
        try:
            if path == DESCRIPTOR:
                return read_regular_file(self.root / path, path, MAX_DESCRIPTOR_BYTES)
            return read_package_file(self.root, path)
        except PackageFileError as exc:
            reason = exc.reason.removeprefix("cannot read: ")
            reason = reason if reason == "file not found" else exc.reason
            raise DiffError(f"{self.root / path}: {reason}") from None


class _GitRevision:
    def __init__(self, repo: Path, rev: str, subdir: str, label: str) -> None:
        self.repo, self.rev, self.subdir, self.label = repo, rev, subdir.strip("/"), label
        self.root = repo / self.subdir
        if not rev or rev.startswith("-"):
            raise DiffError(f"{label}: not a git revision")
        self.commit = self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if self.commit is None:
            raise DiffError(f"{label}: unknown git revision {rev!r} in {repo}")

    def _git(self, *args: str) -> str | None:
        result = self._run(*args)
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        import subprocess

        try:
            result = subprocess.run(
                ["git", "-C", str(self.repo), *args], capture_output=True, check=False
            )
        except FileNotFoundError:
            raise DiffError("git is not installed; cannot read " + self.label) from None
        except OSError as exc:
            raise DiffError(f"cannot run git: {exc}") from None
        if result.returncode != 0 and b"not a git repository" in result.stderr:
            raise DiffError(f"{self.repo}: not a git repository (needed for {self.label})")
        return result

    def problem(self, path: str) -> str | None:
        """Why ``path`` is not a file inside the package, or None, judged by its text alone:
        absolute, with ``..`` or a URL (the revision's files are not on disk to resolve)."""
        return path_text_problem(path)

    def read(self, path: str) -> bytes:
        # ./ makes the path relative to the repo folder given, like a path on disk would be.
        inner = "/".join(p for p in (".", self.subdir, path) if p)
        result = self._run("cat-file", "blob", f"{self.commit}:{inner}")
        if result.returncode != 0:
            raise DiffError(f"{self.label}: {inner.removeprefix('./')}: not in revision")
        return result.stdout


Source = _Folder | _GitRevision


def source(spec: str, repo: Path) -> Source:
    """A version named by SPEC: ``git:REV[:SUBDIR]``, an existing path, else a git revision."""
    if spec.startswith(GIT_PREFIX):
        rev, _, subdir = spec.removeprefix(GIT_PREFIX).partition(":")
        return _GitRevision(repo, rev, subdir, spec)
    path = Path(spec)
    if path.exists():
        try:
            root = resolve_root(path)
        except DescriptorError as exc:
            raise DiffError(str(exc)) from None
        if not (root / DESCRIPTOR).is_file():
            raise DiffError(f"{root / DESCRIPTOR}: file not found")
        return _Folder(root, spec)
    rev, _, subdir = spec.partition(":")
    try:
        return _GitRevision(repo, rev, subdir, spec)
    except DiffError:
        raise DiffError(f"{spec}: no such file or folder, nor a git revision in {repo}") from None


def parse_text(
    data: bytes, where: str, dialect: Dialect | None = None
) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """A CSV file's header and rows as text. A row shorter than the header is padded with
    empty cells; cells beyond it are kept, joined, in an ``EXTRA`` column."""
    dialect = dialect or Dialect()
    delimiter = dialect.delimiter
    try:
        records = text_records(data, dialect)
    except UnicodeDecodeError as exc:
        raise DiffError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise DiffError(f"{where}: not a readable CSV file: {exc}") from None
    if not records:
        return (), ()
    header = records[0]
    width = len(header)
    if all(len(record) == width for record in records):  # a well-formed file: as read
        return header, tuple(records[1:])
    rows = []
    for record in records[1:]:
        cells = record[:width] + ("",) * (width - len(record))
        if len(record) > width:
            cells += (delimiter.join(record[width:]),)
        rows.append(cells)
    if any(len(r) > width for r in rows):
        header = (*header, EXTRA)
        rows = [r + ("",) * (width + 1 - len(r)) for r in rows]
    return header, tuple(rows)


def _tables(raw: dict[str, object], where: str) -> list[Table]:
    """Each resource's model, or a DiffError with the structural check's first problem."""
    resources = raw.get("resources")
    if not isinstance(resources, list):
        raise DiffError(f"{where}: not a data package (no resources list)")
    tables: list[Table] = []
    for i, resource in enumerate(resources):
        table, problems = resource_model(f"/resources/{i}", resource)
        if table is None:
            first, name = problems[0], resource_name(resource)
            named = f" (resource {name!r})" if name else ""
            raise DiffError(f"{where}: {first.field or '/'}{named}: {first.message}")
        if table.name in {t.name for t in tables}:
            raise DiffError(f"{where}: two resources named {table.name!r}")
        tables.append(table)
    return tables


def load_snapshot(spec: str, repo: str | Path = ".") -> Snapshot:
    """Read the version named by ``spec`` (a path, ``git:REV[:SUBDIR]`` or a revision)."""
    found = source(spec, Path(repo))
    where = f"{found.label}: {DESCRIPTOR}"
    data = found.read(DESCRIPTOR)
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise DiffError(f"{where}: larger than {MAX_DESCRIPTOR_BYTES} bytes")
    try:
        raw = loads_descriptor(data.decode("utf-8-sig"), where)
    except UnicodeDecodeError:
        raise DiffError(f"{where}: not UTF-8") from None
    except DescriptorError as exc:
        raise DiffError(str(exc)) from None
    tables = _tables(raw, where)
    texts: dict[str, TableText] = {}
    for table in tables:
        why = found.problem(table.path)
        if why:
            raise DiffError(f"{where}: resource {table.name!r}: {why}")
        header, rows = parse_text(
            found.read(table.path), f"{found.label}: {table.path}", table.dialect
        )
        texts[table.name] = TableText(table, header, rows)
    package = Package(root=found.root, raw=raw, tables=tuple(tables))
    return Snapshot(label=found.label, package=package, tables=texts)
