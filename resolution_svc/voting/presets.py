"""Poll rules named in plain words, as the chair picks them ("two thirds of members present"). Each preset
is a `PollRules`; its text comes from `wording.rule_text`, the same objects the tally reads."""

from __future__ import annotations

from typing import NamedTuple

from resolution_svc.voting.rules import PollRules, QuorumRule


class Preset(NamedTuple):
    id: str
    name_vi: str
    name_en: str
    rules: PollRules


# Half the voting weight present: the quorum most statutes ask of a general meeting.
HALF_PRESENT = QuorumRule(of="present", fraction="1/2")

_PLAIN: tuple[Preset, ...] = (
    Preset("simple_majority_cast", "Quá nửa số phiếu đã bỏ", "Simple majority of votes cast", PollRules()),
    Preset(
        "simple_majority_yes_no",
        "Quá nửa số phiếu tán thành và không tán thành",
        "Simple majority of yes and no votes",
        PollRules(base="yes_no"),
    ),
    Preset(
        "two_thirds_cast",
        "Hai phần ba số phiếu đã bỏ",
        "Two thirds of votes cast",
        PollRules(threshold="two_thirds"),
    ),
    Preset(
        "majority_present", "Quá nửa số thành viên có mặt", "Majority of members present", PollRules(base="present")
    ),
    Preset(
        "two_thirds_present",
        "Hai phần ba số thành viên có mặt",
        "Two thirds of members present",
        PollRules(base="present", threshold="two_thirds"),
    ),
    Preset(
        "absolute_majority_members",
        "Quá nửa tổng số thành viên",
        "Absolute majority of members",
        PollRules(base="eligible"),
    ),
    Preset(
        "two_thirds_members",
        "Hai phần ba tổng số thành viên",
        "Two thirds of members",
        PollRules(base="eligible", threshold="two_thirds"),
    ),
    Preset(
        "three_quarters_cast",
        "Ba phần tư số phiếu đã bỏ",
        "Three quarters of votes cast",
        PollRules(threshold="three_quarters"),
    ),
    Preset("unanimous", "Nhất trí hoàn toàn", "Unanimous", PollRules(threshold="unanimous")),
)


def _with_quorum(preset: Preset) -> Preset:
    return Preset(
        preset.id + "_quorum",
        preset.name_vi + ", có túc số quá nửa có mặt",
        preset.name_en + ", with a quorum of half the members present",
        PollRules(base=preset.rules.base, threshold=preset.rules.threshold, quorum=HALF_PRESENT),
    )


PRESETS: dict[str, Preset] = {p.id: p for p in (*_PLAIN, *(_with_quorum(p) for p in _PLAIN))}
