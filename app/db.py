"""Declarative base, stable constraint names, portable column types, and the SQLite recipe.

Why the custom types: SQLite stores ``Numeric`` as a binary float and datetimes without a zone, so
marks and money live as integer hundredths (:class:`Hundredths`) and moments as UTC
(:class:`Moment`), read back as ``Decimal`` and Asia/Shanghai datetimes on both databases.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from app.clock import SHANGHAI

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Hundredths(TypeDecorator):
    """A ``Decimal`` with 2 places stored as an integer number of hundredths."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        quantized = Decimal(value).quantize(Decimal("0.01"))
        if quantized != Decimal(value):
            raise ValueError(f"{value} has more than 2 decimals")
        return int(quantized * 100)

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))


class BigHundredths(Hundredths):
    """:class:`Hundredths` in a 64-bit integer, for money: a 32-bit column ends at ¥21,474,836.47,
    below the amounts a grant rule may carry (up to ¥100,000,000.00, ``scoring.grants.core``)."""

    impl = BigInteger
    cache_ok = True


class Moment(TypeDecorator):
    """An aware datetime, stored as naive UTC, read back in Asia/Shanghai."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use app.clock.now()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC).astimezone(SHANGHAI)


# An execution option naming how a transaction on SQLite begins; only app.transaction.reads_first sets
# it, for a transaction that will not write (a write then would fail at once if another one committed).
SQLITE_BEGIN = "jingsai_sqlite_begin"


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """SQLAlchemy's documented pysqlite recipe: no implicit BEGIN from the driver, ``BEGIN
    IMMEDIATE`` on every transaction (so read-then-write never dies with "database is locked") but
    the reading ones that say so (``SQLITE_BEGIN``), WAL so readers do not block the writer, a busy
    timeout, and enforced foreign keys."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        deferred = connection.get_execution_options().get(SQLITE_BEGIN) == "DEFERRED"
        connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")


def enum_column(enum_cls: type) -> SAEnum:
    """A non-native enum (VARCHAR) storing the members' values: PostgreSQL's native enum types
    break downgrade → upgrade and need migrations for every new member."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
