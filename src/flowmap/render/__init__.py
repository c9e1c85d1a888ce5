"""Renderers: text (terminal), JSON, Markdown, Excel and HTML outputs."""
