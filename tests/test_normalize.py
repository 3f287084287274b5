"""Normalization: pinyin notes, width folding, Simplified matching text, one offset map back."""

from __future__ import annotations

import pytest

from extractor.errors import LanguageError
from extractor.normalize import detect_language, fold_width, lang_of, normalize, strip_pinyin_notes


@pytest.mark.parametrize(
    ("original", "stripped"),
    [
        ("工作總結(jié)", "工作總結"),
        ("發(fā)放物資", "發放物資"),
        ("街道辦(bàn)事處(chù)", "街道辦事處"),
        ("綠(lǜ)化", "綠化"),
        ("開展（kāi）活動", "開展活動"),
        # ordinary parentheses stay
        ("世界衛生組織(WHO)發布", "世界衛生組織(WHO)發布"),
        ("朗晴(二)邨", "朗晴(二)邨"),
        ("周六(3/1)早上", "周六(3/1)早上"),
        ("活動(see below)", "活動(see below)"),
        ("Santiago (jié)", "Santiago (jié)"),
    ],
)
def test_pinyin_notes_are_removed(original, stripped):
    text, offsets = strip_pinyin_notes(original)
    assert text == stripped
    assert len(offsets) == len(text) + 1
    assert all(original[offsets[i]] == text[i] for i in range(len(text)))


@pytest.mark.parametrize(
    ("original", "matching"),
    [
        ("２０１６年３月１７日", "2016年3月17日"),
        ("共計２３０余人，", "共计230余人,"),
        ("（一）社區活動：", "(一)社区活动:"),
        ("計劃(huà)三", "计划三"),
        ("醫衞局到訪", "医卫局到访"),
        ("ＡＢＣ　社區", "ABC 社区"),
        ("más de 1,500 despensas", "más de 1,500 despensas"),
    ],
)
def test_matching_text(original, matching):
    assert normalize(original, "zh-Hant" if any("\u4e00" <= c <= "\u9fff" for c in original) else "es").text \
        == matching


@pytest.mark.parametrize(
    "original",
    [
        "2019年重陽節敬老總結(jié)\n每年三月的第三個星期二舉辦聯誼(yì)，\r\n翠湖社區(qū)組織６５人。",
        "社区(qū)垃圾分类（fēn）工作总结\n１、阳光社区",
        "Resumen\r\nLa colonia Las Palmas, el pasado sábado 12 de junio.",
    ],
)
def test_every_matching_span_maps_back_exactly(original):
    norm = normalize(original)
    for start in range(len(norm.text)):
        for end in range(start + 1, min(len(norm.text), start + 6) + 1):
            s, e = norm.original_span(start, end)
            back = norm.original[s:e]
            # the original slice holds the matched characters in order, plus any pinyin note between them
            assert back[0] == original[norm.offsets[start]] and len(back) >= end - start


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("2016年社工日活動總結，翠湖社區組織志願者。", "zh-Hant"),
        ("社區關懷據點和里辦公室合辦健康講座", "zh-Hant"),
        ("社区消防安全工作总结，阳光社区组织志愿者。", "zh-Hans"),
        ("助老服务和邻里守望案例汇编", "zh-Hans"),
        ("La junta de vecinos organizó una jornada de limpieza.", "es"),
        ("Resumen de actividades: 120 personas, 30 familias.", "es"),
    ],
)
def test_language_detection(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("seen_before", "text", "language"),
    [
        # detection learns which characters convert; what it saw before must not sway it
        ("社區關懷據點舉辦講座", "社区关怀据点举办讲座", "zh-Hans"),
        ("社区关怀据点举办讲座", "社區關懷據點舉辦講座", "zh-Hant"),
        ("發放物資給長者", "发放物资给长者", "zh-Hans"),
        ("发放物资给长者", "發放物資給長者", "zh-Hant"),
        # a few Han characters in a Spanish text do not make it Chinese
        ("社區", "La junta de vecinos (社區) organizó una jornada de limpieza con 40 vecinos.", "es"),
    ],
)
def test_language_detection_does_not_depend_on_earlier_texts(seen_before, text, language):
    detect_language(seen_before)
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("más de 1,500 despensas", "más de 1,500 despensas"),
        ("S/\u00a01.200", "S/ 1.200"),
        ("１２ familias", "12 familias"),
        ("①\u2002②", "1 2"),
        ("①8月26日 ② 9月", "•8月26日 2 9月"),  # a circled number glued to a date is a bullet
        ("⑫３月", "•3月"),
        ("", ""),
    ],
)
def test_width_folding(text, folded):
    assert fold_width(text) == folded


@pytest.mark.parametrize(("given", "tag"), [("zh-hant", "zh-Hant"), ("zh_TW", "zh-Hant"), ("zh-CN", "zh-Hans"),
                                             ("ES", "es")])
def test_lang_option(given, tag):
    assert lang_of(given) == tag


def test_unknown_lang_option_is_a_clear_error():
    with pytest.raises(LanguageError, match="unsupported language"):
        lang_of("fr")


@pytest.mark.parametrize(
    ("text", "starts_at"),
    [
        ("總結\n正文內容。\n【2016年活動總結】相關文章:\n會議記錄模板09-13\n員工禮儀守則11-02\n", "【2016"),
        ("总结\n正文。\n推荐阅读：\n· 阳光社区开展活动\n· 明月社区重阳节活动　2019-10-07\n", "推荐阅读"),
        ("总结\n正文。\n上一篇：某某活动方案\n下一篇：某某活动总结\n", "上一篇"),
        ("Resumen\nTexto.\nNoticias relacionadas\nVecinos limpian el parque\nOtra nota (12.03.2024)\n", "Noticias"),
        ("Resumen\nTexto.\nLEA TAMBIÉN\nMinga en el barrio\n", "LEA TAMBIÉN"),
        ("Resumen\nTexto.\nArtículos relacionados\nUna nota\n", "Artículos"),
        ("简报\n正文。\n—— 推荐阅读 ——\n▶ 社区举办邻里节\n▶ 充电棚正式启用\n来源：某社区\n", "—— 推荐阅读"),
        ("Nota\nTexto.\nPara más información:\nOficina de prensa\nTel. (504) 2200-0000\n", "Para más"),
        ("村里动态\n正文。\n往期推荐\n● 我村召开村民代表大会\n● 春耕时节农技培训\n", "往期推荐"),
        ("社区简讯\n正文。\n| 往期回顾 |\n社区举办邻里节\n", "| 往期回顾"),
        ("屋邨活動回顧\n正文。\n相關帖文：\n▶️ 4月活動回顧：長者手工班\n▶️ 【招募】端午節探訪義工\n", "相關帖文"),
        ("屋邨義工月回顧\n正文。\n📎 延伸閱讀\n👉 義工嘉許狀申請指引\n👉 【相片集】嘉許禮花絮\n", "📎 延伸閱讀"),
        ("Balance\nTexto.\n📌 También te puede interesar:\n▶ Vacunación en 12 sectores\n", "📌 También"),
    ],
)
def test_trailing_link_block_is_found(text, starts_at):
    norm = normalize(text)
    assert norm.original[norm.offsets[norm.boilerplate_start]:].startswith(starts_at)


@pytest.mark.parametrize(
    "text",
    [
        "总结\n相关文章很多，我们在活动中向居民发放了宣传材料，讲解了垃圾分类的知识和方法，居民反响热烈，纷纷表示今后会坚持分类投放。\n",
        "Resumen\nNoticias relacionadas con la jornada fueron publicadas por la junta de vecinos del barrio.\n",
        "Resumen\nNoticias relacionadas\nEste párrafo es largo y forma parte del cuerpo del informe, "
        "no de una lista de enlaces; explica con detalle lo que hicieron los vecinos "
        "durante toda la jornada de limpieza del sábado.\n",
    ],
)
def test_body_text_is_not_boilerplate(text):
    norm = normalize(text)
    assert norm.boilerplate_start == len(norm.text)
