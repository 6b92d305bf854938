"""The ``cookiegate`` command group; each command lives in the module of its concept.

``serve`` in :mod:`.server`, ``db`` in :mod:`.db`, ``check-config`` in
:mod:`.siteconfig`, ``verify-log`` in :mod:`.ledger`, ``create-admin``,
``export`` and ``purge`` in :mod:`.records`, and ``scan``, ``compliance``,
``catalogue`` and ``doctor`` in the modules of those names. User mistakes end
in a one-line ``click`` error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import click

from .catalogue import catalogue_command
from .compliance import compliance
from .db import db
from .doctor import doctor_command
from .ledger import verify_log
from .publish import publish_command
from .records import RECORDS_COMMANDS
from .scan import scan_command
from .server import serve
from .siteconfig import check_config


@click.group()
@click.version_option(package_name="cookiegate")
def main() -> None:
    """cookiegate: cookie consent banner, tag blocker and proof-of-consent log.

    Settings come from COOKIEGATE_* environment variables (see docs/deploying.md,
    "Settings").
    """


for command in (
    serve,
    check_config,
    db,
    verify_log,
    *RECORDS_COMMANDS,
    scan_command,
    compliance,
    catalogue_command,
    doctor_command,
    publish_command,
):
    main.add_command(command)
