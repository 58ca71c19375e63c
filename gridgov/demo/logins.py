"""The demo logins, printed by `gridgov demo --logins` (and by `make run`)."""

from __future__ import annotations

from gridgov.demo.county import ADMIN_PASSWORD, PASSWORD
from gridgov.people.models import Role, RoleAssignment, User

SHOWN_PER_ROLE = 3


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, username, password, what to open) for the logins that exist in the database."""
    rows: list[tuple[str, str, str, str]] = []
    if User.objects.filter(username="admin", is_superuser=True).exists():
        rows.append(("系统管理员 admin", "admin", ADMIN_PASSWORD, "/admin/ 区域、人员、事项清单"))
    wanted = [
        (Role.DISPATCHER, "派单员（县综治中心）", "/ 派单队列：待派单、退单"),
        (Role.LEADER, "领导（县 / 街道镇）", "/kpi/ 办结率、满意率、超期工单"),
        (Role.GRID_WORKER, "网格员", "/ 我的工单：接单、办结"),
        (Role.DEPARTMENT, "部门办理人", "/ 部门工单：接单、退单、办结"),
        (Role.RESIDENT, "居民", "/ 点单、我的诉求、评单"),
        (Role.GROUP_HEAD, "联户长", "/ 代居民反映问题"),
        (Role.COLLECTOR, "接单员（微清单）", "/ 代录诉求"),
    ]
    for role, label, page in wanted:
        assignments = list(
            RoleAssignment.objects.filter(role=role)
            .select_related("user", "region", "department")
            .order_by("user__date_joined", "user_id")
        )
        for a in assignments[:SHOWN_PER_ROLE]:
            scope = a.department.name if a.department else (a.region.name if a.region else "")
            rows.append((f"{label} {scope}".strip(), a.user.username, PASSWORD, page))
        if len(assignments) > SHOWN_PER_ROLE:
            hint = {"grid_worker": "w + 网格编码后9位，如 w001001001"}.get(role, "")
            rows.append((f"… 另有 {len(assignments) - SHOWN_PER_ROLE} 个{label}账号", hint, PASSWORD, ""))
    return rows


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> str:
    rows = demo_logins()
    if not rows:
        return "gridgov: 尚无示范数据，请先运行 gridgov demo（或 make demo）"
    header = ("角色", "用户名", "密码", "打开")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(4)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)), line]
    out += [" | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)
