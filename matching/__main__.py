"""``python -m matching evaluate DATA_DIR [--json]``."""

import sys

from matching.evaluate import main

sys.exit(main())
