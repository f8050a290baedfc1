"""Every document section and ADR that the code cites exists.

Docstrings and comments cite the written spec by anchor (``docs/rules.md#kpi-rating``,
``docs/plan-file.md#kpis``) and decisions by number (``ADR 0014`` or
``docs/adr/0014-plan-import-is-a-keyed-sync.md``). A renamed anchor or a mistyped number
would leave a reader with a dead end, so this test reads ``src/``, ``tests/``,
``benchmarks/`` and ``scripts/`` and fails naming ``file:line`` for every citation that
points at nothing. It also follows the relative links inside ``docs/``.

A Markdown file's anchors are its explicit ``<a id="…"></a>`` tags and the GitHub slugs of
its headings (outside fenced code).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCANNED = ("src", "tests", "benchmarks", "scripts")
SKIPPED_PARTS = frozenset({"__pycache__", "node_modules", ".hypothesis", "static"})
SKIPPED_SUFFIXES = frozenset(
    {".png", ".jpg", ".gif", ".pdf", ".xlsx", ".docx", ".pptx", ".zip", ".sqlite3", ".woff2"}
)
THIS_FILE = Path(__file__).resolve()

# `docs/rules.md#kpi-rating`, `docs/adr/0014-plan-import-is-a-keyed-sync.md`,
# `README.md#quickstart`: a Markdown file of the repository, optionally with an anchor.
DOC_CITATION = re.compile(
    r"(?<![\w./-])((?:docs/[\w./-]*?|README|ARCHITECTURE)\.md)(?:#([\w-]+))?(?![\w/])"
)
# `ADR 0014`, `ADRs 0003 and 0004`, `ADR 0060, 0061`.
ADR_CITATION = re.compile(r"\bADRs?\s+(\d{4})((?:\s*(?:,|and|&|/)\s*\d{4}\b)*)")
ADR_PATH = re.compile(r"(?<![\w/])docs/adr/(\d{4})\b")
FOUR_DIGITS = re.compile(r"\d{4}")
# What the written spec replaces: the external design contract and the issue tracker.
OLD_CITATION = re.compile(r"DESIGN\.md|\bissue [0-9]")

MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")
EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class Dangling:
    """A citation that points at nothing: where it is and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# --- anchors of a Markdown file ------------------------------------------------------------


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → ``-``."""
    text = re.sub(r"<[^>]+>", "", heading)  # inline HTML
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = text.strip().lower()
    kept = [
        char for char in text if char in " -_" or unicodedata.category(char)[0] in ("L", "N", "M")
    ]
    return "".join(kept).replace(" ", "-")


def markdown_anchors(text: str) -> frozenset[str]:
    """Explicit ``<a id>`` anchors and heading slugs (numbered ``-1``, ``-2`` when repeated)."""
    anchors: set[str] = set(EXPLICIT_ANCHOR.findall(text))
    seen: dict[str, int] = {}
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match is None:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return frozenset(anchors)


@cache
def anchors_of(path: Path) -> frozenset[str]:
    return markdown_anchors(path.read_text(encoding="utf-8"))


def adr_numbers(root: Path) -> frozenset[str]:
    """The four-digit numbers of the ADR files under ``root/docs/adr``."""
    folder = root / "docs" / "adr"
    return frozenset(
        path.name[:4] for path in folder.glob("[0-9][0-9][0-9][0-9]-*.md") if path.is_file()
    )


# --- the scanner ---------------------------------------------------------------------------


def citations_problems(text: str, where: str, root: Path) -> list[Dangling]:
    """Every citation in ``text`` (a file shown as ``where``) that points at nothing."""
    adrs = adr_numbers(root)
    problems: list[Dangling] = []
    for number, line in enumerate(text.splitlines(), start=1):
        at = f"{where}:{number}"
        for match in DOC_CITATION.finditer(line):
            name, anchor = match.group(1), match.group(2)
            numbered = ADR_PATH.match(name)
            if numbered is not None and numbered.group(1) not in adrs:
                continue  # reported below, once, as a missing ADR
            target = root / name
            if not target.is_file():
                problems.append(Dangling(at, f"{name} does not exist"))
            elif anchor is not None and anchor not in anchors_of(target):
                problems.append(Dangling(at, f"{name} has no anchor #{anchor}"))
        for match in ADR_CITATION.finditer(line):
            numbers = [match.group(1), *FOUR_DIGITS.findall(match.group(2))]
            problems += [Dangling(at, f"no ADR {n} in docs/adr/") for n in numbers if n not in adrs]
        for match in ADR_PATH.finditer(line):
            if match.group(1) not in adrs:
                problems.append(Dangling(at, f"no ADR {match.group(1)} in docs/adr/"))
    return problems


def scanned_files(root: Path) -> Iterator[Path]:
    for top in SCANNED:
        for path in sorted((root / top).rglob("*")):
            if (
                path.is_file()
                and path.resolve() != THIS_FILE
                and not SKIPPED_PARTS.intersection(path.relative_to(root).parts)
                and path.suffix.lower() not in SKIPPED_SUFFIXES
            ):
                yield path


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None  # not a text file: nothing is cited in it


def markdown_link_problems(path: Path, root: Path) -> list[Dangling]:
    """Relative links in a Markdown file whose file or anchor does not exist."""
    problems: list[Dangling] = []
    text = path.read_text(encoding="utf-8")
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        for link in MARKDOWN_LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto: ...
                continue
            name, _, anchor = link.partition("#")
            target = (path.parent / name).resolve() if name else path
            where = f"{path.relative_to(root)}:{number}"
            if not target.exists():
                problems.append(Dangling(where, f"the link {link} leads to no file"))
            elif anchor and target.suffix == ".md" and anchor not in anchors_of(target):
                problems.append(Dangling(where, f"the link {link}: no anchor #{anchor}"))
    return problems


# --- the repository ------------------------------------------------------------------------


def test_every_cited_anchor_and_adr_exists() -> None:
    problems: list[Dangling] = []
    for path in scanned_files(REPO):
        text = read_text(path)
        if text is not None:
            problems += citations_problems(text, str(path.relative_to(REPO)), REPO)
    assert not problems, "citations that point at nothing:\n" + "\n".join(map(str, problems))


def test_links_inside_the_docs_lead_somewhere() -> None:
    problems: list[Dangling] = []
    for path in sorted((REPO / "docs").rglob("*.md")):
        problems += markdown_link_problems(path, REPO)
    assert not problems, "dead links in docs/:\n" + "\n".join(map(str, problems))


def test_every_adr_is_in_the_index() -> None:
    index = (REPO / "docs" / "adr" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| \[(\d{4})\]\(", index, flags=re.MULTILINE))
    assert listed == set(adr_numbers(REPO))


def test_every_section_of_the_spec_has_an_explicit_anchor() -> None:
    """The rules and the plan file reference give each ``##``/``###`` section a fixed
    ``<a id>`` just above it, so a heading can be reworded without breaking citations."""
    missing: list[str] = []
    for name in ("rules.md", "plan-file.md"):
        lines = (REPO / "docs" / name).read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if re.match(r"#{2,3} ", line) and not EXPLICIT_ANCHOR.search(lines[number - 2]):
                missing.append(f"docs/{name}:{number}: {line}")
    assert not missing, "sections without an anchor:\n" + "\n".join(missing)


def test_src_cites_neither_design_md_nor_issue_numbers() -> None:
    found = []
    for path in scanned_files(REPO):
        if path.relative_to(REPO).parts[0] != "src":
            continue
        text = read_text(path) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            if OLD_CITATION.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "citations a reader of the repository cannot follow:\n" + "\n".join(found)


# --- the scanner itself --------------------------------------------------------------------


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "adr").mkdir(parents=True)
    (tmp_path / "docs" / "rules.md").write_text(
        '# Rules\n\n<a id="kpi-rating"></a>\n## KPI rating\n\n## Roll-up status\n\n'
        "```sh\n# not a heading\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "adr" / "0014-plan-import-is-a-keyed-sync.md").write_text(
        "# 14. Import\n", encoding="utf-8"
    )
    return tmp_path


def test_the_scanner_accepts_good_citations(sample_repo: Path) -> None:
    text = (
        '"""Rates a KPI (docs/rules.md#kpi-rating; docs/rules.md#roll-up-status).\n'
        "Re-import is a sync (ADR 0014, docs/adr/0014-plan-import-is-a-keyed-sync.md).\n"
        'See docs/rules.md."""\n'
    )
    assert citations_problems(text, "src/good.py", sample_repo) == []


def test_the_scanner_names_each_bad_citation(sample_repo: Path) -> None:
    text = (
        "x = 1\n"
        "# docs/rules.md#kpi-rateing and docs/rules.md#not-a-heading\n"
        "# ADRs 0014 and 0099; docs/adr/0098-gone.md\n"
        "# docs/missing.md#anything\n"
    )
    problems = [str(p) for p in citations_problems(text, "src/bad.py", sample_repo)]
    assert problems == [
        "src/bad.py:2: docs/rules.md has no anchor #kpi-rateing",
        "src/bad.py:2: docs/rules.md has no anchor #not-a-heading",
        "src/bad.py:3: no ADR 0099 in docs/adr/",
        "src/bad.py:3: no ADR 0098 in docs/adr/",
        "src/bad.py:4: docs/missing.md does not exist",
    ]


def test_the_scanner_reads_files_from_disk(sample_repo: Path) -> None:
    module = sample_repo / "src" / "pkg" / "mod.py"
    module.parent.mkdir(parents=True)
    module.write_text('"""ok: docs/rules.md#kpi-rating"""\n# bad: ADR 0001\n', encoding="utf-8")
    problems = [
        problem
        for path in scanned_files(sample_repo)
        for problem in citations_problems(
            path.read_text(encoding="utf-8"), str(path.relative_to(sample_repo)), sample_repo
        )
    ]
    assert [str(p) for p in problems] == ["src/pkg/mod.py:2: no ADR 0001 in docs/adr/"]


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("KPI rating", "kpi-rating"),
        ("Roll-up status", "roll-up-status"),
        ("The `plantracker` command", "the-plantracker-command"),
        ("Parallel writers (PostgreSQL)", "parallel-writers-postgresql"),
        ("Q2 July – September", "q2-july--september"),
    ],
)
def test_github_slug(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_repeated_headings_are_numbered_and_fenced_lines_ignored() -> None:
    text = "## Tokens\n## Tokens\n```\n## Not one\n```\n<a id='x'></a>\n"
    assert markdown_anchors(text) == {"tokens", "tokens-1", "x"}
