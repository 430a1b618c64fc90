"""The small-run fast paths give exactly what the general paths give.

A two-snippet ``toolkit.run`` (one per pair when scoring sentence pairs) used to spend most of its
time in fixed costs: pyarrow compiling a regex per call, a pandas groupby for the clusters table,
``snippet_frame``'s pandas round trips, rebuilding outputs that were already as declared. Each
shortcut is checked here against the path it skips, on the same inputs (hypothesis over small
frames of news-like text, hostile characters included), and by counts (no wall-clock limits).
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_dedup import analysis as dedup_analysis
from toolkit_dedup import normalize
from toolkit_dedup.analysis import DedupParams, StoryParams, clusters_table, dedup, stories, stories_table
from toolkit_dedup.grouping import NAT

import toolkit
from toolkit import Context, arrow_regex, frame
from toolkit.executor import check_output
from toolkit.specs import AnalysisSpec, Output

# Pieces of news text and characters where Python's and RE2's ideas of text differ: \v (not RE2
# whitespace), \x1c (Python whitespace), NBSP, letters and digits of other scripts (Cherokee capitals
# lower to code points above the probed range), a ligature and CJK above it, a line break before a tail.
PIECES = [
    "UPDATE 2-",
    "CORRECTED-UPDATE 1-",
    "BREAKING: ",
    "WASHINGTON, Sept 18 (Reuters) - ",
    "LONDON (AP) — ",
    " - Reuters",
    " | Fox News",
    " - Examiner.com",
    " — Daily Star",
    " - said the mayor",
    "...",
    "…",
    "announ...",
    ",",
    " -",
    "U.S.",
    "K.S. Lee",
    "it’s",
    "Korea's",
    "Amrozi accused his brother",
    "of deliberately distorting his evidence",
    "toll rises to 69",
    "4.5 billion",
    "episode 5",
    " ",
    "  ",
    "\n",
    "\t",
    "\v",
    "\v...",
    " \v- AP",
    " \v|\v",
    "\x1c",
    "\u00a0",
    "“quoted”",
    "'",
    ")",
    "]",
    "Ünïcödé ß İ",
    "Ꭰᏸ Ⴀᲀ...",
    "ꭰ",
    "²٣Ⅻ",
    "ﬁnal",
    "中文",
    "😀",
    ".com",
    "x" * 70,
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=8).map("".join) | st.text(max_size=30)
TEXTS = st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=8)


@contextlib.contextmanager
def _arrow_only():
    """A context in which every regex call goes to pyarrow (the general path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(arrow_regex, "MAX_TEXTS", -1)
        yield


# --- arrow_regex: Python's re with RE2's meaning ---------------------------------------------------

PATTERNS = [
    normalize._CUT_END,
    r"\s*" + normalize._CUT_END,
    r"[\pL\pN]\.\.\.[\s\"'”’)\]]*$",
    normalize._TAGS,
    normalize._dateline_pattern(("Reuters", "AP", "AFP")),
    normalize._OUTLET_WORDS,
    r"\s\|\s[^|]{1,60}$",
    r"(^|[^\pL\pN])(\pL)\.",
    r"['’‘‛`´ʼ]",
    r"[^\pL\pN]+",
    normalize.NOT_WORD_RUNS,
    r"\s*[^ ]+$",
    r"x*",
    r"\b\d+\b",
    r"\w+\s\S",
    r"[a-z0-9]$",
    r"\pL\pN",
]
EXTRACT = r"^(?P<body>.*[^\s])\s+[-|–—:]+\s+(?P<tail>[^-|–—:]{1,60})$"


def _python_runs(arr: pa.Array, pattern: str) -> bool:
    return arrow_regex._runs_here(arr, pattern) is not None


@settings(max_examples=150, deadline=None)
@given(values=TEXTS, pattern=st.sampled_from(PATTERNS))
def test_regex_kernels_equal_pyarrow(values, pattern):
    arr = pa.array(values, type=pa.large_string())
    assert arrow_regex.match_substring_regex(arr, pattern).equals(pc.match_substring_regex(arr, pattern))
    for replacement in ("", " ", "<\\0>"):
        got = arrow_regex.replace_substring_regex(arr, pattern, replacement)
        assert got.equals(pc.replace_substring_regex(arr, pattern, replacement)), (values, pattern, replacement)
    if arrow_regex.python_pattern(pattern).groups >= 2:
        got = arrow_regex.replace_substring_regex(arr, pattern, r"\1\2")
        assert got.equals(pc.replace_substring_regex(arr, pattern, r"\1\2"))


@settings(max_examples=150, deadline=None)
@given(values=TEXTS)
def test_extract_equals_pyarrow(values):
    arr = pa.array(values, type=pa.large_string())
    assert arrow_regex.extract_regex(arr, EXTRACT).equals(pc.extract_regex(arr, EXTRACT))


def _pairs():
    """Every piece, and every two pieces joined: the characters next to each other where the
    engines could part (\v before an ellipsis, a line break before a tail...), in calls of
    ``MAX_TEXTS`` strings so each runs in Python."""
    probed = [p for p in PIECES if max(p) < chr(arrow_regex.LIMIT)]  # a string beyond sends its call to pyarrow
    texts = probed + [a + b for a in probed for b in probed]
    step = arrow_regex.MAX_TEXTS
    return [pa.array(texts[i : i + step], type=pa.large_string()) for i in range(0, len(texts), step)]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_regex_kernels_equal_pyarrow_on_every_pair_of_pieces(pattern):
    for arr in _pairs():
        assert _python_runs(arr, pattern)
        assert arrow_regex.match_substring_regex(arr, pattern).equals(pc.match_substring_regex(arr, pattern))
        for replacement in ("", "<\\0>"):
            assert arrow_regex.replace_substring_regex(arr, pattern, replacement).equals(
                pc.replace_substring_regex(arr, pattern, replacement)
            )


@settings(max_examples=100, deadline=None)
@given(values=TEXTS)
def test_word_gaps_pattern_replaces_like_every_non_word_run(values):
    arr = pa.array(values, type=pa.large_string())
    want = pc.replace_substring_regex(arr, r"[^\pL\pN]+", " ")
    assert pc.replace_substring_regex(arr, normalize.NOT_WORD_RUNS, " ").equals(want)


def test_word_gaps_pattern_on_every_pair_of_pieces():
    for arr in _pairs():
        want = pc.replace_substring_regex(arr, r"[^\pL\pN]+", " ")
        assert pc.replace_substring_regex(arr, normalize.NOT_WORD_RUNS, " ").equals(want)


def test_extract_equals_pyarrow_on_every_pair_of_pieces():
    for arr in _pairs():
        assert arrow_regex.extract_regex(arr, EXTRACT).equals(pc.extract_regex(arr, EXTRACT))


def test_python_runs_short_text_and_pyarrow_the_rest():
    short = pa.array(["The U.S. said it’s ready - Reuters", None, ""], type=pa.large_string())
    assert _python_runs(short, PATTERNS[7])
    assert not _python_runs(pa.array(["a" * (arrow_regex.MAX_CHARS + 1)]), PATTERNS[7])  # RE2: linear time
    assert not _python_runs(pa.array(["中文 text"]), PATTERNS[7])  # beyond the probed classes
    assert not _python_runs(pa.array(["x"] * (arrow_regex.MAX_TEXTS + 1)), PATTERNS[7])
    assert not _python_runs(short, r"\p{Greek}")  # syntax the translation does not know
    assert not _python_runs(short, r"(?i)news")
    assert not _python_runs(short, r"a{,3}")  # a literal in RE2, a repetition in Python


def test_unicode_classes_are_the_ones_re2_uses():
    chars = [chr(c) for c in range(arrow_regex.LIMIT)]
    arr = pa.array(chars, type=pa.large_string())
    for name in ("L", "N"):
        want = pc.match_substring_regex(arr, rf"^\p{name}$").to_pylist()
        compiled = arrow_regex.python_pattern(rf"^\p{name}$")
        got = [compiled.search(c) is not None for c in chars]
        assert got == want
        assert sum(got) > (100 if name == "N" else 5_000)


def test_global_replace_follows_re2_after_an_empty_match():
    arr = pa.array(["xyz", "", "axxb"], type=pa.large_string())
    got = arrow_regex.replace_substring_regex(arr, "x*", "-")
    assert got.to_pylist() == ["-y-z-", "-", "-a-b-"]
    assert got.equals(pc.replace_substring_regex(arr, "x*", "-"))


def test_a_bad_rewrite_fails_as_pyarrow_does():
    arr = pa.array(["abc"], type=pa.large_string())
    with pytest.raises(pa.ArrowInvalid):
        arrow_regex.replace_substring_regex(arr, "b", r"\1")


# --- normalise: the same keys whichever engine runs the regexes ---------------------------------


@settings(max_examples=120, deadline=None)
@given(texts=TEXTS)
def test_normalise_small_path_equals_pyarrow(texts):
    fast = normalize.normalise(texts, outlets=("Daily Star",), agencies=("AP",))
    with _arrow_only():
        slow = normalize.normalise(texts, outlets=("Daily Star",), agencies=("AP",))
    for field in ("keys", "tail", "body_keys"):
        assert getattr(fast, field).equals(getattr(slow, field)), field
    for field in ("cut_off", "is_na", "n_words"):
        assert np.array_equal(getattr(fast, field), getattr(slow, field)), field


def test_a_two_snippet_run_compiles_no_regex_in_pyarrow(monkeypatch):
    calls = []
    for name in ("match_substring_regex", "replace_substring_regex", "extract_regex"):
        real = getattr(pc, name)
        monkeypatch.setattr(pc, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    pair = toolkit.snippet_frame(
        [
            {"snippet_id": "1", "text": "UPDATE 1-Quake toll rises to 69 - Reuters"},
            {"snippet_id": "2", "text": "WASHINGTON (Reuters) - Quake toll rises to 69, officials say..."},
        ]
    )
    result = toolkit.run(pair, ["dedup"])
    assert result.snippets["cluster_id"].tolist() == ["c:1", "c:1"]
    assert calls == []


# --- snippet_frame: plain records built directly --------------------------------------------------

ID = st.text(min_size=1, max_size=6) | st.sampled_from(["1", "2", "s1", " a", "b ", "", "a\u00a0", "é", "a\ud800b"])
RECORD_KEYS = st.sampled_from(
    [
        ("text",),
        ("snippet_id", "text"),
        ("id", "text"),
        ("snippet_id", "text", "source", "url", "title"),
        ("id", "text", "title"),
    ]
)


@st.composite
def records(draw):
    keys = draw(RECORD_KEYS)
    n = draw(st.integers(1, 5))
    out = []
    for _ in range(n):
        rec = {}
        for key in keys:
            if key in ("snippet_id", "id"):
                rec[key] = draw(ID)
            else:
                rec[key] = draw(st.one_of(TEXT, st.sampled_from(["\ud800 cut emoji", ""])))
        out.append(rec)
    if draw(st.booleans()):
        return [r["text"] for r in out]  # a list of strings
    return out


def _general(data, **kw):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(frame, "_plain_records", lambda *a: None)
        return _outcome(data, **kw)


def _outcome(data, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = toolkit.snippet_frame(data, **kw)
        except toolkit.SnippetInputError as exc:
            return ("error", str(exc)), []
    return got, sorted(str(w.message) for w in caught)


@settings(max_examples=200, deadline=None)
@given(data=records(), prefix=st.sampled_from(["s", "doc-"]))
def test_snippet_frame_plain_records_equal_the_general_path(data, prefix):
    fast, fast_warnings = _outcome(data, id_prefix=prefix)
    slow, slow_warnings = _general(data, id_prefix=prefix)
    assert fast_warnings == slow_warnings
    if isinstance(slow, tuple):
        assert fast == slow
    else:
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        assert fast.index.name == "snippet_id"


def test_plain_records_take_the_direct_path():
    data = [{"snippet_id": "1", "text": "Quake toll rises"}, {"snippet_id": "2", "text": "Toll rises"}]
    assert frame._plain_records(data, "s") is not None
    assert frame._plain_records([{"text": 1}], "s") is None  # converted with a warning: general path
    assert frame._plain_records([{"text": "a", "lang": "en"}], "s") is None  # a user column
    assert frame._plain_records([{"snippet_id": "1", "text": "a"}] * 2, "s") is None  # duplicate ids


# --- the summary tables: NumPy reductions equal to the pandas groupby they replace ---------------


def _groupby_clusters_table(frame_, columns, pub, level):
    """The clusters table as the groupby of earlier versions built it (the reference)."""
    df = pd.DataFrame(
        {
            "cluster_id": columns["cluster_id"].to_numpy(dtype=object),
            "is_rep": columns["representative"].to_numpy(dtype=bool),
            "sid": frame_.index.astype(str).to_numpy(dtype=object),
            "sim": columns["similarity"].to_numpy(dtype="float64", na_value=np.nan),
            "source": _reference_sources(frame_),
            "pub": dedup_analysis._published(pub),
        }
    )
    g = df.groupby("cluster_id", sort=False)
    out = pd.DataFrame(
        {
            "size": g.size(),
            "n_sources": g["source"].nunique(dropna=True),
            "known_sources": g["source"].count(),
            "first_published": g["pub"].min(),
            "last_published": g["pub"].max(),
            "min_similarity": g["sim"].min(),
        }
    )
    reps = df.loc[df["is_rep"], ["cluster_id", "sid"]].set_index("cluster_id")["sid"]
    out["representative_id"] = reps.reindex(out.index)
    out["n_sources"] = out["n_sources"].where(out["known_sources"] > 0)
    out = out.reset_index()
    out["snippet_id"] = out["representative_id"]
    out["level"] = level
    declared = dedup_analysis.CLUSTERS_COLUMNS
    return pd.DataFrame({c: out[c].astype(d) for c, d in declared.items()})[list(declared)].reset_index(drop=True)


def _reference_sources(frame_):
    if "source" not in frame_.columns:
        return None
    return frame_["source"].astype("string").str.strip().str.lower().to_numpy(dtype=object, na_value=None)


@st.composite
def clustered_frames(draw):
    n = draw(st.integers(1, 12))
    ids = [f"n{i}" for i in range(n)]
    labels = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    sources = draw(
        st.lists(st.sampled_from([None, "Reuters", " reuters ", "AP", "ap", "BBC\u00a0", ""]), min_size=n, max_size=n)
    )
    days = draw(st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=n, max_size=n))
    sims = draw(st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=n, max_size=n))
    published = [None if d is None else f"2024-01-{d + 1:02d}T00:00:00Z" for d in days]
    data = {"text": pd.array(["x"] * n, dtype="string"), "published_at": pd.to_datetime(published, utc=True)}
    if draw(st.booleans()):
        data["source"] = pd.array(sources, dtype="string")
    fr = pd.DataFrame(data, index=pd.Index(ids, dtype="string", name="snippet_id"))
    first = {}
    for i, label in enumerate(labels):
        first.setdefault(label, i)
    rep = [first[label] for label in labels]
    columns = pd.DataFrame(
        {
            "cluster_id": pd.array([f"c:{ids[r]}" for r in rep], dtype="string"),
            "representative": pd.array([r == i for i, r in enumerate(rep)], dtype="boolean"),
            "similarity": pd.array(sims, dtype="Float64"),
        },
        index=fr.index,
    )
    ns = np.array(
        [NAT if d is None else int(pd.Timestamp(p).value) for d, p in zip(days, published, strict=True)], dtype=np.int64
    )
    return fr, columns, ns


@settings(max_examples=150, deadline=None)
@given(case=clustered_frames(), level=st.sampled_from(["exact", "near", "fact"]))
def test_clusters_table_equals_the_groupby(case, level):
    fr, columns, ns = case
    pd.testing.assert_frame_equal(
        clusters_table(fr, columns, ns, level), _groupby_clusters_table(fr, columns, ns, level), check_exact=True
    )


def _groupby_stories_table(frame_, story_ids, rep_ids, unit, pub, method):
    df = pd.DataFrame(
        {
            "story_id": story_ids,
            "rep": rep_ids,
            "unit": unit,
            "source": _reference_sources(frame_),
            "pub": dedup_analysis._published(pub),
        }
    )
    g = df.groupby("story_id", sort=False)
    out = pd.DataFrame(
        {
            "size": g.size(),
            "representative_id": g["rep"].first(),
            "n_clusters": g["unit"].nunique(),
            "n_sources": g["source"].nunique(dropna=True),
            "known": g["source"].count(),
            "first_published": g["pub"].min(),
            "last_published": g["pub"].max(),
        }
    )
    out["n_sources"] = out["n_sources"].where(out["known"] > 0)
    out = out.reset_index()
    out["snippet_id"] = out["representative_id"]
    out["method"] = method
    return pd.DataFrame({c: out[c].astype(d) for c, d in dedup_analysis.STORIES_COLUMNS.items()})


@settings(max_examples=100, deadline=None)
@given(case=clustered_frames(), units=st.lists(st.integers(0, 4), min_size=12, max_size=12))
def test_stories_table_equals_the_groupby(case, units):
    fr, columns, ns = case
    story_ids = columns["cluster_id"].to_numpy(dtype=object)
    rep_ids = np.array([s[2:] for s in story_ids], dtype=object)
    unit = np.asarray(units[: len(fr)], dtype=np.int64)
    pd.testing.assert_frame_equal(
        stories_table(fr, story_ids, rep_ids, unit, ns, "lexical"),
        _groupby_stories_table(fr, story_ids, rep_ids, unit, ns, "lexical"),
        check_exact=True,
    )


# --- whole runs: small frames give what the general paths give -----------------------------------


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.sampled_from(PIECES[:25]) | TEXT, min_size=1, max_size=6),
    level=st.sampled_from(["exact", "near"]),
)
def test_small_dedup_and_stories_runs_equal_the_general_paths(texts, level):
    fr = pd.DataFrame(
        {
            "text": pd.array(texts, dtype="string"),
            "source": pd.array(["Reuters", None, "AP"] * 2, dtype="string")[: len(texts)],
        },
        index=pd.Index([f"n{i}" for i in range(len(texts))], dtype="string", name="snippet_id"),
    )
    fast = dedup(fr, DedupParams(level=level), Context())
    fast_stories = stories(fr, StoryParams(), Context())
    with _arrow_only():
        slow = dedup(fr, DedupParams(level=level), Context())
        slow_stories = stories(fr, StoryParams(), Context())
    pd.testing.assert_frame_equal(fast.columns, slow.columns, check_exact=True)
    pd.testing.assert_frame_equal(fast.tables["clusters"], slow.tables["clusters"], check_exact=True)
    pd.testing.assert_frame_equal(fast_stories.columns, slow_stories.columns, check_exact=True)
    pd.testing.assert_frame_equal(fast_stories.tables["stories"], slow_stories.tables["stories"], check_exact=True)


# --- the output check: outputs already as declared are kept, not rebuilt -------------------------

SPEC = AnalysisSpec(
    name="tiny",
    func=lambda frame, params, context: Output(),
    columns={"label": "string", "score": "Float64"},
    tables={"rows": {"snippet_id": "string", "value": "Int64"}},
)


def _checked(output, fr, rebuild):
    with pytest.MonkeyPatch.context() as mp:
        if rebuild:
            mp.setattr("toolkit.executor._as_declared", lambda *a: False)
        return check_output(SPEC, fr, output)


@pytest.mark.parametrize(
    "table",
    [
        pd.DataFrame({"snippet_id": pd.array(["a", "b"], dtype="string"), "value": pd.array([1, 2], dtype="Int64")}),
        pd.DataFrame({"value": [1, 2], "snippet_id": ["a", "b"], "extra": [0.5, 1.5]}, index=[5, 6]),
        pd.DataFrame(
            {"snippet_id": pd.array(["b", None], dtype="string"), "value": pd.array([3, None], dtype="Int64")}
        ),
    ],
)
@pytest.mark.parametrize("as_declared", [True, False])
def test_check_output_keeps_declared_outputs_equal_to_the_rebuild(table, as_declared):
    fr = toolkit.snippet_frame([{"snippet_id": "a", "text": "one"}, {"snippet_id": "b", "text": "two"}])
    columns = pd.DataFrame(
        {"label": pd.array(["x", None], dtype="string"), "score": pd.array([0.5, None], dtype="Float64")},
        index=fr.index,
    )
    if not as_declared:
        columns = pd.DataFrame({"score": [0.5, np.nan], "label": ["x", None]}, index=fr.index[::-1])
    output = Output(columns=columns, tables={"rows": table})
    fast_columns, fast_tables = _checked(output, fr, rebuild=False)
    slow_columns, slow_tables = _checked(output, fr, rebuild=True)
    pd.testing.assert_frame_equal(fast_columns, slow_columns, check_exact=True)
    pd.testing.assert_frame_equal(fast_tables["rows"], slow_tables["rows"], check_exact=True)
    assert fast_columns is not columns  # a shallow copy: the analysis's own frame is not published


# --- large-collection shortcuts of the near level: equal to the plain computations ----------------


def test_normalise_skipping_rows_no_pass_can_change_equals_full_passes():
    probed = [p for p in PIECES if max(p) < chr(arrow_regex.LIMIT)]
    texts = [a + b for a in probed[:20] for b in probed[:20]] + [None, ""]  # beyond MAX_TEXTS: pyarrow
    fast = normalize.normalise(texts)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(normalize, "_on_rows", lambda t, rows, replace: replace(t))
        slow = normalize.normalise(texts)
    assert fast.keys.equals(slow.keys) and fast.body_keys.equals(slow.body_keys) and fast.tail.equals(slow.tail)
    assert np.array_equal(fast.cut_off, slow.cut_off) and fast.cut_off.any()


@settings(max_examples=100, deadline=None)
@given(
    labels=st.lists(st.integers(0, 5), min_size=1, max_size=30),
    days=st.lists(st.integers(0, 3), min_size=30, max_size=30),
    cut=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_representatives_by_rank_equal_pick_first(labels, days, cut):
    from toolkit_dedup.graph import pick_first
    from toolkit_dedup.grouping import Nodes

    n = len(labels)
    texts = [f"quake toll {d}" if d else None for d in days[:n]]
    fr = pd.DataFrame(
        {
            "text": pd.array(texts, dtype="string"),
            "published_at": pd.to_datetime([f"2024-01-0{d + 1}" for d in days[:n]], utc=True),
        },
        index=pd.Index([f"n{(i * 7) % n}-{i}" for i in range(n)], dtype="string", name="snippet_id"),
    )
    keys = pa.array([t.lower() if t else None for t in texts], type=pa.large_string())
    nodes = Nodes.build(fr, keys, np.asarray(cut[:n]), np.ones(n, dtype=np.int64))
    groups = np.asarray(labels, dtype=np.int64)
    assert np.array_equal(nodes.snippet_rep(groups), pick_first(groups, *nodes.rule))


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=12))
def test_exact_containment_equals_python_sets(pairs):
    from toolkit_dedup import minhash

    keys = pa.array(
        ["quake toll rises to 69", "toll rises", "quake", "", "a", "quake toll rises to 72 in nepal", "ab", "zzzzzzzz"],
        type=pa.large_string(),
    )
    x = np.array([p[0] for p in pairs], dtype=np.int64)
    y = np.array([p[1] for p in pairs], dtype=np.int64)
    got = minhash.exact_containment(keys, x, y)

    def shingles(i):
        _doc, h = minhash.shingle_hashes(keys.take(pa.array([i])))
        return set(h.tolist())

    want = [len(shingles(a) & shingles(b)) / len(shingles(a)) if shingles(a) else 0.0 for a, b in pairs]
    assert got.tolist() == want


def _densify_round_by_round(sig, probe):
    """The densification as first written (every waiting cell's row and column carried along)."""
    n, m = sig.shape
    flat = sig.reshape(-1)
    empty = flat == 0xFFFFFFFF
    cells = np.flatnonzero(empty)
    full_rows = np.flatnonzero(empty.reshape(n, m).all(axis=1))
    cells = cells[~np.isin(cells // m, full_rows)]
    rows, cols = cells - cells % m, cells % m
    for r in range(len(probe)):
        src = rows + probe[r, cols]
        ok = ~empty[src]
        flat[cells[ok]] = flat[src[ok]]
        cells, rows, cols = cells[~ok], rows[~ok], cols[~ok]
    first = np.argmax(~empty.reshape(n, m), axis=1)
    flat[cells] = flat[rows + first[rows // m]]


@pytest.mark.parametrize("filled", [0.0, 0.01, 0.3, 0.9])
def test_densify_equals_the_round_by_round_version(filled):
    from toolkit_dedup import minhash

    rng = np.random.default_rng(7)
    sig = rng.integers(0, 2**31, size=(300, 64), dtype=np.uint32)
    sig[rng.random(sig.shape) >= filled] = 0xFFFFFFFF
    sig[5] = 0xFFFFFFFF  # a row without shingles stays empty
    sig[6] = 0xFFFFFFFF
    sig[6, 3] = 17  # one shingle: most cells take it from the fallback
    probe = minhash._probe_table(64, 1)
    want, got = sig.copy(), sig.copy()
    _densify_round_by_round(want, probe)
    minhash._densify(got, probe)
    assert np.array_equal(got, want)
