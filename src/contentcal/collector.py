"""Pausing Python's cyclic garbage collector while many acyclic objects are made.

Loading a plan and building its feeds each make a few objects per item or event, none in a
reference cycle, and keep them until the end: the collector would walk the ever larger heap
(the plan included) again and again and free nothing. That was about a third of a large
``load`` and a fifth of a large ``ics``. Reference counting still frees whatever is dropped.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block; switch it on again on the way out, also
    after an error, unless it was already off (then whoever switched it off decides).

    The collector is global to the process: in a threaded server another thread's cycles
    wait until the block ends, which is why the blocks are whole builds, not whole runs.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
