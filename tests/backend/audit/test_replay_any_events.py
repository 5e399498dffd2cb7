"""The audit's replay of events no contract built from this source emits (a look-alike at a deployment's
address): each is a finding, and the replay and every check after it go on, so the auditor gets the whole
report instead of a crash. A task kind past the enum ended the audit with a traceback before."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crowdledger.audit.facts import Facts
from crowdledger.audit.model import BlockInfo
from crowdledger.audit.money import Flows
from crowdledger.audit.replay import REPLAYS, Replay
from crowdledger.chain.decode import Decoder
from crowdledger.deployment import Deployment
from tests.backend.events import CONTRACTS, FUZZ_HEALTH, SimulatedChain, encode_log, events_of, logged_events

DEPLOYMENT = Deployment("fuzz", 1337, 1, CONTRACTS)


def replay_all(chain: SimulatedChain) -> dict[str, Replay]:
    """Every replay fed the chain's events, then asked for everything an audit asks of it."""
    flows, names = Flows(), {c.address: name for name, c in CONTRACTS.items()}
    replays = {
        name: REPLAYS[name](c.address, flows, names) for name, c in CONTRACTS.items() if name in REPLAYS
    }
    by_address = {replay.address: replay for replay in replays.values()}
    for replay in replays.values():
        replay.link(by_address)
    for event in Decoder(DEPLOYMENT).decode(chain.logs(1, chain.head(), [])):
        if event.error is None and event.contract in replays:
            replays[event.contract].apply(event, chain.block(event.block_number).timestamp)
    block = BlockInfo(chain.head(), "0x" + "00" * 32, chain.block(chain.head()).timestamp)
    facts = Facts()
    for replay in replays.values():
        replay.finish(block)
        list(replay.obligations(block))
        list(replay.view_checks(block))
        list(replay.state(block))
        replay.index_rows()
        replay.ledger(block)
        replay.facts(facts)
    return replays


@settings(max_examples=150, deadline=None, suppress_health_check=FUZZ_HEALTH)
@given(batch=st.lists(logged_events(), min_size=1, max_size=10))
def test_the_replay_takes_any_events_without_failing(batch):
    chain = SimulatedChain(1337)
    chain.add_events(batch)
    replay_all(chain)


def test_a_task_of_a_kind_past_the_enum_is_a_finding():
    bounty = CONTRACTS["Bounty"]
    posted = next(e for e in events_of(bounty.abi) if e["name"] == "TaskPosted")
    values = {p["name"]: 0 for p in posted["inputs"]}
    values |= {"taskId": 1, "kind": 7, "metadataURI": b"", "metadataHash": b"\0" * 32}
    for name in ("requester", "token", "coReviewer", "arbiter"):
        values[name] = "0x" + "00" * 20
    chain = SimulatedChain(1337)
    chain.add_block([(bounty.address, *encode_log(posted, [values[p["name"]] for p in posted["inputs"]]))])
    problems = replay_all(chain)["Bounty"].problems
    assert [p.message for p in problems] == [
        "cannot be replayed (ValueError: task kind 7 is past the contract's TaskKind)"
    ]
