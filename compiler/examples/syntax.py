"""The declared example syntax lives with the grammar that reads it (`compiler.grammar.examples`);
`conversation` still imports `ExampleSyntax` from here, so this module re-exports it (downward)."""

from __future__ import annotations

from ..grammar.examples import ExampleSyntax

__all__ = ["ExampleSyntax"]
