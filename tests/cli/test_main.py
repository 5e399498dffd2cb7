"""The command line's last line of defence: an error nobody foresaw is one line and exit status 70, with its
traceback kept in a file, never printed at the user."""

from crowdledger import cli
from crowdledger.cli import show


def test_an_unforeseen_error_is_one_line_with_the_traceback_in_a_file(monkeypatch, tmp_path, capsys):
    def broken(settings, args):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(show, "_balance", broken)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cli.main(["balance", "0x" + "12" * 20]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("crowdledger: unexpected RuntimeError: something nobody foresaw. This is a bug;")
    kept = (tmp_path / ".crowdledger" / "crash.log").read_text()
    assert "Traceback" in kept and "something nobody foresaw" in kept


def test_the_ready_block_of_dev_up_names_every_contract_and_marks_the_keys_local_only():
    from eth_account import Account

    from crowdledger.deployment import DeployedContract, Deployment
    from crowdledger.wallet.devchain import dev_key, ready_block

    contracts = {
        name: DeployedContract(name, "0x" + f"{i:02x}" * 20, [])
        for i, name in enumerate(("Reputation", "Crowdfund", "Bounty"))
    }
    block = ready_block(
        Deployment("development", 31337, 1, contracts), "http://127.0.0.1:8545", "http://x", range(10, 13)
    )
    for name in contracts:
        assert name in block
    assert "LOCAL ONLY" in block
    assert "identity attester is development account 9" in block  # the one scripts/demo.py registers
    for index in (10, 11, 12):
        assert f"{Account.from_key(dev_key(index)).address}  key {dev_key(index)}" in block
