"""Territory: county → township/street → village/community → grid, households, 联户 groups, party organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")
    GRID = "grid", _("网格")


LEVEL_DEPTH = {RegionLevel.COUNTY: 0, RegionLevel.TOWNSHIP: 1, RegionLevel.VILLAGE: 2, RegionLevel.GRID: 3}


class Region(models.Model):
    """A node of the territory tree; grids are the leaves and carry a boundary polygon."""

    code = models.CharField(_("区划代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    kind = models.CharField(_("类型"), max_length=16, blank=True, help_text=_("街道/乡镇/社区/村"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of codes ("/county/township/village/grid/") so a subtree is one indexed
    # prefix query instead of a recursive walk.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    boundary = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    centre_lon = models.FloatField(null=True, blank=True)
    centre_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="county") | Q(parent__isnull=False), name="region_parent_required"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grid(self) -> bool:
        return self.level == RegionLevel.GRID


class Compound(models.Model):
    """A residential compound (小区) or hamlet (屯/组) inside a grid; buildings (楼栋) are listed by name."""

    grid = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="compounds")
    name = models.CharField(_("小区/屯组"), max_length=100)
    buildings = models.JSONField(_("楼栋"), default=list, blank=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="compound_unique_in_grid")]

    def __str__(self) -> str:
        return self.name


class HouseholdGroup(models.Model):
    """A 联户 group (e.g. 十联户) of about ten households with a head (联户长)."""

    grid = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="household_groups")
    name = models.CharField(_("名称"), max_length=100)
    head = models.ForeignKey(
        "Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_groups",
        verbose_name=_("联户长"),
    )

    class Meta:
        verbose_name = _("联户")
        verbose_name_plural = _("联户")

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """One household file (一户一档) in a grid."""

    grid = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="households")
    compound = models.ForeignKey(Compound, null=True, blank=True, on_delete=models.SET_NULL)
    group = models.ForeignKey(
        HouseholdGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="households"
    )
    number = models.CharField(_("户号"), max_length=40, unique=True)
    address = models.CharField(_("住址"), max_length=200)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return self.number


class Resident(models.Model):
    """A person registered in a household; may or may not have a login."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    is_head = models.BooleanField(_("户主"), default=False)
    user = models.OneToOneField(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="resident"
    )

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")

    def __str__(self) -> str:
        return self.name


class PartyOrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党(工)委")
    BRANCH = "branch", _("党支部/社区党组织")
    GRID_GROUP = "grid_group", _("网格党小组")


class PartyOrganization(models.Model):
    """A party organisation mirrored on the territory (街道党工委 → 社区党组织 → 网格党小组)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="party_orgs")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=16, choices=PartyOrgKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    leader = models.ForeignKey(
        "PartyMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self) -> str:
        return self.name


class PartyMemberKind(models.TextChoices):
    IN_SERVICE = "in_service", _("在职党员")
    RETIRED = "retired", _("离退休党员")
    MOBILE = "mobile", _("流动党员")
    OTHER = "other", _("其他")


class PartyMember(models.Model):
    """A party member in an organisation, linked to the households they contact (党员联系户)."""

    organization = models.ForeignKey(PartyOrganization, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(max_length=16, choices=PartyMemberKind.choices, default=PartyMemberKind.OTHER)
    user = models.OneToOneField(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="party_member"
    )
    households = models.ManyToManyField(
        Household, blank=True, related_name="party_contacts", verbose_name=_("联系户")
    )

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")

    def __str__(self) -> str:
        return self.name
