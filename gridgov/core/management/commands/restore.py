"""`manage.py restore PATH`: replace the database's content with a backup made by `manage.py backup`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.backup import BackupError, check, restore


class Command(BaseCommand):
    help = "从备份恢复数据库：当前数据全部被备份中的数据替换。先检查文件确是本系统的备份。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--database", default="default")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, path: str, database="default", interactive=True, **options):
        source = Path(path)
        try:
            check(source, using=database)
            if interactive:
                answer = input(f"Replace ALL data in the '{database}' database with {source}? Type 'yes': ")
                if answer.strip() != "yes":
                    raise CommandError("restore cancelled")
            restore(source, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored from {source}; run `manage.py migrate` if the backup is from an older version"
        )
