"""`manage.py unlock [--username U] [--ip IP]`: clear failed-login counters (the admin action's twin)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gridgov.accounts.actions import login_unlock
from gridgov.core.errors import DomainError


class Command(BaseCommand):
    help = "解锁因密码输错过多而被锁定的账号或 IP。"

    def add_arguments(self, parser):
        parser.add_argument("--username", help="账号用户名")
        parser.add_argument("--ip", help="客户端 IP 地址")

    def handle(self, *args, username=None, ip=None, **options):
        try:
            cleared = login_unlock(actor=None, username=username, ip=ip)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"unlocked: cleared {cleared} failed-login record(s)")
