"""Pause Python's cycle collector around work that builds large structures without cycles.

A compile or a diff allocates millions of small objects that stay alive until it ends; the
collector would walk them again and again and free nothing (benchmarks/run.py measures it).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def without_cycle_collection(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """`function`, run with the cycle collector paused (and resumed after, whatever happens).

    Reference counting still frees every object as soon as it is let go; only garbage in
    reference cycles waits until the collector runs again.
    """

    @functools.wraps(function)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            # Everything made meanwhile goes straight to the oldest generation (an O(1) move):
            # else the first collection after `enable` walks every object the work left alive
            # (a tenth of a 10 MB compile) and frees nothing. What is garbage is still freed by
            # reference counting, and garbage in cycles by the next full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()

    return paused
