"""The voting core, pure functions with exact arithmetic: poll rules as data (rules.py), the tally
(tally.py), the rules in words (wording.py), the chair's presets (presets.py), and whether a ballot cast is
accepted and if not why (acceptance.py). No I/O; imports only schemas/."""

from resolution_svc.voting.rules import Base, PollRules, QuorumRule, Threshold, validate
from resolution_svc.voting.tally import CountedBallot, Roster, tally

__all__ = ["Base", "CountedBallot", "PollRules", "QuorumRule", "Roster", "Threshold", "tally", "validate"]
