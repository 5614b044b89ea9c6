"""A big build's memory: a million objects made once and kept until the build ends."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_set_aside():
    """Python's cycle collector, paused while the model is made and kept off it while pages are rendered.

    A build makes a million objects that live until it ends; each collection would walk them all.
    Unfrozen at the end, a kept Builder's old models are collected as usual."""
    was_enabled = gc.isenabled()
    gc.disable()

    def model_made() -> None:
        gc.freeze()  # the model lives as long as the build: the collector need not walk it again and again
        if was_enabled:
            gc.enable()

    try:
        yield model_made
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
