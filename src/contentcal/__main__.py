"""``python -m contentcal`` runs the command line."""

from contentcal.cli import main

main()
