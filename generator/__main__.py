"""``python -m generator``: the tablemap compiler's command line."""

import sys

from generator.cli import main

sys.exit(main())
