"""Admin bases every domain shares (read-only tables, admins that write only through actions), and the
admin of core's own table: job runs, a read-only record of what the worker did.

Django's admin saves and deletes model instances itself. For domain tables that would skip the
actions' checks, locks and audit entries, so an admin either shows a table read-only (`ReadOnlyAdmin`,
for append-only history) or routes every save through an action (`ActionAdmin`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.access import may_see_job_runs
from gridgov.core.errors import DomainError
from gridgov.core.models import JobRun


class ReadOnlyMixin:
    """No add, change or delete; viewing stays allowed. Works for model admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """For append-only tables (the audit log, a timeline): staff may look, nobody may write here."""

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found


class _Rehearsal(Exception):
    """Raised to roll back a rehearsed write."""


def rehearse(write: Callable[[], object]) -> DomainError | None:
    """Run `write` in a savepoint that is always rolled back; return the domain error it raised, if any.

    Lets a form show an action's refusal beside its fields (instead of a 500 at save time) by asking the
    action itself, so the admin never keeps a second copy of the rules.
    """
    try:
        with transaction.atomic():
            write()
            raise _Rehearsal
    except _Rehearsal:
        return None
    except DomainError as exc:
        return exc


class ActionAdmin(admin.ModelAdmin):
    """A model admin whose saves go through the domain's actions.

    A subclass implements `write(request, existing, data)`: call the create action when `existing` is
    None, the update action otherwise, with `data` the form's cleaned data, and return the saved object.
    The form rehearses the write while validating (errors show on the form, nothing is written) and
    `save_model` performs it. Deleting is refused with a message unless the subclass implements
    `remove(request, obj)`; things that history refers to are deactivated, not deleted.
    """

    # Shown when someone opens the delete page of an object that must not be deleted.
    delete_refusal = _("此记录被历史数据引用，不能删除；请改为停用。")

    def write(self, request: HttpRequest, existing: Any, data: dict) -> models.Model:
        raise NotImplementedError

    remove: Callable[[HttpRequest, Any], None] | None = None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ActionCheckedForm(form_class):  # type: ignore[misc, valid-type]
            def _post_clean(self):
                existing_pk = self.instance.pk
                super()._post_clean()
                if any(name != NON_FIELD_ERRORS for name in self.errors):
                    return  # a field is missing or malformed: the action would only repeat it
                # Model constraints answer in Django's words ("Constraint … is violated"); the action
                # knows the rule's reason, so its message replaces theirs.
                existing = self.instance if existing_pk is not None else None
                error = rehearse(lambda: model_admin.write(request, existing, self.cleaned_data))
                if error is not None:
                    self._errors.pop(NON_FIELD_ERRORS, None)
                    self.add_error(None, error.message)

        return ActionCheckedForm

    def save_model(self, request, obj, form, change):
        saved = self.write(request, obj if change else None, form.cleaned_data)
        obj.pk = saved.pk
        # The admin's own change log and redirect read from `obj`; give it what the action wrote.
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def delete_model(self, request, obj):
        if self.remove is None:
            raise DomainError(str(self.delete_refusal), code="delete_refused")
        self.remove(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.remove is not None and super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        if self.remove is None:
            self.message_user(request, self.delete_refusal, messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            )
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        found = super().get_actions(request)
        if self.remove is None:
            found.pop("delete_selected", None)
        return found


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """Written only by the worker; an edited row would misstate what ran. Seen by `core.access`'s rule."""

    def has_module_permission(self, request):
        return may_see_job_runs(request.user)

    def has_view_permission(self, request, obj=None):
        return may_see_job_runs(request.user)

    list_display = ("name", "period_start", "worker", "started_at", "finished_at", "failed")
    list_filter = ("name",)

    @admin.display(boolean=True, description=_("失败"))
    def failed(self, obj: JobRun) -> bool:
        return bool(obj.error)
