"""``python -m sitegen``."""

from sitegen.cli.main import run

run()
