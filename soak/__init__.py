"""The fault suite (`make soak`, `python -m soak`): the real server under load while it breaks.

It serves the demo data with uvicorn (`python -m urbanchallenge serve`) on a throwaway
database, drives browsing, searching, registering, proposing, shortlisting and scoring
from an asyncio client over loopback, and meanwhile restarts PostgreSQL, kills the app
with SIGKILL in the middle of writes (and starts it again), and fills the disk under
SQLite. Afterwards it checks, with queries, that every write the client saw
acknowledged is stored and that no change was half-saved, prints a table and exits
non-zero if anything was lost or half-written. See ``python -m soak --help``.
"""
