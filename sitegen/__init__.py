"""sitegen: a static archive site generator for diplomatic cables."""

from sitegen.core.model import Cable, Diagnostic, Paragraph, Reference, cable_to_json
from sitegen.parse import parse_bytes, parse_cable, parse_file

__version__ = "0.1.0"

__all__ = [
    "Cable",
    "Diagnostic",
    "Paragraph",
    "Reference",
    "__version__",
    "cable_to_json",
    "parse_bytes",
    "parse_cable",
    "parse_file",
]
