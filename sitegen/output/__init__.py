"""Output: the output folder written atomically, its manifest, and its verification."""
