"""Extra ``kg`` sub-commands, one module each.

Every module of this package that defines ``COMMANDS`` (a list of click
commands) is added to the ``kg`` group by :func:`register`, so a new command
is a new file here and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register(group: click.Group) -> None:
    """Add the commands of every module of this package to ``group``."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            group.add_command(command)
