"""Hostile input files for issue 16, generated at test time (no checked-in binaries).

Each ``write_*`` function writes one file into the folder it is given and returns its path, so a
test (or ``scripts/fuzz.py``) gets a fresh copy in ``tmp_path``. The bytes are spelled out here on
purpose: each is the smallest file that reproduced a failure of the hostile-input probe.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd

#: A 23-digit id and its neighbour: as floats they were the same number.
BIG_IDS = ("12345678901234567890123", "12345678901234567890124")
#: 2**53 + 1: the first integer a float cannot hold.
UNSAFE_ID = "9007199254740993"


def write_invalid_utf8_jsonl(folder: Path) -> Path:
    """Invalid UTF-8 in the text, the source and the id of a JSON Lines file (Arrow's fast path)."""
    path = folder / "invalid_utf8.jsonl"
    path.write_bytes(
        b'{"id": "a\xff", "text": "caf\xe9 bad byte", "source": "Yon\xc3hap"}\n'
        b'{"id": "b", "text": "clean line", "source": "AP"}\n'
    )
    return path


def write_lone_surrogate_jsonl(folder: Path) -> Path:
    """A truncated emoji (a JSON-escaped lone surrogate) beside a whole one (a valid escaped pair)."""
    path = folder / "surrogate.jsonl"
    path.write_text(
        '{"id": "a", "text": "cut emoji \\ud83d", "source": "web"}\n'
        '{"id": "b", "text": "whole emoji \\ud83d\\ude00"}\n'
        '{"id": "c", "text": "low half first \\ude00 then text"}\n',
        encoding="ascii",
    )
    return path


def write_lone_surrogate_json(folder: Path) -> Path:
    path = folder / "surrogate.json"
    path.write_text('[{"id": "a", "text": "cut \\udc00"}, {"id": "b", "text": "fine"}]', encoding="ascii")
    return path


def write_unicode_line_breaks_txt(folder: Path) -> Path:
    """Three lines whose text holds U+2028, a form feed, NEL, U+2029 and a vertical tab."""
    path = folder / "unicode_breaks.txt"
    path.write_text("first\u2028still first\nsecond\x0cstill\x85second\u2029\nthird\x0bend\n", encoding="utf-8")
    return path


def write_mixed_line_endings_txt(folder: Path) -> Path:
    path = folder / "line_endings.txt"
    path.write_bytes(b"unix\nwindows\r\nold mac\rlast")
    return path


def write_bom_u2028_jsonl(folder: Path) -> Path:
    """A BOM, then a JSON string holding a raw (unescaped) U+2028: valid JSON."""
    path = folder / "bom_u2028.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + '{"text": "a\u2028b"}\n{"text": "c"}\n'.encode())
    return path


def write_ids_jsonl(folder: Path) -> Path:
    """Ids a float or a strip would change: 23 digits, 2**53 + 1, an integer, a decimal, spaces."""
    path = folder / "ids.jsonl"
    rows = [
        f'{{"id": {BIG_IDS[0]}, "text": "a"}}',
        f'{{"id": {BIG_IDS[1]}, "text": "b"}}',
        f'{{"id": {UNSAFE_ID}, "text": "c"}}',
        '{"id": 2, "text": "d"}',
        '{"id": 2.50, "text": "e"}',
        '{"id": " a ", "text": "f"}',
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_int_ids_jsonl(folder: Path) -> Path:
    """Only small integer ids: Arrow's fast path reads them, and "2" must stay "2"."""
    path = folder / "int_ids.jsonl"
    path.write_text('{"id": 2, "text": "a"}\n{"id": 10, "text": "b"}\n', encoding="utf-8")
    return path


def write_ids_csv(folder: Path) -> Path:
    path = folder / "ids.csv"
    path.write_text(f'id,text\n007,a\n" a ",b\n{BIG_IDS[0]},c\n{BIG_IDS[1]},d\n2,e\n', encoding="utf-8")
    return path


def write_both_id_columns_csv(folder: Path) -> Path:
    path = folder / "both_ids.csv"
    path.write_text("snippet_id,id,text\nx,101,first\ny,102,second\n", encoding="utf-8")
    return path


def write_text_and_body_csv(folder: Path) -> Path:
    """A ``text`` column and a ``body`` column: run with ``--text-column body``."""
    path = folder / "text_and_body.csv"
    path.write_text("text,body\nheadline one,body one\nheadline two,body two\n", encoding="utf-8")
    return path


def write_mixed_type_column_jsonl(folder: Path) -> Path:
    """An extra column holding a number in one row and a string in another."""
    path = folder / "mixed_column.jsonl"
    path.write_text(
        '{"text": "Officials said 12 people died.", "extra": 1}\n{"text": "Nothing here.", "extra": "z"}\n',
        encoding="utf-8",
    )
    return path


def write_utf16(folder: Path, variant: str) -> Path:
    """``variant``: ``utf-16`` (with BOM), ``utf-16-be-bom``, ``utf-16-le`` (no BOM), ``utf-32`` (BOM)."""
    text = "id,text\na,Séoul said 12 people died\nb,Second line\n"
    data = {
        "utf-16": codecs_bom("utf-16-le") + text.encode("utf-16-le"),
        "utf-16-be-bom": codecs_bom("utf-16-be") + text.encode("utf-16-be"),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-32": codecs_bom("utf-32-le") + text.encode("utf-32-le"),
    }[variant]
    path = folder / f"{variant}.csv"
    path.write_bytes(data)
    return path


def codecs_bom(encoding: str) -> bytes:
    import codecs

    return {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
    }[encoding]


def write_latin1_txt(folder: Path) -> Path:
    path = folder / "latin1.txt"
    path.write_bytes("Café in Zürich\nNaïve\n".encode("latin-1"))
    return path


def write_gzipped(folder: Path, suffix: str) -> Path:
    """The same two snippets as ``NAME.SUFFIX.gz`` (suffix: jsonl, csv, txt, json)."""
    content = {
        "jsonl": '{"id": "a", "text": "first"}\n{"id": "b", "text": "second"}\n',
        "csv": "id,text\na,first\nb,second\n",
        "txt": "first\nsecond\n",
        "json": json.dumps([{"id": "a", "text": "first"}, {"id": "b", "text": "second"}]),
    }[suffix]
    path = folder / f"snippets.{suffix}.gz"
    path.write_bytes(gzip.compress(content.encode("utf-8")))
    return path


def write_parquet(folder: Path) -> Path:
    path = folder / "snippets.parquet"
    pd.DataFrame({"id": ["a", "b"], "text": ["first", "second"]}).to_parquet(path)
    return path


def write_blank_lines_jsonl(folder: Path) -> Path:
    path = folder / "blank_lines.jsonl"
    path.write_text('{"text": "a"}\n\n   \n{"text": "b"}\n\n', encoding="utf-8")
    return path


def write_symlink_loop(folder: Path) -> Path:
    path = folder / "loop.jsonl"
    os.symlink(path, path)
    return path


def write_broken_symlink(folder: Path) -> Path:
    path = folder / "broken.jsonl"
    os.symlink(folder / "does-not-exist.jsonl", path)
    return path


#: Cells a spreadsheet would run as a formula, and the apostrophe the escape itself uses.
FORMULA_TEXTS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTab first",
    "\rCR first",
    "'=already escaped by hand",
    "'plain apostrophe",
    "plain = not first",
]

#: Text values that changed on a round trip through a text format.
TRICKY_TEXTS = ["\\N", "", "line\nbreak", "lone\rCR", "crlf\r\nend", "NULL", "NaN", "nan", "None", '"quoted"', "inf"]


def write_csv_first_row_longer_than_header(folder: Path) -> Path:
    """Found by scripts/fuzz.py: pandas took the extra leading fields as an index, shifting every column."""
    path = folder / "longer_row.csv"
    path.write_text("id,text\n1,a,b\n2,c\n", encoding="utf-8")
    return path
