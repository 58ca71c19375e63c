"""What a notification is about: any record of any domain, named without notify importing that domain.

A subject is the record's model label (`cases.case`, `points.entry`, `disputes.dispute`), its id, the
reference people use for it (a case's tracking number, a dispute's file number) and the page that shows
it. The kind of record is shown by the model's own `verbose_name` (工单, 纠纷…), looked up in Django's
app registry, so a new domain needs no change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput

TYPE_MAX = 100
TITLE_MAX = 100
LINK_MAX = 200
TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# A case's subject type: the API's `case_id`/`tracking_no` and the webhook's `case` predate subjects and
# are still filled for it, so clients written before subjects keep working.
CASE_SUBJECT = "cases.case"


@dataclass(frozen=True)
class Subject:
    type: str  # "<app_label>.<model_name>", e.g. "cases.case"
    id: int
    title: str  # the reference people use for it, e.g. a tracking number
    link: str = ""  # the page that shows it, e.g. "/cases/12/"

    @classmethod
    def of(cls, obj: Model, *, title: str, link: str = "") -> Subject:
        return cls(type=obj._meta.label_lower, id=obj.pk, title=title, link=link)

    def checked(self) -> Subject:
        """The subject with its title cut to fit, or InvalidInput if it does not name a record."""
        if not TYPE_RE.match(self.type or "") or len(self.type) > TYPE_MAX:
            raise InvalidInput(_("消息对象类型格式不正确"), code="invalid_notification_subject")
        if not isinstance(self.id, int) or isinstance(self.id, bool) or not 0 < self.id < 2**63:
            raise InvalidInput(_("消息对象编号不正确"), code="invalid_notification_subject")
        title = (self.title or "").strip()
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
        if len(self.link or "") > LINK_MAX or (self.link and not self.link.startswith("/")):
            raise InvalidInput(_("消息链接须为站内地址"), code="invalid_notification_link")
        return Subject(type=self.type, id=self.id, title=title, link=self.link or "")


def subject_label(subject_type: str) -> str:
    """What kind of record this is, in the reader's language ("工单"); "" if the app is not installed."""
    if not subject_type:
        return ""
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return ""
    return str(model._meta.verbose_name)
