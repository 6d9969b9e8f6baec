#!/bin/sh
# One-shot (service caddy-ca): publishes what the other containers need to trust Caddy, on the
# wrrk-ca volume (mounted read-only by the orchestrator, the shell and Chatwoot). Only public
# certificates leave Caddy's data volume, never a key.
#
#   root.crt       Caddy's local CA root, when CADDY_TLS=internal (Node: NODE_EXTRA_CA_CERTS,
#                  which adds to Node's own list; a missing file is only a warning)
#   ca-bundle.crt  the public CAs, plus that root when CADDY_TLS=internal (Chatwoot's Ruby:
#                  SSL_CERT_FILE, which replaces the default list, so it must hold both)
#
# CADDY_TLS=internal: wait for the root (Caddy creates it when it starts) and export it.
# Any other value: certificates come from a public ACME CA that everyone trusts already.
set -eu

src="${CADDY_DATA_DIR:-/caddy-data}/caddy/pki/authorities/local/root.crt"
out="${WRRK_CA_DIR:-/wrrk-ca}"
system_bundle="${SYSTEM_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
wait_seconds="${CADDY_CA_WAIT_SECONDS:-60}"

if [ ! -s "$system_bundle" ]; then
  echo "caddy-ca: no CA bundle at $system_bundle" >&2
  exit 1
fi

if [ "${CADDY_TLS:-}" != "internal" ]; then
  rm -f "$out/root.crt"
  cp "$system_bundle" "$out/ca-bundle.crt.tmp"
  chmod 0644 "$out/ca-bundle.crt.tmp"
  mv "$out/ca-bundle.crt.tmp" "$out/ca-bundle.crt"
  echo "caddy-ca: CADDY_TLS is an ACME account: public certificates, exported the public CA bundle only"
  exit 0
fi

waited=0
while [ ! -s "$src" ]; do
  if [ "$waited" -ge "$wait_seconds" ]; then
    echo "caddy-ca: no local CA root at $src after $wait_seconds s; is CADDY_TLS=internal set on the caddy service too?" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done

cp "$src" "$out/root.crt.tmp"
cat "$system_bundle" "$src" > "$out/ca-bundle.crt.tmp"
chmod 0644 "$out/root.crt.tmp" "$out/ca-bundle.crt.tmp"
mv "$out/root.crt.tmp" "$out/root.crt"
mv "$out/ca-bundle.crt.tmp" "$out/ca-bundle.crt"
echo "caddy-ca: exported Caddy's local CA root and a CA bundle that includes it"
