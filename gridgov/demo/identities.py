"""Fake but well-formed identities for the demo county: names, mobile numbers, ID numbers.

Nothing here is a real person. Surnames are weighted towards those common in Guangxi (黄、韦、覃、陆…);
ID numbers have a valid GB 11643 check digit so forms that validate them accept the demo data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

SURNAMES = (
    "黄" * 8
    + "韦" * 6
    + "李" * 6
    + "陆" * 4
    + "覃" * 4
    + "梁" * 4
    + "莫" * 3
    + "陈" * 5
    + "刘" * 3
    + "罗" * 3
    + "蒙" * 2
    + "农" * 2
    + "蓝" * 2
    + "林" * 2
    + "张" * 3
    + "王" * 3
    + "周"
    + "潘" * 2
    + "谭"
    + "邓" * 2
    + "廖"
    + "何" * 2
    + "吴"
    + "唐"
    + "钟"
    + "卢" * 2
    + "苏"
    + "杨" * 2
    + "赵"
    + "朱"
    + "冯"
    + "甘"
    + "农"
    + "闭"
    + "凌"
    + "马"
    + "许"
    + "曾"
    + "施"
    + "宁"
)
GIVEN_MALE = "伟强军明华建国志勇俊杰斌超刚海涛鹏波辉健平宇飞龙文武成东亮林峰坚"
GIVEN_FEMALE = "芳丽娟敏静秀英华玲艳红燕霞梅琳萍婷雪兰凤洁莉琴慧颖娜晶月春桂"
GIVEN_ANY = "小永家世德晓春金玉海新建光思嘉文雨子宏丽秋"

# GB 11643: weights of the first 17 digits and the check character for (sum mod 11).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)]
    + [f"18{d}" for d in range(10)]
)


def person_name(rng: random.Random, *, female: bool | None = None) -> str:
    female = rng.random() < 0.5 if female is None else female
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    if rng.random() < 0.3:
        return rng.choice(SURNAMES) + rng.choice(pool)
    return rng.choice(SURNAMES) + rng.choice(GIVEN_ANY + pool) + rng.choice(pool)


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number(rng: random.Random, *, area: str, born: date, female: bool) -> str:
    """An 18-digit resident ID: area code, birth date, sequence (odd = male), check digit."""
    sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def id_number_valid(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit() and id_check_digit(value[:17]) == value[17]


def birth_date(rng: random.Random, *, today: date, min_age: int, max_age: int) -> date:
    return today - timedelta(days=rng.randrange(min_age * 365, max_age * 365 + 1))
