#!/usr/bin/env bash
# First start only, after 10-create-databases.sh: the extensions Chatwoot's schema enables.
# Its role owns the database but is not a superuser, and vector and pg_stat_statements are
# not trusted extensions, so they are created here, as the superuser; Chatwoot's own
# `enable_extension` then finds them present. The pgvector image ships `vector`.
set -euo pipefail

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname chatwoot <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS vector;
SQL

echo "20-chatwoot-extensions: pg_trgm, pgcrypto, pg_stat_statements and vector ready in chatwoot"
