"""CONTRIBUTING.ja.md stays a translation of CONTRIBUTING.md.

The Japanese guide is translated by hand, so it cannot follow the English one by itself. These
tests fail as soon as the two differ in structure: the same headings at the same levels in the
same order, the same fenced code blocks byte for byte (commands and example output are not
translated), and the same inline code (identifiers, file names, check names). A change to
CONTRIBUTING.md then needs the matching change to CONTRIBUTING.ja.md. The built Japanese page is
tested in ``tests/test_docs.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest

from .conftest import ROOT

ENGLISH = ROOT / "CONTRIBUTING.md"
JAPANESE = ROOT / "CONTRIBUTING.ja.md"

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*)$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")


@dataclass(frozen=True)
class Structure:
    headings: list[tuple[int, str]]  # (level, text) outside code blocks, in order
    blocks: list[str]  # every fenced code block, fences included, in order
    inline_code: Counter[str]  # every inline code span outside code blocks


def structure(text: str) -> Structure:
    headings: list[tuple[int, str]] = []
    blocks: list[str] = []
    prose: list[str] = []
    fence: str | None = None
    block: list[str] = []
    for line in text.splitlines(keepends=True):
        if fence is None:
            opening = FENCE.match(line)
            if opening:
                fence, block = opening.group(1), [line]
                continue
            heading = HEADING.match(line.rstrip("\n"))
            if heading:
                headings.append((len(heading.group(1)), heading.group(2).strip()))
            prose.append(line)
        else:
            block.append(line)
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                blocks.append("".join(block))
                fence = None
    assert fence is None, "a code block is not closed"
    spans = Counter(m.group(2) for m in INLINE_CODE.finditer("".join(prose)))
    return Structure(headings=headings, blocks=blocks, inline_code=spans)


@pytest.fixture(scope="module")
def english() -> Structure:
    return structure(ENGLISH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def japanese() -> Structure:
    return structure(JAPANESE.read_text(encoding="utf-8"))


def test_same_number_of_headings_at_each_level(english: Structure, japanese: Structure) -> None:
    def levels(s: Structure) -> Counter[int]:
        return Counter(level for level, _ in s.headings)

    assert levels(english)[1] == 1
    assert levels(japanese) == levels(english)
    # ... and in the same order: section for section.
    assert [lv for lv, _ in japanese.headings] == [lv for lv, _ in english.headings]


def test_same_code_blocks_in_the_same_order(english: Structure, japanese: Structure) -> None:
    assert english.blocks, "CONTRIBUTING.md has no code block: is the parser broken?"
    assert len(japanese.blocks) == len(english.blocks)
    for i, (en, ja) in enumerate(zip(english.blocks, japanese.blocks, strict=True), 1):
        assert ja == en, f"code block {i} differs"


def test_same_inline_code(english: Structure, japanese: Structure) -> None:
    # Identifiers, file names, commands and check names are kept as they are.
    assert japanese.inline_code - english.inline_code == Counter(), "only in CONTRIBUTING.ja.md"
    assert english.inline_code - japanese.inline_code == Counter(), "only in CONTRIBUTING.md"


def test_headings_with_code_keep_it(english: Structure, japanese: Structure) -> None:
    # A heading that is only code (``### `japus-data diff` ``) is the same in both files.
    for (_, en), (_, ja) in zip(english.headings, japanese.headings, strict=True):
        if re.fullmatch(r"`[^`]+`", en):
            assert ja == en


def test_the_english_guide_is_named_authoritative() -> None:
    text = JAPANESE.read_text(encoding="utf-8")
    body = text.split("\n## ", 1)[0]  # before the first section
    assert "[CONTRIBUTING.md](CONTRIBUTING.md)" in body
    assert "正本" in body
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text.split("\n", 1)[0])
