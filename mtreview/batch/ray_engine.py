"""The Ray engine of `mtreview batch --engine ray`: the same map as the local pool, on Ray Data.

Contract: ``run(todo, config, out, workers, address) -> Iterable[(article id, "ok" | "error")]``,
exactly like ``local_engine.run``. Each row of a Ray dataset carries one (pair, stamp) item, in blocks
of at most ``ROWS_PER_BLOCK`` rows (one Ray task each); an actor pool of ``workers`` actors (one
CPU each) loads the models once per actor and calls ``batch.process_article`` per row, which
writes ``OUT/articles/<id>.review.json`` atomically. The driver only collects the small status
rows, a block at a time; ``batch.run_batch`` then rebuilds the tables from the files, so the
outputs are byte for byte those of the local engine.

A worker that dies mid-run (killed, out of memory, node lost) is restarted by Ray and the task it
was running is retried: the articles of that block are reviewed again and rewrite the same files
(a pure function of the article and the configuration, written by rename), and each row's status
reaches the driver once. Small blocks keep that redone work, the time statuses wait in a worker
and the end-of-run imbalance between actors to a few articles whatever the size of the run. Ray
itself is imported only here, so the local engine never needs it (``pip install 'mtreview[ray]'``).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import ConfigError, ModelError, MtreviewError

log = logging.getLogger(__name__)

ROWS_PER_CALL = 1  # articles per actor call (map_batches' batch_size)
ROWS_PER_BLOCK = 16  # articles per block, i.e. per Ray task: what a dead actor redoes at most
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MTREVIEW_EMBED_THREADS")


class ReviewActor:
    """One Ray actor: models loaded once in ``__init__``, one article reviewed per call."""

    def __init__(self, config: Config, out: str, load_models: Callable[[Config], Any],
                 process: Callable[..., str]) -> None:
        for var in THREAD_VARS:  # one BLAS thread per actor: an actor is given one CPU
            os.environ.setdefault(var, "1")
        self.config = config
        self.out = Path(out)
        self.process = process
        self.models = load_models(config)

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[str]]:
        ids, statuses = [], []
        for blob in rows["item"]:
            pair, stamp = pickle.loads(blob)
            ids.append(pair.id)
            statuses.append(self.process(pair, stamp, self.config, self.out, self.models))
        return {"id": ids, "status": statuses}


def _connect(address: str | None, workers: int, quiet: bool) -> bool:
    """Join ``address`` or start a local cluster of ``workers`` CPUs; True when this call started Ray."""
    try:
        import ray
    except ImportError:
        raise ModelError("--engine ray needs Ray: pip install 'mtreview[ray]'") from None
    if address and address != "auto" and "://" not in address:
        _reachable(address)
    if ray.is_initialized():  # a caller already connected (tests, notebooks): use its cluster
        return False
    env = {"env_vars": {var: os.environ.get(var, "1") for var in THREAD_VARS}}
    pythonpath = os.environ.get("PYTHONPATH")
    if pythonpath and not address:
        env["env_vars"]["PYTHONPATH"] = pythonpath
    kwargs: dict[str, Any] = {"runtime_env": env, "log_to_driver": not quiet,
                              "logging_level": logging.WARNING, "configure_logging": False}
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "a local cluster"
        raise MtreviewError(f"could not start or join Ray at {where}: {str(exc).splitlines()[0]}") from None
    return True


def _reachable(address: str, timeout: float = 10.0) -> None:
    """Fail at once on a head node that does not answer (ray.init would retry for minutes)."""
    import socket

    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return
    except ValueError:
        raise ConfigError(f"--ray-address must be HOST:PORT, auto or ray://HOST:PORT, got {address!r}") from None
    except OSError as exc:
        raise MtreviewError(f"no Ray cluster answers at {address}: {exc.strerror or exc}") from None


def run(todo: list[tuple[Any, dict[str, str]]], config: Config, out: Path, workers: int,
        address: str | None = None, quiet: bool = True, *, load_models: Callable[[Config], Any],
        process: Callable[..., str]) -> Iterator[tuple[str, str]]:
    """Review ``todo`` on Ray Data with ``workers`` actors; yields (article id, status) as rows finish.

    ``load_models(config)`` and ``process(pair, stamp, config, out, models)`` are ``batch.models_for``
    and ``batch.process_article`` (passed in: ``batch`` imports this module); each actor calls them."""
    started = _connect(address, workers, quiet)
    import ray

    try:
        yield from _statuses(todo, config, out, workers, quiet, load_models, process)
    finally:
        if started:
            ray.shutdown()


def _statuses(todo: list[tuple[Any, dict[str, str]]], config: Config, out: Path, workers: int,
              quiet: bool, load_models: Callable[[Config], Any], process: Callable[..., str]
              ) -> Iterable[tuple[str, str]]:
    import ray.data

    if log.getEffectiveLevel() > logging.INFO:  # Ray Data logs every plan and progress step at INFO
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = not quiet
    ctx.verbose_progress = False
    items = [{"item": pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)} for item in todo]
    blocks = max(1, min(len(items), max(4 * workers, -(-len(items) // ROWS_PER_BLOCK))))
    ds = ray.data.from_items(items, override_num_blocks=blocks)
    # Ray Data restarts a dead actor and retries its rows by default (max_restarts = max_task_retries = -1)
    ds = ds.map_batches(ReviewActor, fn_constructor_args=(config, str(out.resolve()), load_models, process),
                        batch_size=ROWS_PER_CALL,
                        compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1, batch_format="numpy")
    for row in ds.iter_rows():
        yield str(row["id"]), str(row["status"])
