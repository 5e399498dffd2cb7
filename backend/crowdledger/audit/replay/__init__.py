"""One replay per contract, behind the interface in base.py; REPLAYS maps a deployment record's contract names
to them. A contract whose events change needs only its own module here changed."""

from crowdledger.audit.replay.base import Replay
from crowdledger.audit.replay.bounty import BountyReplay
from crowdledger.audit.replay.crowdfund import CrowdfundReplay
from crowdledger.audit.replay.reputation import ReputationReplay

__all__ = ["REPLAYS", "Replay", "BountyReplay", "CrowdfundReplay", "ReputationReplay"]

REPLAYS: dict[str, type[Replay]] = {
    replay.contract: replay for replay in (CrowdfundReplay, BountyReplay, ReputationReplay)
}
