"""Render: Jinja2 templates, Markdown, cable text, citations, feeds, charts, search bundle."""
