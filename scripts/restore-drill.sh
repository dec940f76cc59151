#!/usr/bin/env bash
# Restore drill (docs/operations.md, "Backup and restore"): restores a backup into a FRESH database,
# starts the whole suite against it (with its own private nats-server, so no event reaches the live
# stream) and runs a checkout through the gateway. Exits 0 and prints "restore drill: PASSED" only when
# the restored database serves a checkout. `npm run drill:restore` runs it; npm test runs it against the
# local embedded PostgreSQL (test/deploy/compose.deploy-spec.ts).
#
#   BACKUP_FILE            a pg_dump custom-format file (what the pg-backup service writes); or
#   SOURCE_DATABASE_URL    a database to dump now (when BACKUP_FILE is unset)
#   ADMIN_DATABASE_URL     where to create the drill database (default: SOURCE_DATABASE_URL's server, db postgres)
#   DRILL_PATRON / DRILL_ITEM / DRILL_BRANCH / DRILL_AGENCY   the checkout (defaults: the demo network's
#                          P0000001, B0000002, KSL-MAIN, CN-320583-1-KSL)
#   DRILL_EXPECT_ON_LOAN   optional item barcode that must be on loan to DRILL_PATRON in the backup
#   STATS_PATRON_HASH_KEY  optional: the production pseudonym key (default: a random one for the drill)
#   KEEP_DRILL_DB=1        keep the drill database afterwards (default: dropped)
# Needs: pg_dump, pg_restore, psql, nats-server, node and a built dist/ (npm run build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[restore-drill] %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

PATRON="${DRILL_PATRON:-P0000001}"
ITEM="${DRILL_ITEM:-B0000002}"
BRANCH="${DRILL_BRANCH:-KSL-MAIN}"
AGENCY="${DRILL_AGENCY:-CN-320583-1-KSL}"
[ -f dist/apps/launcher/src/main.js ] || fail "dist/ is missing: run npm run build first"
NATS_SERVER="$(command -v nats-server || ls /usr/sbin/nats-server /usr/bin/nats-server 2>/dev/null | head -n1 || true)"
[ -n "$NATS_SERVER" ] || fail "nats-server is not installed (apt-get install nats-server)"

work="$(mktemp -d "${TMPDIR:-/tmp}/restore-drill.XXXXXX")"
launcher_pid=""
nats_pid=""
drill_db=""
cleanup() {
  local code=$?
  if [ -n "$launcher_pid" ] && kill -0 "$launcher_pid" 2>/dev/null; then
    kill -TERM "$launcher_pid" 2>/dev/null || true
    wait "$launcher_pid" 2>/dev/null || true
  fi
  if [ -n "$nats_pid" ] && kill -0 "$nats_pid" 2>/dev/null; then
    kill -TERM "$nats_pid" 2>/dev/null || true
    wait "$nats_pid" 2>/dev/null || true
  fi
  if [ -n "$drill_db" ] && [ "${KEEP_DRILL_DB:-}" != "1" ]; then
    psql -q -X "$ADMIN_DATABASE_URL" -c "drop database if exists \"$drill_db\" with (force)" >/dev/null 2>&1 || true
  fi
  if [ "$code" -ne 0 ] && [ -f "$work/suite.log" ]; then
    say "last lines of the suite's log:"
    tail -n 30 "$work/suite.log" | sed 's/^/    /'
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. the backup ---------------------------------------------------------------------------------
if [ -n "${BACKUP_FILE:-}" ]; then
  [ -f "$BACKUP_FILE" ] || fail "BACKUP_FILE $BACKUP_FILE does not exist"
  dump="$BACKUP_FILE"
else
  [ -n "${SOURCE_DATABASE_URL:-}" ] || fail "set BACKUP_FILE or SOURCE_DATABASE_URL"
  dump="$work/circulation.dump"
  say "pg_dump of the source database (custom format, as the pg-backup service writes it)"
  pg_dump --format=custom --no-owner --file="$dump" "$SOURCE_DATABASE_URL"
fi
pg_restore --list "$dump" >/dev/null || fail "$dump is not a readable pg_dump archive"
say "backup: $dump ($(wc -c <"$dump") bytes)"

# --- 2. a fresh database, restored ------------------------------------------------------------------
if [ -z "${ADMIN_DATABASE_URL:-}" ]; then
  [ -n "${SOURCE_DATABASE_URL:-}" ] || fail "set ADMIN_DATABASE_URL (the server to restore into)"
  ADMIN_DATABASE_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; console.log(u.toString())' "$SOURCE_DATABASE_URL")"
fi
drill_db="circulation_drill_$(date -u +%Y%m%d%H%M%S)_$$"
psql -q -X -v ON_ERROR_STOP=1 "$ADMIN_DATABASE_URL" -c "create database \"$drill_db\"" >/dev/null
DRILL_DATABASE_URL="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$ADMIN_DATABASE_URL" "$drill_db")"
say "restoring into the fresh database $drill_db"
pg_restore --no-owner --exit-on-error --dbname="$DRILL_DATABASE_URL" "$dump"
tables="$(psql -X -At "$DRILL_DATABASE_URL" -c "select string_agg(schemaname || ':' || n, ' ' order by schemaname) from (select schemaname, count(*) n from pg_tables where schemaname not in ('pg_catalog','information_schema') group by schemaname) s")"
say "restored schemas (tables): $tables"
loans="$(psql -X -At "$DRILL_DATABASE_URL" -c "select count(*) from loans.loans" 2>/dev/null || echo '?')"
say "loans rows restored: $loans"

# --- 3. the suite against it, with a private nats-server -----------------------------------------
read -r nats_port http_port sip2_port sip2_tls_port < <(node -e '
  const net = require("net");
  const one = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
  (async () => { const ps = []; for (let i = 0; i < 4; i++) ps.push(await one()); console.log(ps.join(" ")); })();')
mkdir -p "$work/nats"
"$NATS_SERVER" -js -a 127.0.0.1 -p "$nats_port" -sd "$work/nats" >"$work/nats.log" 2>&1 &
nats_pid=$!
api_key="drill-$(node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))')"
# statistics refuses to start without a pseudonym key; the drill's suite is thrown away, so a random one
# does unless the operator passes the production key (to compare restored statistics facts)
stats_key="${STATS_PATRON_HASH_KEY:-$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')}"
say "starting the suite against $drill_db (gateway on 127.0.0.1:$http_port)"
DATABASE_URL="$DRILL_DATABASE_URL" NATS_URL="nats://127.0.0.1:$nats_port" SEED_DEMO=false \
  PORT="$http_port" SIP2_PORT="$sip2_port" SIP2_TLS_PORT="$sip2_tls_port" DATA_DIR="$work/data" METRICS_BASE_PORT=0 \
  BOOTSTRAP_API_KEY="$api_key" STATS_PATRON_HASH_KEY="$stats_key" LOG_LEVEL="${LOG_LEVEL:-warn}" STARTUP_TIMEOUT_SECONDS="${DRILL_TIMEOUT_SECONDS:-240}" \
  node dist/apps/launcher/src/main.js >"$work/suite.log" 2>&1 &
launcher_pid=$!

# the launcher waits for every service's health itself; wait for the gateway's /health (bounded)
deadline=$((SECONDS + ${DRILL_TIMEOUT_SECONDS:-240}))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health" || true)" = "200" ]; do
  kill -0 "$launcher_pid" 2>/dev/null || fail "the suite exited before it was healthy"
  [ "$SECONDS" -lt "$deadline" ] || fail "the suite was not healthy within ${DRILL_TIMEOUT_SECONDS:-240} s"
  sleep 1
done
say "every service healthy on the restored database"

# --- 4. prove it: data from the backup is there, and a checkout goes through --------------------------
api() { curl -s -w '\n%{http_code}' -H "authorization: Bearer $api_key" -H 'content-type: application/json' "$@"; }
if [ -n "${DRILL_EXPECT_ON_LOAN:-}" ]; then
  # the loans service's own rows (written with the checkout), not the catalog's event-fed copy
  out="$(api "http://127.0.0.1:$http_port/api/patrons/$AGENCY/$PATRON/loans")"
  [ "${out##*$'\n'}" = "200" ] || fail "listing $PATRON's loans answered HTTP ${out##*$'\n'}"
  case "${out%$'\n'*}" in
    *"\"$DRILL_EXPECT_ON_LOAN\""*) say "$DRILL_EXPECT_ON_LOAN is on loan to $PATRON, as in the backup" ;;
    *) fail "$DRILL_EXPECT_ON_LOAN should be on loan to $PATRON in the backup; the restored loans are: ${out%$'\n'*}" ;;
  esac
fi
body="{\"patron\":{\"agency\":\"$AGENCY\",\"barcode\":\"$PATRON\"},\"item\":{\"agency\":\"$AGENCY\",\"barcode\":\"$ITEM\"},\"branch\":\"$BRANCH\"}"
out="$(api -X POST "http://127.0.0.1:$http_port/api/circulation/checkout" -d "$body")"
code="${out##*$'\n'}"
[ "$code" = "201" ] || fail "checkout of $ITEM to $PATRON answered HTTP $code: ${out%$'\n'*}"
due="$(printf '%s' "${out%$'\n'*}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).loan.dueDate))')"
say "checkout of $ITEM to $PATRON on the restored database: HTTP 201, due $due"
say "restore drill: PASSED"
