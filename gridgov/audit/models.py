"""The audit log (审计日志): who changed which configuration, from what to what, sealed in one hash chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.chain import GENESIS, ChainedEntry

AUDIT_CHAIN = "audit"


class AuditEntry(ChainedEntry):
    """One write that has no lifecycle of its own (a role grant, a region rename, a catalogue edit …)."""

    # Position in the chain (1, 2, …), taken from the locked head so the order is the order of sealing.
    seq = models.PositiveBigIntegerField(_("序号"), unique=True, editable=False)
    # PROTECT: the actor's id is hashed into the entry, so the user row must outlive it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,  # null only for the system (demo builder, shipped calendar loader, migrations)
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who it was at the time, readable even if the user is renamed later.
    actor_label = models.CharField(_("操作人名称"), max_length=150)
    action = models.CharField(_("操作"), max_length=64, db_index=True)  # "people.role_assign"
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)  # "people.roleassignment"
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # For an update only the fields that changed; for a create `after` only; for a removal `before` only.
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"))

    CHAIN_FIELDS = (
        "seq",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "note",
        "created_at",
    )

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action} {self.object_repr}"


class ChainHead(models.Model):
    """The newest hash and the length of a global chain; locked by every append, so writers queue.

    Deleting the newest entries with raw SQL leaves this row pointing at a hash no entry has.
    """

    name = models.CharField(max_length=32, unique=True)
    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("链头")
        verbose_name_plural = _("链头")

    def __str__(self) -> str:
        return f"{self.name} ({self.count})"
