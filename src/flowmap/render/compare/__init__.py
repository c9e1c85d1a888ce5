"""Render a comparison (as-is vs to-be) as text, JSON, Markdown or an Excel workbook.

The text leads with the answer on one screen: minutes freed per day and per
owner, money per month, lead time before → after with its interval, findings
resolved / remaining / new; the details follow. One module per format
(:mod:`.text`, :mod:`.markdown`, :mod:`.xlsx`) over the shared :mod:`.words`;
the HTML page is :mod:`flowmap.render.compare_html`.
"""

from __future__ import annotations

import json

from ...compare import Comparison
from .markdown import to_markdown
from .text import to_text
from .words import STATUS, change_text, money, signed_duration, summary_lines
from .xlsx import write_xlsx

__all__ = ["STATUS", "change_text", "money", "signed_duration", "summary_lines", "to_json", "to_markdown", "to_text",
           "write_xlsx"]


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2) + "\n"
