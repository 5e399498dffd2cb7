"""Recompile the repository's contracts with the pinned compiler and settings, from the sources alone.

The compiler input is built here, not taken from build/: every file the contracts import is read from the
checkout (contracts/ and node_modules/, whose versions package-lock.json pins by hash) and passed as content,
with the settings of brownie-config.yaml (solc version, EVM version, optimizer, viaIR, remappings), or, for
a deployment built before Cancun, with the pre-Cancun build's EVM version and remappings (crowdledger.evm).
Source unit names are those brownie gives (contracts/X.sol, node_modules/@openzeppelin/...), so the
metadata, and with it the metadata hash in the bytecode, come out the same. The compiler is toolchain/solc
(solc-js from npm) unless another `solc` binary of the same version is named.

Outputs are cached by the SHA-256 of the compiler's version line and the whole input, so a second audit of
the same sources does not compile again; nothing else is cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from crowdledger.errors import NotRetryableError
from crowdledger.evm import DEFAULT as DEFAULT_EVM
from crowdledger.evm import PRE_CANCUN, PRE_CANCUN_REMAPPINGS

log = logging.getLogger(__name__)

_IMPORT = re.compile(
    r"""^\s*import\s+(?:[^;]*?\bfrom\s+)?["']([^"']+)["']\s*(?:as\s+\w+\s*)?;""", re.MULTILINE
)
_OUTPUTS = [
    "abi",
    "metadata",
    "evm.bytecode.object",
    "evm.deployedBytecode.object",
    "evm.deployedBytecode.immutableReferences",
]


class CompileError(NotRetryableError):
    """The contracts could not be recompiled: a missing source, a missing compiler, or compiler errors."""


@dataclass(frozen=True)
class CompilerSettings:
    version: str
    evm_version: str
    optimizer: dict[str, Any]
    via_ir: bool
    remappings: list[str]

    @classmethod
    def from_brownie_config(cls, path: Path) -> CompilerSettings:
        try:
            config = yaml.safe_load(path.read_text())["compiler"]
            solc = config["solc"]
            return cls(
                version=str(solc["version"]),
                evm_version=str(config["evm_version"]),
                optimizer=dict(solc["optimizer"]),
                via_ir=bool(solc.get("viaIR", False)),
                remappings=[str(r) for r in solc.get("remappings", [])],
            )
        except FileNotFoundError:
            raise CompileError(
                f"No {path}: run the audit from the repository's root or pass --source"
            ) from None
        except (KeyError, TypeError, yaml.YAMLError) as bad:
            raise CompileError(f"{path} has no usable compiler settings: {bad!r}") from None

    def for_evm(self, evm_version: str) -> CompilerSettings:
        """These settings as the build for `evm_version` uses them: the default build's own, or the pre-Cancun
        build's EVM version and remappings (crowdledger.evm, scripts/build_evm.py)."""
        if evm_version == self.evm_version:
            return self
        if evm_version in PRE_CANCUN:
            return replace(self, evm_version=evm_version, remappings=list(PRE_CANCUN_REMAPPINGS))
        raise CompileError(
            f"The deployment was built for EVM version {evm_version!r}, which no build here makes "
            f"({', '.join((self.evm_version, *PRE_CANCUN))})"
        )


@dataclass(frozen=True)
class Compiled:
    """One contract as the compiler made it."""

    name: str
    source: str  # the source unit name, contracts/X.sol
    creation: bytes
    runtime: bytes
    immutables: dict[str, list[tuple[int, int]]]  # AST id -> (start, length) in the runtime code
    immutable_names: dict[str, str]  # AST id -> the variable's name
    abi: list[dict[str, Any]]
    metadata: dict[str, Any]


def default_cache() -> Path:
    return Path.home() / ".cache" / "crowdledger" / "solc"


class Compiler:
    def __init__(
        self, root: Path, solc: Path | None = None, cache: Path | None = None, evm_version: str = DEFAULT_EVM
    ) -> None:
        """`evm_version`: what the deployment was built for (its record says), which picks the settings."""
        self.root = root.resolve()
        self.settings = CompilerSettings.from_brownie_config(self.root / "brownie-config.yaml").for_evm(
            evm_version
        )
        self.solc = (solc or self.root / "toolchain" / "solc").resolve()
        self.cache = cache

    # ------------------------------------------------------------------ sources

    def source_of(self, contract: str) -> str:
        """The source unit that defines `contract` under contracts/."""
        pattern = re.compile(rf"^\s*(?:abstract\s+)?contract\s+{re.escape(contract)}\b", re.MULTILINE)
        folder = self.root / "contracts"
        if not folder.is_dir():
            raise CompileError(
                f"No contracts/ under {self.root}: run from the repository's root or pass --source"
            )
        for path in sorted(folder.rglob("*.sol")):
            if pattern.search(path.read_text()):
                return path.relative_to(self.root).as_posix()
        raise CompileError(f"No contract {contract} in {folder}")

    def _remap(self, path: str) -> str:
        best = ""
        target = ""
        for remapping in self.settings.remappings:
            prefix, _, replacement = remapping.partition("=")
            if path.startswith(prefix) and len(prefix) > len(best):
                best, target = prefix, replacement
        return target + path[len(best) :] if best else path

    def sources(self, units: list[str]) -> dict[str, str]:
        """`units` and every file they import, transitively, by source unit name."""
        found: dict[str, str] = {}
        todo = list(units)
        while todo:
            unit = todo.pop()
            if unit in found:
                continue
            path = self.root / unit
            try:
                text = path.read_text()
            except FileNotFoundError:
                hint = " (run `npm ci`, or ./dev, to install node_modules)" if "node_modules" in unit else ""
                raise CompileError(f"{unit} is imported but missing{hint}") from None
            found[unit] = text
            for imported in _IMPORT.findall(text):
                if imported.startswith(("./", "../")):
                    todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(unit), imported)))
                else:
                    todo.append(self._remap(imported))
        return dict(sorted(found.items()))

    def input_json(self, units: list[str]) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "evmVersion": self.settings.evm_version,
            "optimizer": self.settings.optimizer,
            "remappings": self.settings.remappings,
            "outputSelection": {"*": {"*": _OUTPUTS, "": ["ast"]}},
        }
        if self.settings.via_ir:
            settings["viaIR"] = True
        return {
            "language": "Solidity",
            "sources": {unit: {"content": text} for unit, text in self.sources(units).items()},
            "settings": settings,
        }

    # ------------------------------------------------------------------ compiling

    def version(self) -> str:
        try:
            answer = subprocess.run([str(self.solc), "--version"], capture_output=True, text=True, timeout=60)
        except OSError as failure:
            raise CompileError(
                f"Cannot run the compiler {self.solc}: {failure} (is Node.js installed?)"
            ) from None
        line = next((line for line in answer.stdout.splitlines() if line.startswith("Version:")), "")
        if not line:
            raise CompileError(f"{self.solc} --version said nothing usable: {answer.stdout or answer.stderr}")
        if not line.removeprefix("Version:").strip().startswith(self.settings.version):
            raise CompileError(
                f"{self.solc} is {line}; brownie-config.yaml pins solc {self.settings.version}"
            )
        return line

    def compile(self, contracts: list[str]) -> dict[str, Compiled]:
        """Compile the named contracts (each from its source under contracts/)."""
        units = {name: self.source_of(name) for name in contracts}
        request = self.input_json(sorted(set(units.values())))
        version = self.version()
        encoded = json.dumps(request, sort_keys=True)
        # The contracts kept are part of the key: one request (Bounty.sol imports BountyReviews.sol) compiles
        # both, and an output kept for Bounty alone must not answer for BountyReviews.
        kept = json.dumps(units, sort_keys=True)
        key = hashlib.sha256((version + "\n" + encoded + "\n" + kept).encode()).hexdigest()
        output = self._cached(key)
        if output is None:
            log.info("Compiling %s with %s (viaIR takes a while)", ", ".join(contracts), version)
            answer = subprocess.run(
                [str(self.solc), "--standard-json"],
                input=encoded,
                capture_output=True,
                text=True,
                cwd=self.root,
                timeout=3600,
            )
            try:
                output = json.loads(answer.stdout)
            except ValueError:
                raise CompileError(
                    f"The compiler failed: {answer.stderr.strip() or answer.stdout[:500]}"
                ) from None
            errors = [e["formattedMessage"] for e in output.get("errors", []) if e.get("severity") == "error"]
            if errors:
                raise CompileError("The compiler reported errors:\n" + "\n".join(errors))
            output = self._keep(output, units)
            self._store(key, output)
        return {
            name: _compiled(name, unit, output["contracts"][unit][name], output["immutable_names"])
            for name, unit in units.items()
        }

    @staticmethod
    def _keep(output: dict[str, Any], units: dict[str, str]) -> dict[str, Any]:
        """Only what the audit uses: the contracts asked for, and the names of state variables by AST id."""
        names: dict[str, str] = {}

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if node.get("nodeType") == "VariableDeclaration" and node.get("stateVariable"):
                    names[str(node["id"])] = str(node["name"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        for source in output.get("sources", {}).values():
            walk(source.get("ast"))
        kept = {unit: {name: output["contracts"][unit][name]} for name, unit in units.items()}
        return {"contracts": kept, "immutable_names": names}

    def _cached(self, key: str) -> dict[str, Any] | None:
        if self.cache is None:
            return None
        path = self.cache / f"{key}.json"
        try:
            cached: dict[str, Any] = json.loads(path.read_text())
            return cached
        except (OSError, ValueError):
            return None

    def _store(self, key: str, output: dict[str, Any]) -> None:
        if self.cache is None:
            return
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            (self.cache / f"{key}.json").write_text(json.dumps(output))
        except OSError as failure:
            log.warning("Could not cache the compiler output in %s: %s", self.cache, failure)


def _compiled(name: str, unit: str, out: dict[str, Any], names: dict[str, str]) -> Compiled:
    refs = out["evm"]["deployedBytecode"].get("immutableReferences", {})
    immutables = {ast_id: [(r["start"], r["length"]) for r in spans] for ast_id, spans in refs.items()}
    return Compiled(
        name=name,
        source=unit,
        creation=bytes.fromhex(out["evm"]["bytecode"]["object"]),
        runtime=bytes.fromhex(out["evm"]["deployedBytecode"]["object"]),
        immutables=immutables,
        immutable_names={ast_id: names.get(ast_id, f"AST node {ast_id}") for ast_id in immutables},
        abi=list(out["abi"]),
        metadata=json.loads(out["metadata"]),
    )
