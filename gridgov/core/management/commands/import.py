"""`gridgov import <kind> FILE [--dry-run] [--user NAME]`: run a registered import from the shell.

Prints the report (every bad row as 行 / 列 / 错误); exit status 1 when anything is wrong, so a script
that loads a county's files stops at the first file that did not go in.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.core.errors import DomainError
from gridgov.core.imports import all_specs, error_report_xlsx, import_run, read_upload, spec_for


class Command(BaseCommand):
    help = "导入表格（CSV 或 xlsx）：户籍居民、工作人员账号……；有任何错误则不写入并列出每一行"

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = ", ".join(spec.kind for spec in all_specs())
        parser.add_argument("kind", help=f"导入类型：{kinds}")
        parser.add_argument("file", type=Path, help="CSV 或 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--user", default=None, help="以此用户的身份和管辖范围导入（默认：第一个超级管理员）"
        )
        parser.add_argument("--errors-out", type=Path, default=None, help="有错误时把错误报告写到此 .xlsx")

    def handle(self, *args, **options) -> None:
        User = get_user_model()  # noqa: N806 - the model class, named as Django names it
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
        else:
            actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("找不到导入用户：请用 --user 指定一个有效的用户名")
        path: Path = options["file"]
        try:
            spec = spec_for(options["kind"])
            with path.open("rb") as handle:
                data = read_upload(handle, size=path.stat().st_size)
            report = import_run(
                spec,
                actor=actor,
                data=data,
                file_name=path.name,
                dry_run=options["dry_run"],
                progress=True,
            )
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for column in report.unknown_columns:
            self.stderr.write(f"提示：未识别的列“{column}”已忽略")
        if report.ok:
            self.stdout.write(report.message)
            return
        self.stdout.write(f"{'行':>6}  {'列':<10}  错误")
        for error in report.errors:
            self.stdout.write(f"{error.row:>6}  {error.column:<10}  {error.message}")
        if options["errors_out"]:
            options["errors_out"].write_bytes(error_report_xlsx(report))
            self.stderr.write(f"错误报告已写入 {options['errors_out']}")
        raise CommandError(report.message, returncode=1)
