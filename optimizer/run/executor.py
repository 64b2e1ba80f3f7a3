"""Where independent jobs (solves) run, behind one interface.

``make_executor`` gives a :class:`LocalExecutor` (a process pool sized to this machine) or,
with a cluster address, a :class:`DaskExecutor` (Dask distributed's ``Client.submit`` and
``as_completed``). Callers only use :meth:`Executor.run` and :attr:`Executor.solver_workers`,
so they do not know where the jobs run. There is no scheduler or queue here: the pool, or
Dask, does that.

Sizing: a solve is CPU-bound and CP-SAT runs ``workers`` threads. Locally, ``parallel`` solves
run at once with ``solver_workers = max(1, cpus // parallel)`` threads each, so the machine's
cores are not oversubscribed. If the caller fixes the threads per solve, ``parallel`` becomes
``max(1, cpus // workers)`` instead. On a cluster, Dask runs as many jobs at once as its workers
have threads, and each solve gets the cores of a Dask worker divided by its threads.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

INSTALL_HINT = "install the cluster extra: pip install '.[cluster]'"


class ExecutorUnavailable(Exception):
    """The requested executor cannot be used (Dask missing, cluster unreachable); exit 2."""


class Executor(ABC):
    """Runs ``fn(item)`` for each item, possibly elsewhere, yielding results as they finish.

    ``fn`` must be a module-level function and items and results picklable: they may cross
    a process or machine boundary.
    """

    description: str = ""
    parallel: int = 1  # jobs that run at once
    solver_workers: int = 1  # threads each solve should use
    interrupted: bool = False  # Ctrl-C was pressed while jobs ran

    @abstractmethod
    def run(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(items[index]))`` in the order the jobs finish. After Ctrl-C,
        jobs not yet started are cancelled, running ones are still yielded if they can
        finish, and :attr:`interrupted` is set."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cpu_count() -> int:
    return os.cpu_count() or 1


def _ignore_sigint() -> None:
    """In pool workers: Ctrl-C is for the solve running there (the solver's own handler stops
    the search and keeps its best timetable), not for the worker's job loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalExecutor(Executor):
    """A process pool on this machine (or the current process, for one job at a time)."""

    def __init__(
        self,
        jobs: int,
        *,
        workers: int | None = None,
        parallel: int | None = None,
        cpus: int | None = None,
    ):
        cpus = cpus or cpu_count()
        jobs = max(1, jobs)
        if parallel is None:
            parallel = max(1, cpus // workers) if workers else min(jobs, cpus)
        self.parallel = max(1, min(parallel, jobs))
        self.solver_workers = workers or max(1, cpus // self.parallel)
        self.description = (
            f"{self.parallel} solve(s) at a time on this machine ({cpus} CPU(s)), "
            f"{self.solver_workers} solver thread(s) each"
        )
        self._pool: ProcessPoolExecutor | None = None

    def run(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if self.parallel == 1:
            yield from self._inline(fn, items)
            return
        if self._pool is None:
            # spawn: a fresh interpreter per worker, never a fork of a process with threads
            self._pool = ProcessPoolExecutor(
                max_workers=self.parallel,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_sigint,
            )
        pool = self._pool
        # At most ``parallel`` jobs are handed to the pool at a time: a job queued inside the
        # pool cannot be cancelled, and one that starts after Ctrl-C would run its full time.
        waiting = list(enumerate(items))[::-1]
        running: dict[Future[R], int] = {}
        while waiting or running:
            while waiting and len(running) < self.parallel and not self.interrupted:
                i, item = waiting.pop()
                running[pool.submit(fn, item)] = i
            if not running:
                break
            try:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
            except KeyboardInterrupt:
                # The running solves got the same Ctrl-C from the terminal and stop with their
                # best timetable (tell them too, in case only this process got it); the jobs
                # not started are dropped.
                self.interrupted = True
                self._signal_workers(signal.SIGINT)
                continue
            for fut in done:
                i = running.pop(fut)
                yield i, fut.result()

    def _signal_workers(self, signum: int) -> None:
        processes = getattr(self._pool, "_processes", None) or {}
        for pid in list(processes):
            with contextlib.suppress(OSError):  # already gone
                os.kill(pid, signum)

    def _inline(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        for i, item in enumerate(items):
            if self.interrupted:
                return
            result = fn(item)  # a solve catches Ctrl-C itself and returns its best so far
            yield i, result
            if getattr(result, "interrupted", False):
                self.interrupted = True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor(Executor):
    """Jobs run on a Dask distributed cluster: ``Client.submit`` and ``as_completed``.

    Pass the scheduler's address (``tcp://host:8786``) or a ``Client`` (tests use one on a
    ``LocalCluster``). The workers need this package installed, in the same version.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Any = None,
        workers: int | None = None,
        timeout: float = 10.0,
    ):
        try:
            from dask.distributed import Client
        except ImportError:
            raise ExecutorUnavailable(
                f"Dask is not installed, so --cluster cannot be used; {INSTALL_HINT}"
            ) from None
        self._own = client is None
        if client is None:
            try:
                client = Client(address, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExecutorUnavailable(
                    f"cannot connect to the Dask scheduler at {address}: {exc}"
                ) from None
        self.client = client
        threads: dict[str, int] = dict(client.nthreads())
        if not threads:
            if self._own:
                client.close()
            raise ExecutorUnavailable(f"the Dask cluster at {address} has no workers")
        cpus: dict[str, int] = client.run(cpu_count)
        self.parallel = sum(threads.values())
        self.solver_workers = workers or max(
            1, min(cpus.get(addr, 1) // max(1, n) for addr, n in threads.items())
        )
        where = address or client.scheduler.address
        self.description = (
            f"Dask cluster {where}: {len(threads)} worker(s), {self.parallel} solve(s) at a "
            f"time, {self.solver_workers} solver thread(s) each"
        )

    def run(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        from dask.distributed import as_completed as dask_completed

        futures = [self.client.submit(fn, item, pure=False) for item in items]
        index = {fut.key: i for i, fut in enumerate(futures)}
        try:
            for fut in dask_completed(futures):
                try:
                    result = fut.result()
                except ImportError as exc:  # raised on the worker
                    raise ExecutorUnavailable(
                        f"a Dask worker cannot run the solve ({exc}); install this package, in "
                        "the same version, where the cluster's workers run"
                    ) from None
                yield index[fut.key], result
        except KeyboardInterrupt:
            # A solve on another machine cannot be reached by this Ctrl-C: cancel them all.
            self.interrupted = True
            self.client.cancel(futures)

    def close(self) -> None:
        if self._own:
            self.client.close()


def make_executor(
    jobs: int,
    *,
    cluster: str | None = None,
    workers: int | None = None,
    parallel: int | None = None,
) -> Executor:
    """The local pool, or the Dask cluster at ``cluster`` (raises
    :class:`ExecutorUnavailable` when Dask is not installed or the cluster cannot be reached)."""
    if cluster:
        return DaskExecutor(cluster, workers=workers)
    return LocalExecutor(jobs, workers=workers, parallel=parallel)
