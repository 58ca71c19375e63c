"""`manage.py backup [PATH]`: a consistent backup of the database while the server runs (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.backup import BackupError, backup, default_path, table_fingerprints


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）。默认写到 var/backups/。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="backup file (default var/backups/gridgov-<time>.<kind>)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path=None, database="default", **options):
        target = Path(path) if path else default_path(database)
        try:
            written = backup(target, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(count for count, _digest in table_fingerprints(database).values())
        self.stdout.write(f"backup written: {written} ({written.stat().st_size} bytes, {rows} rows)")
