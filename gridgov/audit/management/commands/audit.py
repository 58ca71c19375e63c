"""`gridgov audit verify`: check every hash-chained table and name the first entry that no longer matches."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.audit.selectors import audit_heads_verify, entry_count
from gridgov.core import chain


def describe(found: chain.Break) -> str:
    where = _("第 %(id)s 号记录") % {"id": found.entry_id} if found.entry_id is not None else _("链头")
    return _("表 %(table)s，%(where)s（链 %(key)s）：%(reason)s") % {
        "table": found.table,
        "where": where,
        "key": found.chain_key,
        "reason": found.reason,
    }


class Command(BaseCommand):
    help = "Audit log tools. verify: check the hash chains of the audit log and every timeline."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("verify", help="walk every registered chained table; exit 1 at the first break")

    def handle(self, *args, subcommand: str, **options):
        if subcommand != "verify":  # argparse already refuses others; kept for a clear error
            raise CommandError(f"unknown subcommand {subcommand}")
        tables = chain.registered()
        # The walk first (it names the entry), then what only the head shows (every entry gone).
        found = next(chain.verify_all(), None) or next(audit_heads_verify(), None)
        if found is not None:
            self.stderr.write(_("校验失败，第一处不符：") + describe(found))
            raise CommandError(_("审计链校验失败"), returncode=1)
        total = sum(entry_count(table) for table in tables)
        self.stdout.write(
            _("校验通过：%(tables)d 张表共 %(n)d 条记录全部相符") % {"tables": len(tables), "n": total}
        )
