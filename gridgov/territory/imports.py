"""Import households and residents (一户一档) from a county's roster: one row per person.

Re-importing the same file changes nothing: households are matched by 户号 and residents by 身份证号.
A blank optional cell keeps what is stored. Checked row by row first (so every bad row is reported),
then written in chunks through `territory.actions.households_save`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gridgov.core.identifiers import id_number_clean, phone_clean
from gridgov.core.imports import CellError, Column, ImportSpec, Row, register
from gridgov.territory.access import ledger_scope_required, within
from gridgov.territory.actions import HouseholdRecord, ResidentRecord, households_save
from gridgov.territory.models import Household, Region, RegionLevel, Resident

HEAD_RELATIONS = {"户主", "本人", "户主本人"}
# The relations a roster uses (公安户籍 wording); anything else is most likely a typo in the column.
RELATIONS = HEAD_RELATIONS | {
    "配偶", "妻", "夫", "妻子", "丈夫", "子", "女", "儿子", "女儿", "长子", "次子", "三子", "长女", "次女",
    "三女", "父亲", "母亲", "父", "母", "公公", "婆婆", "岳父", "岳母", "儿媳", "女婿", "孙子", "孙女",
    "外孙子", "外孙女", "祖父", "祖母", "外祖父", "外祖母", "兄", "弟", "姐", "妹", "兄弟姐妹", "侄子",
    "侄女", "其他", "其他亲属", "非亲属",
}  # fmt: skip
YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "×", ""}


def _relation(value: str) -> str:
    if value not in RELATIONS:
        raise CellError(_("无法识别的关系“%(v)s”（如：户主、配偶、子、女、父亲、母亲、其他）") % {"v": value})
    return value


def _yes_no(value: str) -> bool:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise CellError(_("请填写“是”或“否”"))


@dataclass
class _Context:
    scope: list[Region]
    grids: dict[str, Region]
    households: dict[str, tuple[str, str]]  # number → (grid code, grid path) of stored households
    residents: dict[str, str]  # ID number → grid path of the stored resident's household
    first: dict[str, Row] = field(default_factory=dict)  # household number → its first row
    heads: dict[str, list[Row]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    members: dict[str, list[Row]] = field(default_factory=dict)


def _chunks(values: list[str], size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


@register
class HouseholdImport(ImportSpec):
    kind = "households"
    title = "户籍居民导入"
    description = (
        "每行一位居民；同一户的成员户号、网格代码、住址相同，其中一人的与户主关系填“户主”。"
        "按户号和身份证号更新，重复导入不会产生重复数据；空白的选填项保留原有信息。"
    )
    unique = ("id_number",)
    batch = True
    detail_labels = {"households_created": "新增户", "households_updated": "更新户"}
    columns = (
        Column(
            "household_number", "户号", required=True, aliases=("户编号", "户籍编号", "household"),
            max_length=40, example="450101001001001-0001", text=True, help="每户唯一，如网格代码-序号",
        ),
        Column(
            "grid_code", "网格代码", required=True, aliases=("网格编码", "网格编号", "所属网格代码", "grid"),
            example="450101001001001", text=True, help="该户所在网格的代码",
        ),
        Column(
            "compound", "小区", aliases=("小区/屯组", "屯组", "小区名称", "自然屯"), max_length=100,
            example="幸福小区", help="小区或屯/组名称；不存在时自动建立",
        ),
        Column(
            "address", "住址", required=True, aliases=("地址", "家庭住址", "现住址", "居住地址", "address"),
            max_length=200, example="幸福小区3栋2单元501室",
        ),
        Column("name", "姓名", required=True, aliases=("居民姓名", "name"), max_length=50, example="张三"),
        Column(
            "id_number", "身份证号", required=True, aliases=("身份证号码", "公民身份号码", "证件号码", "id_number"),
            parse=id_number_clean, example="11010519491231002X", text=True, help="18 位，校验出生日期和校验位",
        ),
        Column(
            "relation", "与户主关系", aliases=("关系", "家庭关系", "relation"), parse=_relation,
            example="户主", help="户主、配偶、子、女、父亲、母亲、其他……",
        ),
        Column("is_head", "是否户主", aliases=("户主", "head"), parse=_yes_no, help="是/否；可代替“与户主关系”"),
        Column(
            "phone", "电话", aliases=("联系电话", "手机", "手机号", "手机号码", "联系方式", "phone"),
            parse=phone_clean, example="13800001234", text=True, help="手机号或带区号的固定电话",
        ),
    )  # fmt: skip

    def authorize(self, actor) -> None:
        ledger_scope_required(actor)

    def prepare(self, rows: list[Row], *, actor) -> _Context:
        scope = ledger_scope_required(actor)
        codes = sorted({row["grid_code"] for row in rows})
        numbers = sorted({row["household_number"] for row in rows})
        ids = {row["id_number"] for row in rows}
        grids: dict[str, Region] = {}
        for part in _chunks(codes):
            grids.update({g.code: g for g in Region.objects.filter(code__in=part).defer("boundary")})
        households: dict[str, tuple[str, str]] = {}
        for part in _chunks(numbers):
            households.update(
                {
                    number: (code, path)
                    for number, code, path in Household.objects.filter(number__in=part).values_list(
                        "number", "grid__code", "grid__path"
                    )
                }
            )
        # ID numbers have no index: one pass over the stored residents (see households_save).
        residents = {
            id_number: path
            for id_number, path in Resident.objects.exclude(id_number="").values_list(
                "id_number", "household__grid__path"
            )
            if id_number in ids
        }
        return _Context(scope=scope, grids=grids, households=households, residents=residents)

    def check_row(self, row: Row, context: Any, *, actor) -> None:
        ctx: _Context = context
        grid = ctx.grids.get(row["grid_code"])
        if grid is None or grid.level != RegionLevel.GRID or not within(ctx.scope, grid.path):
            raise CellError(
                _("网格代码 %(code)s 不存在或不在您的管辖范围内") % {"code": row["grid_code"]},
                column="grid_code",
            )
        number = row["household_number"]
        stored = ctx.households.get(number)
        if stored is not None and not within(ctx.scope, stored[1]):
            raise CellError(_("该户号已登记在您管辖范围以外的网格"), column="household_number")
        elsewhere = ctx.residents.get(row["id_number"])
        if elsewhere is not None and not within(ctx.scope, elsewhere):
            raise CellError(_("该身份证号已登记在其他辖区的户中，请联系该辖区管理员"), column="id_number")
        relation, flag = row["relation"], row["is_head"]
        if relation is not None and flag is not None and (relation in HEAD_RELATIONS) != flag:
            raise CellError(_("“与户主关系”和“是否户主”不一致"), column="is_head")
        first = ctx.first.get(number)
        if first is None:
            ctx.first[number] = row
            ctx.order.append(number)
        else:
            for key in ("grid_code", "address", "compound"):
                if row[key] is not None and row[key] != first[key]:
                    raise CellError(_("与第 %(n)s 行（同一户号）不一致") % {"n": first.number}, column=key)
        ctx.members.setdefault(number, []).append(row)
        if self._head(row):
            ctx.heads.setdefault(number, []).append(row)

    @staticmethod
    def _head(row: Row) -> bool | None:
        if row["relation"] is not None:
            return row["relation"] in HEAD_RELATIONS
        return row["is_head"]

    def finish(self, context: Any):
        ctx: _Context = context
        for number in ctx.order:
            heads = ctx.heads.get(number, [])
            for extra in heads[1:]:
                yield (
                    extra,
                    "relation",
                    _("同一户只能有一位户主（第 %(n)s 行已是户主）") % {"n": heads[0].number},
                )
            if not heads and number not in ctx.households:
                yield (
                    ctx.first[number],
                    "household_number",
                    _("新户没有户主：请把其中一人的与户主关系填为“户主”"),
                )

    def write_batch(self, rows: list[Row], context: Any, *, actor, progress: bool) -> dict[str, int]:
        ctx: _Context = context
        records = [
            HouseholdRecord(
                number=number,
                grid=ctx.grids[ctx.first[number]["grid_code"]],
                address=ctx.first[number]["address"],
                compound=ctx.first[number]["compound"] or "",
                residents=tuple(
                    ResidentRecord(
                        name=row["name"],
                        id_number=row["id_number"],
                        phone=row["phone"] or "",
                        is_head=self._head(row),
                    )
                    for row in ctx.members[number]
                ),
            )
            for number in ctx.order
        ]
        return households_save(actor=actor, records=records, progress=progress)
