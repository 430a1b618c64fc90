"""Attribution across the collection and the shapes news copy uses (issues 10.3, 15, 16.9, 13, 14).

Every sentence here was written for these tests in the styles of wire copy, web copy and
broadcast summaries; none is taken from a data set.
"""

from __future__ import annotations

import threading
import tracemalloc
import warnings

import pandas as pd
import pytest
from toolkit_attribution import AttributionParams, combine_claims, extract_attributions, extract_claims
from toolkit_attribution.extract import extract
from toolkit_attribution.schema import CLAIMS_COLUMNS, CLAIMS_DOCS, SPEAKERS_COLUMNS, SPEAKERS_DOCS

from toolkit import Context, Output


def frame(texts: list[str], **columns: list[str | None]) -> pd.DataFrame:
    data = {"text": pd.array(texts, dtype="string")}
    data.update({k: pd.array(v, dtype="string") for k, v in columns.items()})
    return pd.DataFrame(data, index=pd.Index([f"n{i}" for i in range(len(texts))], dtype="string", name="snippet_id"))


def claims_of(texts: list[str], **columns: list[str | None]) -> list[dict]:
    out = extract_attributions(frame(texts, **columns), AttributionParams(), Context()).tables["claims"]
    recs = out.to_dict("records")
    for r in recs:
        for k, v in r.items():
            if v is pd.NA:
                r[k] = None
    return recs


def row(rec: dict) -> tuple:
    return (rec["speaker"], rec["speaker_canonical"], rec["kind"], rec["content"])


# ----------------------------------------------------------------------------------- issue 15
FAMILIES = [
    # participial and reporting forms
    (
        "Stocks rose on Wednesday, with Fed Chair Jerome Powell saying the economy was strong.",
        [("Fed Chair Jerome Powell", "Jerome Powell", "indirect", "the economy was strong")],
    ),
    (
        "Rates were left on hold, Fed Chair Jerome Powell saying the labour market remained tight.",
        [("Fed Chair Jerome Powell", "Jerome Powell", "indirect", "the labour market remained tight")],
    ),
    (
        "The bridge will reopen next week, with the minister adding that repairs cost $2 million.",
        [("the minister", "minister", "indirect", "repairs cost $2 million")],
    ),
    (
        "A ministry official was quoted as saying that 40 people had been detained.",
        [("A ministry official", "ministry official", "indirect", "40 people had been detained")],
    ),
    (
        "Anadolu news agency reported that the ship had docked in Izmir overnight.",
        [("Anadolu news agency", "Anadolu Agency", "indirect", "the ship had docked in Izmir overnight")],
    ),
    (
        "The striker wrote on Twitter that he was leaving the club at the end of the season.",
        [("The striker", "striker", "indirect", "he was leaving the club at the end of the season")],
    ),
    (
        "The coastal road was shut on Tuesday, the mayor confirming the closure after a landslide.",
        [("the mayor", "mayor", "indirect", "the closure")],
    ),
    # verbs of promise and appeal
    (
        "The president vowed to rebuild the city within a year.",
        [("The president", "president", "indirect", "to rebuild the city within a year")],
    ),
    (
        "The governor promised that schools would reopen on Monday.",
        [("The governor", "governor", "indirect", "schools would reopen on Monday")],
    ),
    (
        "The UN urged both sides to return to talks.",
        [("The UN", "United Nations", "indirect", "both sides to return to talks")],
    ),
    (
        "The finance minister suggested that the fuel tax could be scrapped.",
        [("The finance minister", "finance minister", "indirect", "the fuel tax could be scrapped")],
    ),
    (
        "The central bank forecast that inflation would fall to 2% next year.",
        [("The central bank", "central bank", "indirect", "inflation would fall to 2% next year")],
    ),
    ("Kyiv pledged to keep fighting.", [("Kyiv", "Kyiv", "indirect", "to keep fighting")]),
    (
        "Opposition leaders called for the interior minister to resign.",
        [("Opposition leaders", "opposition leaders", "indirect", "the interior minister to resign")],
    ),
    (
        "The teachers' union called on the government to act before the winter.",
        [("The teachers' union", "teachers' union", "indirect", "the government to act before the winter")],
    ),
    # the same families in other outlets' styles
    (
        "The strike ended after three days, union leader Mick Lynch saying members had won a fair deal.",
        [("union leader Mick Lynch", "Mick Lynch", "indirect", "members had won a fair deal")],
    ),
    (
        "A senior police officer was quoted by local media as saying the suspect had been armed.",
        [("A senior police officer", "senior police officer", "indirect", "the suspect had been armed")],
    ),
    (
        "The singer wrote on Instagram that she was “heartbroken” by the news.",
        [("The singer", "singer", "indirect", "she was “heartbroken” by the news")],
    ),
    (
        'Prime Minister Keir Starmer vowed to "fix the foundations" of the economy.',
        [("Prime Minister Keir Starmer", "Keir Starmer", "indirect", 'to "fix the foundations" of the economy')],
    ),
    (
        "Zelenskyy urged Western allies to speed up deliveries of air defence systems.",
        [
            (
                "Zelenskyy",
                "Volodymyr Zelenskyy",
                "indirect",
                "Western allies to speed up deliveries of air defence systems",
            )
        ],
    ),
    (
        "Environmental groups called for an immediate ban on the pesticide.",
        [("Environmental groups", "Environmental groups", "indirect", "an immediate ban on the pesticide")],
    ),
    (
        "Russia said 300 soldiers had been killed, while Ukraine put the number at 3,000.",
        [
            ("Russia", "Russia", "indirect", "300 soldiers had been killed"),
            ("Ukraine", "Ukraine", "indirect", "3,000"),
        ],
    ),
    (
        "According to documents seen by The Guardian, the contract was worth £40m.",
        [("documents seen by The Guardian", None, "according_to", "the contract was worth £40m")],
    ),
    # long titled speakers kept whole
    (
        "Civil Defense Officer-in-Charge Assistant Secretary Maria Santos IV said 12 families had been evacuated.",
        [
            (
                "Civil Defense Officer-in-Charge Assistant Secretary Maria Santos IV",
                "Maria Santos IV",
                "indirect",
                "12 families had been evacuated",
            )
        ],
    ),
    # two speakers in one sentence
    (
        "Hamas said 12 hostages would be released, while Israel put the figure at 10.",
        [
            ("Hamas", "Hamas", "indirect", "12 hostages would be released"),
            ("Israel", "Israel", "indirect", "10"),
        ],
    ),
    (
        "Biden said the US would provide $1.2 billion, while Trump called the plan “a disaster”.",
        [
            ("Biden", "Biden", "indirect", "the US would provide $1.2 billion"),
            ("Trump", "Trump", "direct", "a disaster"),
        ],
    ),
    (
        "Biden said the US would provide $1.2 billion, while Trump called the plan 'a disaster'.",
        [
            ("Biden", "Biden", "indirect", "the US would provide $1.2 billion"),
            ("Trump", "Trump", "direct", "a disaster"),
        ],
    ),
    (
        "The mayor said the road would close, but he added that buses would run.",
        [
            ("The mayor", "mayor", "indirect", "the road would close"),
            ("he", "mayor", "indirect", "buses would run"),
        ],
    ),
    # a denial's object is not content
    (
        "The Kremlin denied the report on Monday, saying the troops had never crossed the border.",
        [("The Kremlin", "Kremlin", "indirect", "the troops had never crossed the border")],
    ),
    # sources cut short: the documents are the source, the outlet that saw them is not
    (
        "The suspect was held for two days, according to court documents seen by the BBC.",
        [("court documents seen by the BBC", None, "according_to", "The suspect was held for two days")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), FAMILIES, ids=[t[:48] for t, _ in FAMILIES])
def test_attribution_families(text, expected):
    got = sorted(row(r) for r in claims_of([text]))
    assert got == sorted(expected)


def test_a_name_is_not_a_claim():
    """'called' reports only with an object before a quote: a plan's name is not what it said."""
    assert claims_of(['The plan, called "Way Forward", will cut 4,000 jobs.']) == []
    assert claims_of(['He outlined what he called a "New GM".']) == []


def test_a_document_participle_without_by_ends_the_phrase():
    recs = claims_of(["Exports fell 4%, according to figures released on Friday."])
    assert [r["speaker"] for r in recs] == ["figures"]
    assert recs[0]["speaker_canonical"] is None


def test_absolute_construction_needs_a_speaker_not_a_described_noun():
    # 'the number of people claiming benefits' is no report by 'the number of people'
    recs = claims_of(["According to the agency, the number of people claiming benefits rose 15,000 last week."])
    assert [(r["speaker"], r["cue"]) for r in recs] == [("the agency", "According to")]


# ----------------------------------------------------------------------------------- issue 10.3
def canonicals(texts: list[str], **columns) -> list[tuple[str, str | None]]:
    return [(r["speaker"], r["speaker_canonical"]) for r in claims_of(texts, **columns)]


def test_surname_joins_the_one_full_name_across_outlets():
    got = canonicals(
        [
            "Rishi Sunak said the election would be held on July 4.",  # one outlet
            "Sunak said he was confident of winning.",  # another, no url shared
        ]
    )
    assert got == [("Rishi Sunak", "Rishi Sunak"), ("Sunak", "Rishi Sunak")]


def test_two_people_sharing_a_surname_are_never_linked():
    got = canonicals(
        [
            "John Smith said the plant would close.",
            "Jane Smith said the workers would be paid.",
            "Smith said talks were continuing.",
        ]
    )
    assert got == [("John Smith", "John Smith"), ("Jane Smith", "Jane Smith"), ("Smith", "Smith")]


def test_an_initial_joins_the_one_full_first_name():
    got = canonicals(["Kevin Maurer said the vote was close.", "K. Maurer said the count would resume."])
    assert got[1] == ("K. Maurer", "Kevin Maurer")
    got = canonicals(["John Smith said yes.", "Jane Smith said no.", "J. Smith said maybe later."])
    assert got[2] == ("J. Smith", "J. Smith")  # two J. Smiths: no link


def test_a_shorter_full_name_joins_the_longer_one():
    got = canonicals(
        [
            "Tedros Adhanom said the outbreak was contained.",
            "WHO chief Tedros Adhanom Ghebreyesus said vaccines were on the way.",
            "Adhanom said more funds were needed.",
        ]
    )
    assert {c for _, c in got} == {"Tedros Adhanom Ghebreyesus"}


def test_a_given_name_used_alone_joins_the_one_titled_full_name():
    got = canonicals(
        [
            "Director-General Tedros Adhanom Ghebreyesus said the outbreak was an emergency.",
            "Tedros said the spread in Africa was alarming.",
        ]
    )
    assert got == [
        ("Director-General Tedros Adhanom Ghebreyesus", "Tedros Adhanom Ghebreyesus"),
        ("Tedros", "Tedros Adhanom Ghebreyesus"),
    ]


def test_an_organisation_read_as_a_name_takes_no_given_name():
    got = canonicals(
        ["The CEO of Boeing Commercial Airplanes said orders were up.", "Boeing said deliveries would slip."]
    )
    assert got[1] == ("Boeing", "Boeing")


def test_parenthesised_acronym_is_an_alias_not_part_of_the_name():
    got = canonicals(
        [
            "The quake struck at a depth of 10 km, according to the US Geological Survey (USGS).",
            "The USGS said the magnitude was 6.9.",
            "The US Geological Survey said aftershocks were likely.",
        ]
    )
    assert {c for _, c in got} == {"US Geological Survey"}


def test_an_organisation_before_a_name_is_stripped():
    got = canonicals(["U.N. Samantha Power said the vote was a disgrace.", "Samantha Power said talks would go on."])
    assert [c for _, c in got] == ["Samantha Power", "Samantha Power"]


@pytest.mark.parametrize(
    "text",
    [
        "The statement said the company would appeal the ruling.",
        "According to projection materials, the deficit will widen next year.",
        "According to the latest situation, 40 people were missing.",
        "An SEC filing showed the firm had lost $2 million.",
        "The company lost $1.2bn, according to a filing with the Securities and Exchange Commission (SEC).",
    ],
)
def test_a_document_with_no_issuer_has_no_canonical(text):
    recs = claims_of([text])
    assert len(recs) == 1
    assert recs[0]["speaker_canonical"] is None
    assert recs[0]["speaker_type"] == "document"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("The ministry issued a statement on Monday. The statement said the talks had failed.", "ministry"),
        ("A Pentagon report said 300 troops had been deployed.", "United States Department of Defense"),
        ("The strike cut output by 8%, government data showed on Friday.", "government"),
        ("Data from the Office for National Statistics showed wages rose 5%.", "Office for National Statistics"),
    ],
)
def test_a_document_takes_the_issuer_the_snippet_names(text, canonical):
    recs = claims_of([text])
    assert [r["speaker_canonical"] for r in recs] == [canonical]


def test_speaker_is_the_pronoun_as_written_and_canonical_the_person():
    text = "Finance Minister Ana Duarte met bankers on Friday. She said the budget would be balanced."
    (rec,) = claims_of([text])
    assert (rec["speaker"], rec["antecedent"], rec["speaker_canonical"]) == (
        "She",
        "Ana Duarte",
        "Ana Duarte",
    )
    assert text[rec["speaker_start"] : rec["speaker_end"]] == "She"


def test_a_pronoun_never_resolves_to_a_place_or_a_thing():
    recs = claims_of(["Downing Street said the talks were over. He added that no deal was possible."])
    assert [(r["speaker"], r["speaker_canonical"]) for r in recs] == [
        ("Downing Street", "Downing Street"),
        ("He", None),
    ]


def test_speakers_aliases_hold_names_not_pronouns():
    df = frame(["Mayor Jon Alvik said the tunnel would reopen. He added that repairs cost 2 million."])
    speakers = extract_attributions(df, AttributionParams(), Context()).tables["speakers"]
    assert speakers["aliases"].tolist() == [["Mayor Jon Alvik"]]
    assert speakers["n_claims"].tolist() == [2]


def test_canonical_names_do_not_depend_on_row_order():
    texts = [
        "Rishi Sunak said the election would be held on July 4.",
        "Sunak said he was confident.",
        "John Smith said the plant would close.",
        "Jane Smith said the workers would be paid.",
        "Smith said talks were continuing.",
        "Tedros Adhanom said the outbreak was contained.",
        "Tedros Adhanom Ghebreyesus said vaccines were on the way.",
        "The NIS said the soldier had died, according to the National Intelligence Service (NIS).",
    ]
    forward = {(r["snippet_id"], r["speaker"], r["speaker_canonical"]) for r in claims_of(texts)}
    df = frame(texts).iloc[::-1]
    out = extract_attributions(df, AttributionParams(), Context()).tables["claims"]
    backward = {
        (s, sp, None if pd.isna(c) else c)
        for s, sp, c in zip(out["snippet_id"], out["speaker"], out["speaker_canonical"], strict=True)
    }
    assert forward == backward


# ----------------------------------------------------------------------------------- split, threads
MIXED = [
    "South Korea's spy agency said Friday the soldier had died.",
    '"It has been confirmed," the NIS said in a statement.',
    "The National Intelligence Service (NIS) said it was still checking.",
    "Rishi Sunak said the election would be held on July 4.",
    "Sunak said he was confident.",
    "Nothing to see here.",
    "Downing Street said the talks were over. He added that no deal was possible.",
    "The ministry issued a statement on Monday. The statement said the talks had failed.",
]


def test_extract_on_partitions_gives_what_extract_on_the_whole_gives():
    df = frame(
        MIXED, url=[None, None, None, "u1", "u1", None, None, None], source=["a", "b", "a", "c", "d", None, "e", "f"]
    )
    params, ctx = AttributionParams(), Context()
    whole = combine_claims(df, params, ctx, extract_claims(df, params, ctx))
    parts = [extract_claims(df.iloc[i : i + 3], params, ctx) for i in range(0, len(df), 3)]
    joined = Output(
        tables={
            name: pd.concat([p.tables[name] for p in parts], ignore_index=True) for name in ("_claims", "_acronyms")
        }
    )
    split = combine_claims(df, params, ctx, joined)
    for name in ("claims", "speakers"):
        pd.testing.assert_frame_equal(whole.tables[name], split.tables[name])
    assert len(whole.tables["claims"]) == 8


def test_extract_is_usable_on_a_plain_string():
    (claim,) = extract('"We are ready," the minister said.')
    assert (claim.kind, claim.speaker_start, claim.speaker_end) == ("direct", 16, 28)


def test_one_extractor_shared_by_threads_gives_each_its_own_claims():
    texts = MIXED * 25
    expected = [[(c.speaker_start, c.content_start, c.content_end) for c in extract(t)] for t in texts]
    results: dict[int, list] = {}

    def work(k: int) -> None:
        results[k] = [[(c.speaker_start, c.content_start, c.content_end) for c in extract(t)] for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[k] == expected for k in range(6))
    assert sum(map(len, expected)) > 100  # the property means nothing if nothing was extracted


def test_every_column_has_a_meaning():
    assert set(CLAIMS_DOCS) == set(CLAIMS_COLUMNS)
    assert set(SPEAKERS_DOCS) == set(SPEAKERS_COLUMNS)
    assert all(v.strip() for v in (*CLAIMS_DOCS.values(), *SPEAKERS_DOCS.values()))


def test_spec_declares_its_split_and_highlights():
    from toolkit_attribution import register_analyses

    specs: list = []
    register_analyses(specs.append)
    (spec,) = specs
    assert spec.extract is extract_claims and spec.combine is combine_claims
    assert {(h.table, h.start, h.end, h.label) for h in spec.highlights} == {
        ("claims", "content_start", "content_end", "quote"),
        ("claims", "speaker_start", "speaker_end", "speaker"),
    }
    quote, speaker = spec.highlights
    assert (
        quote.tooltip({"kind": "direct", "speaker": "he", "speaker_canonical": "Ana Duarte"}) == "direct by Ana Duarte"
    )
    assert speaker.tooltip({"speaker_canonical": "Ana Duarte"}) == "speaker: Ana Duarte"


# ----------------------------------------------------------------------------------- issue 16.9
def test_thousands_of_reporting_verbs_are_all_read():
    """No cap: 5,000 reports in one snippet, the last one at its end, and no warning needed."""
    sentence = "Officials said the dam would hold. "
    text = sentence * 5_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = extract(text)
    assert len(got) == 5_000
    assert got[-1].content_end == len(text) - 2


def test_memory_grows_linearly_with_the_snippet():
    """Peak allocation while extracting 4x the text is about 4x, not 16x (counted, not timed)."""
    sentence = 'Officials said the dam would hold. "We are ready," the mayor said, adding that help was coming. '

    def peak(n: int) -> int:
        text = sentence * n
        tracemalloc.start()
        extract(text)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    peak(10)  # warm-up: lexicon and regexes
    small, big = peak(400), peak(1600)
    assert big <= 6 * small
