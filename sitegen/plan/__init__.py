"""Plan: which pages the site has, at which paths, and the flat data each template gets."""
