"""``python -m advisor`` runs the same entry point as the ``advisor`` script."""

import sys

from advisor.cli import main

sys.exit(main())
