"""The demo county: territory with real boundaries, ledger (households, residents, 联户), party
organisation, departments, the matter catalogue and a login for every role.

Domain objects go through the actions (`region_create`, `role_assign`, the catalogue's and departments'
actions) with `actor=None`, so the audit log shows the system built them; the household ledger is
bulk-inserted because it is registry data, not a domain event, and ten thousand households one by one
would make `make run` slow. Users are created with one precomputed password hash: the demo password is
public anyway, and hashing it a hundred times with PBKDF2 would take most of a minute.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from shapely.geometry import Polygon, shape

from gridgov.catalog.actions import category_create, item_create
from gridgov.catalog.models import Category, MatterItem, ResponsibleLevel
from gridgov.core.demo import DemoContext
from gridgov.demo import geography, identities
from gridgov.demo.catalogue import CATEGORIES, DEPARTMENTS, UNITS, ItemSpec
from gridgov.people.actions import department_create, role_assign
from gridgov.people.models import Department, Role, User
from gridgov.territory.actions import region_create
from gridgov.territory.models import (
    Compound,
    Household,
    HouseholdGroup,
    PartyMember,
    PartyMemberKind,
    PartyOrganization,
    PartyOrgKind,
    Region,
    RegionLevel,
    Resident,
)
from gridgov.territory.selectors import grid_reset_index

COUNTY_CODE = "451030"
COUNTY_NAME = "示范县"
ADMIN_PASSWORD = "gridgov-admin"
PASSWORD = "gridgov-demo"

# (code, name, kind, seed point, [(code, name, kind, grids)]) — 4 streets/towns, 21 communities, 103 grids,
# as in seed 002. Statistical codes: 街道 0xx, 镇 1xx; 居委会 0xx, 村委会 2xx.
LAYOUT = [
    (
        "001",
        "城关街道",
        "街道",
        (108.300, 22.805),
        [
            ("001", "幸福社区", "社区", 7),
            ("002", "朝阳社区", "社区", 7),
            ("003", "民主社区", "社区", 7),
            ("004", "江滨社区", "社区", 7),
            ("005", "新华社区", "社区", 7),
            ("006", "东门社区", "社区", 7),
        ],
    ),
    (
        "002",
        "城北街道",
        "街道",
        (108.310, 22.845),
        [
            ("001", "北园社区", "社区", 7),
            ("002", "长岗社区", "社区", 7),
            ("003", "金桥社区", "社区", 7),
            ("004", "五里社区", "社区", 7),
            ("005", "和平社区", "社区", 7),
        ],
    ),
    (
        "101",
        "那良镇",
        "镇",
        (108.235, 22.780),
        [
            ("001", "那良社区", "社区", 5),
            ("201", "那坡村", "村", 2),
            ("202", "六合村", "村", 2),
            ("203", "平岭村", "村", 2),
            ("204", "坡塘村", "村", 2),
        ],
    ),
    (
        "102",
        "石埠镇",
        "镇",
        (108.370, 22.770),
        [
            ("001", "石埠社区", "社区", 5),
            ("201", "永安村", "村", 2),
            ("202", "忠良村", "村", 2),
            ("203", "老口村", "村", 2),
            ("204", "乐业村", "村", 2),
        ],
    ),
]
HOUSEHOLDS = 10_000
ROADS = (
    "民主路",
    "朝阳路",
    "新华街",
    "人民路",
    "解放路",
    "江滨路",
    "中山路",
    "建设路",
    "园湖路",
    "东环路",
    "北大路",
    "五一路",
    "友爱路",
    "长岗路",
    "明秀路",
    "沿江路",
    "体育路",
    "和平路",
    "青山路",
    "金桥大道",
    "城北大道",
    "兴宁路",
)
_COMPOUND_HEADS = (
    "幸福",
    "阳光",
    "锦绣",
    "金桥",
    "翠竹",
    "和平",
    "江滨",
    "凤凰",
    "丽景",
    "书香",
    "桂花",
    "龙湖",
    "御景",
    "盛世",
    "康宁",
    "红星",
    "建设",
    "碧水",
    "南湖",
    "华府",
    "东城",
    "金色",
    "水岸",
    "紫荆",
    "明珠",
    "福源",
    "富民",
    "新城",
    "嘉和",
    "鸿福",
    "朱槿",
    "荔园",
    "青秀",
    "邕江",
)
_COMPOUND_TAILS = ("花园", "小区", "家园", "华庭", "名苑", "新村", "雅居", "公馆", "苑", "城")
_OLD_COMPOUNDS = (
    "水电局宿舍",
    "粮食局宿舍",
    "供销社宿舍",
    "农机厂宿舍",
    "教师宿舍",
    "医院宿舍",
    "糖厂宿舍",
    "税务宿舍",
)
_HAMLET_HEADS = "那板百六弄坡岜渌敢江平古"
_HAMLET_TAILS = "坡良马林合塘岭造豆怀烈排龙桑隆安洞屯"


@dataclass
class GridInfo:
    """What the case generators need to know about a grid."""

    region: Region
    polygon: Polygon
    street: str
    community: str
    urban: bool
    places: list[str] = field(default_factory=list)  # where a physical problem is ("幸福花园3栋楼下")
    homes: list[str] = field(default_factory=list)  # where a resident lives ("幸福社区幸福花园")
    worker: User | None = None


@dataclass
class DemoCounty:
    county: Region
    grids: list[GridInfo]
    departments: dict[str, Department]
    items: list[tuple[MatterItem, ItemSpec, str]]  # (item, spec, category name)
    dispatcher: User
    handlers: dict[int, User]  # department id → handler
    residents: list[User]
    phone_contacts: list[tuple[str, str]]  # (name, phone) of ledger residents, for phone-channel cases
    counts: dict[str, int] = field(default_factory=dict)


def _scaled(n: int, scale: float, minimum: int) -> int:
    return max(minimum, round(n * scale))


def scaled_layout(scale: float) -> list:
    """The layout at `scale`: fewer streets, communities and grids for tests, the seed-002 county at 1."""
    if scale >= 1:
        return LAYOUT
    streets = [LAYOUT[0], LAYOUT[2]] if scale < 0.5 else LAYOUT
    layout = []
    for code, name, kind, seed, communities in streets:
        keep = communities[: _scaled(len(communities), scale, 1)]
        if kind == "镇" and len(keep) == 1:
            keep = [communities[0], communities[1]]  # a town keeps a village so hamlets appear
        layout.append((code, name, kind, seed, [(c, n, k, _scaled(g, scale, 2)) for c, n, k, g in keep]))
    return layout


@dataclass
class Territory:
    """What the territory part built: the county, its streets/towns and every grid."""

    county: Region
    streets: list[Region]
    grids: list[GridInfo]


def build_territory(ctx: DemoContext) -> Territory:
    """County → streets/towns → communities/villages → grids with boundaries, compounds and hamlets."""
    rng, log = ctx.rng, ctx.log
    grid_reset_index()
    county_polygon = geography.county_polygon(rng)
    county = region_create(
        actor=None,
        code=COUNTY_CODE,
        name=COUNTY_NAME,
        level=RegionLevel.COUNTY,
        parent=None,
        kind="县",
        boundary=geography.geojson(county_polygon),
    )
    layout = scaled_layout(ctx.scale)
    street_polys = geography.split(county_polygon, len(layout), rng, seeds=[s[3] for s in layout])
    # split() returns cells in reading order; match each street to the cell holding its seed point.
    from shapely.geometry import Point

    grids: list[GridInfo] = []
    streets: list[Region] = []
    compound_names = iter(
        rng.sample(
            [h + t for h in _COMPOUND_HEADS for t in _COMPOUND_TAILS],
            len(_COMPOUND_HEADS) * len(_COMPOUND_TAILS),
        )
    )
    hamlet_names = iter(
        rng.sample(
            [h + t for h in _HAMLET_HEADS for t in _HAMLET_TAILS], len(_HAMLET_HEADS) * len(_HAMLET_TAILS)
        )
    )
    for s_code, s_name, s_kind, s_seed, communities in layout:
        s_poly = next(p for p in street_polys if p.contains(Point(s_seed)))
        street = region_create(
            actor=None,
            code=COUNTY_CODE + s_code,
            name=s_name,
            level=RegionLevel.TOWNSHIP,
            parent=county,
            kind=s_kind,
            boundary=geography.geojson(s_poly),
        )
        streets.append(street)
        c_polys = geography.split(s_poly, len(communities), rng)
        for (c_code, c_name, c_kind, n_grids), c_poly in zip(communities, c_polys, strict=True):
            community = region_create(
                actor=None,
                code=street.code + c_code,
                name=c_name,
                level=RegionLevel.VILLAGE,
                parent=street,
                kind=c_kind,
                boundary=geography.geojson(c_poly),
            )
            urban = c_kind == "社区"
            roads = rng.sample(ROADS, 3)
            for seq, g_poly in enumerate(geography.split(c_poly, n_grids, rng), start=1):
                grid = region_create(
                    actor=None,
                    code=f"{community.code}{seq:03d}",
                    name=f"{c_name}第{seq}网格",
                    level=RegionLevel.GRID,
                    parent=community,
                    boundary=geography.geojson(g_poly),
                )
                info = GridInfo(
                    region=grid, polygon=shape(grid.boundary), street=s_name, community=c_name, urban=urban
                )
                if urban:
                    names = [next(compound_names) for _ in range(rng.randint(2, 4))]
                    if rng.random() < 0.4:
                        names.append(rng.choice(_OLD_COMPOUNDS))
                    for name in names:
                        buildings = [f"{b}栋" for b in range(1, rng.randint(4, 16))]
                        Compound.objects.create(grid=grid, name=name, buildings=buildings)
                        info.homes.append(f"{c_name}{name}")
                        info.places += [
                            f"{name}{rng.choice(buildings)}",
                            f"{name}小区门口",
                            f"{name}{rng.choice(buildings)}楼下",
                        ]
                    info.places += [f"{road}{rng.randint(1, 300)}号附近" for road in roads]
                    info.places.append(f"{roads[0]}与{roads[1]}交叉口")
                else:
                    for _ in range(rng.randint(2, 4)):
                        hamlet = next(hamlet_names) + "屯"
                        Compound.objects.create(grid=grid, name=hamlet, buildings=[])
                        info.homes.append(f"{c_name}{hamlet}")
                        info.places += [
                            f"{c_name}{hamlet}",
                            f"{c_name}{hamlet}村口",
                            f"{c_name}{hamlet}晒谷场旁",
                        ]
                    info.places.append(f"{c_name}村委会附近")
                grids.append(info)
    log(
        f"  territory: {len(streets)} streets/towns, {sum(len(s[4]) for s in layout)} communities/villages, "
        f"{len(grids)} grids"
    )

    return Territory(county=county, streets=streets, grids=grids)


@dataclass
class Catalogue:
    """The county's departments and the matter catalogue (事项清单)."""

    departments: dict[str, Department]
    items: list[tuple[MatterItem, ItemSpec, str]]  # (item, spec, category name)


def build_catalogue(ctx: DemoContext) -> Catalogue:
    county = ctx.built["territory"].county
    departments = {
        code: department_create(actor=None, code=code, name=name, region=county) for code, name in DEPARTMENTS
    }
    items = _catalogue(departments)
    ctx.log(
        f"  catalogue: {Category.objects.count()} categories, {len(items)} items; {len(departments)} departments"
    )
    return Catalogue(departments=departments, items=items)


def build_people(ctx: DemoContext) -> dict:
    """The logins of every role but residents: admin, dispatcher, leaders, grid workers, handlers…"""
    territory: Territory = ctx.built["territory"]
    # One precomputed hash for every demo user (see the module docstring).
    password = make_password(PASSWORD)
    return _people(
        ctx.rng,
        territory.county,
        territory.streets,
        territory.grids,
        ctx.built["catalogue"].departments,
        password,
    )


def build_ledger(ctx: DemoContext) -> dict[str, int]:
    """Households, residents and 联户 groups (bulk: registry data, not domain events)."""
    counts = _ledger(
        ctx.rng, ctx.built["territory"].grids, scale=ctx.scale, today=timezone.localdate(ctx.now)
    )
    ctx.counts.update(counts)
    return counts


def build_resident_logins(ctx: DemoContext) -> tuple[list[User], list[tuple[str, str]]]:
    """resident1…, one 联户长 login, and the phone contacts the phone-channel cases use."""
    people = ctx.built["people"]
    return _resident_logins(ctx.rng, people, people["password"], ctx.scale)


def build_party(ctx: DemoContext) -> None:
    territory: Territory = ctx.built["territory"]
    _party(
        ctx.rng,
        territory.county,
        territory.streets,
        territory.grids,
        today=timezone.localdate(ctx.now),
    )
    counts = ctx.counts
    counts["party_members"] = PartyMember.objects.count()
    ctx.log(
        f"  ledger: {counts['households']} households, {counts['residents']} residents, "
        f"{counts['groups']} 联户 groups, {counts['party_members']} party members"
    )


def demo_county(ctx: DemoContext) -> DemoCounty:
    """Everything the case history needs, gathered from the parts that built it."""
    territory: Territory = ctx.built["territory"]
    catalogue: Catalogue = ctx.built["catalogue"]
    people = ctx.built["people"]
    residents, contacts = ctx.built["resident_logins"]
    return DemoCounty(
        county=territory.county,
        grids=territory.grids,
        departments=catalogue.departments,
        items=catalogue.items,
        dispatcher=people["dispatcher"],
        handlers=people["handlers"],
        residents=residents,
        phone_contacts=contacts,
        counts=ctx.counts,
    )


def _catalogue(departments: dict[str, Department]) -> list[tuple[MatterItem, ItemSpec, str]]:
    items = []
    for order, (code, name, specs) in enumerate(CATEGORIES, start=1):
        category = category_create(actor=None, code=code, name=name, order=order)
        for n, spec in enumerate(specs, start=1):
            level = spec.handler if spec.handler in ("grid", "community") else ResponsibleLevel.DEPARTMENT
            item = item_create(
                actor=None,
                category=category,
                code=f"{code}-{n:02d}",
                name=spec.name,
                responsible_level=level,
                department=departments.get(spec.handler),
                time_limit=spec.limit,
                time_unit=UNITS[spec.unit],
                photo_required=spec.photo,
            )
            items.append((item, spec, name))
    return items


def _user(rng: random.Random, username: str, password_hash: str, *, name: str | None = None) -> User:
    return User.objects.create(
        username=username,
        password=password_hash,
        display_name=name or identities.person_name(rng),
        phone=identities.mobile(rng),
    )


def worker_username(grid_code: str) -> str:
    """`w` + street, community and sequence digits of the grid code, e.g. w001001001."""
    return "w" + grid_code[len(COUNTY_CODE) :]


def _people(rng, county, streets, grids, departments, password) -> dict:
    User.objects.create_superuser(username="admin", password=ADMIN_PASSWORD, display_name="系统管理员")
    dispatcher = _user(rng, "dispatcher", password)
    role_assign(actor=None, user=dispatcher, role=Role.DISPATCHER, region=county)
    leader = _user(rng, "leader", password)
    role_assign(actor=None, user=leader, role=Role.LEADER, region=county)
    for n, street in enumerate(streets, start=1):
        role_assign(actor=None, user=_user(rng, f"leader{n:02d}", password), role=Role.LEADER, region=street)
    for info in grids:
        info.worker = _user(rng, worker_username(info.region.code), password)
        role_assign(actor=None, user=info.worker, role=Role.GRID_WORKER, region=info.region)
    handlers = {}
    for code, department in departments.items():
        handler = _user(rng, code.lower(), password)
        role_assign(actor=None, user=handler, role=Role.DEPARTMENT, department=department)
        handlers[department.pk] = handler
    collector = _user(rng, "collector", password)
    role_assign(actor=None, user=collector, role=Role.COLLECTOR, region=grids[0].region.parent)
    return {"dispatcher": dispatcher, "handlers": handlers, "password": password}


def _ledger(rng: random.Random, grids: list[GridInfo], *, scale: float, today: date) -> dict[str, int]:
    total = _scaled(HOUSEHOLDS, scale, 100)
    weights = [1.3 if g.urban else 0.75 for g in grids]
    per_grid = [max(10, round(total * w / sum(weights))) for w in weights]
    groups: list[HouseholdGroup] = []
    households: list[Household] = []
    for info, n in zip(grids, per_grid, strict=True):
        compounds = list(Compound.objects.filter(grid=info.region).order_by("id"))
        grid_groups = [
            HouseholdGroup(grid=info.region, name=f"{info.region.name}第{k + 1}联户")
            for k in range((n + 9) // 10)
        ]
        groups += grid_groups
        for k in range(n):
            compound = rng.choice(compounds)
            if info.urban:
                building = rng.choice(compound.buildings)
                address = (
                    f"{info.street}{info.community}{compound.name}{building}{rng.randint(1, 3)}单元"
                    f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}室"
                )
            else:
                address = f"{info.street}{info.community}{compound.name}{rng.randint(1, 120)}号"
            households.append(
                Household(
                    grid=info.region,
                    compound=compound,
                    number=f"{info.region.code}-{k + 1:04d}",
                    address=address,
                )
            )
            households[-1]._group_index = len(groups) - len(grid_groups) + k // 10  # type: ignore[attr-defined]
    HouseholdGroup.objects.bulk_create(groups, batch_size=2000)
    for household in households:
        household.group = groups[household._group_index]  # type: ignore[attr-defined]
    Household.objects.bulk_create(households, batch_size=2000)

    residents: list[Resident] = []
    for household in households:
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(10, 25, 25, 22, 12, 6))[0]
        head_female = rng.random() < 0.3
        for k in range(size):
            female = head_female if k == 0 else (not head_female if k == 1 else rng.random() < 0.5)
            ages = (25, 85) if k == 0 else ((22, 85) if k == 1 else (0, 30))
            born = identities.birth_date(rng, today=today, min_age=ages[0], max_age=ages[1])
            adult = (today - born).days >= 18 * 365
            residents.append(
                Resident(
                    household=household,
                    name=identities.person_name(rng, female=female),
                    id_number=identities.id_number(rng, area=COUNTY_CODE, born=born, female=female),
                    phone=identities.mobile(rng) if adult and (k == 0 or rng.random() < 0.6) else "",
                    is_head=k == 0,
                )
            )
    Resident.objects.bulk_create(residents, batch_size=2000)
    heads_by_group: dict[int, list[Resident]] = {}
    for resident in residents:
        group_id = resident.household.group_id
        if resident.is_head and group_id is not None:  # every household was just put in a group
            heads_by_group.setdefault(group_id, []).append(resident)
    for group in groups:
        group.head = rng.choice(heads_by_group[group.pk])
    HouseholdGroup.objects.bulk_update(groups, ["head"], batch_size=2000)
    return {"households": len(households), "residents": len(residents), "groups": len(groups)}


def _resident_logins(rng, people, password, scale) -> tuple[list[User], list[tuple[str, str]]]:
    """resident1… are ledger residents with a login; one 联户长 gets a login too."""
    heads = list(
        Resident.objects.filter(is_head=True)
        .exclude(phone="")
        .order_by("id")
        .values_list("id", "name", "phone")
    )
    picked = rng.sample(heads, _scaled(20, scale, 5) + 1)
    users = []
    for n, (resident_id, name, phone) in enumerate(picked[:-1], start=1):
        user = User.objects.create(username=f"resident{n}", password=password, display_name=name, phone=phone)
        role_assign(actor=None, user=user, role=Role.RESIDENT)
        Resident.objects.filter(pk=resident_id).update(user=user)
        users.append(user)
    group = HouseholdGroup.objects.select_related("head", "grid").order_by("id").first()
    assert group is not None and group.head is not None  # _households made the groups, each with a head
    head = group.head
    user = User.objects.create(
        username="lianhu1", password=password, display_name=head.name, phone=head.phone
    )
    role_assign(actor=None, user=user, role=Role.GROUP_HEAD, region=group.grid)
    Resident.objects.filter(pk=head.pk).update(user=user)
    contacts = [(name, phone) for _, name, phone in rng.sample(heads, min(len(heads), 400))]
    return users, contacts


def _parent_id(region: Region) -> int:
    assert region.parent_id is not None  # only the county has no parent (region_parent_required)
    return region.parent_id


def _party(rng, county, streets, grids, *, today: date) -> None:
    """街道党工委 → 社区党组织 → 网格党小组, members drawn from the ledger, each contacting households."""
    by_region: dict[int, PartyOrganization] = {}
    for street in streets:
        suffix = "党工委" if street.kind == "街道" else "党委"
        by_region[street.pk] = PartyOrganization.objects.create(
            region=street, kind=PartyOrgKind.COMMITTEE, name=f"{street.name}{suffix}"
        )
    for community in Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code"):
        suffix = "党委" if community.kind == "社区" else "党总支"
        by_region[community.pk] = PartyOrganization.objects.create(
            region=community,
            parent=by_region[_parent_id(community)],
            kind=PartyOrgKind.BRANCH,
            name=f"{community.name}{suffix}",
        )
    members: list[PartyMember] = []
    contacts: list[tuple[int, list[int]]] = []  # (member index, household ids)
    leaders: list[tuple[PartyOrganization, int]] = []
    for info in grids:
        grid = info.region
        group = PartyOrganization.objects.create(
            region=grid,
            parent=by_region[grid.parent_id],
            kind=PartyOrgKind.GRID_GROUP,
            name=f"{grid.name}党小组",
        )
        household_ids = list(Household.objects.filter(grid=grid).order_by("id").values_list("id", flat=True))
        adults = list(
            Resident.objects.filter(household__grid=grid, is_head=True)
            .order_by("id")
            .values_list("name", "household_id")
        )
        start = len(members)
        # 一肩挑: in about half the grids the grid worker is a party member and leads the grid's party group.
        if rng.random() < 0.5:
            members.append(
                PartyMember(
                    organization=group,
                    name=str(info.worker),
                    user=info.worker,
                    kind=PartyMemberKind.IN_SERVICE,
                )
            )
            contacts.append((len(members) - 1, rng.sample(household_ids, min(8, len(household_ids)))))
        for name, household_id in rng.sample(adults, min(len(adults), rng.randint(3, 8))):
            kind = rng.choices(list(PartyMemberKind.values), weights=(40, 45, 10, 5))[0]
            members.append(PartyMember(organization=group, name=name, kind=kind))
            others = rng.sample(household_ids, min(len(household_ids), rng.randint(3, 8)))
            contacts.append((len(members) - 1, sorted({household_id, *others})))
        leaders.append((group, start))
    PartyMember.objects.bulk_create(members, batch_size=2000)
    through = PartyMember.households.through
    through.objects.bulk_create(
        [through(partymember_id=members[i].pk, household_id=h) for i, ids in contacts for h in ids],
        batch_size=5000,
    )
    for group, index in leaders:
        group.leader = members[index]
    PartyOrganization.objects.bulk_update([g for g, _ in leaders], ["leader"])
    for org in PartyOrganization.objects.filter(kind__in=[PartyOrgKind.COMMITTEE, PartyOrgKind.BRANCH]):
        secretary = PartyMember.objects.create(
            organization=org, name=identities.person_name(rng), kind=PartyMemberKind.IN_SERVICE
        )
        org.leader = secretary
        org.save(update_fields=["leader"])
