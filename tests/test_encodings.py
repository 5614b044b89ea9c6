"""Captures in any script: the encoding a page declares, or the one detected, gives back the text written.

The texts are news paragraphs as such pages print them, encoded here in the encodings their sites use.
Detection is statistical: on a few characters it guesses (a headline of four Chinese characters has
too few bytes to tell GB18030 from Big5 or EUC-KR). The sliding-window tests below pin the lengths
where it does not: every stretch of 64 characters of Chinese, Japanese, Korean or Western text, and of
150 characters of Russian (KOI8-R and Windows-1251 read alike on less), is read right.
"""

from __future__ import annotations

import pytest
from conftest import run_cli

from microsite.ingest.decode import MAX_BYTES, Refused, decode

SIMPLIFIED = (
    "华为和小米正在加快进入全球智能手机市场的步伐。据市场研究机构的最新数据，"
    "小米第三季度在欧洲的出货量同比增长超过百分之二十，首次超过苹果位列第二。"
    "与此同时，华为在美国的制裁之下仍然推出了搭载自研麒麟芯片的新款旗舰手机，"
    "引发业界广泛关注。分析人士认为，两家公司在海外市场的竞争将更加激烈，"
    "而运营商渠道依然是它们进入美国市场的最大障碍。"
)
TRADITIONAL = (
    "華為與小米正加快進軍全球智慧型手機市場的腳步。根據市場研究機構的最新數據，"
    "小米第三季在歐洲的出貨量年增超過百分之二十，首度超越蘋果位居第二。"
    "與此同時，華為在美國制裁下仍推出搭載自研麒麟晶片的新款旗艦手機，"
    "引起業界廣泛關注。分析師認為，兩家公司在海外市場的競爭將更加激烈，"
    "而電信業者通路仍是它們進入美國市場的最大障礙。"
)
JAPANESE = (
    "中国のスマートフォン大手である華為技術（ファーウェイ）と小米（シャオミ）は、"
    "世界市場でのシェア拡大を急いでいる。調査会社の最新のデータによると、"
    "シャオミの欧州での出荷台数は前年同期比で二割以上増え、初めてアップルを抜いて二位となった。"
    "一方、ファーウェイは米国の制裁下にありながら、自社開発の半導体を搭載した新型の旗艦機種を発表し、"
    "業界の注目を集めている。"
)
KOREAN = (
    "중국 스마트폰 업체인 화웨이와 샤오미가 세계 시장 진출에 속도를 내고 있다. "
    "시장조사업체의 최신 자료에 따르면 샤오미의 3분기 유럽 출하량은 지난해보다 20% 이상 늘어 "
    "처음으로 애플을 제치고 2위에 올랐다. 한편 화웨이는 미국의 제재 속에서도 "
    "자체 개발한 칩을 탑재한 새 주력 스마트폰을 내놓아 업계의 관심을 끌고 있다."
)
RUSSIAN = (
    "Китайские производители смартфонов Huawei и Xiaomi ускоряют выход на мировой рынок. "
    "По последним данным исследовательских компаний, поставки Xiaomi в Европе в третьем квартале "
    "выросли более чем на двадцать процентов, и компания впервые обогнала Apple. "
    "Тем временем Huawei, несмотря на американские санкции, представила новый флагманский смартфон "
    "с процессором собственной разработки. Аналитики отмечают, что главным препятствием для китайских "
    "брендов в США по-прежнему остаются операторы связи: без их поддержки продажи флагманских моделей "
    "остаются скромными. В Европе и Азии ситуация иная: там Xiaomi, Oppo и Vivo уже заняли заметную "
    "долю рынка, а Huawei постепенно возвращает позиции на родине благодаря новым моделям серии Mate."
)
WESTERN = (
    "Huawei’s “comeback” isn’t a sure thing — analysts say the company’s new flagship "
    "still can’t ship with Google’s apps, and carriers in the U.S. won’t sell it. "
    "Xiaomi’s €599 phone, meanwhile, is “the one to beat” in Europe, according to a "
    "Counterpoint analyst quoted by the paper… The café-owner’s verdict: “Ça marche.”"
)

# text, the codec that writes it, the label the report gives, the charset a page would declare
CASES = [
    pytest.param(SIMPLIFIED, "gbk", "GB18030", "gbk", id="chinese-gbk"),
    pytest.param(SIMPLIFIED, "gb2312", "GB18030", "gb2312", id="chinese-gb2312"),
    pytest.param(SIMPLIFIED, "gb18030", "GB18030", "GB18030", id="chinese-gb18030"),
    pytest.param(TRADITIONAL, "big5", "Big5", "big5", id="chinese-big5"),
    pytest.param(JAPANESE, "shift_jis", "Shift_JIS", "Shift_JIS", id="japanese-shift-jis"),
    pytest.param(JAPANESE, "euc_jp", "EUC-JP", "EUC-JP", id="japanese-euc-jp"),
    pytest.param(KOREAN, "euc_kr", "EUC-KR", "EUC-KR", id="korean-euc-kr"),
    pytest.param(RUSSIAN, "cp1251", "Windows-1251", "windows-1251", id="russian-cp1251"),
    pytest.param(RUSSIAN, "koi8_r", "KOI8-R", "koi8-r", id="russian-koi8-r"),
    pytest.param(WESTERN, "cp1252", "Windows-1252", "iso-8859-1", id="western-cp1252"),
]


@pytest.mark.parametrize(("text", "codec", "label", "declared"), CASES)
def test_a_paragraph_in_each_encoding_is_detected(text, codec, label, declared):
    decoded = decode(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == label and not decoded.utf8
    assert decoded.notes == [f"not UTF-8: read as {label} (detected) and saved to seeds/ as UTF-8"]


@pytest.mark.parametrize(("text", "codec", "label", "declared"), CASES)
def test_a_declared_charset_that_fits_is_used(text, codec, label, declared):
    decoded = decode(text.encode(codec), declared)
    assert decoded.text == text
    assert decoded.encoding == label  # as browsers read it: GBK as GB18030, ISO-8859-1 as Windows-1252
    assert decoded.notes == [f"not UTF-8: read as {label} (declared by the page) and saved to seeds/ as UTF-8"]


@pytest.mark.parametrize(
    ("text", "codec", "window"),
    [
        (SIMPLIFIED, "gbk", 64),
        (TRADITIONAL, "big5", 64),
        (JAPANESE, "shift_jis", 64),
        (JAPANESE, "euc_jp", 64),
        (KOREAN, "euc_kr", 64),
        (WESTERN, "cp1252", 64),
        (RUSSIAN, "cp1251", 150),
        (RUSSIAN, "koi8_r", 150),
    ],
)
def test_detection_is_right_on_every_stretch_of_the_reliable_length(text, codec, window):
    """Not one lucky paragraph: every window of `window` characters, at every offset."""
    wrong = [
        (start, decoded.encoding)
        for start in range(len(text) - window + 1)
        if (decoded := decode(text[start : start + window].encode(codec))).text != text[start : start + window]
    ]
    assert wrong == []


def test_a_declared_charset_reads_what_is_too_short_to_detect():
    headline = "华为发布新款手机"  # eight characters: sixteen bytes, too few for detection to be sure
    assert decode(headline.encode("gbk"), "gb2312").text == headline
    assert decode("Привет, мир".encode("koi8_r"), "KOI8-R").text == "Привет, мир"


def test_a_few_non_ascii_bytes_are_read_as_windows_1252_as_before():
    """An English capture with a curly apostrophe: Shift_JIS and Windows-1251 would read it too, wrongly."""
    for text in ("Huawei’s plan", "the café", "Xiaomi said it will open 20 stores, “a first step”."):
        decoded = decode(text.encode("cp1252"))
        assert (decoded.text, decoded.encoding) == (text, "Windows-1252")
        assert "too few non-ASCII bytes" in decoded.notes[0]


@pytest.mark.parametrize(
    ("text", "codec", "declared", "label"),
    [
        (SIMPLIFIED, "gbk", "shift_jis", "GB18030"),  # GBK's bytes are not Shift_JIS
        (SIMPLIFIED, "gbk", "big5", "GB18030"),
        (JAPANESE, "shift_jis", "euc-jp", "Shift_JIS"),
        (RUSSIAN, "cp1251", "utf-8", "Windows-1251"),  # the page says UTF-8; the bytes say otherwise
    ],
)
def test_a_wrong_declared_charset_gives_way_to_detection(text, codec, declared, label):
    decoded = decode(text.encode(codec), declared)
    assert decoded.text == text and decoded.encoding == label
    assert f"(detected; the page declares `{declared}`, which its bytes are not)" in decoded.notes[0]


def test_an_unknown_declared_charset_gives_way_to_detection():
    decoded = decode(SIMPLIFIED.encode("gbk"), "x-unheard-of")
    assert decoded.text == SIMPLIFIED
    assert "the page declares `x-unheard-of`, which is not an encoding known here" in decoded.notes[0]


def test_web_only_labels_are_read_as_browsers_read_them():
    assert (
        decode(SIMPLIFIED.encode("gbk"), "x-gbk")
        .notes[0]
        .endswith("GB18030 (declared by the page) and saved to seeds/ as UTF-8")
    )
    assert decode(JAPANESE.encode("cp932"), "windows-31j").text == JAPANESE


def test_utf8_is_kept_as_it_is_whatever_the_page_declares():
    decoded = decode(SIMPLIFIED.encode("utf-8"), "gbk")
    assert (decoded.text, decoded.encoding, decoded.utf8, decoded.notes) == (SIMPLIFIED, "UTF-8", True, [])


def test_a_text_that_begins_with_the_bytes_of_a_byte_order_mark_is_not_utf16():
    text = "юя" + RUSSIAN  # Windows-1251 writes "юя" as FE FF, UTF-16's big-endian byte-order mark
    decoded = decode(text.encode("cp1251"))
    assert (decoded.text, decoded.encoding) == (text, "Windows-1251")
    assert decode("\ufeffHuawei".encode("utf-16")).text == "Huawei"  # a real one is still read


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "is not text"),
        (SIMPLIFIED.encode("gbk") * (MAX_BYTES // 300), "captures of 5 MB and more are refused"),
    ],
)
def test_the_refusals_stand_whatever_the_page_declares(data, message):
    with pytest.raises(Refused) as refused:
        decode(data, "gbk")
    assert message in refused.value.message


def test_a_gbk_capture_is_ingested_as_utf8_with_a_readable_file_name(empty_site, tmp_path):
    headline = "华为与小米加快进军海外市场"
    capture = tmp_path / "gbk-capture.txt"
    capture.write_bytes(f"{headline}\n\n{SIMPLIFIED}\n".encode("gbk"))
    result = run_cli("--site", str(empty_site), "ingest", str(capture), cwd=empty_site)
    assert result.returncode == 0, result.stderr
    assert "GB18030" in result.stdout
    seeds = [p for p in (empty_site / "seeds").iterdir() if p.suffix == ".txt"]
    assert any(SIMPLIFIED in seed.read_bytes().decode("utf-8") for seed in seeds)  # stored as UTF-8
    drafts = [p.name for p in (empty_site / "content").glob("*.md")]
    # Named in pinyin from the title ingest finds (not `item.md`, as every Chinese title was).
    assert len(drafts) == 1 and drafts[0].startswith("hua-wei-") and drafts[0].count("-") > 5
