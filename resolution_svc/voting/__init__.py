"""The voting core: poll rules as data and the tally, pure functions with exact arithmetic."""

from resolution_svc.voting.rules import Base, PollRules, QuorumRule, Threshold, validate
from resolution_svc.voting.tally import CountedBallot, Roster, tally

__all__ = ["Base", "CountedBallot", "PollRules", "QuorumRule", "Roster", "Threshold", "tally", "validate"]
