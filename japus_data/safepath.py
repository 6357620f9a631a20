"""The one notion of a safe package path and of a safe name, and the one way to read a file.

A resource path is safe when it is a non-empty relative POSIX path inside the package: no
absolute path or drive, no URL, no backslash, no ``..`` part, no control character, no
symlink leading out of the package; and, when it exists, a regular file (not a FIFO, a
device, a socket or a folder). The validator, the loader, ``hash``, ``diff``, the exports and
the documentation build all judge paths with :func:`path_problem` and read package files
with :func:`read_package_file`, which checks again on the open file (so a FIFO swapped in
after the check is not waited on, and ``/dev/zero`` is not read).

A resource name is safe when it is an identifier (:data:`NAME`): files the exports and the
documentation write are named from it with :func:`output_name`, never from raw text.

Standard library only: safe on import paths that must not load pandas.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from .codes import Check
from .errors import PackageFileError
from .locate import DESCRIPTOR

__all__ = [
    "MAX_DESCRIPTOR_BYTES",
    "NAME",
    "name_problem",
    "open_package_file",
    "open_regular_file",
    "output_name",
    "path_problem",
    "path_text_problem",
    "read_package_file",
    "read_regular_file",
]

URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Data Package v2's recommended name characters, starting with a letter or digit; bounded.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The descriptor is read whole into memory and parsed; a real one is a few hundred kB.
MAX_DESCRIPTOR_BYTES = 32 * 1024 * 1024


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def path_text_problem(path: object) -> str | None:
    """Why a resource path is unsafe judged by its text alone, or None."""
    if not isinstance(path, str) or not path:
        return "a resource path must be a non-empty string"
    if CONTROL.search(path):
        return f"{path!r} contains a control character"
    if URL.match(path) and not PureWindowsPath(path).drive:
        return f"{path!r} is a URL; resources must be files inside the package"
    if path.startswith(("/", "\\")) or PureWindowsPath(path).drive:
        return f"{path!r} is absolute; resource paths must be relative to {DESCRIPTOR}"
    if "\\" in path:
        return f"{path!r} uses backslashes; use '/' between folders"
    if ".." in PurePosixPath(path).parts:
        return f"{path!r} contains '..'; resources must stay inside the package"
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return f"{path!r} is not valid Unicode text"
    return None


def path_problem(root: Path, path: object) -> str | None:
    """Why a resource path is unsafe, or None: relative, inside the package (symlinks
    resolved), and a regular file if it exists. A missing file is not judged here: reading it
    says so."""
    why = path_text_problem(path)
    if why or not isinstance(path, str):
        return why
    try:
        resolved = (root / path).resolve()
        inside = resolved.is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long
        return f"{path!r} cannot be resolved"
    if not inside:
        return f"{path!r} leads out of the package through a symlink"
    try:
        mode = os.stat(resolved).st_mode
    except (OSError, ValueError):
        return None  # missing or unreadable: reported when it is read
    if not stat.S_ISREG(mode):
        return f"{path!r} is {_kind(mode)}, not a regular file"
    return None


@contextmanager
def open_regular_file(path: Path, label: str) -> Iterator[BinaryIO]:
    """``path`` opened for reading if it is a regular file (checked on the open file,
    without blocking on a FIFO); else :class:`PackageFileError` naming ``label``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PackageFileError(label, "cannot read: file not found") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise PackageFileError(label, f"cannot read: {reason}") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise PackageFileError(label, f"is {_kind(mode)}, not a regular file", Check.PATH)
        try:
            yield handle
        except OSError as exc:
            raise PackageFileError(label, f"cannot read: {exc.strerror or exc}") from None


def read_regular_file(path: Path, label: str, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; else
    :class:`PackageFileError` naming ``label``."""
    with open_regular_file(path, label) as handle:
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise PackageFileError(label, f"is larger than {max_bytes} bytes", Check.PATH)
    return data


@contextmanager
def open_package_file(root: Path, path: str) -> Iterator[BinaryIO]:
    """The package file at resource path ``path`` opened for reading, if the path is safe
    (for reading a large file in blocks rather than whole)."""
    with open_regular_file(_safe(root, path), path) as handle:
        yield handle


def read_package_file(root: Path, path: str, max_bytes: int | None = None) -> bytes:
    """The bytes of the package file at resource path ``path``, if the path is safe."""
    return read_regular_file(_safe(root, path), path, max_bytes)


def _safe(root: Path, path: str) -> Path:
    why = path_problem(root, path)
    if why:
        raise PackageFileError(str(path), why, Check.PATH)
    return root / path


def name_problem(name: object) -> str | None:
    """Why a resource name is not a safe identifier, or None."""
    if isinstance(name, str) and NAME.fullmatch(name):
        return None
    text = repr(name) if len(repr(name)) <= 80 else repr(name)[:80] + "..."
    return (
        f"name {text} is not an identifier: lowercase letters, digits, '_', '-' and '.', "
        "starting with a letter or digit, at most 64 characters"
    )


def output_name(name: str, suffix: str = "") -> str:
    """The file name an export or the documentation writes for resource ``name``."""
    why = name_problem(name)
    if why:
        raise PackageFileError(DESCRIPTOR, why, Check.PATH)
    return name + suffix
