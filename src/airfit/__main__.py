"""`python -m airfit` is the same as the `airfit` command."""

from airfit.cli import main

main()
