"""Dates on the page: one format ("3 December 2026") whatever the officer typed or the locale."""

from __future__ import annotations

import pytest

from pakmap.dates import page_date


@pytest.mark.parametrize(
    "typed, printed",
    [
        ("2026-11-30", "30 November 2026"),
        ("30/11/2026", "30 November 2026"),  # day first, as dates are written in Pakistan
        ("30.11.2026", "30 November 2026"),
        ("2026-11", "November 2026"),
        (" 2026-01-05 ", "5 January 2026"),
        ("31 October 2026", "31 October 2026"),
        ("Q3 2026", "Q3 2026"),
        ("as of end of November", "as of end of November"),
        ("2026-13-01", "2026-13-01"),  # not a date: as typed
    ],
)
def test_typed_dates_print_in_the_page_format(typed, printed):
    assert page_date(typed) == printed


def test_the_as_of_date_and_the_creation_date_share_one_format(admin_gpkg):
    from test_layout_helpers import real_project

    from pakmap.layout.compose import compose_page

    page = compose_page(real_project(admin_gpkg, as_of="2026-11-30"))
    assert page.texts["dates"].splitlines()[0].endswith("30 November 2026")
    assert page.texts["dates"].splitlines()[1].endswith("15 January 2026")  # SOURCE_DATE_EPOCH of the tests
