"""``python -m toolkit`` is the ``snippets`` command."""

import sys

from toolkit.cli import main

sys.exit(main())
