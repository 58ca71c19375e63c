"""`manage.py backup` / `restore` on the database the suite runs on (SQLite, and PostgreSQL in test.sh)."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gridgov.core.backup import table_fingerprints
from gridgov.people.actions import user_create
from gridgov.territory.models import Region

# pg_dump and SQLite's backup read committed data from their own connection: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_restore_gives_back_exactly_what_was_backed_up(world, tmp_path, capsys):
    before = table_fingerprints()
    assert before["people_user"][0] >= 9 and before["territory_region"][0] == 5
    path = tmp_path / "gridgov.backup"
    call_command("backup", str(path))
    assert "backup written" in capsys.readouterr().out

    # Life goes on after the backup: rows added, changed and deleted.
    user_create(
        actor=None, username="latecomer", password="pass-12345", display_name="后来者", phone="13700000000"
    )
    Region.objects.filter(pk=world.grid_b.pk).update(name="改名网格")
    world.other_resident.roles.all().delete()
    after = table_fingerprints()
    assert after != before

    call_command("restore", str(path), "--noinput")
    assert "restored" in capsys.readouterr().out
    restored = table_fingerprints()
    assert {t: c for t, (c, _d) in restored.items()} == {t: c for t, (c, _d) in before.items()}
    assert restored == before
    assert Region.objects.get(pk=world.grid_b.pk).name == world.grid_b.name


def _not_backups(tmp_path) -> dict:
    text = tmp_path / "notes.txt"
    text.write_text("这不是备份\n")
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    other_sqlite = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other_sqlite)
    db.execute("CREATE TABLE notes (body TEXT)")
    db.commit()
    db.close()
    fake_dump = tmp_path / "fake.pgdump"
    fake_dump.write_bytes(b"PGDMP" + b"\x00" * 200)
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    return {
        "text": (text, "not a gridgov backup"),
        "empty": (empty, "not a gridgov backup"),
        "another SQLite database": (other_sqlite, "SQLite"),
        "a fake pg_dump": (fake_dump, "PostgreSQL" if connection.vendor == "sqlite" else "failed"),
        "a truncated SQLite file": (truncated, "SQLite"),
        "missing": (tmp_path / "missing", "no such file"),
    }


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(world, tmp_path):
    before = table_fingerprints()
    for name, (path, says) in _not_backups(tmp_path).items():
        with pytest.raises(CommandError, match=says):
            call_command("restore", str(path), "--noinput")
        assert table_fingerprints() == before, name


def test_restore_refuses_a_backup_of_the_other_kind_of_database(world, tmp_path):
    path = tmp_path / "backup"
    call_command("backup", str(path))
    head = path.read_bytes()[:5]
    assert head == (b"SQLit" if connection.vendor == "sqlite" else b"PGDMP")
