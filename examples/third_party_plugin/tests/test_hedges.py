"""The example plugin's own tests: the contract kit plus real cases."""

from toolkit_hedges import HedgeParams, hedges_view
from toolkit_hedges.extract import find_hedges_in

import toolkit
from toolkit.testing import check_analysis, run_analysis, sample_frame


def spec():
    registry = toolkit.PluginRegistry(entry_points=False)
    import toolkit_hedges

    registry.register(toolkit_hedges, name="hedges")
    return registry.analyses["hedges"]


def test_follows_the_contract():
    check_analysis(spec())


def test_the_engine_works_on_a_plain_string():
    assert find_hedges_in("The soldier reportedly died, it is said to be ALLEGEDLY true.") == [
        ("reportedly", 12, 22),
        ("is said to", 32, 42),
        ("ALLEGEDLY", 46, 55),
    ]
    assert find_hedges_in("Reportedly", case_sensitive=True) == []


def test_finds_hedges_with_offsets_into_the_text():
    frame = sample_frame(["The soldier reportedly died, but this could not be independently verified.", "No hedge."])
    columns, tables = run_analysis(spec(), frame)
    table = tables["hedges"]
    assert table["term"].tolist() == ["reportedly", "could not be independently verified"]
    for _, row in table.iterrows():
        assert frame.loc[row["snippet_id"], "text"][row["start"] : row["end"]] == row["term"]
    assert columns["hedged"].tolist() == [True, False]


def test_extra_terms_from_the_command_line_style_string():
    params = spec().make_params({"extra_terms": "sources say, rumoured"})
    assert params == HedgeParams(extra_terms=("sources say", "rumoured"))
    frame = sample_frame(["It is rumoured the talks failed."])
    _, tables = run_analysis(spec(), frame, params)
    assert tables["hedges"]["term"].tolist() == ["rumoured"]


def test_declares_its_highlight_and_the_view_uses_the_core_highlighter():
    [highlight] = spec().highlights
    assert (highlight.table, highlight.label) == ("hedges", "hedge")
    frame = sample_frame(["<b>allegedly</b> <script>x</script>"])
    result = toolkit.Pipeline([spec()]).run(frame)
    out = hedges_view(result)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<span class='stk-hedge' title='hedge: allegedly'>allegedly</span>" in out
