#!/usr/bin/env bash
# First start of the postgres service only: the image runs /docker-entrypoint-initdb.d/* once,
# when the data volume is empty. One login role and one database per service, each role the
# owner of its own database and nothing else.
#
# Passwords come from the environment (docker-compose.yml -> .env) and reach PostgreSQL as
# psql variables (:'name' quotes them), never spliced into SQL text.
set -euo pipefail

for var in KEYCLOAK_DB_PASSWORD CHATWOOT_DB_PASSWORD SYNAPSE_DB_PASSWORD ORCHESTRATOR_DB_PASSWORD; do
  if [ -z "${!var:-}" ]; then
    echo "10-create-databases: $var is empty; run infra/compose/generate-secrets.sh" >&2
    exit 1
  fi
done

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v keycloak_password="$KEYCLOAK_DB_PASSWORD" \
  -v chatwoot_password="$CHATWOOT_DB_PASSWORD" \
  -v synapse_password="$SYNAPSE_DB_PASSWORD" \
  -v orchestrator_password="$ORCHESTRATOR_DB_PASSWORD" <<'SQL'
-- Keycloak 26.
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak ENCODING 'UTF8';

-- Chatwoot (extensions: 20-chatwoot-extensions.sh).
CREATE ROLE chatwoot LOGIN PASSWORD :'chatwoot_password';
CREATE DATABASE chatwoot OWNER chatwoot ENCODING 'UTF8';

-- Synapse requires C collation and ctype, which only a template0 copy can take.
CREATE ROLE synapse LOGIN PASSWORD :'synapse_password';
CREATE DATABASE synapse OWNER synapse ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;

-- Orchestrator. Its migrations create the NOLOGIN roles wrrk_app and wrrk_worker that
-- row-level security is written for, and grant them to itself: hence CREATEROLE (since
-- PostgreSQL 16 that only lets it manage the roles it creates). Not a superuser and not
-- BYPASSRLS, so the policies hold for it too.
CREATE ROLE orchestrator LOGIN CREATEROLE PASSWORD :'orchestrator_password';
CREATE DATABASE orchestrator OWNER orchestrator ENCODING 'UTF8';
SQL

echo "10-create-databases: created roles and databases keycloak, chatwoot, synapse, orchestrator"
