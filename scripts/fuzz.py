"""A bounded, seeded fuzz run of the readers and of every default analysis (issue 16, "Show").

    .venv/bin/python scripts/fuzz.py --files 2000 --texts 2000 [--seed 16] [--keep crashes/]

Two parts, each counting what it tried and what went wrong:

- **readers**: byte-level mutations (bit flips, hostile bytes such as ``\\xff``, NUL, BOMs, lone CR,
  U+2028, quotes and braces, deleted, duplicated and truncated spans, gzip wrapping) of clean .txt,
  .csv, .jsonl and .json files, each read with ``toolkit.read_snippets``. A ``SnippetInputError`` is a
  clear error (counted, fine); any other exception is a **crash**. A read that succeeds must keep every
  row: the rows are counted independently (non-blank lines for .txt and .jsonl, ``csv`` module rows
  for .csv), and a shortfall is **rows lost**.
- **analyses**: random texts (news fragments mixed with hostile characters: line/paragraph separators,
  zero-width and combining marks, RTL text, surrogate-free astral characters, digits of other scripts,
  unbalanced quotes, long runs) in frames of 50, run through every default analysis with
  ``on_error="continue"``. A failed analysis is a **crash**; a snippet missing from the result is
  **rows lost**; a span (``start``/``end``, ``*_start``/``*_end``) outside its text, or whose slice
  differs from the column it spans (``text``, ``speaker``, ``cue``, ``counted``), is a **span violation**.

Exit status 1 when anything crashed, lost rows or broke a span. ``--keep DIR`` saves each failing input.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import sys
import tempfile
import traceback
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

import toolkit
from toolkit.errors import SnippetInputError

FRAGMENTS = [
    "South Korea's spy agency said Friday it had confirmed that a North Korean soldier had been captured.",
    "“Through various sources,” the JCS said — around 1,100 casualties.",
    'Mr. Lee told reporters on Dec. 26 that "up to 15,000 troops" were deployed, according to NIS.',
    "The ministry said 3.5% of the €50 billion aid package, or about $2bn, arrived last week.",
    "On 1 January 2025, President Zelenskyy said between 300 and 400 soldiers died, officials said.",
    "Prices rose 12 per cent in 2023, from 1.2m to 1.5 million units, the agency reported yesterday.",
]
HOSTILE = [
    "\u2028",
    "\u2029",
    "\x0c",
    "\x85",
    "\x0b",
    "\r",
    "\r\n",
    "\t",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "\u202e",
    "שלום",
    "مرحبا",
    "१२३",
    "৩০ ৩০০",
    "𝟏𝟐",
    "\U0001f600",
    "\U0001f1f0\U0001f1f7",
    '"',
    "“",
    "‘",
    "'",
    "(",
    ")",
    "[",
    "—",
    "…",
    "=",
    "@",
    "\\N",
    "1e400",
    "10000",
    "0",
    "-",
    "Dec.",
    "Jan",
    "U.S.",
    "said",
    "according to",
]
HOSTILE_BYTES = [
    b"\xff",
    b"\xfe",
    b"\x00",
    b"\xc3",
    b"\xed\xa0\xbd",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\r",
    b"\n",
    b"\n\n",
    b'"',
    b"{",
    b"}",
    b",",
    b"\\",
    b"\\ud83d",
    b"\xe2\x80\xa8",
    b"\x85",
    b"\t",
    b" ",
]


# -- readers -------------------------------------------------------------------------------------
def clean_files() -> dict[str, bytes]:
    rows = [{"id": f"n{i}", "text": t, "source": ["AP", "Yonhap", None][i % 3]} for i, t in enumerate(FRAGMENTS)]
    out = io.StringIO()
    writer = csv.DictWriter(out, ["id", "text", "source"])
    writer.writeheader()
    writer.writerows(rows)
    return {
        ".txt": "\n".join(FRAGMENTS).encode(),
        ".csv": out.getvalue().encode(),
        ".jsonl": "\n".join(json.dumps(r, ensure_ascii=i % 2 == 0) for i, r in enumerate(rows)).encode(),
        ".json": json.dumps(rows).encode(),
    }


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice(HOSTILE_BYTES)
        elif op == 2 and buf:
            del buf[pos : pos + rng.randint(1, 20)]
        elif op == 3 and buf:
            buf[pos:pos] = buf[max(0, pos - rng.randint(1, 40)) : pos]
        elif op == 4:
            del buf[pos:]
        else:
            buf[pos:pos] = rng.choice(HOSTILE).encode("utf-8")
    return bytes(buf)


def expected_rows(data: bytes, suffix: str, frame: pd.DataFrame) -> int | None:
    """Rows counted without the toolkit's readers (None: no independent count for this format)."""
    text = data.decode("utf-8", errors="replace")
    if suffix == ".txt":
        return sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())
    if suffix == ".jsonl":
        return sum(1 for line in text.split("\n") if line.strip())
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        return max(0, sum(1 for row in rows if any(cell.strip() for cell in row)) - 1)
    if suffix == ".json":
        try:
            data = json.loads(text.lstrip("\ufeff"), strict=False)
        except ValueError:
            return None
        return len(data) if isinstance(data, list) else None
    return None


def fuzz_readers(n: int, rng: random.Random, keep: Path | None) -> dict[str, Any]:
    counts = {"tried": 0, "read": 0, "clear errors": 0, "crashes": 0, "rows lost": 0}
    examples: list[str] = []
    seeds = clean_files()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            suffix = rng.choice(sorted(seeds))
            data = mutate(seeds[suffix], rng)
            gz = rng.random() < 0.1
            path = Path(tmp) / f"input{i}{suffix}{'.gz' if gz else ''}"
            packed = gzip.compress(data) if gz else data
            path.write_bytes(mutate(packed, rng) if gz and rng.random() < 0.3 else packed)  # corrupt gzip too
            counts["tried"] += 1
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = toolkit.read_snippets(path)
            except SnippetInputError:
                counts["clear errors"] += 1
                continue
            except Exception as exc:
                counts["crashes"] += 1
                examples.append(f"crash: {path.name}: {type(exc).__name__}: {exc}"[:300])
                _keep(keep, path)
                continue
            counts["read"] += 1
            expected = expected_rows(gzip.decompress(packed) if gz else data, suffix, frame)
            if expected is not None and len(frame) < expected:
                counts["rows lost"] += 1
                examples.append(f"rows lost: {path.name}: {len(frame)} of {expected}")
                _keep(keep, path)
    return {"counts": counts, "examples": examples}


def _keep(keep: Path | None, path: Path) -> None:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / path.name).write_bytes(path.read_bytes())


# -- analyses ------------------------------------------------------------------------------------
def random_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 12)):
        roll = rng.random()
        if roll < 0.4:
            fragment = rng.choice(FRAGMENTS)
            cut = sorted(rng.sample(range(len(fragment) + 1), 2))
            parts.append(fragment[cut[0] : cut[1]] if rng.random() < 0.3 else fragment)
        elif roll < 0.8:
            parts.append(rng.choice(HOSTILE))
        elif roll < 0.95:
            parts.append("".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 8))))
        else:
            parts.append(rng.choice(HOSTILE) * rng.randint(50, 400))
    return rng.choice(["", " "]).join(parts)


SPAN_TEXT = {"": "text", "speaker_": "speaker", "cue_": "cue", "counted_": "counted"}


def span_violations(table: pd.DataFrame, texts: pd.Series) -> list[str]:
    problems = []
    starts = [c for c in table.columns if c == "start" or c.endswith("_start")]
    for start in starts:
        prefix = start[: -len("start")]
        end = prefix + "end"
        if end not in table.columns or not pd.api.types.is_integer_dtype(table[start].dtype):
            continue
        spanned = SPAN_TEXT.get(prefix)
        for row in table.itertuples(index=False):
            record = row._asdict()
            s, e = record[start], record[end]
            if pd.isna(s) or pd.isna(e):
                continue
            text = texts.get(record["snippet_id"])
            if not isinstance(text, str) or not 0 <= s <= e <= len(text):
                problems.append(f"{start}/{end} = {s}/{e} outside snippet {record['snippet_id']!r}")
            elif spanned in record and isinstance(record[spanned], str) and text[s:e] != record[spanned]:
                problems.append(f"{start}/{end} slices {text[s:e]!r}, not {spanned} {record[spanned]!r}")
    return problems


def fuzz_analyses(n: int, rng: random.Random, keep: Path | None, batch: int = 50) -> dict[str, Any]:
    counts = {"tried": 0, "runs": 0, "crashes": 0, "rows lost": 0, "span violations": 0, "spans checked": 0}
    examples: list[str] = []
    config = {"timeline": {"reference_date": "2024-12-27"}}
    analyses = None  # every default analysis
    done = 0
    while done < n:
        size = min(batch, n - done)
        texts = [random_text(rng) for _ in range(size)]
        done += size
        counts["tried"] += size
        counts["runs"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = toolkit.snippet_frame(texts)
            try:
                result = toolkit.run(frame, analyses, config=config, on_error="continue")
            except Exception as exc:
                counts["crashes"] += 1
                examples.append(f"crash: run raised {type(exc).__name__}: {exc}"[:300])
                _keep_texts(keep, texts, counts["runs"])
                continue
        for record in result.errors:
            counts["crashes"] += 1
            examples.append(f"crash: {record.analysis} {record.status}: {record.error}"[:300])
            _keep_texts(keep, texts, counts["runs"])
        if len(result.snippets) != len(frame) or not result.snippets.index.equals(frame.index):
            counts["rows lost"] += len(frame) - len(result.snippets.index.intersection(frame.index))
        for name, table in result.tables.items():
            if "snippet_id" not in table.columns:
                continue
            counts["spans checked"] += len(table)
            for problem in span_violations(table, frame["text"]):
                counts["span violations"] += 1
                examples.append(f"span: {name}: {problem}"[:300])
    return {"counts": counts, "examples": examples}


def _keep_texts(keep: Path | None, texts: list[str], run: int) -> None:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"texts-run{run}.json").write_text(json.dumps(texts), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500, help="mutated files to read")
    parser.add_argument("--texts", type=int, default=500, help="random texts to analyse")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--keep", type=Path, help="save failing inputs here")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    bad = 0
    for part, run in (("readers", fuzz_readers), ("analyses", fuzz_analyses)):
        n = args.files if part == "readers" else args.texts
        if n <= 0:
            continue
        try:
            report = run(n, rng, args.keep)
        except Exception:
            traceback.print_exc()
            return 2
        counts = report["counts"]
        print(f"{part}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for example in report["examples"][:10]:
            print("   ", example)
        bad += counts["crashes"] + counts["rows lost"] + counts.get("span violations", 0)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
