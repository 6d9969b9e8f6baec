#!/usr/bin/env bash
# Writes the .env of the docker compose stack from .env.example.
#
#   infra/compose/generate-secrets.sh --domain example.com [--email ops@example.com]
#                                     [--output .env] [--template .env.example]
#
# Every variable whose comment in .env.example carries [generated] gets a fresh random value:
#   [generated]          32 random bytes, hex (64 characters)
#   [generated:long]     64 random bytes, hex (128 characters; Rails secret_key_base)
#   [generated:password] 32 random bytes, hex, plus one upper-case letter, one lower-case letter,
#                        one digit and one symbol (Chatwoot's password rules)
# The domain fills WRRK_DOMAIN and MATRIX_SERVER_NAME (matrix.<domain>); the e-mail fills
# CHATWOOT_ADMIN_EMAIL and CADDY_TLS (ACME account), or CADDY_TLS=internal for local domains.
#
# An existing output file is never overwritten: its values are kept as they are and only
# variables it lacks, or has empty where .env.example wants a generated value, are added.
# (Database passwords are fixed when the data volume is initialised, so regenerating them
# would lock the services out.) Values are hex, so they are safe in URLs, YAML and Lua.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"

domain=""
email=""
output="$repo_root/.env"
template="$repo_root/.env.example"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
  printf 'generate-secrets: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain="${2:-}"; shift 2 ;;
    --email) email="${2:-}"; shift 2 ;;
    --output) output="${2:-}"; shift 2 ;;
    --template) template="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[ -f "$template" ] || die "template not found: $template"

# Values of an existing .env win; --domain is only needed when there is none to keep.
existing_value() {
  [ -f "$output" ] || return 0
  sed -n "s/^$1=//p" "$output" | tail -n 1
}

kept_domain="$(existing_value WRRK_DOMAIN)"
if [ -n "$kept_domain" ] && [ -n "$domain" ] && [ "$kept_domain" != "$domain" ]; then
  die "$output already has WRRK_DOMAIN=$kept_domain; change the domain by editing that file, not with --domain"
fi
[ -n "$domain" ] || domain="$kept_domain"
[ -n "$domain" ] || die "--domain is required (the base domain of the public names, e.g. example.com)"
case "$domain" in
  *[!A-Za-z0-9.-]*|.*|*.|'') die "--domain must be a bare host name such as example.com, got: $domain" ;;
esac

local_domain=false
case "$domain" in
  localhost|*.localhost|*.local|*.internal|*.test|*.lan|*.home.arpa) local_domain=true ;;
esac

if [ -z "$email" ]; then
  email="$(existing_value CHATWOOT_ADMIN_EMAIL)"
  if [ -z "$email" ]; then
    # Chatwoot validates the admin address strictly: its domain needs a dot.
    case "$domain" in
      *.*) email="admin@$domain" ;;
      *) email="admin@wrrk.$domain" ;;
    esac
  fi
fi
case "$email" in
  *@*.*) ;;
  *) die "--email must be an e-mail address whose domain has a dot, got: $email" ;;
esac

random_hex() {
  # $1 = number of random bytes. openssl when present, the kernel's generator otherwise.
  if command -v openssl >/dev/null 2>&1; then
    openssl rand -hex "$1"
  else
    od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
  fi
}

generate() {
  case "$1" in
    long) random_hex 64 ;;
    password) printf 'Wr%s9!' "$(random_hex 32)" ;;
    *) random_hex 32 ;;
  esac
}

derived_value() {
  case "$1" in
    WRRK_DOMAIN) printf '%s' "$domain" ;;
    MATRIX_SERVER_NAME) printf 'matrix.%s' "$domain" ;;
    CHATWOOT_ADMIN_EMAIL) printf '%s' "$email" ;;
    CADDY_TLS) if [ "$local_domain" = true ]; then printf 'internal'; else printf '%s' "$email"; fi ;;
    *) return 1 ;;
  esac
}

tmp="$(mktemp "${output}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
# Secrets inside: readable by the owner only.
chmod 600 "$tmp"

kind=""        # generation kind announced by the comment block above the current line
added=0
kept=0
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    '#'*)
      case "$line" in
        *'[generated:long]'*) kind=long ;;
        *'[generated:password]'*) kind=password ;;
        *'[generated]'*) kind=plain ;;
      esac
      printf '%s\n' "$line" >>"$tmp"
      continue
      ;;
    '')
      kind=""
      printf '\n' >>"$tmp"
      continue
      ;;
  esac

  if [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]]; then
    name="${BASH_REMATCH[1]}"
    value="${BASH_REMATCH[2]}"
    current=""
    has_current=false
    if [ -f "$output" ] && grep -q "^$name=" "$output"; then
      current="$(existing_value "$name")"
      has_current=true
    fi
    derivable=false
    derived="$(derived_value "$name")" && derivable=true
    if [ "$has_current" = true ] && { [ -n "$current" ] || { [ -z "$kind" ] && [ "$derivable" = false ]; }; }; then
      # Kept as it is, including a deliberately empty optional value (SMTP, ...).
      value="$current"
      kept=$((kept + 1))
    elif [ -n "$kind" ]; then
      value="$(generate "$kind")"
      added=$((added + 1))
    elif [ "$derivable" = true ]; then
      value="$derived"
    fi
    printf '%s=%s\n' "$name" "$value" >>"$tmp"
    kind=""
  else
    printf '%s\n' "$line" >>"$tmp"
  fi
done <"$template"

# Variables only the existing file has (added by hand) are carried over, not dropped.
if [ -f "$output" ]; then
  extra_header=false
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ ^([A-Z][A-Z0-9_]*)= ]] && ! grep -q "^${BASH_REMATCH[1]}=" "$tmp"; then
      if [ "$extra_header" = false ]; then
        printf '\n# Kept from the previous %s (not in .env.example):\n' "$(basename "$output")" >>"$tmp"
        extra_header=true
      fi
      printf '%s\n' "$line" >>"$tmp"
    fi
  done <"$output"
fi

mv "$tmp" "$output"
trap - EXIT

if [ "$kept" -gt 0 ]; then
  printf 'generate-secrets: updated %s: %d value(s) kept, %d secret(s) generated\n' "$output" "$kept" "$added"
else
  printf 'generate-secrets: wrote %s with %d generated secret(s) for %s\n' "$output" "$added" "$domain"
fi
if [ "$local_domain" = true ]; then
  printf 'generate-secrets: %s is a local domain: Caddy will use its internal CA (CADDY_TLS=internal)\n' "$domain"
fi
