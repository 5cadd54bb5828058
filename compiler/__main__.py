"""`python -m compiler` runs the `constitution` command."""

from compiler.cli import main

main()
