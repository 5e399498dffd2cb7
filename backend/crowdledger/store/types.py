"""Column types for the integers an ABI admits (up to 256 bits), exact and correctly ordered in both stores.

PostgreSQL has NUMERIC. SQLite's numbers are 64-bit, so there an unsigned value below 2**63 is an INTEGER
and a larger one is TEXT of 96 zero-padded digits, in a column SQLite converts nothing in (declared BLOB: no
type affinity, though no value is ever a blob). SQLite orders every INTEGER before every TEXT, and TEXT by
its bytes, so ORDER BY and comparisons are numeric order, against plain integers too (a chain timestamp, a
bound parameter): the common case costs what an INTEGER costs, and `2**64 - 1` ("never") is still later
than any date. 96 digits hold any uint256 and sums of up to 10**18 of them (the indexer keeps totals).

Signed values (int256) are shifted by 2**255 and kept as 78-digit strings in SQLite, whose string order is
their numeric order; sums are kept by the indexer, not computed by SQL.
"""

from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

_SMALL = 2**63  # what SQLite's INTEGER holds
_DIGITS = 96


class _NoAffinity(UserDefinedType[Any]):
    """SQLite's column of no type affinity: each value is kept as the storage class it was given."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "BLOB"


class Uint256(TypeDecorator[int]):
    """Any unsigned integer an ABI declares (uint8 ... uint256), and sums of them."""

    impl = Numeric
    cache_ok = True

    def __init__(self, length: int | None = None) -> None:  # `length`: what migrations 0001-0003 pass; unused
        super().__init__()

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_NoAffinity())
        return dialect.type_descriptor(Numeric())

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite" or value < _SMALL:
            return value
        return f"{value:0{_DIGITS}d}"

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


class Int256(TypeDecorator[int]):
    """A signed 256-bit integer (int256)."""

    impl = String(78)
    cache_ok = True
    offset = 2**255

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(78, 0))
        return dialect.type_descriptor(String(78))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return f"{value + self.offset:078d}"

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(value) - (0 if dialect.name == "postgresql" else self.offset)
