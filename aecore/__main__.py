"""``python -m aecore``: see :mod:`aecore.cli`."""

import sys

from aecore import cli

if __name__ == "__main__":
    sys.exit(cli.main())
