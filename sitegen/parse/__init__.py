"""The parse stage: cable text in, :class:`sitegen.core.model.Cable` out."""

from sitegen.parse.cable import parse_bytes, parse_cable, parse_file

__all__ = ["parse_bytes", "parse_cable", "parse_file"]
