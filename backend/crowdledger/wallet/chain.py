"""The chain as the commands see it: one JSON-RPC endpoint, checked against the deployment record before
anything is read or signed, and the contracts in that record.

Calls go out as plain JSON-RPC over HTTP (httpx, as the indexer's), so that a revert keeps its data for
crowdledger.wallet.explain to decode; calls are encoded and results decoded with eth_abi from the ABIs in the
deployment record. web3.py is not imported: it would double each command's start-up time for nothing.
"""

import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml  # type: ignore[import-untyped]  # (brownie pins PyYAML; its stubs are not worth a dependency)
from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_abi.exceptions import DecodingError, EncodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from crowdledger.deployment import Deployment
from crowdledger.errors import ConfigError, DeploymentError, RpcError, RpcUnavailable
from crowdledger.settings import Settings
from crowdledger.wallet.abi import canonical, named, signature, topic
from crowdledger.wallet.addresses import checked_address
from crowdledger.wallet.erc20 import ERC20_ABI
from crowdledger.wallet.units import ETH, Token

BROWNIE_NETWORKS = Path("~/.brownie/network-config.yaml")
_ids = itertools.count(1)
DEPLOYMENTS = Path("deployments")


class Reverted(Exception):
    """A call the chain would revert, with the revert data (possibly empty) for explain() to decode."""

    def __init__(self, data: bytes, message: str) -> None:
        super().__init__(message)
        self.data = data
        self.message = message


@dataclass(frozen=True)
class Endpoint:
    rpc_url: str
    record: Path  # the deployment record


def resolve(
    settings: Settings,
    network: str | None,
    rpc_url: str | None,
    record: Path | None,
    networks: Path | None = None,
) -> Endpoint:
    """Where to connect and which deployment record to trust. `--network NAME` means deployments/NAME.json
    and the host brownie's network list gives NAME (so a network added for deploying is found here too);
    --rpc-url and --deployment override either; by default CROWDLEDGER_RPC_URL and CROWDLEDGER_DEPLOYMENT."""
    url = rpc_url
    if network:
        record = record or DEPLOYMENTS / f"{network}.json"
        url = url or _brownie_host(network, (networks or BROWNIE_NETWORKS).expanduser())
    return Endpoint(url or settings.rpc_url, record or settings.deployment)


def _brownie_host(network: str, config: Path) -> str:
    try:
        groups = yaml.safe_load(config.read_text()) or {}
    except OSError:
        groups = {}
    except yaml.YAMLError as bad:
        raise ConfigError(f"cannot read brownie's network list {config}: {bad}") from None
    entries = list(groups.get("development") or [])
    for live in groups.get("live") or []:
        entries.extend(live.get("networks") or [])
    for entry in entries:
        if entry.get("id") == network and entry.get("host"):
            host = os.path.expandvars(str(entry["host"]))  # brownie writes $WEB3_INFURA_PROJECT_ID and such
            port = (entry.get("cmd_settings") or {}).get("port")
            return f"{host}:{port}" if port and host.count(":") < 2 else host
    raise ConfigError(
        f"network {network!r} is not in brownie's network list ({config}): add it (docs/DEPLOY.md), "
        "or pass --rpc-url URL"
    )


@dataclass(frozen=True)
class Contract:
    """A deployed contract: where it is and its ABI, enough to encode a call to any of its functions."""

    name: str
    address: str  # checksummed
    abi: list[dict[str, Any]]

    def function(self, name: str) -> dict[str, Any] | None:
        return next((e for e in self.abi if e.get("type") == "function" and e.get("name") == name), None)

    def encode(self, function: str, args: list[Any]) -> str:
        """The call data of `function(args)` as 0x-hex (structs as tuples, addresses as strings)."""
        entries = [e for e in self.abi if e.get("type") == "function" and e.get("name") == function]
        entry = next((e for e in entries if len(e["inputs"]) == len(args)), None)
        if entry is None:
            raise ConfigError(f"{self.name}.{function} takes other arguments than {len(args)}")
        try:
            data = abi_encode([canonical(i) for i in entry["inputs"]], args)
        except (EncodingError, TypeError, ValueError, OverflowError) as bad:
            raise ConfigError(f"{function}: the arguments do not fit the contract ({bad})") from None
        return "0x" + (keccak(text=signature(entry))[:4] + data).hex()


@dataclass
class Chain:
    """A connection checked against its deployment record: same chain id, and our contracts are there."""

    endpoint: Endpoint
    deployment: Deployment
    client: httpx.Client
    _contracts: dict[str, Contract] = field(default_factory=dict)
    _tokens: dict[str, Token] = field(default_factory=dict)

    @classmethod
    def connect(cls, endpoint: Endpoint, timeout: float = 10.0) -> "Chain":
        deployment = Deployment.load(endpoint.record)
        chain = cls(endpoint, deployment, httpx.Client(timeout=timeout))
        chain_id = int(chain.request("eth_chainId", []), 16)
        if chain_id != deployment.chain_id:
            raise DeploymentError(
                f"{endpoint.rpc_url} is chain {chain_id}, but {endpoint.record} was deployed on chain "
                f"{deployment.chain_id}: use --network for that chain, or --rpc-url / CROWDLEDGER_RPC_URL"
            )
        first = next(iter(deployment.contracts.values()), None)
        if first is not None and chain.request("eth_getCode", [first.address, "latest"]) in ("0x", "0x0"):
            raise DeploymentError(
                f"there is no {first.name} contract at {first.address} on chain {chain_id}: the chain was "
                f"restarted or reset after {endpoint.record} was written; deploy again (./dev up does)"
            )
        return chain

    def request(self, method: str, params: list[Any]) -> Any:
        """One JSON-RPC call; a revert raises Reverted, an unreachable endpoint RpcUnavailable (after two
        quick retries: a command should fail fast, unlike the indexer)."""
        body = {"jsonrpc": "2.0", "id": next(_ids), "method": method, "params": params}
        for attempt in range(3):
            try:
                response = self.client.post(self.endpoint.rpc_url, json=body)
                if response.status_code == 429 or response.status_code >= 500:
                    raise httpx.HTTPStatusError("busy", request=response.request, response=response)
                answer: dict[str, Any] = response.json()
                break
            except (httpx.TransportError, httpx.HTTPStatusError, httpx.InvalidURL, ValueError) as failure:
                if attempt == 2:
                    raise RpcUnavailable(
                        f"cannot reach the chain at {self.endpoint.rpc_url} ({type(failure).__name__}): is "
                        "it running? (./dev up starts one; --rpc-url or CROWDLEDGER_RPC_URL names another)"
                    ) from None
                time.sleep(0.2 * (attempt + 1))
        error = answer.get("error")
        if error is None:
            return answer.get("result")
        message = str(error.get("message", error)) if isinstance(error, dict) else str(error)
        data = error.get("data") if isinstance(error, dict) else None
        if isinstance(data, dict):  # some nodes nest it
            data = data.get("data")
        if "revert" in message.lower() or (
            isinstance(data, str) and data.startswith("0x") and len(data) >= 10
        ):
            raw = bytes.fromhex(data[2:]) if isinstance(data, str) and data.startswith("0x") else b""
            raise Reverted(raw, message)
        raise RpcError(f"{method} failed: {message}")

    # contracts -------------------------------------------------------------------------------------------

    def contract(self, name: str) -> Contract:
        if name not in self._contracts:
            deployed = self.deployment.contracts.get(name)
            if deployed is None:
                raise DeploymentError(
                    f"{self.endpoint.record} has no {name} contract: it predates {name}; deploy again"
                )
            self._contracts[name] = Contract(name, to_checksum_address(deployed.address), deployed.abi)
        return self._contracts[name]

    def erc20(self, address: str) -> Contract:
        return Contract("ERC20", to_checksum_address(address), ERC20_ABI)

    def require_function(self, contract: Contract, function: str) -> dict[str, Any]:
        """The ABI entry of `function`, or a message that the deployed contract is older than this command."""
        entry = contract.function(function)
        if entry is not None:
            return entry
        raise DeploymentError(
            f"the contract at {contract.address} has no function {function}: the deployment in "
            f"{self.endpoint.record} is older than this command; deploy the current contracts"
        )

    # reading -----------------------------------------------------------------------------------------------

    def call(
        self, to: str, data: str, sender: str | None = None, value: int = 0, block: str = "latest"
    ) -> bytes:
        request: dict[str, Any] = {"to": to, "data": data}
        if sender:
            request["from"] = sender
        if value:
            request["value"] = hex(value)
        result = self.request("eth_call", [request, block])
        return bytes.fromhex(str(result)[2:])

    def read(self, contract: Contract | str, function: str, *args: Any) -> Any:
        """A view function's result: one value as itself, a struct as a dict by field name, several values as
        a dict by name (or a tuple when they are unnamed)."""
        target = self.contract(contract) if isinstance(contract, str) else contract
        entry = self.require_function(target, function)
        raw = self.call(target.address, target.encode(function, list(args)))
        outputs = entry["outputs"]
        try:
            values = abi_decode([canonical(o) for o in outputs], raw)
        except DecodingError:
            raise RpcError(
                f"the contract at {target.address} did not answer {function}() as its ABI says: is it the "
                "contract the deployment record (or the token address) names?"
            ) from None
        decoded = [named(o, v) for o, v in zip(outputs, values, strict=True)]
        if len(outputs) == 1:
            return decoded[0]
        if all(o.get("name") for o in outputs):
            return {o["name"]: v for o, v in zip(outputs, decoded, strict=True)}
        return tuple(decoded)

    def token(self, address: str) -> Token:
        """ETH, or the ERC-20 at `address` with its symbol and decimals (a token without a symbol is shown by
        its address; one without decimals is refused, since no amount could be written for it)."""
        if int(address, 16) == 0:
            return ETH
        key = to_checksum_address(address)
        if key not in self._tokens:
            contract = self.erc20(key)
            try:
                decimals = int(self.read(contract, "decimals"))
            except (Reverted, RpcError):
                raise ConfigError(f"{key} does not answer decimals(): it is not an ERC-20 token") from None
            try:
                symbol = str(self.read(contract, "symbol")) or key[:10]
            except (Reverted, RpcError):
                symbol = key[:10]
            self._tokens[key] = Token(key, symbol, decimals)
        return self._tokens[key]

    def token_named(self, text: str) -> Token:
        """A token given on the command line or in a file: ETH, or an ERC-20 address."""
        if text.strip().upper() == "ETH":
            return ETH
        address = checked_address(text, "a token (ETH or an ERC-20 contract address)")
        if self.request("eth_getCode", [address, "latest"]) in ("0x", "0x0"):
            raise ConfigError(f"there is no contract at {address} on this chain, so it is not a token")
        return self.token(address)

    def balance(self, address: str, token: Token = ETH) -> int:
        if token.is_eth:
            return int(self.request("eth_getBalance", [address, "latest"]), 16)
        return int(self.read(self.erc20(token.address), "balanceOf", address))

    def now(self) -> int:
        """The latest block's time: what the contracts compare deadlines with (a local chain's clock may be
        ahead of the wall clock)."""
        return int(self.request("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def logs(self, contract: Contract, event: str, **topics: Any) -> list[dict[str, Any]]:
        """`event` logs of `contract` since the deployment, filtered by indexed arguments."""
        entry = next(e for e in contract.abi if e.get("type") == "event" and e["name"] == event)
        filters: list[str | None] = ["0x" + keccak(text=signature(entry)).hex()]
        for param in (i for i in entry["inputs"] if i["indexed"]):
            value = topics.get(param["name"])
            filters.append(None if value is None else topic(value))
        while filters and filters[-1] is None:
            filters.pop()
        head = int(self.request("eth_blockNumber", []), 16)
        return self._logs({"address": contract.address, "topics": filters}, self.deployment.start_block, head)

    def _logs(self, query: dict[str, Any], first: int, last: int) -> list[dict[str, Any]]:
        """The logs of blocks first..last. Public providers cap what one query may span (blocks or results)
        and refuse more, each in its own words: a refused range is asked for in halves, the earlier half
        first, so a refusal of every query (not a cap) still ends at its first single block."""
        try:
            found: list[dict[str, Any]] = self.request(
                "eth_getLogs", [{**query, "fromBlock": hex(first), "toBlock": hex(last)}]
            )
            return found
        except RpcError:
            if first >= last:
                raise
            middle = (first + last) // 2
            return self._logs(query, first, middle) + self._logs(query, middle + 1, last)
