"""People in the admin. Every save goes through `people.actions` (checks, locks, audit entry).

Users, departments and tokens are never deleted here: cases, timelines and the audit log point at them.
A user is deactivated instead, a token revoked. Roles are granted and revoked in the inline on the user
page, each through `role_assign` / `role_revoke`, so the one-worker-per-grid rule holds here too.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin import ActionAdmin, rehearse
from gridgov.people import actions
from gridgov.people.models import ApiToken, Department, RoleAssignment, User


class RoleInlineForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("role", "region", "department")

    def _post_clean(self):
        # The model's own constraint checks would answer in Django's words ("Constraint … is
        # violated"); `role_assign` gives the rule's reason instead, in the formset's clean below.
        pass


class RoleFormSet(forms.BaseInlineFormSet):
    request = None  # set by RoleInline.get_formset

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        assert self.request is not None  # RoleInline.get_formset sets it before any form is cleaned
        request = self.request
        error = rehearse(lambda: apply_role_changes(self, actor=request.user))
        if error is not None:
            raise forms.ValidationError(error.message)


def apply_role_changes(formset: RoleFormSet, *, actor) -> None:
    """Revoke the rows ticked for deletion and grant the new ones, each through its action."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if formset.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME):
            if form.instance.pk is not None:
                actions.role_revoke(actor=actor, assignment=form.instance)
                formset.deleted_objects.append(form.instance)
            continue
        if form.instance.pk is None and form.has_changed():
            data = form.cleaned_data
            formset.new_objects.append(
                actions.role_assign(
                    actor=actor,
                    user=formset.instance,
                    role=data["role"],
                    region=data.get("region"),
                    department=data.get("department"),
                )
            )


class RoleInline(admin.TabularInline):
    """Roles are granted or revoked, never edited in place: a changed scope is a revoke plus a grant."""

    model = RoleAssignment
    form = RoleInlineForm
    formset = RoleFormSet
    extra = 0
    raw_id_fields = ("region", "department")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("RoleFormSetForRequest", (formset,), {"request": request})


@admin.register(User)
class UserAdmin(ActionAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "phone", "is_active")
    search_fields = ("username", "display_name", "phone")
    # Django's groups and per-user permissions are not used: what a user may do comes from roles.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "phone", "email")}),
        (_("状态与后台权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [RoleInline]
    delete_refusal = _("用户被工单和审计日志引用，不能删除；请取消“有效”以停用该用户。")

    def get_readonly_fields(self, request, obj=None):
        return ("username", "last_login", "date_joined") if obj is not None else ()

    def get_inline_instances(self, request, obj=None):
        # Roles are granted once the user exists (the add page only creates the login).
        return super().get_inline_instances(request, obj) if obj is not None else []

    def write(self, request, existing, data):
        if existing is None:
            usable = data.get("set_usable_password", True)
            return actions.user_create(
                actor=request.user,
                username=data["username"],
                password=data.get("password1") if usable else None,
            )
        return actions.user_update(
            actor=request.user,
            user=existing,
            display_name=data.get("display_name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            is_active=data.get("is_active"),
            is_staff=data.get("is_staff"),
            is_superuser=data.get("is_superuser"),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is RoleAssignment:
            apply_role_changes(formset, actor=request.user)
        else:  # no other inline is registered; refuse rather than save around the actions
            raise NotImplementedError(f"{formset.model} inline has no action")


@admin.register(Department)
class DepartmentAdmin(ActionAdmin):
    list_display = ("code", "name", "region")
    search_fields = ("code", "name")
    raw_id_fields = ("region",)
    delete_refusal = _("部门被事项、角色和工单引用，不能删除。")

    def write(self, request, existing, data):
        if existing is None:
            return actions.department_create(
                actor=request.user, code=data["code"], name=data["name"], region=data.get("region")
            )
        return actions.department_update(
            actor=request.user,
            department=existing,
            code=data["code"],
            name=data["name"],
            region=data.get("region"),
        )


class TokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(ActionAdmin):
    """Issue a token here (its value is shown once, in the message) or revoke selected ones."""

    form = TokenIssueForm
    list_display = ("name", "user", "created_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    raw_id_fields = ("user",)
    actions = ["revoke_selected"]
    delete_refusal = _("令牌不能删除，请撤销。")

    def has_change_permission(self, request, obj=None):
        return False  # a token is issued or revoked, never edited

    def write(self, request, existing, data):
        raw = actions.token_issue(actor=request.user, user=data["user"], name=data["name"])
        # The raw value exists only now; the database keeps its hash.
        request._gridgov_issued_token = raw
        return ApiToken.objects.get(token_hash=ApiToken.digest(raw))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        raw = getattr(request, "_gridgov_issued_token", None)
        if raw:
            self.message_user(
                request,
                _("令牌已签发（只显示这一次，请立即复制）：%(raw)s") % {"raw": raw},
                messages.WARNING,
            )

    def has_revoke_permission(self, request):
        return self.has_add_permission(request)  # whoever may issue tokens may revoke them

    @admin.action(description=_("撤销所选令牌"), permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            actions.token_revoke(actor=request.user, token=token)
        self.message_user(request, _("已撤销 %(n)d 个令牌") % {"n": len(tokens)}, messages.SUCCESS)
