"""wrapped_line_count: the lines a cell's text takes, as the printed registers estimate their
rows before wkhtmltopdf cuts pages (an estimate that falls short cuts a row in two)."""

from __future__ import annotations

from snn_sign.fonts import FONT, FONT_BOLD, text_width, wrapped_line_count

SIZE = 10.0


def test_empty_text_still_takes_a_line():
    assert wrapped_line_count("", 50, SIZE) == 1


def test_words_wrap_where_the_next_does_not_fit():
    words = "Sở Nông nghiệp và Phát triển nông thôn"
    width = text_width(words, SIZE)
    assert wrapped_line_count(words, width + 0.1, SIZE) == 1
    half = text_width("Sở Nông nghiệp và Phát", SIZE) + 0.1
    assert wrapped_line_count(words, half, SIZE) == 2


def test_each_paragraph_starts_a_line():
    assert wrapped_line_count("Văn phòng\nKế hoạch - Tài chính", 1000, SIZE) == 2


def test_a_word_longer_than_the_cell_breaks_anywhere():
    word = "000.00.12.H53" * 3
    width = text_width(word, SIZE)
    assert wrapped_line_count(word, width / 2.5, SIZE) == 3


def test_the_font_is_the_one_measured():
    text = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    regular, bold = text_width(text, SIZE, FONT), text_width(text, SIZE, FONT_BOLD)
    assert regular < bold
    between = (regular + bold) / 2
    assert wrapped_line_count(text, between, SIZE, FONT) == 1
    assert wrapped_line_count(text, between, SIZE, FONT_BOLD) == 2
