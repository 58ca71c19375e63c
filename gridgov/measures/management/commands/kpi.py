"""`gridgov kpi verify|rebuild [--domain D]`: check the maintained rollups against the records, or rebuild them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gridgov.measures.actions import rollups_rebuild
from gridgov.measures.registry import rollup_sources
from gridgov.measures.rollups import kpi_verify

SHOWN = 50  # differences printed; the count says how many there are


class Command(BaseCommand):
    help = "Verify the KPI rollups against the records (exit 1 on any difference), or rebuild them."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["verify", "rebuild"])
        parser.add_argument("--domain", default=None, help="one domain (default: every domain with rollups)")

    def handle(self, *args, what, domain, **options):
        if domain is not None and domain not in rollup_sources():
            raise CommandError(
                f"no domain {domain!r} keeps rollups; known: {', '.join(sorted(rollup_sources()))}"
            )
        if what == "rebuild":
            for name, rows in rollups_rebuild(domain).items():
                self.stdout.write(f"{name}: {rows} rollup rows rebuilt from the records")
            return
        differences = kpi_verify(domain)
        for difference in differences[:SHOWN]:
            self.stdout.write(str(difference))
        if differences:
            raise CommandError(
                f"{len(differences)} rollup rows differ from the records (gridgov kpi rebuild)"
            )
        self.stdout.write("rollups match the records")
