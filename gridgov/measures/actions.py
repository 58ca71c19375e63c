"""Writes to the rollups: a domain records what one of its records counts now (in its own transaction),
and a rebuild recounts a domain from its records. Reads and the reconciliation are in `rollups`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import connection, transaction

from gridgov.measures.models import Contribution as ContributionRow
from gridgov.measures.models import Rollup
from gridgov.measures.rollups import (
    Contribution,
    Key,
    contribution_difference,
    expected_rollups,
    stored_contribution,
)


def _add(domain: str, delta: Mapping[Key, tuple[int, int]]) -> None:
    """Add amounts to rollup rows, creating missing rows, in one statement.

    Keys are sorted so two transactions touching the same rows lock them in the same order (PostgreSQL
    would otherwise deadlock two cases of one grid and day updated in opposite orders). ON CONFLICT keeps
    a concurrent first insert of the same key from failing; SQLite (3.24+) and PostgreSQL both accept it.
    """
    if not delta:
        return
    table = connection.ops.quote_name(Rollup._meta.db_table)
    placeholders, params = [], []
    for (path, day, dims, measure), (count, total) in sorted(delta.items()):
        placeholders.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += [domain, measure, path, connection.ops.adapt_datefield_value(day), dims, count, total]
    sql = (
        f"INSERT INTO {table} (domain, measure, path, day, dims, count, total) VALUES {', '.join(placeholders)} "
        "ON CONFLICT (domain, path, day, measure, dims) DO UPDATE SET "
        f"count = {table}.count + excluded.count, total = {table}.total + excluded.total"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rollup_record(
    domain: str, record_id: int, contribute: Callable[[Contribution | None], Contribution | None]
) -> Contribution | None:
    """Bring the rollups up to date with one record; call it inside the write's transaction.

    `contribute(previous)` gets the contribution stored last time (None for a new record) so a domain can
    carry forward what the record alone no longer shows (e.g. how many times it was dispatched).
    """
    row = ContributionRow.objects.filter(domain=domain, record_id=record_id).first()
    previous = stored_contribution(row)
    new = contribute(previous)
    if new is not None:  # zeros are not stored, so a record that counts nothing new compares equal
        new = Contribution(new.path, new.day, new.dims, {m: v for m, v in new.values.items() if v[0] or v[1]})
    if new == previous:
        return new
    _add(domain, contribution_difference(previous, new))
    if new is None:
        if row is not None:
            row.delete()
        return None
    values = {measure: [count, total] for measure, (count, total) in new.values.items() if count or total}
    if row is None:
        ContributionRow.objects.create(
            domain=domain, record_id=record_id, path=new.path, day=new.day, dims=new.dims, values=values
        )
    else:
        row.path, row.day, row.dims, row.values = new.path, new.day, new.dims, values
        row.save(update_fields=["path", "day", "dims", "values"])
    return new


def rollups_rebuild(domain: str | None = None) -> dict[str, int]:
    """Recompute every rollup and contribution of a domain (or of all) from the records; rows per domain.

    For bulk loads that bypass the actions and for repairs after `kpi_verify` reports differences. Run it
    while no one writes to the domain: a write that commits during the rebuild is counted from its
    stored contribution, which the rebuild replaces.
    """
    from gridgov.measures.registry import rollup_sources

    written = {}
    for name, recompute in rollup_sources().items():
        if domain is not None and name != domain:
            continue
        sums, records = expected_rollups(recompute)
        with transaction.atomic():
            Rollup.objects.filter(domain=name).delete()
            ContributionRow.objects.filter(domain=name).delete()
            Rollup.objects.bulk_create(
                (
                    Rollup(domain=name, path=p, day=d, dims=dims, measure=m, count=c, total=t)
                    for (p, d, dims, m), (c, t) in sums.items()
                ),
                batch_size=2000,
            )
            ContributionRow.objects.bulk_create(
                (
                    ContributionRow(
                        domain=name,
                        record_id=record_id,
                        path=c.path,
                        day=c.day,
                        dims=c.dims,
                        values={m: [n, t] for m, (n, t) in c.values.items() if n or t},
                    )
                    for record_id, c in records.items()
                ),
                batch_size=2000,
            )
        written[name] = len(sums)
    return written
