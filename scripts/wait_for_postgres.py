"""Exit 0 when the PostgreSQL server in DATABASE_URL (argv[1]) answers, else 1."""

import sys
import time

import psycopg


def main(url: str, attempts: int = 10) -> int:
    server = url.rsplit("/", 1)[0] + "/postgres"
    for _ in range(attempts):
        try:
            with psycopg.connect(server, connect_timeout=3) as connection:
                connection.execute("SELECT 1")
            return 0
        except psycopg.OperationalError:
            time.sleep(1)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
