"""Run work over many items in chunks, on worker processes when that pays, in order.

Generic on purpose: lessons.analysis uses it for the rules and lessons.learned
for the rules plus the learned layer. The work functions must be importable
module-level functions (workers are spawned, not forked), and a worker's set-up
(compiling the taxonomy, loading a model) runs once per worker in `initializer`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from multiprocessing import get_context
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Below this many items, starting worker processes costs more than it saves.
POOL_MIN_ITEMS = 400
CHUNK_SIZE = 250


def run_in_chunks(
    items: Sequence[Item],
    in_process: Callable[[Sequence[Item]], list[Result]],
    in_worker: Callable[[Sequence[Item]], list[Result]],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """`in_process` (here) or `in_worker` (on `workers` processes) over chunks of `items`.

    Small batches run in this process, and so does the rest of a batch if the
    pool cannot start. `progress(done, total)` is called as chunks finish, so a
    page can show a progress bar. Results come back in the order of `items`.
    """
    chunks = [items[i : i + CHUNK_SIZE] for i in range(0, len(items), CHUNK_SIZE)]
    results: dict[int, list[Result]] = {}

    def finished(index: int, done: list[Result]) -> None:
        results[index] = done
        if progress:
            progress(sum(len(chunks[i]) for i in results), len(items))

    if workers > 1 and len(items) >= POOL_MIN_ITEMS and pool_can_start():
        # Where no pool can start (a __main__ that cannot be re-imported, no shared
        # memory...), the chunks it did not finish are done in this process below.
        with suppress(BrokenProcessPool, OSError):
            run_in_pool(chunks, in_worker, initializer, initargs, workers, finished)
    for index, chunk in enumerate(chunks):
        if index not in results:
            finished(index, in_process(chunk))
    return [result for index in range(len(chunks)) for result in results[index]]


def pool_can_start() -> bool:
    """Spawned workers re-import __main__ from its file: code typed into a REPL has none."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.exists(path) or getattr(main, "__spec__", None) is not None


def run_in_pool(
    chunks: list[Sequence[Item]],
    in_worker: Callable[[Sequence[Item]], list[Result]],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    workers: int,
    finished: Callable[[int, list[Result]], None],
) -> None:
    # "spawn" starts clean workers: forking a threaded process (Streamlit) can deadlock.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    ) as pool:
        futures = {pool.submit(in_worker, chunk): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            finished(futures[future], future.result())
