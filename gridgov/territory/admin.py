from django.contrib import admin
from django.core.exceptions import ValidationError

from gridgov.core.errors import DomainError
from gridgov.territory.actions import region_create, region_update
from gridgov.territory.models import (
    Compound,
    Household,
    HouseholdGroup,
    PartyMember,
    PartyOrganization,
    Region,
    Resident,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions are created and edited through the territory actions, which set the materialised path."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    fields = ("code", "name", "level", "kind", "parent", "boundary", "path")
    readonly_fields = ("path",)
    raw_id_fields = ("parent",)

    def get_readonly_fields(self, request, obj=None):
        # Code, level and parent fix the path of the subtree and of its cases; they never change.
        return ("path", "code", "level", "parent") if obj is not None else ("path",)

    def has_delete_permission(self, request, obj=None):
        return False  # cases, households and roles point at regions (PROTECT)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                saved = region_update(
                    region=obj, name=data["name"], kind=data.get("kind", ""), boundary=data.get("boundary")
                )
            else:
                saved = region_create(
                    code=data["code"],
                    name=data["name"],
                    level=data["level"],
                    parent=data.get("parent"),
                    kind=data.get("kind", ""),
                    boundary=data.get("boundary"),
                )
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        obj.pk, obj.path = saved.pk, saved.path

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class ActionCheckedForm(form_class):  # type: ignore[misc, valid-type]
            """Runs the action's checks at validation time so errors show on the form, not as a 500."""

            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    RegionAdmin._dry_run(self.cleaned_data, self.instance if change else None)
                except DomainError as exc:
                    self.add_error(None, exc.message)

        return ActionCheckedForm

    @staticmethod
    def _dry_run(data: dict, existing: Region | None) -> None:
        """Apply the action inside a rolled-back savepoint: same validation, nothing written."""
        from django.db import transaction

        class _Rollback(Exception):
            pass

        try:
            with transaction.atomic():
                if existing is not None:
                    region_update(
                        region=existing,
                        name=data["name"],
                        kind=data.get("kind", ""),
                        boundary=data.get("boundary"),
                    )
                else:
                    region_create(
                        code=data["code"],
                        name=data["name"],
                        level=data["level"],
                        parent=data.get("parent"),
                        kind=data.get("kind", ""),
                        boundary=data.get("boundary"),
                    )
                raise _Rollback
        except _Rollback:
            pass


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("number", "address", "grid", "group")
    search_fields = ("number", "address")
    raw_id_fields = ("grid", "compound", "group")


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("name", "household", "is_head")
    search_fields = ("name", "household__number")
    raw_id_fields = ("household", "user")


@admin.register(HouseholdGroup)
class HouseholdGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "grid", "head")
    raw_id_fields = ("grid", "head")


admin.site.register(Compound, list_display=("name", "grid"), raw_id_fields=("grid",))


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    raw_id_fields = ("region", "parent", "leader")


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organization")
    list_filter = ("kind",)
    raw_id_fields = ("organization", "user", "households")
