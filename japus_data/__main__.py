"""``python -m japus_data`` runs the ``japus-data`` command."""

import sys

from .cli import main

sys.exit(main())
