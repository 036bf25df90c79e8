"""A policy's Markdown shown as safe HTML, and what changes between versions shown in words."""

from portal.policies.diff import ADDED, CHANGED, REMOVED, SAME, UNCHANGED_RUN, policy_diff
from portal.policies.first_version import TEXT_PATH
from portal.policies.rendering import plain_blocks, policy_html


def test_markdown_becomes_html_with_headings_below_the_pages_own():
    html = policy_html("# Privacy Policy\n\n## Security.\n\nWe use **standard** measures.\n")

    assert "<h2>Privacy Policy</h2>" in html
    assert "<h3>Security.</h3>" in html
    assert "<strong>standard</strong>" in html
    assert "<h1" not in html


def test_scripts_styles_handlers_and_dangerous_links_are_removed():
    html = policy_html(
        '<script>alert("x")</script>\n\n<style>p{}</style>\n\n'
        '<p onclick="steal()">Hi</p>\n\n[a](javascript:alert(1)) '
        '[b](https://malegislature.gov/) <img src="x" onerror="y">\n\n'
        '<h2 id="main-content">Same id as the page</h2>\n'
    )

    assert "<script" not in html
    assert 'alert("x")' not in html
    assert "<style" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<img" not in html
    assert 'id="main-content"' not in html
    assert 'href="https://malegislature.gov/"' in html
    assert 'rel="noopener noreferrer"' in html


def test_the_citys_policy_links_the_laws_it_names_and_nothing_points_nowhere():
    text = TEXT_PATH.read_text(encoding="utf-8")
    html = policy_html(text)

    assert "(#)" not in text
    assert 'href="#"' not in html
    assert "Chapter66/Section10" in html
    assert "Chapter66A" in html
    assert len(plain_blocks(text)) == 21


def test_the_same_text_has_no_changes():
    diff = policy_diff("# A\n\nOne.\n\nTwo.\n", "# A\n\nOne.\n\nTwo.\n")

    assert not diff.has_changes
    assert {block.kind for block in diff.blocks} == {SAME}


def test_changed_words_are_marked_in_words_not_only_by_style():
    diff = policy_diff(
        "We do not sell your information.\n", "We never sell or rent your information.\n"
    )

    [block] = diff.blocks
    assert block.kind == CHANGED
    assert block.html == (
        'We <del class="diff__del"><span class="diff__label">[removed]</span> do not '
        '<span class="diff__label">[end of removal]</span></del> '
        '<ins class="diff__ins"><span class="diff__label">[added]</span> never '
        '<span class="diff__label">[end of addition]</span></ins> sell '
        '<ins class="diff__ins"><span class="diff__label">[added]</span> or rent '
        '<span class="diff__label">[end of addition]</span></ins> your information.'
    )


def test_added_and_removed_paragraphs_are_marked_whole():
    diff = policy_diff("Keep.\n\nGone.\n", "Keep.\n\nNew <b>one</b>.\n\nAnother.\n")

    kinds = [block.kind for block in diff.blocks]
    assert kinds == [SAME, CHANGED, ADDED]
    only_removed = policy_diff("Keep.\n\nGone.\n", "Keep.\n")
    assert [block.kind for block in only_removed.blocks] == [SAME, REMOVED]
    assert "[removed]" in only_removed.blocks[1].html


def test_text_in_a_change_is_escaped():
    diff = policy_diff("Old.\n", "Use `<script>` & friends.\n")

    assert "<script>" not in diff.blocks[0].html
    assert "&lt;script&gt; &amp; friends." in diff.blocks[0].html


def test_the_condensed_view_counts_unchanged_paragraphs_instead_of_repeating_them():
    diff = policy_diff("A.\n\nB.\n\nC.\n\nD.\n", "A.\n\nB.\n\nC, changed.\n\nD.\n")

    condensed = [(block.kind, block.count) for block in diff.condensed]
    assert condensed == [(UNCHANGED_RUN, 2), (CHANGED, 1), (UNCHANGED_RUN, 1)]
