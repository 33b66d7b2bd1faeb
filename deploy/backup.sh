#!/usr/bin/env bash
# Back up clientfocus: the database (pg_dump, custom format) and the attachments.
#   deploy/backup.sh BACKUP_DIR            (reads DATABASE_URL and MEDIA_ROOT)
# Keeps the newest KEEP (default 14) of each. Run it daily from a systemd timer or cron.
set -euo pipefail
target="${1:?usage: backup.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
keep="${KEEP:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --file "$target/clientfocus-$stamp.dump.part" "$DATABASE_URL"
mv "$target/clientfocus-$stamp.dump.part" "$target/clientfocus-$stamp.dump"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$target/clientfocus-media-$stamp.tar.gz" .
fi
ls -1t "$target"/clientfocus-2*.dump 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm --
ls -1t "$target"/clientfocus-media-*.tar.gz 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm --
echo "$target/clientfocus-$stamp.dump"
