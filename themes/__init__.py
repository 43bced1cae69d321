"""The themes shipped with sitegen (``default``), packaged as data."""
