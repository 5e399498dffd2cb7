"""Signing and sending CrowdLedger transactions from the command line, without brownie's runtime.

keystore (accounts as encrypted keystore files) → chain (one RPC endpoint checked against the deployment
record) → send (simulate, explain a revert, price, sign, send, read the events back). explain and describe put
errors and events into words; units, specs, merkle, entries and permit serve the commands in crowdledger.cli.
"""
