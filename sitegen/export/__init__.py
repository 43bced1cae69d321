"""Export: the archive and its reference graph as data files (``sitegen export``)."""
