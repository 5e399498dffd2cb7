"""Column types for 256-bit integers, exact and correctly ordered in both stores.

PostgreSQL has NUMERIC(78, 0). SQLite's numbers are 64-bit, so there a uint256 is kept as a zero-padded
78-digit string, whose string order is its numeric order; an int256 is shifted by 2**255 first. Sorting and
comparing then work in SQL on either store; sums are kept by the indexer, not computed by SQL.
"""

from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

_DIGITS = 78  # 2**256 has 78 decimal digits


class Uint256(TypeDecorator[int]):
    impl = String(_DIGITS)
    cache_ok = True
    offset = 0

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(_DIGITS, 0))
        return dialect.type_descriptor(String(_DIGITS))

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return f"{value + self.offset:0{_DIGITS}d}"

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int(value) - (0 if dialect.name == "postgresql" else self.offset)


class Int256(Uint256):
    cache_ok = True  # SQLAlchemy asks each class itself, not its base
    offset = 2**255
