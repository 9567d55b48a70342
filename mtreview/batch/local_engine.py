"""The local engine of `mtreview batch`: a pool of worker processes on this machine.

Contract: ``run(todo, config, out, workers, load_models, process) -> Iterable[(article id, "ok" | "error")]``,
the same as ``ray_engine.run``. With one worker the articles are reviewed in this process; with more,
each ``spawn``-started worker loads the models once (``load_models(config)``) and calls
``process(pair, stamp, config, out, models)`` per article, which writes the article's result file.
At most ``4 * workers`` articles wait in the queue, so memory does not grow with the batch. Workers
die with the run that started them (``procs.die_with_parent``) and ignore Ctrl-C: the parent stops
the pool at once and kills them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import procs
from ..config import Config
from ..errors import MtreviewError
from .pairs import Pair


def cores() -> int:
    """The CPU cores this process may use (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


_WORKER: dict[str, Any] = {}


def _init_worker(config: Config, out: str, threads: int, parent: int, load_models: Callable[[Config], Any],
                 process: Callable[..., str]) -> None:
    import signal

    procs.die_with_parent(parent)  # a killed batch must not leave its workers running
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business: it stops the pool
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ["MTREVIEW_EMBED_THREADS"] = str(threads)
    _WORKER.update(config=config, out=Path(out), models=load_models(config), process=process)  # models load once, here


def _work(item: tuple[Pair, dict[str, str]]) -> tuple[str, str]:
    pair, stamp = item
    return pair.id, _WORKER["process"](pair, stamp, _WORKER["config"], _WORKER["out"], _WORKER["models"])


def run(todo: list[tuple[Pair, dict[str, str]]], config: Config, out: Path, workers: int,
        load_models: Callable[[Config], Any], process: Callable[..., str]) -> Iterable[tuple[str, str]]:
    """Review ``todo`` with ``workers`` processes (this one when 1); yields (id, "ok" | "error") as each ends."""
    if workers <= 1:
        models = load_models(config)
        for pair, stamp in todo:
            yield pair.id, process(pair, stamp, config, out, models)
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    threads = max(1, cores() // workers)  # BLAS threads per worker: never more than the cores
    ctx = multiprocessing.get_context("spawn")  # workers start clean: no inherited threads or models
    items = iter(todo)
    pending: set[Future[tuple[str, str]]] = set()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(config, str(out), threads, os.getpid(), load_models, process)) as pool:
        try:
            while True:
                while len(pending) < 4 * workers:  # a bounded queue: memory does not grow with the batch
                    item = next(items, None)
                    if item is None:
                        break
                    pending.add(pool.submit(_work, item))
                if not pending:
                    break
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: f.result()[0]):
                    yield future.result()
        except BrokenProcessPool:
            raise MtreviewError("a worker process died (out of memory or killed); finished articles are kept,"
                                " rerun the same command to resume") from None
        except BaseException:  # Ctrl-C: stop now; the finished articles are on disk, a cut one is redone
            procs_left = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs_left:
                proc.terminate()  # waiting for them instead hung the run for good at a second Ctrl-C
            raise

