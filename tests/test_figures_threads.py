"""The figures analyses read many snippets at once from several threads without mixing them up.

Issue 12.1: a shared, cached extractor used to keep the text being read (and what it had found in
it) on itself, so threads reading different snippets lost or changed figure rows. Every test here
compares eight threads against one run in this thread, on news-style snippets written for it.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from toolkit_figures import FiguresParams, figures_from_text

import toolkit

pytestmark = pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning")

SENTENCES = [
    "Officials said up to 15,000 North Korean troops could be deployed to the front.",
    "The death toll rose to 69 on Tuesday, the health ministry said.",
    "Brussels pledged €3.5 billion in aid, while Washington offered $1.2bn.",
    "Turnout was 71.8 per cent, down from 74% in 2019.",
    "Unemployment stood at 4.2% in March, the lowest in 22 years.",
    "Around 1,100 people were evacuated from three villages near the volcano.",
    "A 6.4-magnitude earthquake struck 40km north-east of the city at dawn.",
    "Police arrested 27 people after more than 50,000 protesters marched through Paris.",
    "The Kremlin said 300 soldiers had been killed; Kyiv put the figure at 3,000 troops.",
    "Shares in the company fell 12.5% to 145.2p after it cut its forecast.",
    "The bank lent £250m to the club, which owes a further £40 million.",
    "Between 10 and 20 million viewers tuned in, according to early estimates.",
    "The Fed cut rates by a quarter of a percentage point to between 5.25% and 5.5%.",
    "Some 400 guests came, and 5,000 more watched online; 12 were hurt in a crush.",
    "Rescuers pulled two dozen survivors from the rubble of a six-storey building.",
    "Nearly two-thirds of voters backed the plan, a poll of 2,000 adults found.",
    "The minus 5 degrees overnight froze pipes in 300 homes or more.",
    "Customs seized 2.5 tonnes of cocaine worth an estimated $120 million.",
    "Tickets cost USD 200 each, and the project will cost Rs 500 crore.",
    "One in five adults smokes, down from one in three a decade ago.",
    "Flight 447 was carrying 228 people when it crashed on June 1, 2009.",
    "In England 3.5m people are waiting for treatment, the NHS said on 12 March.",
    "The fund returned $-12.50 per share, while revenue reached $4.2bn…",
    "A 100,000-strong crowd gathered, and at least 30-odd arrests were made.",
    "Prices rose 3.2 per cent in the year to October, above the 2% target.",
    "Thousands of people fled as hundreds of homes burned near Los Angeles.",
    "The city has 1.2 million residents and 4,500 police officers.",
    "Israel said 12 hostages would be released; Hamas put the figure at 10.",
    "The company paid a $1.2m ransom to hackers who stole data on 9m customers.",
    "Over 1,",
]


def news_frame(n: int = 320) -> pd.DataFrame:
    """``n`` snippets of two or three of the sentences above each, in a varying order."""
    k = len(SENTENCES)
    texts = [" ".join(SENTENCES[(i * j + j) % k] for j in range(1, 2 + i % 3)) for i in range(n)]
    return toolkit.snippet_frame(pd.DataFrame({"snippet_id": [f"n{i}" for i in range(n)], "text": texts}))


@pytest.fixture
def busy_switching():
    """Switch threads as often as the interpreter allows, so an unsafe interleaving shows up."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def test_eight_threads_extracting_texts_equal_one_thread(busy_switching):
    texts = news_frame()["text"].tolist()
    expected = [figures_from_text(t) for t in texts]
    assert sum(map(len, expected)) > 1000  # the snippets hold figures: a silent extractor fails here
    for params in (None, FiguresParams(include_durations=True)):
        want = expected if params is None else [figures_from_text(t, params) for t in texts]

        def read(offset: int, params: FiguresParams | None = params) -> list[list[dict]]:
            order = texts[offset:] + texts[:offset]  # each thread starts at a different snippet
            got = [figures_from_text(t, params) for t in order]
            return got[len(texts) - offset :] + got[: len(texts) - offset]

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(read, range(0, 8 * 37, 37)))
        for got in results:
            assert got == want


def test_toolkit_run_from_a_thread_pool_gives_the_single_threaded_rows(busy_switching):
    frame = news_frame()
    expected = toolkit.run(frame, ["figures"])["figures"]
    assert len(expected) > 1000
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: toolkit.run(frame, ["figures"])["figures"], range(8)))
    for got in results:
        pd.testing.assert_frame_equal(got, expected)
