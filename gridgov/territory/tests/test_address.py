"""Address text → grid with the variants residents write."""

from __future__ import annotations

import pytest

from gridgov.territory.address import AddressEntry, AddressMatcher, building_number, chinese_number

ENTRIES = [
    AddressEntry("G1", "城关镇", "东门社区", "阳光花园", "1栋"),
    AddressEntry("G2", "城关镇", "东门社区", "阳光花园", "3栋"),
    AddressEntry("G3", "城关镇", "西门社区", "翠湖苑"),
    AddressEntry("G4", "大坪乡", "大坪村"),
    AddressEntry("G5", "城关镇", "西门社区", "金桂园", "A座"),
    AddressEntry("G6", "城关镇", "西门社区", "金桂园", "B座"),
]


@pytest.fixture(scope="module")
def matcher():
    return AddressMatcher(ENTRIES)


@pytest.mark.parametrize(
    "text",
    [
        "阳光花园3栋楼道灯坏了",
        "阳光花园三栋",
        "阳光花园3号楼",
        "阳光花园３幢",
        "东门阳光花园叁号楼",
        "城关镇东门社区阳光花园3座",
    ],
)
def test_building_variants_reach_the_building_grid(matcher, text):
    m = matcher.match(text)
    assert m.grid_key == "G2"
    assert m.matched["compound"] == "阳光花园" and m.matched["building"] == "3栋"
    assert m.confidence > 0.9


def test_suffixes_may_be_missing(matcher):
    m = matcher.match("西门翠湖苑门口下水道堵了")
    assert m.grid_key == "G3" and m.matched["village"] == "西门社区"
    assert matcher.match("大坪路面塌陷").grid_key == "G4"


def test_letter_buildings(matcher):
    assert matcher.match("金桂园b座电梯坏了").grid_key == "G6"
    assert matcher.match("金桂园Ａ座").grid_key == "G5"


def test_ambiguous_or_unknown_gives_no_grid(matcher):
    m = matcher.match("阳光花园的垃圾没人清运")  # compound spans grids G1 and G2
    assert (
        m.grid_key is None
        and m.matched == {"township": "城关镇", "village": "东门社区", "compound": "阳光花园"}
        or (m.grid_key is None and m.matched.get("compound") == "阳光花园")
    )
    assert matcher.match("阳光花园7栋").grid_key is None  # no such building
    assert matcher.match("北京市朝阳区").grid_key is None
    assert matcher.match("").grid_key is None


def test_a_village_named_elsewhere_does_not_match(matcher):
    # 翠湖苑 is in 西门社区; a text saying 东门社区 翠湖苑 contradicts it.
    assert matcher.match("东门社区翠湖苑").grid_key is None


def test_numbers():
    assert (
        chinese_number("十二") == 12 and chinese_number("二十三") == 23 and chinese_number("一百零五") == 105
    )
    assert (
        building_number("十二号楼") == "12"
        and building_number("１２栋") == "12"
        and building_number("a座") == "a"
    )
    assert building_number("3楼") is None  # a floor, not a building
