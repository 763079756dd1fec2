"""Every command example in the README runs as written: each names a command of ``jingsai`` (the
same group the console script runs) whose ``--help`` works and which has every option it uses."""
from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from app.command import jingsai_group
from app.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SHELL_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
EXAMPLES = [line.split("  #")[0].strip() for block in SHELL_BLOCKS for line in block.splitlines()
            if re.match(r"\S*bin/jingsai\b", line.strip())]


def test_the_readme_has_command_examples_and_all_use_jingsai():
    assert len(EXAMPLES) >= 25
    assert not any("flask --app" in block for block in SHELL_BLOCKS)


def _walk(group: click.Group, info: ScriptInfo, words: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """The command path an example names, that command, and the words after it."""
    context = click.Context(group, info_name="jingsai", obj=info)
    command: click.Command = group
    path: list[str] = []
    while words:
        word = words.pop(0)
        if word.startswith("-"):  # an option of a group, e.g. --env-file FILE
            option = next(p for p in command.params if word in p.opts)
            if not getattr(option, "is_flag", False):
                words.pop(0)
            continue
        if not isinstance(command, click.Group):
            words.insert(0, word)
            break
        found = command.get_command(context, word)
        assert found is not None, f"no command {' '.join([*path, word])}"
        command, path = found, [*path, word]
        context = click.Context(command, info_name=word, parent=context)
    return path, command, words


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_readme_example_names_a_command_and_its_options(app, example):
    info = ScriptInfo(create_app=lambda: app)
    group = jingsai_group()
    words = shlex.split(example.replace("[", " ").replace("]", " ").replace("(", " ").replace(")", " ")
                        .replace("|", " "))[1:]
    path, command, rest = _walk(group, info, words)
    assert path, example
    result = CliRunner().invoke(group, [*path, "--help"], obj=info)
    assert result.exit_code == 0, result.output
    assert f"Usage: jingsai {' '.join(path)}" in result.output
    known = {opt for param in command.params for opt in param.opts}
    used = {word.split("=")[0] for word in rest if word.startswith("--")}
    assert used <= known, f"{example}: no option {used - known}"
