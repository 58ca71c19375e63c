"""`manage.py twofactor_reset USERNAME`: remove a user's authenticator and recovery codes (lost phone)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gridgov.accounts.actions import twofactor_reset
from gridgov.people.models import User


class Command(BaseCommand):
    help = "重置用户的两步验证（手机丢失时）；该用户下次用密码登录后可重新绑定。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        removed = twofactor_reset(actor=None, user=user)
        self.stdout.write(f"two-factor reset for {username}: removed {removed} device record(s)")
