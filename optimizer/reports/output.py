"""Where a run's files go, written so that nothing is ever half-written or lost.

Every solve gets a new run folder (``reports/<scenario>/<timestamp>/``) and the ``latest`` link
moves to it; earlier runs stay as they were, since one may already be on a wall. Files are
written into a hidden staging folder that is renamed into place at the end, and each file is
itself written to a temporary name and renamed, so a crash leaves either nothing or everything.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

MAX_FILE_STEM = 80


def safe_name(text: str) -> str:
    """A file name made from an id: letters, digits, ``.``, ``-`` and ``_`` only, so no path
    separator and no control character; never empty, never starting with ``.`` (so never ``.``,
    ``..`` or a hidden file), at most ``MAX_FILE_STEM`` characters plus a hash.

    The result may still contain ``..`` inside (``a..b``): harmless, since without a separator
    it names a file in the folder it is joined to. An id that had to change keeps a short hash
    of the original, so two distinct ids do not share a file (ids differing only in case do on
    a case-insensitive file system such as macOS's or Windows').
    """
    norm = unicodedata.normalize("NFKC", text)
    cleaned = re.sub(r"[^\w.-]+", "-", norm, flags=re.UNICODE).strip(".-_") or "item"
    cleaned = cleaned[:MAX_FILE_STEM]
    if cleaned != text:
        import hashlib

        cleaned += "-" + hashlib.sha256(text.encode()).hexdigest()[:6]
    return cleaned


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RunFolder:
    """A staging folder that becomes the run folder on :meth:`publish`."""

    def __init__(self, final: Path):
        self.final = final
        final.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))

    def path(self, *parts: str) -> Path:
        target = self.staging.joinpath(*parts)
        # Every name comes from safe_name, but check anyway: nothing leaves the run folder.
        if not target.resolve().is_relative_to(self.staging.resolve()):
            raise ValueError(f"refusing to write outside the output folder: {target}")
        return target

    def write(self, name: str, data: str | bytes) -> Path:
        target = self.path(*name.split("/"))
        write_atomic(target, data)
        return target

    def publish(self) -> Path:
        """Rename the staging folder into place and return where it went: ``final``, or, if
        something has appeared there since the solve began (another solve of the same scenario
        started in the same second, a file written by hand), ``<final>-2``, ``-3``... beside
        it. Nothing already there is ever replaced, and the new run is never lost."""
        candidate, n = self.final, 2
        while True:
            try:
                if candidate.is_dir() and not candidate.is_symlink():
                    candidate.rmdir()  # only an empty folder (see prepare_out); else OSError
                os.replace(self.staging, candidate)
                return candidate
            except OSError:
                if (not candidate.exists() and not candidate.is_symlink()) or n > 1000:
                    raise  # not a name clash: e.g. permissions or a full disk
            candidate = self.final.with_name(f"{self.final.name}-{n}")
            n += 1

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def default_run_folder(reports: Path, scenario_path: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    base = reports / safe_name(scenario_path.stem)
    candidate = base / stamp
    n = 2
    while candidate.exists():
        candidate = base / f"{stamp}-{n}"
        n += 1
    return candidate


def point_latest(run: Path) -> None:
    """Move the ``latest`` link next to the run folder to it (atomically)."""
    link = run.parent / "latest"
    tmp = run.parent / f".latest.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    try:
        tmp.symlink_to(run.name, target_is_directory=True)
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        write_atomic(run.parent / "LATEST.txt", run.name + "\n")


class OutputError(Exception):
    pass


def prepare_out(out: Path, force: bool) -> Path | None:
    """Check an explicit ``--out`` folder. A non-empty one needs ``force``, and then its old
    contents are kept beside it (renamed), never deleted. Returns where they were kept."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"Cannot write the output: {out} exists and is not a folder")
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise OutputError(
            f"Cannot write the output: {out} is the current folder or holds it; choose a new "
            "folder for the run, e.g. --out runs/this-week"
        )
    if out.exists() and any(out.iterdir()):
        if not force:
            raise OutputError(
                f"Cannot write the output: {out} is not empty; it may hold a timetable already "
                "handed out. Choose another "
                "folder, or add --force to keep the old files beside it and write a new run"
            )
        stamp = dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
        kept = out.with_name(f"{out.name}.previous-{stamp}")
        n = 2
        while kept.exists() or kept.is_symlink():  # two --force runs in the same second
            kept = out.with_name(f"{out.name}.previous-{stamp}-{n}")
            n += 1
        os.replace(out, kept)
        return kept
    return None
