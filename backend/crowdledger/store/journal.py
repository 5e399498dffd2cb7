"""The reorg journal: undoing a reorg costs in proportion to its depth, not to the size of the index.

As Ponder does, triggers on every derived table write each change made while the indexer applies a block
range near the head into `reorg_journal`, tagged with the range's last block: the row as it was before an
update or a delete, the new row (its key is what counts) for an insert. Ranges further from the head than the
finality depth are applied with the journal off, so a backfill pays nothing for it, and entries are pruned
once their range is final. (Following the head, a range is one block, so the journal is per block.)

Undoing every range that ends after block K replays the journal backwards. For each row touched, the net
effect of that replay is the image in its earliest entry: the row as it stood before, or no row when the
earliest entry is its insert. So the undo is two set-based statements per table, whatever the number of
entries: delete every row touched, then put back the earliest images that are not inserts. That takes the
tables back to the end of the newest range not undone (`newest_range_end`); the indexer then applies the raw
events from there to K again.

The triggers are written from the current models by `install` when the indexer starts, so a migration adding a
derived column or table needs nothing else here. PostgreSQL switches them with the transaction-local setting
crowdledger.journal_block; SQLite, which has no such thing, with the one-row table journal_block.
"""

from collections.abc import Sequence

from sqlalchemy import Connection, Table, delete, func, select, text, update

from crowdledger.store.models import JournalBlock, JournalEntry

_SETTING = "crowdledger.journal_block"
_FUNCTION = """
CREATE OR REPLACE FUNCTION crowdledger_journal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    block text := current_setting('crowdledger.journal_block', true);
BEGIN
    IF block IS NULL OR block = '' THEN
        RETURN NULL;
    END IF;
    INSERT INTO reorg_journal (block_number, table_name, operation, row)
    VALUES (block::bigint, TG_TABLE_NAME, left(TG_OP, 1),
            CASE TG_OP WHEN 'INSERT' THEN to_json(NEW) ELSE to_json(OLD) END);
    RETURN NULL;
END $$
"""


def install(conn: Connection, tables: Sequence[Table]) -> None:
    """(Re)create the journal triggers of `tables` to match their current columns."""
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        conn.execute(text(_FUNCTION))
        for table in tables:
            conn.execute(
                text(
                    f"CREATE OR REPLACE TRIGGER crowdledger_journal AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {quote(table.name)} FOR EACH ROW "
                    # Tested before the function is called: a write with the journal off costs next to nil.
                    f"WHEN (coalesce(current_setting('{_SETTING}', true), '') <> '') "
                    f"EXECUTE FUNCTION crowdledger_journal()"
                )
            )
        return
    block = "(SELECT block_number FROM journal_block WHERE id = 1)"
    for table in tables:
        for operation, image, columns in (
            ("INSERT", "NEW", [c.name for c in table.primary_key.columns]),
            ("UPDATE", "OLD", [c.name for c in table.columns]),
            ("DELETE", "OLD", [c.name for c in table.columns]),
        ):
            trigger = quote(f"journal_{table.name}_{operation.lower()}")
            row = ", ".join(f"'{name}', {image}.{quote(name)}" for name in columns)
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
            conn.execute(
                text(
                    f"CREATE TRIGGER {trigger} AFTER {operation} ON {quote(table.name)} "
                    f"WHEN {block} IS NOT NULL BEGIN "
                    f"INSERT INTO reorg_journal (block_number, table_name, operation, row) "
                    f"VALUES ({block}, '{table.name}', '{operation[0]}', json_object({row})); END"
                )
            )


def record(conn: Connection, block: int | None) -> None:
    """Journal the derived-row changes that follow, tagged `block` (the end of the range being applied); None
    stops journaling. Either way it lasts until the transaction ends at most (PostgreSQL) or until changed
    (SQLite, within the transaction that also writes the rows, so it is never left on by a crash)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT set_config(:name, :value, true)"), {"name": _SETTING, "value": str(block or "")}
        )
    else:
        conn.execute(update(JournalBlock).where(JournalBlock.id == 1).values(block_number=block))


def newest_range_end(conn: Connection, through: int) -> int | None:
    """The newest tag at or before block `through`: where undoing the ranges after it leaves the tables."""
    return conn.execute(
        select(func.max(JournalEntry.block_number)).where(JournalEntry.block_number <= through)
    ).scalar()


def undo(conn: Connection, tables: Sequence[Table], after: int) -> int:
    """Undo the journaled changes of the ranges ending after `after`; returns how many entries were undone."""
    quote = conn.dialect.identifier_preparer.quote
    postgres = conn.dialect.name == "postgresql"
    for table in tables:
        name = quote(table.name)
        keys = [quote(c.name) for c in table.primary_key.columns]
        params = {"table": table.name, "after": after}
        entries = "FROM reorg_journal WHERE table_name = :table AND block_number > :after"
        if postgres:
            image = f"(json_populate_record(NULL::{name}, row)).*"
            touched = f"(SELECT {image} {entries}) AS j"
            conn.execute(
                text(
                    f"DELETE FROM {name} USING {touched} WHERE "
                    + " AND ".join(f"{name}.{k} = j.{k}" for k in keys)
                ),
                params,
            )
            earliest = (
                f"SELECT min(j.entry) FROM (SELECT id AS entry, {image} {entries}) AS j GROUP BY "
                + ", ".join(f"j.{k}" for k in keys)
            )
            conn.execute(
                text(
                    f"INSERT INTO {name} SELECT {image} FROM reorg_journal "
                    f"WHERE id IN ({earliest}) AND operation <> 'I'"
                ),
                params,
            )
            continue
        columns = [quote(c.name) for c in table.columns]

        def field(column: str) -> str:
            return f"json_extract(row, '$.{column.strip(chr(34))}')"

        key_fields = ", ".join(field(k) for k in keys)
        key = keys[0] if len(keys) == 1 else f"({', '.join(keys)})"
        conn.execute(text(f"DELETE FROM {name} WHERE {key} IN (SELECT {key_fields} {entries})"), params)
        conn.execute(
            text(
                f"INSERT INTO {name} ({', '.join(columns)}) "
                f"SELECT {', '.join(field(c) for c in columns)} FROM reorg_journal "
                f"WHERE id IN (SELECT min(id) {entries} GROUP BY {key_fields}) AND operation <> 'I'"
            ),
            params,
        )
    return conn.execute(delete(JournalEntry).where(JournalEntry.block_number > after)).rowcount


def prune(conn: Connection, through: int) -> None:
    """Forget the changes of blocks up to `through`, which can no longer be reorganised away."""
    conn.execute(delete(JournalEntry).where(JournalEntry.block_number <= through))


def clear(conn: Connection) -> None:
    conn.execute(delete(JournalEntry))
