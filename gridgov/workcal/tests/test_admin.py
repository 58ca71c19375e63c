"""A county admin maintains the calendar in the Django admin."""

from __future__ import annotations

from datetime import date

import pytest

from gridgov.workcal.models import CalendarDay, DaySource

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/workcal/calendarday/"


def test_the_list_filters_by_year(admin_client):
    page = admin_client.get(CHANGELIST, {"year": "2026"})
    assert page.status_code == 200
    shown = {row.date for row in page.context["cl"].result_list}
    assert shown and all(d.year == 2026 for d in shown)
    assert "2027" in page.content.decode()  # offered as a filter choice


def test_editing_a_day_goes_through_the_action(admin_client, admin_user):
    row = CalendarDay.objects.get(date=date(2027, 2, 9))
    page = admin_client.post(
        f"{CHANGELIST}{row.pk}/change/", {"is_workday": "", "name": "春节", "note": "已按国务院通知核实"}
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.provisional, row.source, row.updated_by, row.note) == (
        False,
        DaySource.ADMIN,
        admin_user,
        "已按国务院通知核实",
    )


def test_adding_a_local_rest_day(admin_client):
    page = admin_client.post(f"{CHANGELIST}add/", {"date": "2026-11-16", "is_workday": "", "name": "县庆"})
    assert page.status_code == 302
    assert not CalendarDay.objects.get(date=date(2026, 11, 16)).is_workday


def test_confirming_and_deleting_in_bulk(admin_client):
    provisional = list(CalendarDay.objects.filter(date__year=2027).values_list("pk", flat=True))
    admin_client.post(CHANGELIST, {"action": "confirm_selected", "_selected_action": provisional})
    assert not CalendarDay.objects.filter(date__year=2027, provisional=True).exists()

    admin_client.post(CHANGELIST, {"action": "delete_selected_days", "_selected_action": provisional[:2]})
    assert CalendarDay.objects.filter(date__year=2027).count() == len(provisional) - 2


@pytest.mark.django_db
def test_year_filter_ignores_values_that_are_not_a_year(admin_client):
    for year in ("²⁰²⁶", "99999", "abc"):
        response = admin_client.get("/admin/workcal/calendarday/", {"year": year})
        assert response.status_code in (200, 302)
