"""The ``urbanchallenge`` command: serve, migrate, load demo data, administer."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from urbanchallenge.settings import Settings, SettingsError, load_settings

T = TypeVar("T")

cli = typer.Typer(
    name="urbanchallenge",
    help="Run and administer UrbanChallenge.",
    no_args_is_help=True,
    add_completion=False,
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.secho(f"Configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's work; when the database could not do it (busy, unreachable, full),
    say so and exit 1 rather than print a traceback."""
    from urbanchallenge.db import Trouble, trouble

    try:
        return asyncio.run(coro)
    except Exception as exc:
        kind = trouble(exc)
        if kind is None:
            raise
        what = (
            "The database has no room left: free some space, then run this again."
            if kind is Trouble.FULL
            else "The database is busy or cannot be reached, so this did not finish: run it "
            "again in a moment."
        )
        typer.secho(f"{what} ({exc})", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app with uvicorn."""
    import uvicorn

    _settings()  # fail early, with a clear message, on a bad configuration
    uvicorn.run(
        "urbanchallenge.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        server_header=False,
    )


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from urbanchallenge.migrations import upgrade

    settings = _settings()
    applied = _run(upgrade(settings.database_url))
    if applied:
        for name in applied:
            typer.echo(f"Applied {name}")
    else:
        typer.echo("The database is up to date.")


DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"


def _dialect_urls(postgres_url: str, scratch: str) -> list[str]:
    return [f"sqlite://{Path(scratch) / 'plan.sqlite3'}", postgres_url]


def _in_own_process(*args: str) -> subprocess.CompletedProcess[str]:
    # aerich keeps planning state on a class, so each dialect is planned in a fresh process.
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "urbanchallenge", *args], capture_output=True, text=True, check=False
    )


@cli.command("make-migrations")
def make_migrations(
    name: Annotated[str, typer.Argument(help="Short name for the change, e.g. add_panels.")],
    postgres_url: Annotated[
        str, typer.Option(envvar="TEST_POSTGRES_URL", help="A PostgreSQL server to plan against.")
    ] = DEFAULT_POSTGRES_URL,
) -> None:
    """Write the next migration for SQLite and for PostgreSQL from the current models."""
    with tempfile.TemporaryDirectory() as scratch:
        for url in _dialect_urls(postgres_url, scratch):
            result = _in_own_process("plan-migration", url, name)
            if result.returncode != 0:
                typer.secho(result.stderr, fg=typer.colors.RED, err=True)
                raise typer.Exit(1)
            typer.echo(result.stdout.strip())


@cli.command("check-migrations")
def check_migrations(
    postgres_url: Annotated[
        str, typer.Option(envvar="TEST_POSTGRES_URL", help="A PostgreSQL server to plan against.")
    ] = DEFAULT_POSTGRES_URL,
) -> None:
    """Fail if the models have changed without a migration, for either dialect."""
    pending = False
    with tempfile.TemporaryDirectory() as scratch:
        for url in _dialect_urls(postgres_url, scratch):
            result = _in_own_process("plan-migration", "--check", url, "pending")
            typer.echo(result.stdout.strip() or result.stderr.strip())
            pending = pending or result.returncode != 0
    if pending:
        raise typer.Exit(1)


@cli.command("plan-migration", hidden=True)
def plan_migration(
    database_url: str,
    name: str,
    check: Annotated[bool, typer.Option("--check", help="Only report; write nothing.")] = False,
) -> None:
    """Plan one dialect's next migration (run in its own process by make- and check-migrations)."""
    from urbanchallenge.db import dialect
    from urbanchallenge.migrations import make_migration, pending_migration

    label = dialect(database_url)
    if check:
        needed = _run(pending_migration(database_url))
        typer.echo(f"{label}: {'migration needed' if needed else 'up to date'}")
        if needed:
            raise typer.Exit(1)
        return
    created = _run(make_migration(database_url, name))
    typer.echo(f"{label}: {created or 'no changes'}")


@cli.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True)],
    name: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create an administrator account."""
    from urbanchallenge.accounts.models import Role
    from urbanchallenge.accounts.services import ValidationFailed, create_user
    from urbanchallenge.db import close_db, init_db

    settings = _settings()

    async def go() -> None:
        await init_db(settings.database_url)
        try:
            await create_user(email=email, name=name, password=password, role=Role.ADMIN)
        finally:
            await close_db()

    try:
        _run(go())
    except ValidationFailed as exc:
        for problem in exc.errors.values():
            typer.secho(problem, fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Created administrator {email.strip().lower()}")


@cli.command("verify-body")
def verify_body(
    body: Annotated[
        str | None,
        typer.Argument(help="The public body's id or name. Leave out to list those waiting."),
    ] = None,
) -> None:
    """Let a self-registered public body publish challenges, once you have checked it is who it
    says it is (without a body: list the public bodies waiting, with their users)."""
    from urbanchallenge.accounts import services
    from urbanchallenge.db import close_db, init_db
    from urbanchallenge.domain import NotFound

    settings = _settings()

    async def go() -> None:
        await init_db(settings.database_url)
        try:
            if body is None:
                waiting = await services.bodies_awaiting_verification()
                if not waiting:
                    typer.echo("No public body is waiting for verification.")
                for org in waiting:
                    people = ", ".join(f"{u.name} <{u.email}>" for u in org.users)
                    typer.echo(
                        f"{org.id}\t{org.name}\t{org.region or '-'}\t{org.website or '-'}"
                        f"\tregistered {org.created_at:%Y-%m-%d %H:%M} UTC\t{people}"
                    )
                return
            org, changed = await services.verify_body(body)
            if changed:
                typer.echo(f"Verified {org.name}: its officers can now publish challenges.")
            else:
                typer.echo(f"{org.name} was already verified.")
        finally:
            await close_db()

    try:
        _run(go())
    except NotFound as exc:
        typer.secho(exc.detail, fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc


@cli.command("load-fixtures")
def load_fixtures(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has any users.")
    ] = False,
) -> None:
    """Load the demo data (idempotent: existing records are left as they are)."""
    from urbanchallenge.db import close_db, init_db
    from urbanchallenge.fixtures import database_is_empty, load_demo

    settings = _settings()

    async def go() -> None:
        await init_db(settings.database_url)
        try:
            if if_empty and not await database_is_empty():
                typer.echo("The database already has data; demo data not loaded.")
                return
            with typer.progressbar(length=1, label="Loading demo data") as bar:
                counts = await load_demo(progress=bar.update, set_total=_set_total(bar))
            for table, (created, existing) in counts.items():
                typer.echo(f"{table}: {created} created, {existing} already present")
        finally:
            await close_db()

    _run(go())


@cli.command()
def reindex() -> None:
    """Recompute every stored match score: each challenge's ranking and each start-up's fits."""
    from urbanchallenge.accounts.models import Organisation, OrganisationKind
    from urbanchallenge.db import close_db, init_db
    from urbanchallenge.proposals.models import Proposal
    from urbanchallenge.ranking import jobs, worker

    settings = _settings()

    async def go() -> int:
        await init_db(settings.database_url)
        try:
            challenge_ids = (
                await Proposal.filter(submitted_at__isnull=False)
                .distinct()
                .values_list("challenge_id", flat=True)
            )
            for challenge_id in sorted({int(str(c)) for c in challenge_ids}):
                await jobs.request_challenge_rescore(challenge_id)
            # Rebuilds the shared search index, then queues a refit for each start-up.
            await jobs.request_all_startups_refit()
            startups = await Organisation.filter(kind=OrganisationKind.STARTUP).count()
            total = await worker.pending_count() + startups
            done = 0
            with typer.progressbar(length=total, label="Recomputing match scores") as bar:
                while await worker.run_one():
                    done += 1
                    bar.update(1)
            return done
        finally:
            await close_db()

    done = _run(go())
    typer.echo(f"Recomputed {done} rankings.")


def _set_total(bar: Any) -> Any:
    def set_total(total: int) -> None:
        bar.length = total

    return set_total


def main() -> None:
    cli()
