"""`python -m devcon`."""

import sys

from devcon.cli.app import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
