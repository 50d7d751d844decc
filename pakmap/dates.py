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


_NUMERIC_DATES = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def page_date(text: str) -> str:
    """A date typed for the page ("as of 2026-11-30", "30/11/2026", "2026-11") in the page's one date
    format ("30 November 2026", "November 2026"); other wording ("Q3 2026", "end of November") as typed.
    Day-first for slashes, as dates are written in Pakistan."""
    stripped = text.strip()
    for fmt in _NUMERIC_DATES:
        try:
            return format_date(_dt.datetime.strptime(stripped, fmt).date())
        except ValueError:
            pass
    try:
        month = _dt.datetime.strptime(stripped, "%Y-%m").date()
    except ValueError:
        return text
    return f"{MONTHS[month.month - 1]} {month.year}"
