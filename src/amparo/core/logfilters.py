"""Logging filter: no query string of a request path ever reaches a log line.

Query strings can carry identifying data (``/persons/?name=...``, ``?document=...``), and request logs are
kept, shipped and read far outside Amparo's access control. The rule is simple on purpose: every request
path in a log line loses its query string, whatever the path. The message is formatted here, then cleaned,
so the rule holds for any logger's arguments (``django.server``'s request line, ``django.request``'s path,
a WSGI server's access-log atoms given as a mapping).
"""

from __future__ import annotations

import logging
import re

# A request line: "GET /persons/?name=Ana HTTP/1.1". Its query runs to the protocol, spaces included (a
# malformed request may carry them unencoded).
_REQUEST_LINE = re.compile(
    r"\b((?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT)\s+[^\s?]*)\?.*?(?=\s+HTTP/\d|[\"']|$)",
    re.MULTILINE,
)
# Any other path or URL with a query: "/api/v1/persons/?name=Ana", "https://host/persons/?name=Ana".
_PATH_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def strip_query_strings(text: str) -> str:
    """The text with the query string of every request path in it removed (the ``?`` too)."""
    if "?" not in text:
        return text
    return _PATH_QUERY.sub(r"\1", _REQUEST_LINE.sub(r"\1", text))


class StripQueryStrings(logging.Filter):
    """Removes query strings from the record's message; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error reporting
            return True
        cleaned = strip_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
