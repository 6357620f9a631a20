"""Where the data package is: shipped inside the wheel, or at the root of a source checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DESCRIPTOR = "datapackage.json"


def package_root() -> Path:
    """Folder holding the installed ``datapackage.json`` and its ``resources/``.

    A wheel carries the package under ``japus_data/_package``; a source checkout (and an
    editable install) has it at the repository root, one level above this module.
    """
    bundled = Path(str(files("japus_data"))) / "_package"
    if (bundled / DESCRIPTOR).is_file():
        return bundled
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    raise FileNotFoundError(
        f"japus-data cannot find its {DESCRIPTOR}: looked in {bundled} and {checkout}"
    )


def resolve_root(path: str | Path | None) -> Path:
    """The package folder for a user-given PATH: a folder, a ``datapackage.json``, or None.

    A package is read from the file named ``datapackage.json`` in its folder; any other file
    (``alt.json``) is refused rather than silently swapped for the ``datapackage.json``
    beside it.
    """
    if path is None:
        return package_root()
    p = Path(path)
    if p.name == DESCRIPTOR:
        return p.parent
    if p.suffix.lower() == ".json" or p.is_file():
        from .errors import DescriptorError

        raise DescriptorError(
            f"{p}: japus-data reads a package from its {DESCRIPTOR}; give the package's "
            f"folder or its {DESCRIPTOR}"
        )
    return p
