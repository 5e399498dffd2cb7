"""The EVM versions the contracts are built for: Cancun, the default (brownie-config.yaml, `brownie compile`),
and before Cancun for chains without it (scripts/build_evm.py, docs/DEPLOY.md "Chains without Cancun").

The pre-Cancun build differs only in its solc settings: the EVM version, OpenZeppelin 5.1.0 (no MCOPY) instead
of the default's, and OpenZeppelin's storage ReentrancyGuard in place of ReentrancyGuardTransient. The build
and the audit's recompilation both take them from here, so the audit recompiles what was deployed.
"""

DEFAULT = "cancun"
PRE_CANCUN = ("shanghai", "paris")
# solc applies the longest matching prefix, so the guard's file wins over the package's folder
PRE_CANCUN_REMAPPINGS = (
    "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol=contracts/_pre_cancun/ReentrancyGuard.sol",
    "@openzeppelin/contracts/=node_modules/@openzeppelin/contracts-5.1/",
)
