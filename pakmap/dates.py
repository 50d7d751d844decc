"""The date printed on maps and stamped on exports."""

from __future__ import annotations

import datetime as _dt
import os


def creation_date() -> _dt.date:
    """Today, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds of the same map)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    return _dt.date.today()


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: _dt.date) -> str:
    """ "3 December 2026": English month names whatever the machine's locale (Qt sets it from the
    environment, and ``strftime('%B')`` would follow it)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
