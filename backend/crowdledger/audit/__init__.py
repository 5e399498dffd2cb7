"""The audit: an auditor's check of the deployed contracts, their books and our index, from the chain alone.

    source   events (and plain ETH transfers) streamed from an RPC endpoint, block range by block range
    replay/  one module per contract: its state rebuilt from its events (replay.base says what each provides)
    money    who owes whom, per asset: the obligations the replays report, and held >= owed per contract
    bytecode recompile the sources with the pinned compiler, compare with the code at each address
    views    the replayed state against the contracts' own view functions at the audited block
    index    the indexer's database against the replay
    merkle   the Merkle sum tree over the obligations, proofs and their verification
    facts, findings   what the replay saw, reduced to deals, participations, ballots and ratings; the rules
    report   the report (JSON and HTML), the digest and the ledger exports; run puts it all together
    follow   watch mode; cli the `crowdledger audit` commands

Nothing here imports brownie: an auditor needs the repository's sources, an RPC URL and the deployment record.
"""
