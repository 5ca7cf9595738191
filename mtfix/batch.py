"""Repair whole folders: parallel, resumable, streaming, nothing ever half-written.

:func:`run_batch` walks an input tree, repairs every file that matches the
include/exclude globs, and mirrors the tree under the output folder (or
rewrites files in place, keeping a backup). A manifest in the output folder
records each finished file with the hash of its input and of the settings, so
a re-run skips what is up to date and redoes what changed. One bad file never
stops the run: it is reported and the rest go on.

Every output is written to a temporary file next to its target and renamed
over it at the end, so an interrupted run (Ctrl-C, a killed worker) leaves
either the old file or the new one, never a partial one; leftover temporary
files are removed by the next run.
"""

from __future__ import annotations

import codecs
import concurrent.futures as cf
import fnmatch
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from . import __version__
from .config import RepairConfig, default_model_dir
from .errors import InputError, MtfixError, UsageError

MANIFEST = ".mtfix-manifest.jsonl"
ERRORS = ".mtfix-errors.jsonl"
TMP_PREFIX = ".mtfix-tmp-"
STREAM_ABOVE = 8 << 20  # files larger than this are repaired paragraph by paragraph
CHUNK = 1 << 20  # bytes read at a time when streaming


@dataclass(frozen=True)
class BatchOptions:
    """How a folder is processed (everything except the repair settings)."""

    fmt: str = "text"
    include: tuple[str, ...] = ("*.txt",)
    exclude: tuple[str, ...] = ()
    jobs: int = 1
    in_place: bool = False
    backup_suffix: str = ""
    encoding: str | None = None
    output_encoding: str = "utf-8"
    force: bool = False
    """Redo every file, even those the manifest says are up to date."""
    input_format: str | None = None
    """Format of every input (``mtfix.formats.FORMATS``); ``None``: by extension."""
    column: str | None = None
    """CSV/TSV column or JSONL field to repair."""
    mark_edited: bool = False
    """Flag repaired XLIFF/PO units for review."""


@dataclass
class FileOutcome:
    path: str
    status: str  # "done" | "skipped" | "failed"
    sentences: int = 0
    error: str = ""
    message: str = ""


@dataclass
class BatchSummary:
    done: int = 0
    skipped: int = 0
    failed: int = 0
    sentences: int = 0
    seconds: float = 0.0
    failures: list[FileOutcome] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# ---------------------------------------------------------------- discovery


def find_files(root: Path, options: BatchOptions, skip: Path | None = None) -> Iterator[Path]:
    """Files under ``root`` matching the globs, sorted; ``skip`` (the output folder) excluded.

    Symbolic links to folders are not followed (no loops); links to files are.
    """
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (skip is None or here / d != skip)
        )
        for name in sorted(files):
            path = here / name
            rel = path.relative_to(root).as_posix()
            if name.startswith(".") or not _matches(rel, name, options.include):
                continue
            if options.backup_suffix and name.endswith(options.backup_suffix):
                continue  # our own backups from an --in-place run
            if options.exclude and _matches(rel, name, options.exclude):
                continue
            yield path


def _matches(rel: str, name: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


# ---------------------------------------------------------------- settings hash


def settings_digest(config: RepairConfig, options: BatchOptions) -> str:
    """A hash of everything that changes the output: options, glossaries, model, version."""
    h = hashlib.sha256()
    h.update(__version__.encode())
    h.update(json.dumps(asdict(config), sort_keys=True, default=_stable).encode())
    h.update(repr((options.fmt, options.encoding, options.output_encoding)).encode())
    if options.input_format or options.column or options.mark_edited:
        h.update(repr((options.input_format, options.column, options.mark_edited)).encode())
    for path in (*config.glossaries, *config.protect):
        h.update(_file_digest(Path(path)).encode())
    model = config.model or default_model_dir()
    if config.use_model and model is not None:
        for item in sorted(Path(model).glob("*")):
            if item.is_file():
                stat = item.stat()
                h.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def _stable(value: object) -> object:
    # sets have no stable order across processes (string hashing is randomised)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return repr(value)


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(CHUNK), b""):
                h.update(block)
    except OSError:
        return "unreadable"
    return h.hexdigest()


# ---------------------------------------------------------------- manifest


class Manifest:
    """Append-only JSON lines: one record per finished file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if path.is_file():
            for line in path.read_text("utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line)
                    self.entries[record["path"]] = record
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line from a killed run: that file is redone
        self._handle: IO[str] | None = None

    def up_to_date(self, rel: str, input_hash: str, settings: str, target: Path) -> bool:
        record = self.entries.get(rel)
        return (
            record is not None
            and record.get("input") == input_hash
            and record.get("settings") == settings
            and target.is_file()
        )

    def record(self, rel: str, input_hash: str, settings: str, sentences: int) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        entry = {"path": rel, "input": input_hash, "settings": settings, "sentences": sentences}
        # ASCII JSON: a file name that is not UTF-8 (surrogate-escaped) survives the trip.
        self._handle.write(json.dumps(entry) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.entries[rel] = entry

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


# ---------------------------------------------------------------- one file


class _Staged:
    """A temporary file next to ``target``, renamed over it only by :meth:`commit`."""

    def __init__(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.tmp = target.with_name(f"{TMP_PREFIX}{os.getpid()}-{target.name}")
        self.handle = self.tmp.open("wb")

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        if self.target.exists():
            shutil.copymode(self.target, self.tmp)
        os.replace(self.tmp, self.target)

    def discard(self) -> None:
        self.handle.close()
        self.tmp.unlink(missing_ok=True)


def repair_file(source: Path, target: Path, repairer: Any, options: BatchOptions) -> int:
    """Repair ``source`` into ``target`` atomically; return the number of sentences seen."""
    from .formats import detect_format
    from .textio import decode, encode
    from .writers import render

    kind = detect_format(source, options.input_format)
    size = source.stat().st_size
    stream = size > STREAM_ABOVE and options.fmt == "text" and kind == "text"
    stream = stream and not _wide_encoding(source, options.encoding)
    staged = _Staged(target)
    try:
        if kind != "text":
            sentences = _repair_structured(source, kind, staged.handle, repairer, options)
        elif stream:
            sentences = _repair_streaming(source, staged.handle, repairer, options)
        else:
            data = source.read_bytes()
            if not data.strip():  # empty or blank: nothing to repair, the output is the input
                staged.handle.write(data)
                staged.commit()
                return 0
            decoded = decode(data, str(source), options.encoding)
            result = repairer.repair(decoded.text)
            text = render(result, options.fmt, str(source))
            if options.fmt == "text":
                staged.handle.write(encode(text, decoded, options.output_encoding))
            else:
                staged.handle.write(encode(text))  # JSON lines and diffs are always UTF-8
            sentences = result.stats.get("repairable", 0)
        backup = source.with_name(source.name + options.backup_suffix)
        if options.in_place and options.backup_suffix and not backup.exists():
            # An existing backup is left alone only when this file is the output of an
            # earlier run (run_batch checks): the backup holds its original.
            shutil.copy2(source, backup)
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return int(sentences)


def _repair_structured(
    source: Path, kind: str, out: IO[bytes], repairer: Any, options: BatchOptions
) -> int:
    """Repair the target side of a localisation/subtitle/table file; return its unit count."""
    from . import formats

    data = source.read_bytes()
    if not data.strip():  # as for text: nothing to repair, the output is the input
        out.write(data)
        return 0
    result = formats.repair_file(
        data,
        kind,
        repairer,
        path=str(source),
        column=options.column,
        mark_edited=options.mark_edited,
        encoding=options.encoding,
    )
    out.write(formats.render(result, options.fmt, str(source), data))
    return len(result.units)


def _repair_streaming(source: Path, out: IO[bytes], repairer: Any, options: BatchOptions) -> int:
    """Repair a large file paragraph by paragraph, with memory bounded by the largest paragraph."""
    from .textio import decode

    with source.open("rb") as handle:
        head = handle.read(CHUNK)
        cut = head.rfind(b"\n") + 1 or len(head)
        decoded = decode(head[:cut], str(source), options.encoding)
        if "+" in decoded.encoding:
            raise InputError(str(source), "mixed encodings in a large file: pass --encoding")
        codec = decoded.encoding.replace("-sig", "")
        decoder = codecs.getincrementaldecoder(codec)(errors="strict")
        encoder = codecs.getincrementalencoder(options.output_encoding)()
        utf8_out = codecs.lookup(options.output_encoding).name == "utf-8"
        if decoded.bom and codec == "utf-8" and utf8_out:
            out.write(codecs.BOM_UTF8)  # as textio.encode does for whole files
        pending, sentences, first, read = "", 0, True, 0
        data = head
        while True:
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                # The encoding was detected from the first chunk alone: say where it broke.
                raise InputError(
                    str(source),
                    f"cannot decode as {codec} near byte {read + max(exc.start, 0):,} "
                    f"({exc.reason}; the encoding was detected from the start of this "
                    "large file): pass --encoding, e.g. --encoding cp1252",
                ) from None
            read += len(data)
            if first and text.startswith("\ufeff"):
                text = text[1:]
            first = False
            pending += text
            split = _safe_split(pending) if data else len(pending)
            if split:
                chunk, pending = pending[:split], pending[split:]
                result = repairer.repair(chunk)
                sentences += result.stats.get("repairable", 0)
                out.write(encoder.encode(result.text))
            if not data:
                break
            data = handle.read(CHUNK)
    return sentences


def _wide_encoding(source: Path, encoding: str | None) -> bool:
    """UTF-16/32 input: its lines cannot be cut at a b"\\n" byte, so it is read whole."""
    if encoding:
        return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    with source.open("rb") as handle:
        head = handle.read(4)
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE))


def _safe_split(text: str) -> int:
    """Where ``text`` can be cut without changing how it is repaired: after its last blank line.

    A text with no blank line that has grown past a few chunks (one huge paragraph
    or line) is cut at its last line break, else its last space, to bound memory;
    such a cut can change how a sentence is split, and context-gated glossary
    entries see only the current chunk.
    """
    lf, crlf = text.rfind("\n\n"), text.rfind("\n\r\n")
    split = max(lf + 2 if lf >= 0 else 0, crlf + 3 if crlf >= 0 else 0)
    if split or len(text) < 8 * CHUNK:
        return split
    for mark in ("\n", " "):
        at = text.rfind(mark)
        if at > 0:
            return at + 1
    return len(text)


# ---------------------------------------------------------------- workers

_worker_repairer: Any = None


def _init_worker(config: RepairConfig, jobs: int) -> None:
    """Load the glossary and model once per worker process."""
    global _worker_repairer
    from .pipeline import Repairer

    if not config.threads:  # workers that each take every core only slow each other down
        config = replace(config, threads=max(1, (os.cpu_count() or 1) // jobs))
    _worker_repairer = Repairer(config)


def _work(source: str, target: str, options: BatchOptions) -> FileOutcome:
    try:
        n = repair_file(Path(source), Path(target), _worker_repairer, options)
        return FileOutcome(source, "done", sentences=n)
    except MtfixError as exc:
        return FileOutcome(source, "failed", error=type(exc).__name__, message=str(exc))
    except OSError as exc:
        message = f"{source}: {exc.strerror or exc}"
        return FileOutcome(source, "failed", error=type(exc).__name__, message=message)
    except Exception as exc:  # a bug on one file must not stop the others
        message = f"{source}: internal error: {type(exc).__name__}: {exc}"
        return FileOutcome(source, "failed", error="InternalError", message=message)


# ---------------------------------------------------------------- the run


def run_batch(
    source: Path,
    output: Path | None,
    config: RepairConfig,
    options: BatchOptions,
    progress: Callable[[int, int, int, float], None] | None = None,
) -> BatchSummary:
    """Repair every matching file under ``source`` into ``output`` (or in place)."""
    source = source.resolve() if source.exists() else source
    if not source.is_dir():
        raise InputError(str(source), "no such folder" if not source.exists() else "not a folder")
    suffix = options.backup_suffix
    if suffix and not options.in_place:
        raise UsageError("--backup-suffix goes with --in-place (it names the backups)")
    if suffix and ("/" in suffix or os.sep in suffix or not suffix.strip(". ")):
        raise UsageError(f"--backup-suffix {suffix!r}: give a file-name ending such as .orig")
    if options.in_place:
        if output is not None:
            raise UsageError("--in-place writes into the input folder: drop -o")
        if not options.backup_suffix:
            raise UsageError("--in-place needs --backup-suffix (e.g. .orig): inputs are kept")
        if options.fmt != "text":
            raise UsageError("--in-place writes repaired text only: drop --format")
        out_root = source
    else:
        if output is None:
            raise UsageError("give an output folder with -o (or --in-place with --backup-suffix)")
        out_root = output.resolve()
        if out_root == source:
            raise UsageError(f"{output}: output folder is the input folder; use --in-place")
        if out_root.exists() and not out_root.is_dir():
            raise UsageError(f"{output}: exists and is not a folder")
        if source.is_relative_to(out_root):
            raise UsageError(
                f"{output}: output folder holds the input folder, so outputs could land on "
                "inputs; choose a folder outside it"
            )
    # A bad glossary, backend or model directory is one clear error before any work,
    # not a crash of every worker. (The model itself loads in the workers, after the fork.)
    from .pipeline import check_config

    check_config(config)
    _remove_stale_temporaries(out_root)
    skip = None if options.in_place else out_root
    files = list(find_files(source, options, skip=skip))
    settings = settings_digest(config, options)
    manifest = Manifest(out_root / MANIFEST)
    summary = BatchSummary()
    started = time.perf_counter()
    todo: list[tuple[Path, Path, str, str]] = []
    for path in files:
        rel = path.relative_to(source).as_posix()
        target = path if options.in_place else out_root / _output_name(rel, options.fmt)
        input_hash = _file_digest(path)
        if not options.force and manifest.up_to_date(rel, input_hash, settings, target):
            summary.skipped += 1
            continue
        if options.in_place and (clash := _backup_clash(path, rel, input_hash, manifest, options)):
            summary.failed += 1
            failure = FileOutcome(str(path), "failed", error="InputError", message=clash)
            summary.failures.append(failure)
            continue
        todo.append((path, target, rel, input_hash))
    by_source = {str(p): (rel, h) for p, _, rel, h in todo}
    total = len(todo)

    def finished(outcome: FileOutcome) -> None:
        rel, input_hash = by_source[outcome.path]
        if outcome.status == "done":
            summary.done += 1
            summary.sentences += outcome.sentences
            if options.in_place:  # the file now holds the output: that is what a re-run sees
                input_hash = _file_digest(Path(outcome.path))
            manifest.record(rel, input_hash, settings, outcome.sentences)
        else:
            summary.failed += 1
            summary.failures.append(outcome)
        if progress is not None:
            done = summary.done + summary.failed
            progress(done, total, summary.sentences, time.perf_counter() - started)

    try:
        if options.jobs <= 1 or total <= 1:
            _init_worker(config, 1)
            for path, target, _, _ in todo:
                finished(_work(str(path), str(target), options))
        else:
            _run_parallel(todo, config, options, finished)
    finally:
        manifest.close()
        summary.seconds = time.perf_counter() - started
        _write_error_report(out_root / ERRORS, summary.failures)
    return summary


def _run_parallel(
    todo: list[tuple[Path, Path, str, str]],
    config: RepairConfig,
    options: BatchOptions,
    finished: Callable[[FileOutcome], None],
) -> None:
    # fork shares the already-imported code; the model is loaded after the fork, per worker.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with cf.ProcessPoolExecutor(
        max_workers=options.jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(config, options.jobs),
    ) as pool:
        futures = [pool.submit(_work, str(p), str(t), options) for p, t, _, _ in todo]
        try:
            for future in cf.as_completed(futures):
                finished(future.result())
        except cf.process.BrokenProcessPool:
            raise MtfixError(
                "a worker process died (out of memory or killed); run the same command again "
                "to resume"
            ) from None
        except KeyboardInterrupt:
            for f in futures:
                f.cancel()
            raise


def _backup_clash(
    path: Path, rel: str, input_hash: str, manifest: Manifest, options: BatchOptions
) -> str:
    """Why ``path`` may not be repaired in place, or "": its backup exists but holds
    another version (the file changed since an earlier run repaired it, or the backup
    name was taken), and backing it up again would lose that version or this one."""
    backup = path.with_name(path.name + options.backup_suffix)
    ours = manifest.entries.get(rel, {}).get("input") == input_hash  # our own output
    if not backup.exists() or ours or _file_digest(backup) == input_hash:
        return ""  # (the last: a run stopped between taking the backup and the rename)
    return (
        f"{path}: backup {backup.name} exists and holds another version; "
        "move it away or choose another --backup-suffix"
    )


def _output_name(rel: str, fmt: str) -> str:
    return {"jsonl": rel + ".jsonl", "diff": rel + ".diff"}.get(fmt, rel)


def _remove_stale_temporaries(root: Path) -> None:
    if not root.is_dir():
        return
    for folder, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            if name.startswith(TMP_PREFIX):
                Path(folder, name).unlink(missing_ok=True)


def _write_error_report(path: Path, failures: list[FileOutcome]) -> None:
    from .textio import atomic_write

    if failures:
        lines = [
            json.dumps({"path": f.path, "error": f.error, "message": f.message}) for f in failures
        ]
        atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
    elif path.exists():
        path.unlink()
