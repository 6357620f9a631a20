"""``python -m japus_data`` runs the ``japus-data`` command."""

from .cli import run

run()
