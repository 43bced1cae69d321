"""Content: a site's files discovered, parsed, stored and indexed into one archive."""
