"""Tortoise's SQLite backend, with transactions that take the write lock as they begin.

Tortoise begins a transaction with a plain (deferred) ``BEGIN``: the transaction reads
from a snapshot and asks for the write lock at its first write. If another process (the
command line beside the server, a server restarted beside one still finishing) has
written since that snapshot, SQLite cannot let it write and fails at once with
"database is locked": the busy timeout does not apply. ``BEGIN IMMEDIATE`` takes the
write lock first, waiting for it up to the busy timeout, so such a transaction waits its
turn instead. Within one process Tortoise already runs one transaction at a time on its
one connection, so nothing there waits longer than before.

Named as the engine of SQLite connections by :func:`urbanchallenge.db.tortoise_config`.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError

__all__ = ["ImmediateSqliteClient", "client_class"]


class _ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()  # as Tortoise does: end any implicit one
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # "database is locked", after the timeout
            raise OperationalError(exc) from exc


class _ImmediateTransactionContext(SqliteTransactionContext):
    """Tortoise's context, except that a BEGIN that fails gives the connection back.

    Tortoise's own takes the process's one connection (its lock), then begins; a deferred
    BEGIN never fails, so it never lets go when one does. BEGIN IMMEDIATE fails when
    another process held the write lock past the busy timeout, and the connection would
    then stay taken: every later query of the process would wait for ever.
    """

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        connection: TransactionalDBClient = self.connection
        return connection


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return _ImmediateTransactionContext(_ImmediateTransaction(self), self._lock)


client_class = ImmediateSqliteClient
