"""Maintained rollups the measures read instead of scanning a domain's tables (see docs/kpi.md)."""

from __future__ import annotations

from django.db import models


class Rollup(models.Model):
    """Sums of one measure for one day, one grid path and one set of dimension values of a domain.

    `count` is how many things were counted; `total` is the sum of their amounts in the measure's integer
    base unit (milliseconds for durations), so a mean is `total / count` summed exactly over any region
    and period. Rows are only ever incremented (`actions.rollup_record`) or rebuilt from the records.
    """

    domain = models.CharField(max_length=32)
    measure = models.CharField(max_length=64)
    # A grid's materialised path (`/county/township/village/grid/`), "" for records not located yet; a
    # region's figure is the sum over the paths starting with the region's path.
    path = models.CharField(max_length=255, blank=True)
    day = models.DateField()  # the local calendar day the domain files the record under
    # Canonical "name=value;name=value" (sorted), e.g. "category=12"; "" for none.
    dims = models.CharField(max_length=200, blank=True)
    count = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "path", "day", "measure", "dims"], name="kpi_rollup_one_row_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.domain}.{self.measure} {self.path} {self.day} {self.dims}: {self.count}/{self.total}"


class Contribution(models.Model):
    """What one record currently adds to the rollups, so a change is applied as a difference.

    A domain says what a record contributes *now*; the difference from the stored contribution is added
    to the rollups (moving it between days, paths or dimensions when those change) and the new one
    replaces it. A record that is counted twice or missed is therefore impossible by construction, and a
    rebuild recomputes both tables from the records.
    """

    domain = models.CharField(max_length=32)
    record_id = models.BigIntegerField()
    path = models.CharField(max_length=255, blank=True)
    day = models.DateField()
    dims = models.CharField(max_length=200, blank=True)
    values = models.JSONField(default=dict)  # {measure: [count, total]}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "record_id"], name="kpi_contribution_one_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.domain} #{self.record_id}"
