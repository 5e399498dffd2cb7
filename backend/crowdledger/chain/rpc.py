"""JSON-RPC over HTTP: the only module that talks to the chain.

Transient failures (connection refused, timeouts, 5xx, rate limits) are retried with exponential backoff up to
a bound, then raised as RpcUnavailable; a provider refusing a log query as too large raises RangeTooLarge
so the caller can split the range; anything else is an RpcError.
"""

import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from crowdledger.errors import RangeTooLarge, RpcError, RpcUnavailable

log = logging.getLogger(__name__)

# What providers say when a log query is too big (Alchemy, Infura, QuickNode, geth, anvil's own limits).
_TOO_LARGE = ("too many", "limit exceeded", "range", "10000 results", "response size", "query returned more")


@dataclass(frozen=True, slots=True)
class Block:
    number: int
    hash: str
    parent_hash: str
    timestamp: int


class Rpc:
    def __init__(self, url: str, timeout: float = 10.0, attempts: int = 6, backoff: float = 0.1) -> None:
        self.url = url
        self.attempts = attempts
        self.backoff = backoff
        self._client = httpx.Client(timeout=timeout)
        self._next_id = 0

    def close(self) -> None:
        self._client.close()

    def call(self, method: str, params: list[Any]) -> Any:
        self._next_id += 1
        request = {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params}
        return self._result(method, self._post(method, request))

    def call_many(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        """Several calls in one JSON-RPC batch request; the results in the order of `calls`. The first call
        that failed raises, as `call` would."""
        if not calls:
            return []
        first = self._next_id + 1
        self._next_id += len(calls)
        batch = [
            {"jsonrpc": "2.0", "id": first + i, "method": method, "params": params}
            for i, (method, params) in enumerate(calls)
        ]
        answers = self._post(calls[0][0], batch)
        if not isinstance(answers, list):  # some providers answer a refused batch with one error object
            return [self._result(calls[0][0], answers)]
        by_id = {answer.get("id"): answer for answer in answers}
        return [self._result(method, by_id.get(first + i, {})) for i, (method, _) in enumerate(calls)]

    def _post(self, method: str, body: Any) -> Any:
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._client.post(self.url, json=body)
                if response.status_code == 429 or response.status_code >= 500:
                    raise httpx.HTTPStatusError("busy", request=response.request, response=response)
                return response.json()
            except (httpx.TransportError, httpx.HTTPStatusError, ValueError) as failure:
                if attempt == self.attempts:
                    raise RpcUnavailable(
                        f"{self.url} failed {attempt} times on {method}: {failure}"
                    ) from None
                log.warning("RPC %s failed (%s); retry %d in %.1fs", method, failure, attempt, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    @staticmethod
    def _result(method: str, answer: dict[str, Any]) -> Any:
        if "error" in answer:
            message = str(answer["error"].get("message", answer["error"]))
            if method == "eth_getLogs" and any(phrase in message.lower() for phrase in _TOO_LARGE):
                raise RangeTooLarge(message)
            raise RpcError(f"{method} failed: {message}")
        if "result" not in answer:
            raise RpcError(f"{method} failed: the endpoint sent no result")
        return answer["result"]

    def chain_id(self) -> int:
        return int(self.call("eth_chainId", []), 16)

    def head(self) -> int:
        return int(self.call("eth_blockNumber", []), 16)

    def block(self, number: int) -> Block | None:
        raw = self.call("eth_getBlockByNumber", [hex(number), False])
        if raw is None:
            return None
        return Block(number, raw["hash"], raw["parentHash"], int(raw["timestamp"], 16))

    def logs(self, first: int, last: int, addresses: list[str]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.call(
            "eth_getLogs", [{"fromBlock": hex(first), "toBlock": hex(last), "address": addresses}]
        )
        return result

    def balance(self, address: str, block: int) -> int:
        """The ETH balance of `address` at `block`, in wei."""
        return int(self.call("eth_getBalance", [address, hex(block)]), 16)

    def code(self, address: str, block: int) -> str:
        """The runtime code at `address` at `block`, 0x-hex ("0x" when there is none)."""
        return str(self.call("eth_getCode", [address, hex(block)]))

    def eth_call(self, to: str, data: str, block: int) -> str:
        """A read-only call of `to` with calldata `data` at `block`; the returned data, 0x-hex."""
        return str(self.call("eth_call", [{"to": to, "data": data}, hex(block)]))
