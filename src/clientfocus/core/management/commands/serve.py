"""`clientfocus serve`: the web process (gunicorn), or the embedded mode (--embedded:
waitress with task-worker threads in the same process, for SQLite demos)."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from prometheus_client import multiprocess

from clientfocus.core.management.commands.worker import start_worker_threads


def serve_embedded(host: str, port: int, *, threads: int = 8) -> None:
    # Only the server this process runs is loaded (waitress here, gunicorn below).
    from waitress import serve

    start_worker_threads(count=1)
    serve(get_wsgi_application(), host=host, port=port, threads=threads, ident="clientfocus")


def _forget_worker_metrics(server, worker) -> None:
    """A gunicorn worker ended: its gauges leave the shared metrics files."""
    multiprocess.mark_process_dead(worker.pid)


class Command(BaseCommand):
    help = "Serve the web UI, the API (/api/) and the admin (/admin/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "4")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "1")),
            help="threads per worker (more than 1: gthread workers with keep-alive)",
        )
        parser.add_argument(
            "--embedded",
            action="store_true",
            help="one process: waitress plus background-task threads",
        )

    def handle(
        self, *args, host: str, port: int, workers: int, threads: int, embedded: bool, **options
    ) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        if embedded:
            serve_embedded(host, port)
            return
        # gunicorn runs on POSIX only; loaded when it is the server asked for.
        from gunicorn.app.base import BaseApplication

        application = get_wsgi_application()

        class Gunicorn(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                if threads > 1:
                    self.cfg.set("worker_class", "gthread")
                    self.cfg.set("threads", threads)
                    self.cfg.set("keepalive", 5)
                self.cfg.set("accesslog", os.environ.get("ACCESS_LOG") or None)
                if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                    self.cfg.set("child_exit", _forget_worker_metrics)

            def load(self):
                return application

        Gunicorn().run()
