"""Compile every contract for a chain without the Cancun upgrade, into a place of its own.

    ./dev build --evm shanghai      (or paris; cancun is the default build, `brownie compile` into build/)

The contracts are the ones brownie compiles (contracts/, without folders starting with `_`), with the same
compiler and optimizer settings (brownie-config.yaml), and three differences:

- solc's `evmVersion` is the one asked for, so solc itself emits no Cancun opcode (MCOPY);
- OpenZeppelin is 5.1.0 (`@openzeppelin/contracts-5.1` in package.json), which has no MCOPY in its assembly
  (5.7.0 has, in Bytes and SignatureChecker);
- OpenZeppelin's `utils/ReentrancyGuardTransient.sol` is remapped to the one-line
  contracts/_pre_cancun/ReentrancyGuard.sol, so PlatformFees's guard is OpenZeppelin's storage
  `ReentrancyGuard` (no TSTORE/TLOAD). PlatformFees itself is the same file in both builds, so the default
  build's bytecode does not change.

The settings are in backend/crowdledger/evm.py, which the audit's recompilation reads too. The artifacts
are brownie's (build/evm/EVM/contracts/NAME.json, the same format as build/contracts/), written only when a
contract source or a setting changed since the last build: `build(evm)` is cheap when up to date.
"""

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml
from brownie.exceptions import CompilerError
from brownie.project import compiler
from brownie.project.main import _load_sources

from crowdledger.evm import PRE_CANCUN, PRE_CANCUN_REMAPPINGS

ROOT = Path(__file__).resolve().parent.parent
OPENZEPPELIN_PRE_CANCUN = ROOT / "node_modules/@openzeppelin/contracts-5.1"
# what a deployment on these chains needs; the test mocks and the benchmark helper are compiled too
DEPLOYED = ("Reputation", "Crowdfund", "Bounty")


class BuildError(Exception):
    """The pre-Cancun build cannot be made as asked (an unknown EVM version, a missing package)."""


def build_dir(evm: str) -> Path:
    """Where the build for `evm` keeps its artifacts (one NAME.json per contract)."""
    return ROOT / "build" / "evm" / evm / "contracts"


def _settings(evm: str) -> dict[str, Any]:
    """brownie-config.yaml's solc settings, for `evm` and with the pre-Cancun remappings."""
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    solc = config["compiler"]["solc"]
    version = json.loads((OPENZEPPELIN_PRE_CANCUN / "package.json").read_text())["version"]
    return {
        "solc_version": solc["version"],
        "optimizer": solc["optimizer"],
        "viaIR": solc["viaIR"],
        "evm_version": evm,
        "remappings": list(PRE_CANCUN_REMAPPINGS),
        "openzeppelin": version,
    }


def _fingerprint(sources: dict[str, str], settings: dict[str, Any]) -> str:
    """A hash of everything the build reads from this repository: the settings, the contracts brownie compiles
    and the files only this build imports (contracts/_pre_cancun)."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    shims = {p.relative_to(ROOT).as_posix(): p.read_text() for p in ROOT.glob("contracts/_pre_cancun/*.sol")}
    for path, source in sorted((sources | shims).items()):
        digest.update(path.encode() + b"\0" + source.encode() + b"\0")
    return digest.hexdigest()


def build(evm: str, quiet: bool = True) -> Path:
    """Compile every contract for `evm` (shanghai or paris) unless the last build had the same inputs; return
    the folder of artifacts."""
    if evm not in PRE_CANCUN:
        raise BuildError(
            f"unknown EVM version {evm!r}: choose one of {', '.join(PRE_CANCUN)} (cancun is the default)"
        )
    if not OPENZEPPELIN_PRE_CANCUN.is_dir():
        raise BuildError(f"{OPENZEPPELIN_PRE_CANCUN.relative_to(ROOT)} is missing: run `npm install`")
    sources = _load_sources(ROOT, "contracts", False)
    settings = _settings(evm)
    fingerprint = _fingerprint(sources, settings)
    target = build_dir(evm)
    stamp = target / ".fingerprint"
    if stamp.is_file() and stamp.read_text() == fingerprint:
        return target
    if not quiet:
        print(f"Compiling {len(sources)} files for {evm} (solc-js, viaIR: about a minute)", flush=True)
    cwd = os.getcwd()
    os.chdir(ROOT)  # the remappings and solc's import callback are relative to the project
    try:
        artifacts = compiler.compile_and_format(
            sources,
            solc_version=settings["solc_version"],
            evm_version=evm,
            allow_paths=ROOT.as_posix(),
            remappings=settings["remappings"],
            optimizer=settings["optimizer"],
            viaIR=settings["viaIR"],
        )
    finally:
        os.chdir(cwd)
    # written beside the old build and swapped in whole, so a reader never sees half of one
    staging = target.with_name(f"contracts.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, artifact in artifacts.items():
        if name == artifact["contractName"]:
            (staging / f"{name}.json").write_text(json.dumps(artifact, sort_keys=True, default=sorted))
    (staging / ".fingerprint").write_text(fingerprint)
    old = target.with_name(f"contracts.old.{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        staging.rename(target)
    except OSError:  # another process swapped in its build of the same inputs meanwhile: keep that one
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    return target


def artifact(evm: str, name: str) -> dict[str, Any]:
    """Contract `name`'s artifact in the build for `evm`, as brownie writes it (abi, bytecode, compiler)."""
    path = build_dir(evm) / f"{name}.json"
    if not path.is_file():
        raise BuildError(f"{path.relative_to(ROOT)} is missing: run ./dev build --evm {evm}")
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(f"usage: ./dev build --evm {{{','.join(PRE_CANCUN)}}}", file=sys.stderr)
        return 2
    try:
        target = build(argv[0], quiet=False)
    except BuildError as error:
        print(error, file=sys.stderr)
        return 2
    except CompilerError as error:  # the compiler's own messages, with file and line, are what helps here
        print(f"The {argv[0]} build failed: {error}", file=sys.stderr)
        return 1
    print(f"Built for {argv[0]}: {target.relative_to(ROOT)}/ ({', '.join(DEPLOYED)} and the rest)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
