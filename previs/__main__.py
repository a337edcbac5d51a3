"""``python -m previs`` is the ``previs`` command."""

import sys

from .cli import main

sys.exit(main())
