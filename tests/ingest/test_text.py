from __future__ import annotations

from ingest.text import html_to_text, truncate


def test_html_soup_becomes_clean_text() -> None:
    soup = "<p>Bonjour <b>l&eacute;quipe</b><script>alert(1)</script><br>SAV &amp; co<img src=x></p><div>non fermé"
    assert html_to_text(soup) == "Bonjour léquipe\nSAV & co non fermé"


def test_plain_text_entities_and_control_chars() -> None:
    assert html_to_text("R&eacute;ponse\x00 rapide") == "Réponse rapide"
    assert html_to_text(None) == ""
    assert html_to_text("") == ""


def test_double_encoded_entities_are_decoded_once_per_layer() -> None:
    assert html_to_text("&lt;b&gt;gras&lt;/b&gt;") == "<b>gras</b>"


def test_truncate_cuts_at_word_boundary() -> None:
    text = "mot " * 100
    cut, was_cut = truncate(text.strip(), 50)
    assert was_cut and len(cut) <= 50 and not cut.endswith(" ") and cut.endswith("mot")
    assert truncate("court", 50) == ("court", False)


def test_inline_markup_does_not_split_words_but_blocks_do() -> None:
    mastodon = '<p>Hi <span class="h-card"><a href="x">@<span>Ferralis</span></a></span> <a href="t">#<span>greve</span></a></p><p>Next</p>'
    assert html_to_text(mastodon) == "Hi @Ferralis #greve Next"
    assert html_to_text("<ul><li>un</li><li>deux</li></ul>") == "un deux"
