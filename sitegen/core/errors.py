"""Errors that stop a command, each carrying the exit status the CLI should use."""

from __future__ import annotations


class SitegenError(Exception):
    """A problem that stops the command; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class ConfigError(SitegenError):
    """Bad configuration or usage: exit status 2."""

    exit_code = 2


class BuildError(SitegenError):
    """The build could not complete (a theme error, an unwritable output): exit status 1."""

    exit_code = 1
