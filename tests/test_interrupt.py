"""Interrupted solves: Ctrl-C (SIGINT) or SIGTERM stops the search and the best timetable found
so far is written, complete and validator-clean, marked as interrupted and not proven optimal;
an interrupt before any timetable ends with a plain message, never a traceback.

The subprocess tests solve a one-week cut of the default scenario with a 120 s limit: a
complete timetable appears after about a second, and then the goals are optimised for the
rest of the limit, so the interrupt always lands mid-search. One solver process at a time.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from optimizer.check import validate
from optimizer.planning.build import build_problem
from optimizer.reports.summary import build_summary
from optimizer.scenario import load_scenario
from optimizer.search.result import Result, Settings
from optimizer.search.solve import solve

from .conftest import DEFAULT_SCENARIO, ROOT
from .test_hostile import assert_valid_run

COMPLETE = " 0 resident-session(s) not placed"
WAIT = 15.0  # seconds to wait for a complete timetable before interrupting anyway
EXIT_WITHIN = 30.0  # seconds from the interrupt to the process's end (files written)


@dataclass
class Solve:
    """A ``python -m optimizer solve`` subprocess whose output lines are collected as they come."""

    process: subprocess.Popen[str]
    started: float
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)

    def wait_for(self, seen: Callable[[list[str]], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.stdout.append(self.lines.get(timeout=0.1))
            except queue.Empty:
                if self.process.poll() is not None:
                    return False
                continue
            if seen(self.stdout):
                return True
        return False

    def finish(self, timeout: float) -> tuple[int, str, str]:
        code = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        while not self.lines.empty():
            self.stdout.append(self.lines.get())
        return code, "".join(self.stdout), "".join(self.stderr)


def _pump(stream: Any, sink: Callable[[str], None]) -> None:
    for line in stream:
        sink(line)


def start(argv: list[str], cwd: Path) -> Solve:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    run = Solve(process, time.monotonic())
    for stream, sink in ((process.stdout, run.lines.put), (process.stderr, run.stderr.append)):
        reader = threading.Thread(target=_pump, args=(stream, sink), daemon=True)
        reader.start()
        run.readers.append(reader)
    return run


def one_week_scenario(folder: Path) -> Path:
    """The default scenario cut to its first week (same people, rooms and programs)."""
    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    assert "\n  weeks: 4\n" in text
    path = folder / "one-week.yaml"
    path.write_text(text.replace("\n  weeks: 4\n", "\n  weeks: 1\n"), encoding="utf-8")
    return path


def complete_while_optimising(lines: list[str]) -> bool:
    """A complete timetable has been found in the last step (optimising every goal)."""
    optimising = next((i for i, line in enumerate(lines) if "optimising" in line), None)
    return optimising is not None and any(COMPLETE in line for line in lines[optimising:])


def assert_plain(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err, out + err
    assert "Internal error" not in out + err, out + err


def no_partial_folders(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if ".partial-" in p.name]


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_week_scenario(tmp_path_factory.mktemp("week"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_keeps_the_best_complete_timetable(
    tmp_path: Path, week: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "run"
    run = start(
        ["-m", "optimizer", "solve", str(week), "--out", str(out), "--time-limit", "120"], tmp_path
    )
    try:
        found = run.wait_for(complete_while_optimising, WAIT)
        assert run.process.poll() is None, "the solve ended before the interrupt"
        sent = time.monotonic()
        run.process.send_signal(sig)
        code, stdout, stderr = run.finish(timeout=EXIT_WITHIN + 30)
    finally:
        if run.process.poll() is None:
            run.process.kill()
    assert found, f"no complete timetable within {WAIT} s:\n{''.join(run.stdout)}"
    assert time.monotonic() - sent < EXIT_WITHIN, "the interrupt was not acted on promptly"
    assert_plain(code, stdout, stderr)
    assert code == 0, stdout + stderr
    report = assert_valid_run(week, out)
    assert report.complete
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["interrupted"] is True
    assert summary["proven_optimal"] is False
    assert summary["complete"] is True and summary["status"] == "feasible"
    assert "interrupted" in stdout
    assert not no_partial_folders(tmp_path)


def test_an_interrupt_before_any_timetable_is_a_plain_message(tmp_path: Path, week: Path) -> None:
    out = tmp_path / "run"
    run = start(
        ["-m", "optimizer", "solve", str(week), "--out", str(out), "--time-limit", "120"], tmp_path
    )
    try:
        started = run.wait_for(lambda lines: lines[-1].startswith("Solving "), WAIT)
        run.process.send_signal(signal.SIGINT)  # as soon as the scenario is loaded
        code, stdout, stderr = run.finish(timeout=EXIT_WITHIN + 30)
    finally:
        if run.process.poll() is None:
            run.process.kill()
    assert started, stdout + stderr
    assert_plain(code, stdout, stderr)
    assert code in (0, 3), stdout + stderr
    if (out / "timetable.csv").exists():  # it had found one already
        assert_valid_run(week, out)
    else:
        assert code == 3
        assert "no timetable" in stdout or "nothing was written" in stderr
    assert not no_partial_folders(tmp_path)


_WRAPPER = """
import builtins, runpy, sys
real_import = builtins.__import__
def interrupted_import(name, *args, **kwargs):
    if name.startswith("ortools"):  # Ctrl-C while the solver library loads
        raise KeyboardInterrupt
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupted_import
sys.argv = ["optimizer", *sys.argv[1:]]
runpy.run_module("optimizer", run_name="__main__", alter_sys=True)
"""


def test_an_interrupt_while_starting_up_is_a_plain_message(tmp_path: Path, week: Path) -> None:
    out = tmp_path / "run"
    run = start(["-c", _WRAPPER, "solve", str(week), "--out", str(out)], tmp_path)
    code, stdout, stderr = run.finish(timeout=60)
    assert_plain(code, stdout, stderr)
    assert code == 3 and "nterrupted" in stderr
    assert not out.exists()


_TERM_WHILE_WRITING = """
import os, signal, sys
from optimizer.cli.main import main
from optimizer.reports.output import RunFolder
real_write = RunFolder.write
def stopped_while_writing(self, name, data):
    if name == "on_call.csv":
        os.kill(os.getpid(), signal.SIGTERM)  # e.g. the machine shuts down
    return real_write(self, name, data)
RunFolder.write = stopped_while_writing
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_while_writing_keeps_the_timetable(tmp_path: Path, week: Path) -> None:
    out = tmp_path / "run"
    run = start(
        ["-c", _TERM_WHILE_WRITING, "solve", str(week), "--out", str(out), "--time-limit", "3"],
        tmp_path,
    )
    code, stdout, stderr = run.finish(timeout=120)
    assert_plain(code, stdout, stderr)
    assert not no_partial_folders(tmp_path)
    assert_valid_run(week, out)


# --- interrupted in the middle step of a multi-week solve (in-process, deterministic) -----------


@dataclass
class Interrupted:
    result: Result
    summary: dict[str, Any]
    said: list[str]


@pytest.fixture(scope="module")
def interrupted_in_repair() -> Interrupted:
    """The default scenario; Ctrl-C as soon as step 1 (the constructed timetable) has placed
    every session, i.e. before step 2 has optimised any goal. Construction uses no solver
    and no clock, so this happens the same way on every run."""
    scenario = load_scenario(DEFAULT_SCENARIO)
    problem = build_problem(scenario)
    said: list[str] = []

    def progress(line: str) -> None:
        said.append(line)
        if "(constructed)" in line and COMPLETE in line:
            os.kill(os.getpid(), signal.SIGINT)  # handled by the solve's _Stopper

    result = solve(problem, Settings(time_limit=20, workers=2), progress)
    report = validate(scenario, result.timetable) if result.timetable else None
    summary = build_summary(problem, result, report, DEFAULT_SCENARIO).to_dict()
    assert result.interrupted, said
    assert report is not None and report.ok, report.summary() if report else "no timetable"
    return Interrupted(result, summary, said)


def test_interrupted_in_the_repair_step_keeps_a_complete_timetable(
    interrupted_in_repair: Interrupted,
) -> None:
    s = interrupted_in_repair.summary
    assert s["interrupted"] is True and s["complete"] is True
    assert not any(line.startswith("Step 2") for line in interrupted_in_repair.said)


def test_interrupted_in_the_repair_step_is_not_called_optimal(
    interrupted_in_repair: Interrupted,
) -> None:
    s = interrupted_in_repair.summary
    assert s["proven_optimal"] is False
    assert s["status"] == "feasible"


def test_interrupted_in_the_repair_step_keeps_an_on_call_rota(
    interrupted_in_repair: Interrupted,
) -> None:
    timetable = interrupted_in_repair.result.timetable
    assert timetable is not None and timetable.on_call
