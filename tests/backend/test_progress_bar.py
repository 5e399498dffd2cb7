"""`crowdledger index` on a terminal: its progress bar counts indexed blocks and ends at the target."""

import json
import os
import pty
import re
import subprocess
import sys

from brownie import web3

from tests.backend.conftest import deployment_of, rpc_url, simulate

BAR = re.compile(r"block ([\d,]+)/([\d,]+)")


def test_the_progress_bar_ends_at_the_head_not_one_past_it(crowdfund, token, creator, backers, tmp_path):
    simulate(crowdfund, token, creator, backers)
    record = deployment_of(crowdfund)
    deployment_file = tmp_path / "deployment.json"
    deployment_file.write_text(
        json.dumps(
            {
                "network": record.network,
                "chain_id": record.chain_id,
                "start_block": record.start_block,
                "contracts": {"Crowdfund": {"address": crowdfund.address, "abi": crowdfund.abi}},
            }
        )
    )
    env = {
        **os.environ,
        "CROWDLEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/index.db",
        "CROWDLEDGER_RPC_URL": rpc_url(),
        "CROWDLEDGER_DEPLOYMENT": str(deployment_file),
        "CROWDLEDGER_BATCH_BLOCKS": "3",  # several steps, so the bar moves
        "COLUMNS": "160",
    }
    leader, follower = pty.openpty()  # a terminal: the bar is drawn only there
    process = subprocess.Popen(
        [sys.executable, "-m", "crowdledger.cli", "index"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    drawn = b""
    try:
        while True:  # read while it draws, so that it never waits on a full terminal
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
        assert process.wait(timeout=120) == 0, drawn.decode(errors="replace")
    text = drawn.decode(errors="replace")
    shown = [(int(done.replace(",", "")), int(total.replace(",", ""))) for done, total in BAR.findall(text)]
    assert shown, text
    assert all(done <= total for done, total in shown), shown
    assert shown[-1] == (web3.eth.block_number, web3.eth.block_number)
