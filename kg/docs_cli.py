"""Generate docs/cli.md, the CLI reference, from the ``--help`` of every command.

    python -m kg.docs_cli            # rewrite docs/cli.md
    python -m kg.docs_cli --check    # exit 1 when docs/cli.md is out of date

tests/test_docs.py fails when the file is stale, or when a command has no help
text or no ``Example:`` section.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"

HEADER = """# kg command reference

Generated from `kg COMMAND --help` by `python -m kg.docs_cli`; do not edit by
hand (`tests/test_docs.py` fails when this file is out of date). See the
[README](../README.md) for a tour and [python.md](python.md) for the Python API.

Conventions: results go to stdout, progress and diagnostics to stderr; exit
code 0 on success, 1 on a user error (one line on stderr), 2 on a usage
error. `--format` defaults to a table on a terminal and to a machine format
(csv or jsonl) in a pipe. `--store`, `--endpoint` and `--update-endpoint`
can also come from `KG_STORE`, `KG_ENDPOINT` and `KG_UPDATE_ENDPOINT`.
"""


#: Fixed layout so the reference never depends on the terminal or on who built the context.
_FIXED: dict = {"terminal_width": 100, "max_content_width": 100, "help_option_names": ["-h", "--help"]}


def _help(command: click.Command, name: str) -> str:
    from kg.cli import cli

    parent = click.Context(cli, info_name="kg", **_FIXED)
    ctx = click.Context(command, info_name=name, parent=parent, **_FIXED)
    return command.get_help(ctx).rstrip()


def commands() -> dict[str, click.Command]:
    """Every ``kg`` sub-command by name, sorted."""
    from kg.cli import cli

    return dict(sorted(cli.commands.items()))


def render() -> str:
    from kg.cli import cli

    parts = [HEADER]
    top = click.Context(cli, info_name="kg", **_FIXED)
    parts.append("## kg\n\n```text\n" + cli.get_help(top).rstrip() + "\n```\n")
    for name, command in commands().items():
        parts.append(f"## kg {name}\n\n```text\n{_help(command, name)}\n```\n")
    return "\n".join(parts)


def problems() -> list[str]:
    """Commands without a help text or without an example."""
    out = []
    for name, command in commands().items():
        text = (command.help or "").strip()
        if not text:
            out.append(f"kg {name}: no help text")
        elif "Example:" not in text or f"kg {name}" not in text.split("Example:", 1)[1]:
            out.append(f"kg {name}: no 'Example:' section with a `kg {name} …` line")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} is out of date: run python -m kg.docs_cli", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
