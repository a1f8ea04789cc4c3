"""kg.progress: a spinner on a terminal, nothing in a pipe."""

from __future__ import annotations

import io

from click.testing import CliRunner

from kg.cli import cli
from kg.progress import Working


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_spinner_on_a_terminal_and_nothing_in_a_pipe():
    tty, pipe = Terminal(), io.StringIO()
    with Working("reading the fact table", stream=tty):
        pass
    with Working("reading the fact table", stream=pipe):
        pass
    assert "reading the fact table" in tty.getvalue() and pipe.getvalue() == ""


def test_commands_print_only_their_rows_in_a_pipe(seeds_store):
    runner = CliRunner()
    out = runner.invoke(cli, ["facts", "--store", seeds_store, "--predicate", "fines", "--format", "jsonl"])
    assert out.exit_code == 0 and all(line.startswith("{") for line in out.output.splitlines())
