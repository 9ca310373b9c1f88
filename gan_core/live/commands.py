"""The command table a training session answers the page's process with: one dict per kind of
session from a command's name to what it does, instead of an if-chain per session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class CommandTable:
    """`handle(command, argument)` looks the command up in `commands()`; what the action returns
    goes back to the page's process (None for most)."""

    def commands(self) -> dict[str, Callable[[Any], Any]]:
        raise NotImplementedError

    def handle(self, command: str, argument):
        action = self.commands().get(command)
        if action is None:
            raise ValueError(f"unknown command {command!r}")
        return action(argument)
