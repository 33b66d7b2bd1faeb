#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database (never over a live one).
#   deploy/restore.sh FILE.dump TARGET_DATABASE_URL [MEDIA.tar.gz]
# Then point DATABASE_URL at it and run `clientfocus migrate` (applies nothing when the
# code is the version that made the backup) and `clientfocus check --deploy`.
set -euo pipefail
dump="${1:?usage: restore.sh FILE.dump TARGET_DATABASE_URL [MEDIA.tar.gz]}"
url="${2:?usage: restore.sh FILE.dump TARGET_DATABASE_URL [MEDIA.tar.gz]}"
tables="$(psql "$url" -Atc "select count(*) from information_schema.tables where table_schema = 'public'")"
if [ "$tables" != "0" ]; then
  echo "restore.sh: the target database is not empty ($tables tables); restore into a new one" >&2
  exit 2
fi
pg_restore --no-owner --exit-on-error --dbname "$url" "$dump"
if [ -n "${3:-}" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xzf "$3"
fi
echo "restored $dump into the target database"
