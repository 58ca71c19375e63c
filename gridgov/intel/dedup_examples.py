"""The labelled duplicate-detection set (gridgov/intel/data/dedup_cases.json) and its scoring.

The set is generated once from hand-written complaint phrasings (`python -m
gridgov.cases.duplicates_examples` rewrites the JSON); the JSON is committed so figures are reproducible.
Each problem has four phrasings written the way residents actually write — different words,
order and detail — so "the same problem reworded" is not string-equal. Queries are labelled:
  dup            same place, same problem, other phrasing, 0–5 days later          → duplicate
  other_problem  same place (same grid), a different problem                       → not
  other_place    same problem in a grid that is neither the same nor a neighbour   → not
  neighbour_dup  same problem reported from the neighbouring grid (shared street)  → duplicate
  stale          same place, same problem, 10–20 days later (outside the window)   → not
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from gridgov.cases.duplicates import CaseText, find_duplicates

DATA_FILE = Path(__file__).resolve().parent / "data" / "dedup_cases.json"

# (grid, place as residents name it); grids on one street are neighbours in sequence.
PLACES = [
    ("G01", "阳光花园3栋"),
    ("G02", "阳光花园东门"),
    ("G03", "翠湖苑小区"),
    ("G04", "建设路菜市场"),
    ("G05", "人民路与解放路交叉口"),
    ("G06", "东门社区老干局宿舍"),
    ("G07", "城南中学后门"),
    ("G08", "滨江名都B座"),
    ("G09", "大坪村二组"),
    ("G10", "河西新村12栋"),
    ("G11", "金桂园小区"),
    ("G12", "县医院家属区"),
]
NEIGHBOURS = {
    f"G{i:02d}": [f"G{j:02d}" for j in (i - 1, i + 1) if 1 <= j <= len(PLACES)] for i in range(1, 13)
}

PROBLEMS: dict[str, list[str]] = {
    "streetlight": [
        "{p}的路灯坏了好几天了，晚上一片漆黑，老人小孩出门很不安全，请尽快修理。",
        "反映一下，{p}那边路灯一直不亮，晚上走路看不见，希望有关部门来维修。",
        "{p}路灯晚上不亮已经一个星期，黑灯瞎火的容易摔跤，麻烦派人修一下路灯。",
        "晚上{p}没有灯，路灯全灭了，请相关部门尽快更换灯泡恢复照明。",
    ],
    "water_leak": [
        "{p}地下供水管爆裂，自来水一直往外冒，路面都淹了，请自来水公司抢修。",
        "{p}水管破了在漏水，浪费很多水，地面全是积水，希望尽快来修水管。",
        "我们{p}这里自来水管道漏水严重，水哗哗地流，请供水部门派人处理。",
        "{p}路边的水管爆了，漏出来的水流到马路上，麻烦快点来抢修。",
    ],
    "garbage": [
        "{p}的垃圾堆了好几天没人清运，臭气熏天，苍蝇蚊子很多，请环卫来清理。",
        "{p}垃圾桶满了溢出来，垃圾没人收，味道很大，希望及时清运垃圾。",
        "反映{p}生活垃圾长期堆放无人清理，发臭影响居民生活，请环卫部门处理。",
        "{p}那边的垃圾一直没有拉走，堆成小山了，又脏又臭，请安排清运。",
    ],
    "noise": [
        "{p}附近工地晚上十一点还在施工，噪音太大吵得睡不着觉，请管一管。",
        "{p}夜间施工噪音扰民，每天半夜机器轰隆隆响，孩子没法休息，请查处。",
        "投诉{p}旁边的工地深夜违规施工，噪声很大，严重影响休息。",
        "{p}工地夜里施工太吵了，凌晨还在打桩，居民都休息不好，希望制止。",
    ],
    "parking": [
        "{p}门口乱停车现象严重，车辆把消防通道都堵死了，请交警来处理。",
        "{p}消防通道被私家车占用，车乱停乱放，出了事消防车都进不来。",
        "反映{p}车辆乱停堵塞消防通道，存在安全隐患，请有关部门整治。",
        "{p}那里好多车停在消防通道上，进出很不方便，请求清理违停车辆。",
    ],
    "sewer": [
        "{p}下水道堵塞了，污水从井盖冒出来，臭味很大，请尽快疏通。",
        "{p}污水井堵了，脏水溢到路面上，味道难闻，请派人来疏通下水道。",
        "我们{p}的排污管道堵塞，化粪池满了往外冒，麻烦尽快处理一下。",
        "{p}下水道不通，一下雨污水就倒灌，臭气熏天，请市政来疏通管道。",
    ],
    "pothole": [
        "{p}路面有个大坑，下雨积水看不见，已经有电动车摔倒了，请尽快修补。",
        "{p}的道路坑坑洼洼，有一个很深的坑，车辆经过很危险，请修路。",
        "反映{p}路面塌陷出现大坑，行人车辆经过存在安全隐患，请修复。",
        "{p}马路上的坑越来越大了，晚上骑车容易摔，希望有关部门填补路面。",
    ],
    "stray_dogs": [
        "{p}有好几条流浪狗，经常追着人叫，还咬伤过小孩，请派人来捕捉。",
        "{p}流浪狗越来越多，晚上成群结队乱叫，吓到老人小孩，请处理。",
        "反映{p}流浪犬伤人的问题，这些狗没人管，居民出门都害怕。",
        "{p}一带野狗很多，到处乱窜还咬人，希望有关部门收容这些流浪狗。",
    ],
    "elevator": [
        "{p}的电梯又坏了，停了三天没人修，老人上下楼非常困难，请督促物业维修。",
        "{p}电梯经常故障，今天又困人了，物业不管，希望质监部门检查。",
        "反映{p}电梯停运多日，物业一直拖着不修，高层住户出行困难。",
        "{p}电梯坏了好几天了，爬楼爬得很辛苦，请督促物业公司尽快修好电梯。",
    ],
    "smoke": [
        "{p}旁边的烧烤店每天晚上油烟很大，熏得我们不敢开窗，请环保部门查处。",
        "{p}楼下烧烤摊油烟扰民，烟雾直接飘进家里，呛得人难受。",
        "投诉{p}一楼餐馆油烟直排，没有安装净化设备，味道很大。",
        "{p}烧烤店油烟太大了，整栋楼都是烟味，希望督促安装油烟净化器。",
    ],
    "tree": [
        "{p}的大树被风刮倒了，压在路上挡住了通道，请园林部门来清理。",
        "{p}一棵树倒在路中间，车辆行人都过不去，请尽快处理倒伏树木。",
        "反映{p}路边行道树倒伏，树枝挡路还压到了电线，很危险。",
        "{p}昨晚刮大风有棵树断了横在路上，请派人来锯掉清走。",
    ],
    "power_cut": [
        "{p}从昨天下午开始停电，到现在还没来电，冰箱里的东西都坏了，请供电局抢修。",
        "{p}突然停电了，一直没有恢复供电，也没有通知，请问什么时候来电。",
        "反映{p}频繁停电的问题，这个月已经停了好几次，影响正常生活。",
        "{p}整栋楼没电了，电工说是线路故障，请供电部门尽快抢修恢复供电。",
    ],
}


def build(seed: int = 20261122) -> dict:
    rng = random.Random(seed)
    base = dt.datetime(2026, 11, 1, 9, 0)
    open_cases: list[dict] = []
    queries: list[dict] = []
    kinds = list(PROBLEMS)
    for g_idx, (grid, place) in enumerate(PLACES):
        chosen = rng.sample(kinds, 3)
        for problem in chosen:
            case_id = f"{grid}-{problem}"
            t0 = base + dt.timedelta(days=rng.randint(0, 12), hours=rng.randint(0, 10))
            open_cases.append(
                {
                    "id": case_id,
                    "text": PROBLEMS[problem][0].format(p=place),
                    "grid": grid,
                    "time": t0.isoformat(),
                    "problem": problem,
                }
            )
            for phr in (1, 2, 3):
                queries.append(
                    {
                        "kind": "dup",
                        "text": PROBLEMS[problem][phr].format(p=place),
                        "grid": grid,
                        "time": (
                            t0 + dt.timedelta(days=rng.randint(0, 5), hours=rng.randint(0, 8))
                        ).isoformat(),
                        "gold": [case_id],
                    }
                )
            stale_t = t0 + dt.timedelta(days=rng.randint(10, 20))
            queries.append(
                {
                    "kind": "stale",
                    "text": PROBLEMS[problem][rng.randint(1, 3)].format(p=place),
                    "grid": grid,
                    "time": stale_t.isoformat(),
                    "gold": [],
                }
            )
        others = [k for k in kinds if k not in chosen]
        for problem in rng.sample(others, 3):
            queries.append(
                {
                    "kind": "other_problem",
                    "text": PROBLEMS[problem][rng.randint(0, 3)].format(p=place),
                    "grid": grid,
                    "time": (base + dt.timedelta(days=rng.randint(2, 14))).isoformat(),
                    "gold": [],
                }
            )
        far = PLACES[(g_idx + 6) % len(PLACES)]
        # A problem the far grid has no open case of, so the right answer really is "none".
        far_open = {c["problem"] for c in open_cases if c["grid"] == far[0]}
        problem = next((k for k in chosen if k not in far_open), chosen[0])
        queries.append(
            {
                "kind": "other_place",
                "text": PROBLEMS[problem][rng.randint(1, 3)].format(p=far[1]),
                "grid": far[0],
                "time": open_cases[-3]["time"],
                "gold": [],
            }
        )
    # Residents on either side of a grid boundary report the same thing: "X附近" from the next grid.
    for case in open_cases[::4]:
        grid = case["grid"]
        nb = NEIGHBOURS[grid][0]
        place = dict(PLACES)[grid]
        queries.append(
            {
                "kind": "neighbour_dup",
                "text": PROBLEMS[case["problem"]][rng.randint(1, 3)].format(p=place + "附近"),
                "grid": nb,
                "time": (dt.datetime.fromisoformat(case["time"]) + dt.timedelta(hours=6)).isoformat(),
                "gold": [case["id"]],
            }
        )
    return {"neighbours": NEIGHBOURS, "open_cases": open_cases, "queries": queries}


def load(path: Path = DATA_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def score(data: dict | None = None, **kwargs) -> dict:
    """Precision/recall over (query, open case) pairs, plus per-kind counts of wrong answers."""
    data = data or load()
    neighbours = data["neighbours"]
    pool = [
        CaseText(c["id"], c["text"], c["grid"], dt.datetime.fromisoformat(c["time"]))
        for c in data["open_cases"]
    ]
    tp = fp = fn = 0
    errors: dict[str, int] = {}
    for i, q in enumerate(data["queries"]):
        new = CaseText(f"q{i}", q["text"], q["grid"], dt.datetime.fromisoformat(q["time"]))
        hits = {
            h.id for h in find_duplicates(new, pool, neighbours=lambda k: neighbours.get(k, []), **kwargs)
        }
        gold = set(q["gold"])
        tp += len(hits & gold)
        fp += len(hits - gold)
        fn += len(gold - hits)
        if hits != gold:
            errors[q["kind"]] = errors.get(q["kind"], 0) + 1
    return {
        "queries": len(data["queries"]),
        "pairs_true": tp + fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "wrong_by_kind": errors,
    }


if __name__ == "__main__":
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(json.dumps(build(), ensure_ascii=False, indent=1), encoding="utf-8")
    print(DATA_FILE, json.dumps(score(), ensure_ascii=False))
