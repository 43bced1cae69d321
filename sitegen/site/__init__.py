"""Site: the build, read top to bottom, and the state it keeps between builds."""
