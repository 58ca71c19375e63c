"""manage.py workcal_load [YEAR ...]: (re)load shipped holiday files, e.g. after the 2027 notice."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gridgov.workcal.actions import calendar_load_year
from gridgov.workcal.holidays import shipped_years


class Command(BaseCommand):
    help = "Load data/calendar_<year>.json into the working calendar (admin-edited days are kept)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="default: every shipped year")

    def handle(self, *args, years, **options):
        for year in years or shipped_years():
            result = calendar_load_year(actor=None, year=year)  # the system, from shipped files
            flag = " (PROVISIONAL: confirm in the admin)" if result.provisional else ""
            self.stdout.write(
                f"{year}: {result.created} created, {result.updated} updated, {result.deleted} deleted, "
                f"{result.kept} admin-maintained kept{flag}"
            )
