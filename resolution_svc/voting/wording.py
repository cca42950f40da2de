"""A poll's rule written out in plain words, in Vietnamese and English, from the same rule objects the
tally applies (`PollRules` and `tally.THRESHOLDS`), so the text shown cannot say something the count does not."""

from __future__ import annotations

from fractions import Fraction

from resolution_svc.voting.rules import PollRules, QuorumRule, parse_fraction
from resolution_svc.voting.tally import THRESHOLDS

# What the threshold is measured against (rules.base), as (vi, en).
BASES: dict[str, tuple[str, str]] = {
    "cast": (
        "tổng số phiếu đã bỏ (tán thành, không tán thành và không biểu quyết)",
        "the votes cast (yes, no and abstain)",
    ),
    "yes_no": (
        "số phiếu tán thành và không tán thành (phiếu không biểu quyết không được tính)",
        "the yes and no votes (abstentions not counted)",
    ),
    "present": (
        "số thành viên có quyền biểu quyết có mặt khi kết thúc biểu quyết (người vắng mặt tính như không tán thành)",
        "the voting members present when the poll closes (absence counts as no)",
    ),
    "eligible": (
        "tổng số thành viên có quyền biểu quyết (không bỏ phiếu tính như không tán thành)",
        "all voting members (not voting counts as no)",
    ),
}
QUORUM_OF: dict[str, tuple[str, str]] = {
    "present": ("thành viên có quyền biểu quyết có mặt khi kết thúc", "voting members present at the close"),
    "participating": ("thành viên đã bỏ phiếu", "voting members who cast a ballot"),
}


def share_words(share: Fraction, inclusive: bool) -> tuple[str, str]:
    """e.g. (`quá 1/2`, `more than 1/2`) or (`từ 2/3 trở lên`, `at least 2/3`)."""
    if share == 1:
        return "toàn bộ", "all"
    text = f"{share.numerator}/{share.denominator}"
    return (f"từ {text} trở lên", f"at least {text}") if inclusive else (f"quá {text}", f"more than {text}")


def quorum_words(quorum: QuorumRule) -> tuple[str, str]:
    who_vi, who_en = QUORUM_OF[quorum.of]
    parts: list[tuple[str, str]] = []
    if quorum.fraction is not None:
        share = parse_fraction(quorum.fraction) or Fraction(0)
        vi, en = share_words(share, True)
        parts.append((f"{vi} tổng số phiếu của thành viên có quyền biểu quyết", f"{en} of all voting weight"))
    if quorum.minimum_weight is not None:
        parts.append((f"ít nhất {quorum.minimum_weight} phiếu", f"at least {quorum.minimum_weight} votes by weight"))
    if quorum.minimum_count is not None:
        parts.append((f"ít nhất {quorum.minimum_count} người", f"at least {quorum.minimum_count} people"))
    return (
        f"Biểu quyết chỉ có giá trị khi {who_vi} đạt {' và '.join(p[0] for p in parts)};"
        " nếu không đủ, kết quả là không đủ túc số, không phải bị bác.",
        f"The vote counts only if the {who_en} reach {' and '.join(p[1] for p in parts)};"
        " otherwise the outcome is no quorum, not rejected.",
    )


def rule_text(rules: PollRules) -> tuple[str, str]:
    """The exact rule as (vi, en) sentences."""
    share, inclusive = THRESHOLDS[rules.threshold]
    vi_share, en_share = share_words(share, inclusive)
    vi_base, en_base = BASES[rules.base]
    vi = [f"Thông qua khi số phiếu tán thành đạt {vi_share} {vi_base}."]
    en = [f"Adopted when the yes votes are {en_share} of {en_base}."]
    if rules.threshold == "unanimous":
        vi.append("Chỉ một phiếu không tán thành hay không biểu quyết được tính là đủ để bác.")
        en.append("A single no, or a counted abstention, defeats it.")
    elif not inclusive:
        vi.append("Số phiếu ngang nhau thì không được thông qua.")
        en.append("A tie fails.")
    vi.append("Mỗi phiếu được tính theo trọng số của người bỏ phiếu; không có phiếu tán thành thì không thông qua.")
    en.append("Each vote counts with its voter's weight; with no yes vote nothing is adopted.")
    if rules.quorum is not None:
        q_vi, q_en = quorum_words(rules.quorum)
        vi.append(q_vi)
        en.append(q_en)
    return " ".join(vi), " ".join(en)
