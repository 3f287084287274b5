"""Segmentation: reports, overviews and activities, from written cases and from the eval documents."""

from __future__ import annotations

import pytest

from conftest import EVAL_DOCS, load_cases

CASES = [(lang, case) for lang in ("zh", "es") for case in load_cases(lang, "segment")]


@pytest.mark.parametrize(("lang", "case"), CASES, ids=[c["name"] for _, c in CASES])
def test_written_cases(extractor, lang, case):
    document = extractor.extract(case["text"])
    kinds = "".join(r.kind[0] for r in document.records)
    assert kinds == case["kinds"]
    assert [r.heading for r in document.records] == case["headings"]
    for r in document.records:
        assert case["text"][r.span[0]:r.span[1]].strip() == case["text"][r.span[0]:r.span[1]]
    if "not_in_records" in case:
        closing = case["text"].index(case["not_in_records"])
        assert all(not (r.span[0] <= closing < r.span[1]) for r in document.records)
    kept_texts = case.get("in_records", [])
    for kept_text in [kept_texts] if isinstance(kept_texts, str) else kept_texts:
        kept = case["text"].index(kept_text)
        assert any(r.span[0] <= kept < r.span[1] for r in document.records)


def test_titles(extractor):
    assert extractor.extract("阳光社区活动总结\n1、社区开展了清洁活动。\n").title == "阳光社区活动总结"
    assert extractor.extract("活動總結(jié)\n1、社區開展了清潔活動。\n").title == "活動總結"


# (document, number of reports, record kinds, heading of one record)
EVAL_LAYOUT = [
    ("zh-hant_social-work-day-2016", 2, "oaaaoaaaaa", (7, "“三幫一”結對幫扶,扶老助殘")),
    ("zh-hant_hk-guanaidui-jiyao", 1, "oaaaaaa", (0, "前言")),
    ("zh-hant_tw-judian-gongcan", 1, "oaaaaaa", None),
    ("zh-hans_laji-fenlei-zongjie", 4, "oaaaaoaoaaaa", (11, "白鹤岭社区开展垃圾分类入户宣传")),
    ("zh-hans_weilao-fuwu-anli", 1, "oaaaaa", None),
    ("es_dia-trabajo-social", 3, "oaaaaaoaaaoaaaa", (8, "A finales de febrero")),
    ("es_ecuador-mingas-barriales", 1, "oaaaa", (1, "«Minga Quito Únete»")),
    ("es_santiago-juntas-vecinos", 1, "oaaaa", (1, "Balance del Presupuesto Participativo")),
    ("es_tegucigalpa-aseo-colonias", 1, "oaaaa", (0, "Presentación")),
]


@pytest.mark.parametrize(("name", "reports", "kinds", "heading"), EVAL_LAYOUT, ids=[r[0] for r in EVAL_LAYOUT])
def test_eval_document_layout(extractor, name, reports, kinds, heading):
    path = EVAL_DOCS / f"{name}.txt"
    if not path.exists():
        pytest.skip("eval documents not available")
    document = extractor.extract_file(path)
    assert "".join(r.kind[0] for r in document.records) == kinds
    assert max(r.report for r in document.records) == reports
    if heading:
        assert document.records[heading[0]].heading == heading[1]


def test_link_block_yields_no_record(extractor):
    text = ("社区活动总结\n1、阳光社区组织志愿者清扫街道。\n2、明月社区举办健康讲座。\n"
            "【社区活动总结】相关文章:\n社区活动方案03-12\n志愿服务总结模板05-06\n")
    document = extractor.extract(text)
    block = text.index("【社区活动总结】")
    assert all(r.span[1] <= block for r in document.records)
    assert any("related links" in w for w in document.warnings)
