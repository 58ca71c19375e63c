"""Case texts generated from templates: place + problem + how long + consequence + request.

The raw citizen-message dataset is used only as a model of tone; nothing is copied from it.
"""

from __future__ import annotations

import random

from gridgov.demo.catalogue import ItemSpec

SINCE = (
    "",
    "已经一个多星期了，",
    "最近几天一直这样，",
    "反映过好几次都没人管，",
    "这个月以来，",
    "从上个月开始，",
    "今天想反映一下，",
    "持续快半个月了，",
)
CONSEQUENCE = {
    "城乡建设": ("存在很大安全隐患", "严重影响居民出行", "老人小孩经过都很危险", "居民意见很大"),
    "劳动和社会保障": ("家里生活已经很困难", "工友们都很着急", "实在不知道该找谁", "影响一家人的生计"),
    "教育文体": ("家长们都很担心", "影响孩子的学习", "家长意见很大", "希望得到重视"),
    "商贸旅游": ("消费者权益受到损害", "不少人上当受骗", "扰乱了市场秩序", "大家都很气愤"),
    "环境保护": ("周边居民苦不堪言", "晚上根本没法休息", "担心影响身体健康", "环境越来越差"),
    "卫生计生": ("群众健康得不到保障", "老人看病很不方便", "大家都很担心", "影响正常生活"),
    "交通运输": ("出行很不方便", "已经有人摔倒受伤", "存在交通安全隐患", "群众意见很大"),
    "社会治安与矛盾纠纷": ("双方矛盾越来越深", "担心事态扩大", "影响邻里和睦", "居民没有安全感"),
}
# For a non-physical matter (a fee, a permit, a wage) in a category whose consequences are about places.
PERSONAL = ("实在不知道该找谁", "已经拖了很久", "心里很着急", "希望能尽快解决", "群众意见很大")
ASK = (
    "希望有关部门尽快处理。",
    "请网格员帮忙协调解决。",
    "恳请尽快派人到现场查看。",
    "麻烦尽快处理，谢谢！",
    "希望能给个答复。",
    "请相关部门重视。",
)
PATROL = ("巡查发现：", "入户走访时发现：", "网格巡查中居民反映：")
DUPLICATE_LEAD = ("和邻居反映的是同一件事：", "再次反映：", "同一问题：")
UNSATISFIED = (
    "问题没有彻底解决，过几天又出现了。",
    "只是应付了事，现场还是老样子。",
    "处理结果和实际情况不符，请重新处理。",
    "没有人联系我就说办好了。",
)
RATE_COMMENT = (
    "处理及时，谢谢！",
    "问题已经解决，满意。",
    "态度很好，效率很高。",
    "",
    "",
    "基本解决了，希望以后多巡查。",
)
RETURN_REASON = (
    "该事项不属于本单位职责，请重新派单。",
    "经核实应由其他部门办理，请改派。",
    "职责不符，建议派给属地网格或主管部门。",
)
CANCEL_REASON = ("问题已经自行解决，撤销诉求。", "误报，撤销。", "已和对方协商好了，不需要处理了。", "")
PROGRESS = (
    "已到现场核实情况，正在协调处理。",
    "已联系相关责任方，约定时间处理。",
    "材料已收集，正在办理中。",
)


def case_text(
    rng: random.Random,
    *,
    item: ItemSpec,
    category: str,
    place: str,
    home: str,
    patrol: bool = False,
    duplicate: bool = False,
) -> tuple[str, str]:
    """(title, description) for a case about `item`.

    Physical problems (those whose fix needs a photo) are told by where they are; others (wages, school
    fees, a dispute) by who is telling, from where they live.
    """
    problem = rng.choice(item.problems)
    first = problem.split("，")[0]
    if item.photo:
        title = f"{place[:12]}{first}"
        body = f"{place}{problem}，{rng.choice(CONSEQUENCE[category])}。"
        lead = f"{rng.choice(PATROL)}{place}{problem}，已拍照记录，需跟进处理。"
    else:
        title = first
        consequence = rng.choice(PERSONAL if category in ("城乡建设", "交通运输") else CONSEQUENCE[category])
        body = f"我是{home}的{rng.choice(('居民', '住户', '群众'))}，{problem}，{consequence}。"
        lead = f"入户走访时{home}居民反映：{problem}，需协调处理。"
    if len(title) > 30:
        title = first[:30]
    description = lead if patrol else f"{rng.choice(SINCE)}{body}{rng.choice(ASK)}"
    if duplicate:
        description = rng.choice(DUPLICATE_LEAD) + description
    return title, description


def result_text(rng: random.Random, *, item: ItemSpec, rework: bool = False) -> str:
    lead = "返工处理：" if rework else rng.choice(("经现场核实，", "接单后当天到场，", "经协调，", ""))
    return f"{lead}已{item.fix}，已向反映人反馈。"


REQUEST_INFO = (
    "请补充现场照片和具体位置。",
    "请提供劳动合同或工资条复印件。",
    "请补充联系人身份信息和相关证明材料。",
)
POSTPONE = (
    "需等待汛期结束后施工，申请缓办。",
    "涉及多部门协调，资金待落实，申请缓办。",
    "当事人外出务工，待其返乡后调解。",
)
