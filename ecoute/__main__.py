"""``python -m ecoute`` = the ``ecoute`` command."""

from ecoute.cli import main

main()
