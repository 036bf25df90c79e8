"""What changes between two versions, for reading inline.

Paragraphs are compared first, then the words inside a changed paragraph. Insertions and
deletions are marked with <ins> and <del> and, because screen readers mostly do not announce those
elements and colour must never be the only signal, with words before and after each change that
say what it is (visible as well as read out: "[added]", "[removed]").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.policies.rendering import plain_blocks

SAME = "same"
ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED_RUN = "unchanged"


@dataclass(frozen=True)
class DiffBlock:
    kind: str  # SAME, ADDED, REMOVED, CHANGED, or UNCHANGED_RUN in `condensed`
    html: SafeString
    count: int = 1


@dataclass(frozen=True)
class PolicyDiff:
    blocks: list[DiffBlock]

    @property
    def changed_count(self) -> int:
        return sum(1 for block in self.blocks if block.kind != SAME)

    @property
    def has_changes(self) -> bool:
        return self.changed_count > 0

    @property
    def condensed(self) -> list[DiffBlock]:
        """The changes only, each run of unchanged paragraphs between them counted instead of
        repeated (the full text is on the same page)."""
        condensed: list[DiffBlock] = []
        for block in self.blocks:
            if block.kind != SAME:
                condensed.append(block)
            elif condensed and condensed[-1].kind == UNCHANGED_RUN:
                condensed[-1] = DiffBlock(UNCHANGED_RUN, block.html, condensed[-1].count + 1)
            else:
                condensed.append(DiffBlock(UNCHANGED_RUN, block.html))
        return condensed


def _inserted(text: str) -> SafeString:
    return format_html(
        '<ins class="diff__ins"><span class="diff__label">[{}]</span> {} '
        '<span class="diff__label">[{}]</span></ins>',
        _("added"),
        text,
        _("end of addition"),
    )


def _deleted(text: str) -> SafeString:
    return format_html(
        '<del class="diff__del"><span class="diff__label">[{}]</span> {} '
        '<span class="diff__label">[{}]</span></del>',
        _("removed"),
        text,
        _("end of removal"),
    )


def _word_diff(old: str, new: str) -> SafeString:
    old_words, new_words = old.split(), new.split()
    pieces: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(escape(" ".join(new_words[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(_deleted(" ".join(old_words[i1:i2])))
        if j2 > j1:
            pieces.append(_inserted(" ".join(new_words[j1:j2])))
    return mark_safe(" ".join(pieces))  # noqa: S308 - every piece is escaped or format_html


def policy_diff(old_text: str, new_text: str) -> PolicyDiff:
    """The new text, paragraph by paragraph, with what was added and removed marked."""
    old_blocks = plain_blocks(old_text)
    new_blocks = plain_blocks(new_text)
    blocks: list[DiffBlock] = []
    matcher = difflib.SequenceMatcher(a=old_blocks, b=new_blocks, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks.extend(DiffBlock(SAME, escape(block)) for block in new_blocks[j1:j2])
            continue
        old_part, new_part = old_blocks[i1:i2], new_blocks[j1:j2]
        # Pair a replaced run paragraph by paragraph, so a reworded sentence shows word by word.
        paired = min(len(old_part), len(new_part)) if tag == "replace" else 0
        for old, new in zip(old_part[:paired], new_part[:paired], strict=True):
            blocks.append(DiffBlock(CHANGED, _word_diff(old, new)))
        blocks.extend(DiffBlock(REMOVED, _deleted(old)) for old in old_part[paired:])
        blocks.extend(DiffBlock(ADDED, _inserted(new)) for new in new_part[paired:])
    return PolicyDiff(blocks)
