"""Every error the backend raises, sorted by what the caller should do about it.

The indexer loop asks one question of a failure: will trying again help? `RetryableError` says yes (the RPC
endpoint is down or slow); `NotRetryableError` says a person must fix something first (configuration, a
deployment file, a chain that is not the one indexed).
"""


class CrowdLedgerError(Exception):
    """The root of every error this package raises on purpose."""


class RetryableError(CrowdLedgerError):
    """A transient failure: the same call may succeed later."""


class NotRetryableError(CrowdLedgerError):
    """A failure that repeats until someone changes something."""


class RpcUnavailable(RetryableError):
    """The JSON-RPC endpoint could not be reached or kept failing."""


class RpcRefused(RetryableError):
    """The JSON-RPC endpoint answered a call with an error. Nodes behind load balancers and hosted providers
    refuse calls for reasons that pass (limits, a node behind the others), so the call may succeed later; a
    log query refused over a wide block range is retried over a narrower one, whatever the words were."""


class RpcError(NotRetryableError):
    """The endpoint is not a JSON-RPC endpoint (or not one this can use): someone must fix the URL."""


class StoreError(NotRetryableError):
    """The database cannot be used as it is: a schema newer than this code, or another indexer writing."""


class ReorgTooDeep(NotRetryableError):
    """The chain reorganised below every block the index holds, down to the block the deployment starts
    after: the index cannot find where it and the chain agree, and must be rebuilt from a fresh database."""


class ConfigError(NotRetryableError):
    """A setting is missing or malformed."""


class DeploymentError(NotRetryableError):
    """The deployment record is missing, malformed, or for another chain."""


class Refused(NotRetryableError):
    """A command that signs was refused before anything was sent: the chain would revert it (a call said so),
    the account cannot pay for it, or its keystore cannot be opened."""


class KeystoreError(Refused):
    """The account's keystore is missing, unreadable, or the password is wrong."""


class InsufficientFunds(Refused):
    """The account cannot pay the value plus gas."""


class TransactionFailed(NotRetryableError):
    """A transaction was sent and then reverted, or was not mined in time: look before sending it again."""


class ReplayMismatch(NotRetryableError):
    """State rebuilt from events disagrees with what the chain says: the index or the contract is wrong."""
