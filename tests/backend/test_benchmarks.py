"""The benchmark scripts run, at a tiny size, so they cannot fall behind the code they measure: bench-reorg
and bench-live had (the contract's launch gained fields; the first then timed an index of skipped events,
the second stopped on its first transaction), and nothing noticed between two measurements. bench-api and
bench-leaderboard need wrk and a served API, and are left to their own runs."""

import json

from scripts import bench_audit, bench_indexer, bench_live, bench_reorg


def test_bench_indexer_generates_a_history_and_indexes_all_of_it(tmp_path, capsys):
    deployment, events = bench_indexer.generate(1_000)
    ceiling = bench_indexer.fetch_ceiling(deployment, events, passes=1)
    bench_indexer.measure("SQLite", f"sqlite:///{tmp_path}/bench.db", deployment, events, ceiling)
    assert f"| SQLite | {events:,} |" in capsys.readouterr().out


def test_bench_reorg_undoes_a_reorg_on_an_index_of_the_contracts_own_events(tmp_path, capsys):
    abi = json.loads(bench_reorg.ARTIFACT.read_text())["abi"]
    bench_reorg.measure("SQLite", f"sqlite:///{tmp_path}/reorg.db", abi, 2_000, 3, rebuild=True)
    assert "| SQLite | 2,000 |" in capsys.readouterr().out


def test_bench_live_measures_the_lag_of_every_block(monkeypatch, capsys):
    monkeypatch.delenv("CROWDLEDGER_LIVE_DATABASE_URL", raising=False)  # SQLite: never the bench database
    bench_live.main(rate="5", seconds="2", poll="0.2")
    row = capsys.readouterr().out.strip().splitlines()[-1]
    assert row.startswith("| sqlite | 5 |") and " ms |" in row


def test_bench_audit_audits_its_histories(capsys):
    bench_audit.main("400")
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "MB |" in line]
    assert len(rows) == 3
