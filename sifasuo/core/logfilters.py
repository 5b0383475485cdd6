"""Log records as one line each: line breaks in a message are escaped (ASVS 7.3.1).

A value a user typed (a username with ``\\n2026-01-01 INFO admin login ok`` in it) must not
forge a second log line. The message is formatted once and its CR/LF written as ``\\r`` /
``\\n``; a traceback (``exc_info``) is still printed below it as Python prints it.
"""

from __future__ import annotations

import logging


class OneLine(logging.Filter):
    """Escape carriage returns and line feeds in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message or "\r" in message:
            record.msg = message.replace("\r", "\\r").replace("\n", "\\n")
            record.args = None
        return True
