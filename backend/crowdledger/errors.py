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


class RangeTooLarge(RetryableError):
    """The provider refused a log query as too large; the caller should split the block range."""


class RpcError(NotRetryableError):
    """The JSON-RPC endpoint answered with an error that retrying will not change."""


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
