#!/bin/sh
# Scheduled backups (compose profile `production`, service pg-backup): a custom-format pg_dump of the
# whole database every BACKUP_INTERVAL_SECONDS into /backups, dumps older than BACKUP_KEEP_DAYS removed.
# Connection from PGHOST/PGUSER/PGPASSWORD/PGDATABASE. Restore and prove a dump: scripts/restore-drill.sh.
set -eu
interval="${BACKUP_INTERVAL_SECONDS:-86400}"
keep="${BACKUP_KEEP_DAYS:-14}"
mkdir -p /backups
while :; do
  until pg_isready -q; do sleep 5; done
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  tmp="/backups/.circulation-$stamp.dump.part"
  if pg_dump --format=custom --no-owner --file="$tmp"; then
    mv "$tmp" "/backups/circulation-$stamp.dump"
    echo "backup: /backups/circulation-$stamp.dump ($(wc -c <"/backups/circulation-$stamp.dump") bytes)"
  else
    rm -f "$tmp"
    echo "backup FAILED at $stamp" >&2
  fi
  find /backups -name 'circulation-*.dump' -mtime "+$keep" -delete
  sleep "$interval"
done
