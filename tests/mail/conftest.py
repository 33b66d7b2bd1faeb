"""A real IMAP server for the mail tests: Debian's Dovecot on a loopback port, with a
throw-away user and Maildir in a temporary directory (started per test session)."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-test-password"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{base}/mail/%u
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def dovecot():
    if not Path(DOVECOT).exists():
        pytest.fail("dovecot is missing: apt-get install dovecot-imapd (scripts/test.sh does)")
    # Not under pytest's private temp directory: Dovecot's unprivileged processes
    # must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="clientfocus-dovecot-"))
    for sub in ("run", "state", "mail"):
        (base / sub).mkdir()
    os.chmod(base, 0o755)  # noqa: S103 (Dovecot's own users must reach it)
    if os.getuid() == 0:
        # Dovecot refuses to run its login and mail processes as root: it has its own users.
        login, internal = pwd.getpwnam("dovenull"), pwd.getpwnam("dovecot")
        uid, gid = internal.pw_uid, internal.pw_gid
        os.chown(base / "mail", uid, gid)
        user, group = internal.pw_name, grp.getgrgid(gid).gr_name
        login_user = login.pw_name
    else:
        uid, gid = os.getuid(), os.getgid()
        user, group = pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name
        login_user = user
    port = _free_port()
    (base / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::\n")
    config = base / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            base=base, port=port, uid=uid, gid=gid, user=user, group=group, login_user=login_user
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
                pytest.fail(f"dovecot did not start: {output}\n{log}")
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("dovecot did not open its port within 15 s")
    yield {"host": "127.0.0.1", "port": port, "user": USER, "password": PASSWORD, "base": base}
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(base, ignore_errors=True)
