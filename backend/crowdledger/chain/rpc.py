"""JSON-RPC over HTTP: the only module that talks to the chain.

Failures are sorted by what helps. The endpoint unreachable, slow, busy (5xx, 429): retried with exponential
backoff up to a bound, then RpcUnavailable. The node answering with a JSON-RPC error: RpcRefused at once
(retryable too; the indexer narrows a refused log query). An answer that is not JSON-RPC at all (an HTML page,
a 404): RpcError, which no retry fixes, with the URL in the message.
"""

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from crowdledger.errors import CrowdLedgerError, RpcError, RpcRefused, RpcUnavailable

log = logging.getLogger(__name__)
# A backfill parses answers of thousands of logs: msgspec does it twice as fast as the json module.
_parse = msgspec.json.Decoder().decode


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

    def call(self, method: str, params: list[Any], attempts: int | None = None) -> Any:
        """The call's result. `attempts` overrides the bound on tries for this call."""
        self._next_id += 1
        request = {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params}
        response = self._post(method, request, attempts or self.attempts)
        return self._result(method, self._answer(method, response, batch=False))

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
        answers = self._answer(calls[0][0], self._post(calls[0][0], batch, self.attempts), batch=True)
        if not isinstance(answers, list):  # some providers answer a refused batch with one error object
            return [self._result(calls[0][0], answers)]
        by_id = {answer.get("id"): answer for answer in answers if isinstance(answer, dict)}
        return [
            self._result(method, by_id.get(first + i, {"error": "no answer in the batch"}))
            for i, (method, _) in enumerate(calls)
        ]

    def _post(self, method: str, body: Any, attempts: int) -> httpx.Response:
        delay = self.backoff
        for attempt in range(1, attempts + 1):
            try:
                response = self._client.post(self.url, json=body)
                if response.status_code == 429 or response.status_code >= 500:
                    raise httpx.HTTPStatusError(
                        f"HTTP {response.status_code}", request=response.request, response=response
                    )
                return response
            except (httpx.TransportError, httpx.HTTPStatusError) as failure:
                if isinstance(failure, httpx.UnsupportedProtocol):
                    raise RpcError(f"{self.url} is not an http(s) URL: check CROWDLEDGER_RPC_URL") from None
                if attempt == attempts:
                    raise RpcUnavailable(
                        f"{self.url} failed {attempt} times on {method}: {failure or type(failure).__name__}"
                    ) from None
                log.warning("RPC %s failed (%s); retry %d in %.1fs", method, failure, attempt, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    def _answer(self, method: str, response: httpx.Response, batch: bool) -> Any:
        """The JSON-RPC answer (a list for a batch); RpcError when the endpoint does not speak JSON-RPC."""
        try:
            answer = _parse(response.content)  # bytes as they came: no copy decoded to text first
        except ValueError:
            answer = None
        one = isinstance(answer, dict) and ("result" in answer or "error" in answer)
        if not one and not (batch and isinstance(answer, list)):
            kind = response.headers.get("content-type", "no content type").split(";")[0]
            raise RpcError(
                f"{self.url} is not a JSON-RPC endpoint (HTTP {response.status_code}, {kind}, to {method}): "
                "check CROWDLEDGER_RPC_URL"
            )
        return answer

    @staticmethod
    def _result(method: str, answer: dict[str, Any]) -> Any:
        if "error" in answer:
            error = answer["error"]
            message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
            raise RpcRefused(f"{method} refused: {message}")
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

    def logs(
        self, first: int, last: int, addresses: list[str], attempts: int | None = None
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.call(
            "eth_getLogs", [{"fromBlock": hex(first), "toBlock": hex(last), "address": addresses}], attempts
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


class HeadProbe:
    """The node's head for readers such as /status: asked at most once per `max_age` seconds, with one short
    attempt, so a slow or dead node never holds a reader up for long. Thread-safe."""

    def __init__(self, url: str, timeout: float = 2.0, max_age: float = 1.0) -> None:
        self._rpc = Rpc(url, timeout=timeout, attempts=1)
        self._max_age = max_age
        self._lock = threading.Lock()
        self._asked_at = -math.inf
        self._answer: tuple[int | None, str | None] = (None, None)

    def head(self) -> tuple[int | None, str | None]:
        """The head block number, or None and why the node did not say."""
        with self._lock:
            if time.monotonic() - self._asked_at > self._max_age:
                try:
                    self._answer = (self._rpc.head(), None)
                except CrowdLedgerError as failure:
                    self._answer = (None, str(failure))
                self._asked_at = time.monotonic()
            return self._answer

    def close(self) -> None:
        self._rpc.close()
