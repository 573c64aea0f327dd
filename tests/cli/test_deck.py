"""The slide deck for the board, read back with python-pptx."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from exitplan.render.deck import _title
from tests.conftest import RunCli, WriteFiles, write_scenario
from tests.reliability.test_outputs import HOSTILE, write_estate

SCENARIO = "scenarios/leave-microsoft.yaml"
TITLES = [
    "Exit strategy: Leave Microsoft entirely",
    "The answer in figures",
    "What breaks",
    "The plan on a calendar",
    "The largest risks",
    "Decisions for the board",
]


def test_the_deck_has_its_slides_pictures_and_notes(run_cli: RunCli, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pptx", tmp_path / "b.pptx"
    for target in (first, second):
        result = run_cli("report", SCENARIO, "-o", target)
        assert result.exit_code == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    deck = Presentation(str(first))
    slides = list(deck.slides)
    assert [s.shapes.title.text for s in slides] == TITLES
    for slide in slides:
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text.strip(), slide.shapes.title.text
        for shape in slide.shapes:
            if shape.has_text_frame and shape != slide.shapes.title:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.size is None or run.font.size >= Pt(20)
    pictures = [sum(shape.shape_type == 13 for shape in s.shapes) for s in slides]
    assert pictures == [0, 0, 1, 1, 0, 0]
    figures = slides[1].shapes[1].table
    assert figures.cell(1, 1).text == "51,700"
    assert "and Microsoft 365 subscription (licensing and activation) once more" in (
        slides[5].shapes[1].text_frame.text
    )
    notes = slides[1].notes_slide.notes_text_frame
    assert "- Chat and online meetings: Chat and online meetings ← Microsoft Teams" in notes.text
    said = {s.shapes.title.text: s.notes_slide.notes_text_frame.text for s in slides}
    # the notes say by name what the report says, and why no alternative is viable
    assert "Critical path: Microsoft Entra ID → " in said["The plan on a calendar"]
    assert "- Windows Autopilot (blocked: no viable alternative)" in said["The plan on a calendar"]
    assert "- Windows Autopatch: baramundi Management Suite: needs " in said["The largest risks"]
    assert "alternative: Fleet (device management) for Microsoft Intune" in said[TITLES[-1]]
    assert "\\x0a" not in notes.text  # one paragraph per line, not escaped line breaks
    assert len(notes.paragraphs) > 2
    # what the deck says of itself, not what python-pptx's template said
    core = deck.core_properties
    assert (core.author, core.last_modified_by, core.comments) == ("exitplan", "exitplan", "")
    assert core.title == TITLES[0]
    with zipfile.ZipFile(first) as package:
        assert "docProps/thumbnail.jpeg" not in package.namelist()
        assert b"thumbnail" not in package.read("_rels/.rels")
        app = package.read("docProps/app.xml")
    assert b"<Application>exitplan</Application>" in app
    assert f"<Slides>{len(TITLES)}</Slides>".encode() in app
    assert b"4:3" not in app


def test_hostile_names_stay_text_in_the_deck(run_cli: RunCli, tmp_path: Path) -> None:
    _, scenario = write_estate(tmp_path / "in", HOSTILE)
    target = tmp_path / "deck.pptx"
    result = run_cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    deck = Presentation(str(target))
    notes = "".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    assert "\\x1b" in notes  # the name is there, its ESC shown as its escape
    for slide in deck.slides:  # python-pptx reads a raw ESC back as "_x001B_" (helper-97)
        for shape in slide.shapes:
            if shape.has_text_frame:
                assert "_x001B_" not in shape.text_frame.text
                assert not {"\x1b", "\u202e", "\x9b"} & set(shape.text_frame.text)
        shown = slide.notes_slide.notes_text_frame.text
        assert "_x001B_" not in shown
        assert not {"\x1b", "\u202e", "\x9b"} & set(shown)


def test_the_deck_says_what_the_alternatives_need_and_no_step_brings_in(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Losing Intune chooses baramundi, which needs Univention Nubus that nothing runs:
    the figures' notes say the plan leaves it out, and the board is asked to decide."""
    target = tmp_path / "deck.pptx"
    result = run_cli("report", "scenarios/lose-intune.yaml", "-o", target)
    assert result.exit_code == 0, result.stderr
    said = {
        s.shapes.title.text: (s.shapes[1].text_frame.text if s.shapes[1].has_text_frame else "")
        + " "
        + s.notes_slide.notes_text_frame.text
        for s in Presentation(str(target)).slides
    }
    assert (
        "Not in the plan and not run today: Univention Nubus (IAM with Keycloak and "
        "OpenLDAP), needed by baramundi Management Suite. Its effort and cost are not in the "
        "figures." in said["The answer in figures"]
    )
    assert "1. Decide how to bring in Univention Nubus" in said["Decisions for the board"]


@pytest.mark.parametrize("scenario", ["scenarios/lose-intune.yaml", SCENARIO])
def test_the_impact_picture_is_cut_to_what_reads_on_a_slide(
    run_cli: RunCli, tmp_path: Path, scenario: str
) -> None:
    """The report's page picture (60 nodes) put on a slide drew its 11-point text at 2 to 3
    points. The slide's own cut keeps it at least 5 points: the picture is drawn at 96
    pixels an inch, and the slide shows it at its shape's width."""
    target = tmp_path / "deck.pptx"
    assert run_cli("report", scenario, "-o", target).exit_code == 0
    slide = Presentation(str(target)).slides[2]
    assert slide.shapes.title.text == "What breaks"
    (picture,) = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    with Image.open(io.BytesIO(picture.image.blob)) as image:
        drawn_inches = image.size[0] / 96
    shown_inches = picture.width / 914_400
    assert 11 * shown_inches / drawn_inches >= 5


def test_a_long_scenario_title_is_fitted_to_the_title_slide(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A title of 500 characters at 36 points ran off the top of the slide and over the
    subtitle: a longer title is set smaller, and past three lines, cut."""
    _, scenario = write_estate(tmp_path / "in", "Plain")
    written = json.loads(scenario.read_text(encoding="utf-8"))
    scenario.write_text(json.dumps({**written, "title": "Leave the vendor " * 30}), "utf-8")
    target = tmp_path / "deck.pptx"
    result = run_cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    title = Presentation(str(target)).slides[0].shapes.title
    assert len(title.text) == 150
    assert title.text.endswith("…")
    sizes = {run.font.size for paragraph in title.text_frame.paragraphs for run in paragraph.runs}
    assert sizes == {Pt(22)}


@pytest.mark.parametrize(
    ("length", "size", "kept"),
    [(44, 36, 44), (45, 28, 45), (100, 28, 100), (101, 22, 101), (150, 22, 150), (151, 22, 150)],
)
def test_a_title_takes_the_largest_size_it_fits_at(length: int, size: int, kept: int) -> None:
    """Each size holds titles up to its own length, that length included."""
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # a title only
    _title(slide, "x" * length)
    title = slide.shapes.title
    assert len(title.text) == kept
    assert title.text.endswith("…") == (kept < length)
    assert {r.font.size for p in title.text_frame.paragraphs for r in p.runs} == {Pt(size)}


def test_every_slide_has_words_for_the_speaker(run_cli: RunCli, tmp_path: Path) -> None:
    """Losing Intune leaves no component without a viable alternative: the risks slide had
    an empty notes page (helper-97); it now says that each has one."""
    result = run_cli("report", "scenarios/lose-intune.yaml", "-o", tmp_path / "i.pptx")
    assert result.exit_code == 0, result.stderr
    said = {
        slide.shapes.title.text: slide.notes_slide.notes_text_frame.text
        for slide in Presentation(str(tmp_path / "i.pptx")).slides
        if slide.has_notes_slide
    }
    assert len(said) == len(TITLES)
    assert all(text.strip() for text in said.values()), said
    assert said["The largest risks"] == (
        "The component to replace has a viable alternative; it covers only part of what is "
        "used (the report's Alternatives section names it, with the gaps)."
    )
    # the services that break, not the three that degrade (helper-97's R44)
    breaking = said["The answer in figures"]
    assert "- Endpoint security: Endpoint security ← Microsoft Defender" in breaking
    assert "E-mail and calendar" not in breaking


WAITS = """
estate: {name: waits, as_of: 2026-01-01}
vendors: [{id: v1, name: Vendor One, hq_country: SE}, {id: v2, name: Vendor Two, hq_country: SE}]
components:
  - {id: a, name: Alpha, vendor: v1, delivery: saas}
  - {id: b, name: Beta, vendor: v1, delivery: saas}
  - {id: c, name: Gamma, vendor: v1, delivery: saas}
  - {id: kb, name: Kb, vendor: v2, delivery: saas, lifecycle: candidate,
     depends_on: [{ref: a, strength: soft}]}
  - {id: kc, name: Kc, vendor: v2, delivery: saas, lifecycle: candidate}
services:
  - {id: s, name: S, depends_on: [a, b, c]}
alternatives:
  - {for: b, candidate: kb, readiness: R3, duration_weeks: 4}
  - {for: c, candidate: kc, readiness: R3, duration_weeks: 2}
"""


def test_the_notes_name_the_step_that_blocks_another(
    run_cli: RunCli, write_files: WriteFiles
) -> None:
    """Kb, the candidate for Beta, needs Alpha (softly, so it stays viable), and nothing can
    replace Alpha: Beta's step waits for Alpha's, which is blocked. The plan's notes say
    so, by name; no other deck had a step blocked by another (helper-97's R50)."""
    folder = write_files({"waits.yaml": WAITS})
    scenario = write_scenario(folder, "vendor:v1", mode="exit")
    target = folder.parent / "deck.pptx"
    result = run_cli("report", scenario, "-o", target)
    assert result.exit_code == 0, result.stderr
    said = {
        slide.shapes.title.text: slide.notes_slide.notes_text_frame.text
        for slide in Presentation(str(target)).slides
    }
    assert said["The plan on a calendar"].splitlines() == [
        "Critical path: Gamma",
        "Blocked steps:",
        "- Alpha (blocked: no viable alternative)",
        "- Beta (blocked by Alpha)",
    ]
