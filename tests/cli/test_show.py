"""Everyone reads from the chain (not the index): balances, a campaign, a task, an account; --network finds
the deployment record and brownie's host for a network."""

import shutil

import pytest

from tests.backend.rpcproxy import Call, Refusal, RpcProxy
from tests.cli.conftest import DAY, WAD, launch, post_contest, task_params


@pytest.fixture(scope="module")
def campaign(world):
    return launch(world, goal=4 * WAD, milestones=(5000, 5000), tiers=((WAD, 3),))


def test_show_campaign_reads_state_totals_tiers_and_the_viewers_pledge(world, campaign):
    world.ok("pledge", campaign, "1", "--tier", 1, "--account", "backer")
    out = world.ok("show", "campaign", campaign, "--as", "backer")
    assert out.startswith(f"Campaign {campaign}: Funding")
    assert "raised       1 ETH of 4 ETH (25%)" in out
    assert "milestones   50% / 50%" in out
    assert "tier 1       1 ETH, 1 of 3 taken" in out
    assert "votes        pledge-weighted, a veto at 20% of the money raised" in out
    assert "delivery     rewards due " in out
    assert f"pledge       {world.addresses['backer']}: 1 ETH, tier 1, refundable now 0 ETH" in out


def test_show_of_a_campaign_that_does_not_exist_is_one_line(world):
    assert world.refused("show", "campaign", 999) == (
        "crowdledger: CampaignNotFound: there is no campaign 999; `crowdledger show account` lists yours"
    )


def test_show_task_reads_the_contest(world):
    task = post_contest(world, reward=2 * WAD)
    out = world.ok("show", "task", task)
    assert out.startswith(f"Task {task}: contest, Open")
    assert "reward       2 ETH" in out and "0 entered, 0 revealed" in out


def test_show_task_shows_any_place_asked_for_and_says_where_its_list_stops(world):
    """The places taken among a micro-task's first 50 were all it showed: a worker holding place 700 could
    not see it from the command line, nor was anyone told that the list stopped."""
    bounty = world.contracts["Bounty"]
    params = task_params(world, "postMicroTask")
    world.transact(bounty, "postMicroTask", params, WAD // 100, 800, DAY, sender="creator", value=8 * WAD)
    task = bounty.functions.taskCount().call()
    world.transact(bounty, "take", task, 700, [], sender="worker")
    out = world.ok("show", "task", task)
    assert "places from 50 on are not listed: --place INDEX shows any" in out and "place 700" not in out
    out = world.ok("show", "task", task, "--place", 700, "--place", 3)
    assert f"place 700    taken by {world.addresses['worker']} since" in out
    assert "place 3      free" in out
    assert f"task {task} has places 0 to 799: there is no place 800" in world.refused(
        "show", "task", task, "--place", 800
    )
    assert "is a contest: it has entries, not places" in world.refused(
        "show", "task", post_contest(world), "--place", 0
    )
    assert "--place is for show task" in world.refused("show", "account", "worker", "--place", 0)
    world.travel(DAY + 1)  # the hold of place 700 ends without work
    assert "; the hold ended " in world.ok("show", "task", task, "--place", 700)


def test_show_account_lists_balances_scores_and_what_it_launched(world, campaign):
    out = world.ok("show", "account", "creator")
    assert out.startswith(f"{world.addresses['creator']} (creator)")
    assert f"launched     {campaign}" in out


def test_a_provider_that_caps_log_queries_is_asked_in_pieces(world, campaign):
    """Public providers cap the blocks one eth_getLogs may span (10,000 on several) and refuse wider ones:
    `show account` reads the account's launches since the deployment in as many queries as it takes."""

    def capped(call: Call) -> Refusal | None:
        if call.method != "eth_getLogs":
            return None
        query = call.params[0]
        if query["toBlock"] != "latest" and int(query["toBlock"], 16) - int(query["fromBlock"], 16) < 4:
            return None
        return Refusal(error="query exceeds the maximum block range of 4")

    proxy = RpcProxy(world.rpc_url)
    proxy.refuse = capped
    try:
        out = world.ok("show", "account", "creator", CROWDLEDGER_RPC_URL=proxy.url)
    finally:
        proxy.close()
    assert f"launched     {campaign}" in out
    assert proxy.refused, "the chain is too short to meet the cap: the test shows nothing"


def test_balance_shows_eth_and_each_token_asked_for(world):
    out = world.ok("balance", world.addresses["backer"], "--token", world.token.address)
    assert "10,000 DUSD" in out and " ETH" in out


def test_network_names_the_deployment_record_and_brownies_host(world, campaign):
    deployments = world.home / "deployments"
    deployments.mkdir(exist_ok=True)
    shutil.copy(world.deployment, deployments / "local-test.json")
    config = world.home / ".brownie" / "network-config.yaml"
    config.parent.mkdir(exist_ok=True)
    port = world.rpc_url.rsplit(":", 1)[1]
    entry = f"- cmd: anvil\n  cmd_settings:\n    port: {port}\n  host: http://127.0.0.1\n  id: local-test\n"
    config.write_text("development:\n" + entry)
    elsewhere = {"CROWDLEDGER_RPC_URL": "http://127.0.0.1:9", "CROWDLEDGER_DEPLOYMENT": "elsewhere.json"}
    out = world.ok("show", "campaign", campaign, "--network", "local-test", HOME=str(world.home), **elsewhere)
    assert out.startswith(f"Campaign {campaign}: Funding")


def test_status_without_an_index_says_where_it_looked_and_creates_nothing(world, tmp_path):
    result = world.cli("status", CROWDLEDGER_DATABASE_URL="sqlite:///.data/index.db")
    assert result.code == 1 and "No index at .data/index.db" in result.out
    assert not (world.home / ".data").exists() and not list(world.home.glob("*.db"))


def test_status_finds_the_index_built_at_the_default_place(world, campaign):
    world.ok("index")  # into .data/index.db under the working folder, as ./dev up does
    assert (world.home / ".data" / "index.db").exists()
    assert "indexed to block" in world.ok("status")
    assert not list(world.home.glob("*.db")), "no stray crowdledger.db"
