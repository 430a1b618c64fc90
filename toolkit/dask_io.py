"""Dask in and out: snippet files as a Dask collection, a ``DaskResult`` as partitioned Parquet.

- :func:`read_snippets_dask`: a directory or glob of snippet files (Parquet, JSON Lines, CSV...;
  anything :func:`toolkit.read_snippets` reads) as a Dask DataFrame, one partition per file, each
  file read by :func:`toolkit.read_snippets` in its own task (the same repairs and errors). Ids are
  kept as written; a file without ids numbers its rows ``<file name>:1``, ``<file name>:2``, ... (a
  ``.txt`` file's line ids become ``<file name>:s1``, ...) so two files never share an id by accident.
- :func:`write_partitioned` (``DaskResult.to_dir``): each partition's task writes its own Parquet
  file (``<table>/part.00000.parquet``) into a temporary folder beside the target; one small task
  then writes ``manifest.json`` (each part's rows and SHA-256, the declared dtypes) **last** and the
  folder is renamed into place. A failed or killed run leaves the target untouched (at most a
  ``.NAME.*.tmp`` folder). Same refusal rules as ``Result.to_dir`` (:mod:`toolkit.storage`): a
  non-empty folder that is not a previous output needs ``overwrite=True``. The folder must be on a
  file system every worker sees (a local one for a LocalCluster).
- :func:`read_partitioned` (what ``Result.from_dir`` uses for such a folder, pandas) and
  :func:`read_result_dask` (lazy, a part per partition) read it back, checking every part's hash.
"""

from __future__ import annotations

import glob as globbing
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.errors import SnippetInputError, ToolkitError
from toolkit.schema import INDEX
from toolkit.storage import (
    MANIFEST,
    TABLE_NAME,
    VERSION,
    WRITER,
    ResultReadError,
    _listed_files,
    _read_table,
    _write_table,
    check_table_names,
    check_target,
    file_hash,
    read_manifest,
)

if TYPE_CHECKING:
    from toolkit.distributed import DaskResult

LAYOUT = "partitioned"
PART = "part.{:05d}.parquet"
SCHEDULERS = ("threads", "processes", "synchronous", "sync", "single-threaded")


# -- reading snippet files as a Dask collection -------------------------------------------------
def snippet_files(source: str | os.PathLike[str]) -> list[Path]:
    """The files of a directory (sorted, hidden files and sub-folders left out) or of a glob pattern."""
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
    elif path.is_file():
        files = [path]
    else:
        files = sorted(Path(p) for p in globbing.glob(str(source)) if Path(p).is_file())
    if not files:
        raise SnippetInputError(f"no snippet files in {source} (a directory, a file or a glob pattern)")
    return files


def read_snippets_dask(source: str | os.PathLike[str], **options: Any) -> Any:
    """A directory or glob of snippet files as a Dask DataFrame indexed by ``snippet_id``, a partition
    per file (``options`` as for :func:`toolkit.read_snippets`). The first file is read here, for the
    columns and dtypes (Dask's ``meta``); the others when the graph runs."""
    import dask
    import dask.dataframe as dd

    from toolkit.dask_plan import collections_config

    files = snippet_files(source)
    with warnings.catch_warnings():  # the task reading this file again reports them
        warnings.simplefilter("ignore")
        first = _read_one(files[0], options)
    parts = [dask.delayed(_read_one)(file, options) for file in files]
    with collections_config():
        return dd.from_delayed(parts, meta=first.iloc[:0], verify_meta=False)


def _read_one(file: Path, options: Mapping[str, Any]) -> pd.DataFrame:
    from toolkit.readers import read_snippets

    frame = read_snippets(file, **{"id_prefix": f"{file.name}:", **options})
    fmt = str(options.get("format") or "").lower().lstrip(".")
    if fmt == "txt" if fmt else file.name.lower().endswith((".txt", ".txt.gz")):
        # a .txt file numbers its lines s1, s2, ...: named after the file, so two files never share one
        frame.index = pd.Index([f"{file.name}:{i}" for i in frame.index], name=INDEX, dtype="string")
    return frame


# -- writing a DaskResult ---------------------------------------------------------------------------
def write_partitioned(result: DaskResult, out: Path, *, overwrite: bool = False) -> Path:
    """Write ``result`` as partitioned Parquet (see the module docstring); returns the folder."""
    import dask

    from toolkit.dask_plan import collections_config

    check_table_names(result.tables)
    out = Path(os.path.abspath(out))
    previous = check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        collections = {"snippets": result.snippets, **result.tables}
        writes = {}
        for name, collection in collections.items():
            (tmp / name).mkdir()
            parts = collection.to_delayed()
            writes[name] = [dask.delayed(_write_part)(p, tmp / name, i, name) for i, p in enumerate(parts)]
        with collections_config():
            (written,) = dask.compute(writes)
        manifest: dict[str, Any] = {
            "writer": WRITER,
            "version": VERSION,
            "format": "parquet",
            "layout": LAYOUT,
            "tables": {name: _table_entry(name, collections[name], written[name]) for name in collections},
            "records": [],
            "config": result.config,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        _move_into_place(tmp, out, previous)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _write_part(part: pd.DataFrame, folder: Path, i: int, name: str) -> dict[str, Any]:
    """In a worker: one partition of one table as one Parquet file; its rows, hash and dtypes."""
    if name == "snippets":
        part = part.reset_index()
    meta = _write_table(part, folder / PART.format(i), "parquet", name)
    return {key: meta[key] for key in ("file", "rows", "sha256", "converted") if key in meta}


def _table_entry(name: str, collection: Any, parts: list[dict[str, Any]]) -> dict[str, Any]:
    meta = collection._meta.reset_index() if name == "snippets" else collection._meta
    entry: dict[str, Any] = {
        "file": name,
        "rows": sum(p["rows"] for p in parts),
        "dtypes": {str(c): str(t) for c, t in meta.dtypes.items()},
        "parts": [{k: p[k] for k in ("file", "rows", "sha256")} for p in parts],
    }
    converted = sorted({c for p in parts for c in p.get("converted", [])})
    if converted:
        entry["converted"] = converted
    return entry


def _move_into_place(tmp: Path, out: Path, previous: set[str] | None) -> None:
    """As :mod:`toolkit.storage` does, for a folder of folders: a new target is ``tmp`` renamed; a
    previous output is renamed aside and deleted; a folder holding other files (written into with
    ``overwrite``) loses its manifest first, then the previous output's entries, and gets the new
    entries with the manifest last, so a reader sees no manifest or a complete output."""
    if not out.exists() and not out.is_symlink():
        os.rename(tmp, out)
        return
    if previous is not None:
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        os.rename(out, old / "replaced")
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
        return
    old_entries = _listed_files(out) or set()
    (out / MANIFEST).unlink(missing_ok=True)
    for name in old_entries:
        if Path(name).name == name and name not in (".", ".."):
            _remove(out / name)
    for entry in sorted(tmp.iterdir(), key=lambda p: p.name == MANIFEST):
        if entry.is_dir():
            _remove(out / entry.name)  # a folder cannot be replaced by a rename while it holds files
        os.replace(entry, out / entry.name)
    tmp.rmdir()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


# -- reading it back --------------------------------------------------------------------------------
def is_partitioned(root: str | os.PathLike[str]) -> bool:
    """Whether ``root`` holds a result written by :func:`write_partitioned`."""
    try:
        manifest = json.loads((Path(root) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("layout") == LAYOUT


def _parts(root: Path, manifest: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, str], list[tuple[Path, Any]]]]:
    """``(table, dtypes, [(part file, its manifest entry)])`` for every table, paths checked to stay inside."""
    for name, meta in manifest["tables"].items():
        folder = meta.get("file") if isinstance(meta, dict) else None
        if not isinstance(name, str) or not TABLE_NAME.match(name) or folder != name:
            raise ResultReadError(f"{root / MANIFEST}: table {name!r} does not name its own folder")
        if not (root / folder).is_dir():
            raise ResultReadError(f"{root}: table {name!r} has no folder {folder!r} (half-written or deleted?)")
        files = []
        for part in meta.get("parts", []):
            file = part.get("file") if isinstance(part, dict) else None
            if not isinstance(file, str) or file != Path(file).name or file in ("", ".", "..") or "\\" in file:
                raise ResultReadError(f"{root / MANIFEST}: table {name!r} names a part outside its folder ({file!r})")
            files.append((root / folder / file, part))
        yield name, dict(meta.get("dtypes", {})), files


def _read_part(file: Path, entry: Mapping[str, Any], dtypes: dict[str, str]) -> pd.DataFrame:
    if not file.is_file():
        raise ResultReadError(f"{file} is missing (half-written or deleted?)")
    if "sha256" in entry and file_hash(file) != entry["sha256"]:
        raise ResultReadError(f"{file} does not match its manifest (changed or half-written); write the result again")
    table = _read_table(file, "parquet", dtypes)
    if "rows" in entry and len(table) != entry["rows"]:
        raise ResultReadError(f"{file} has {len(table)} rows; its manifest says {entry['rows']}")
    return table


def _empty(dtypes: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in dtypes.items()})


def read_partitioned(root: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, Any]]:
    """``(snippets, tables, manifest)`` of a partitioned result folder, as pandas frames."""
    manifest = read_manifest(root)
    tables: dict[str, pd.DataFrame] = {}
    for name, dtypes, files in _parts(root, manifest):
        parts = [_read_part(file, entry, dtypes) for file, entry in files]
        full = [p for p in parts if len(p)]
        tables[name] = (
            pd.concat(full, ignore_index=True) if len(full) > 1 else (full[0] if full else _empty(dtypes))
        ).reset_index(drop=True)
    if "snippets" not in tables:
        raise ResultReadError(f"{root / MANIFEST} lists no snippets table")
    snippets = tables.pop("snippets").set_index(INDEX)
    return snippets, tables, manifest


def read_result_dask(root: str | os.PathLike[str]) -> DaskResult:
    """A partitioned result folder as a lazy :class:`~toolkit.distributed.DaskResult` (a part per partition)."""
    import dask
    import dask.dataframe as dd

    from toolkit.dask_plan import collections_config
    from toolkit.distributed import DaskResult

    path = Path(root)
    if not is_partitioned(path):
        raise ToolkitError(f"{path} is not a partitioned result (written by DaskResult.to_dir)")
    manifest = read_manifest(path)
    collections = {}
    with collections_config():
        for name, dtypes, files in _parts(path, manifest):
            parts = [dask.delayed(_read_part)(file, entry, dtypes) for file, entry in files]
            meta = _empty(dtypes)
            if name == "snippets":
                parts = [dask.delayed(_indexed)(p) for p in parts]
                meta = _indexed(meta)
            collections[name] = dd.from_delayed(parts, meta=meta, verify_meta=False)
    snippets = collections.pop("snippets")
    return DaskResult(snippets, collections, manifest.get("config") or {})


def _indexed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(INDEX)


# -- the command line: snippets run --dask --------------------------------------------------------
@contextmanager
def scheduler(address: str | None) -> Iterator[None]:
    """Dask's scheduler for a ``with`` block: ``threads`` (default), ``processes``, ``synchronous``,
    or the address of a ``distributed`` scheduler (``tcp://host:8786``)."""
    import dask

    if address is None or address in SCHEDULERS:
        with dask.config.set(scheduler=address or "threads"):
            yield
        return
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ToolkitError("--scheduler ADDRESS needs the distributed package (the [dask] extra)") from exc
    # the Client is the default scheduler while it is open (not put in dask.config: a nanny restarting a
    # killed worker pickles the config, and a Client does not pickle)
    with Client(address, timeout="30s"):
        yield


def run_command(args: Any, config: Mapping[str, Mapping[str, Any]], analyses: list[str] | None) -> tuple[Path, Any]:
    """``snippets run --dask``: read ``args.input`` (a folder or glob) as a Dask collection, run, write."""
    import toolkit
    from toolkit.cli_options import COLUMN_OPTIONS
    from toolkit.distributed import run_dask

    if args.format != "parquet":
        raise ToolkitError("--dask writes partitioned Parquet only (leave out --format or use --format parquet)")
    if args.workers != "auto" or args.keep_going:
        raise ToolkitError("--dask runs on Dask's workers: --workers and --keep-going do not apply")
    registry = toolkit.default_registry()
    names = analyses or [name for name, spec in registry.analyses.items() if spec.run_by_default]
    for name in config:
        if name not in names:
            registry.analysis(name)  # a name no plugin registers is an error, as in toolkit.run
    config = {name: values for name, values in config.items() if name in names}
    options = {name: getattr(args, f"{name}_column") for name in COLUMN_OPTIONS if getattr(args, f"{name}_column")}
    if args.input_format:
        options["format"] = args.input_format
    if args.encoding:
        options["encoding"] = args.encoding
    with scheduler(args.scheduler):
        ddf = read_snippets_dask(args.input, **options)
        lazy = run_dask(ddf, names, config=config, registry=registry)
        out = lazy.to_dir(args.out, overwrite=args.overwrite)
    return out, read_manifest(out)
