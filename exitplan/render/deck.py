"""The exit strategy as a slide deck (``exitplan report SCENARIO -o deck.pptx``), because
the board meets in PowerPoint: a title slide, the answer in figures, the impact diagram,
the plan on a calendar, the largest risks and the decisions asked for. Text is large
enough to read from the back of a room (figures 24 pt, lists 20 pt); pictures are PNG at
slide resolution; the speaker notes carry the chains and assumptions behind each slide.
The same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence

from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from exitplan.errors import plural, printable, shorten
from exitplan.render.files import fixed_zip
from exitplan.render.report import (
    NO_RISK,
    decisions,
    document_names,
    figures,
    named,
    no_decision,
    question,
    risks,
    why_missing,
    withdrawn_words,
)
from exitplan.render.rows import (
    blocked_text,
    brought_in_sentences,
    chain_text,
    sentences,
)
from exitplan.simulate.result import Simulation, State, Status
from exitplan.simulate.strategy import ExitStrategy

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
BODY_TOP, PICTURE_TOP = Inches(1.5), Inches(1.3)
INNER = Emu(WIDTH - 2 * MARGIN)
"""The width inside the margins."""
TITLE_SIZE, BODY_SIZE, FIGURE_SIZE = Pt(36), Pt(20), Pt(24)
TITLE_ONLY, TITLE_SLIDE = 5, 0
"""Layouts of python-pptx's default template."""


TITLE_FITS = ((44, TITLE_SIZE), (100, Pt(28)), (150, Pt(22)))
"""The longest title each size holds in the title's box, on one line at 36 points, else
two lines at 28 or three at 22 (a bold character taken as 0.6 of its size wide). A
longer title is cut, with "…", to the last."""


def _title(slide: Slide, text: str) -> None:
    shape = slide.shapes.title
    if shape is None:
        return
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), INNER, Inches(1.0)
    shown = printable(text)
    longest, size = next(
        ((most, size) for most, size in TITLE_FITS if len(shown) <= most), TITLE_FITS[-1]
    )
    shape.text = shorten(shown, longest)
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = size
            run.font.bold = True


def _notes(slide: Slide, lines: Sequence[str]) -> None:
    """The speaker notes, a paragraph per line (each line's own control characters are
    shown as escapes)."""
    if not lines:  # no notes page at all, rather than an empty one (helper-97)
        return
    frame = slide.notes_slide.notes_text_frame
    if frame is None:
        return
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()  # type: ignore[no-untyped-call]
        paragraph.text = printable(line)


def _bullets(slide: Slide, items: Sequence[str]) -> None:
    top = BODY_TOP
    box = slide.shapes.add_textbox(MARGIN, top, INNER, Emu(HEIGHT - top - MARGIN))
    frame = box.text_frame
    frame.word_wrap = True
    for index, item in enumerate(items):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = printable(f"{index + 1}. {sentences([item])}")
        paragraph.space_after = Pt(14)
        for run in paragraph.runs:
            run.font.size = BODY_SIZE


def _picture(slide: Slide, png: bytes) -> None:
    """A picture as large as the slide allows below the title, its proportions kept."""
    top = PICTURE_TOP
    from PIL import Image  # noqa: PLC0415 - python-pptx's own dependency

    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    room_w, room_h = INNER, HEIGHT - top - Inches(0.3)
    scale = min(room_w / width, room_h / height)
    shown_w, shown_h = int(width * scale), int(height * scale)
    left = int((WIDTH - shown_w) / 2)
    slide.shapes.add_picture(io.BytesIO(png), Emu(left), top, Emu(shown_w), Emu(shown_h))


def _opening(deck: PresentationType, strategy: ExitStrategy) -> None:
    simulation = strategy.simulation
    title = simulation.scenario_title or f"Withdrawing {', '.join(simulation.selectors)}"
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_SLIDE])
    _title(slide, f"Exit strategy: {title}")
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = MARGIN, Inches(3.0)
    subtitle.width, subtitle.height = INNER, Inches(2.5)
    lines = [
        strategy.estate_title,
        question(strategy),
        "Day 0: " + (simulation.start.isoformat() if simulation.start else "not dated"),
    ]
    frame = subtitle.text_frame
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = printable(line)
        for run in paragraph.runs:
            run.font.size = BODY_SIZE
    what = f"{withdrawn_words(strategy)} ({', '.join(simulation.selectors)}; {simulation.mode})"
    _notes(slide, [f"Scenario {simulation.scenario_id or ''}: {what}."])


def _figures(deck: PresentationType, strategy: ExitStrategy) -> None:
    simulation = strategy.simulation
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, "The answer in figures")
    section = figures(strategy)
    rows = len(section.rows)
    shape = slide.shapes.add_table(rows, 2, MARGIN, BODY_TOP, INNER, Emu(Inches(0.6) * rows))
    table = shape.table
    table.first_row = False  # no header: each row is a figure and its value
    table.columns[0].width = Inches(5.2)
    table.columns[1].width = Emu(INNER - Inches(5.2))
    for row, (label, value) in enumerate(section.rows):
        for column, text in enumerate((label, value)):
            cell = table.cell(row, column)
            cell.text = printable(text)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = FIGURE_SIZE if column else BODY_SIZE
                    run.font.bold = bool(column)
    broken = [s for s in simulation.services if s.state is not State.DEGRADED]
    names = document_names(strategy)
    needs = brought_in_sentences(simulation, names)  # the figures leave these out
    assumed = len(strategy.assumptions)
    _notes(
        slide,
        [
            *_listing(
                "Services that break, and the chain that breaks each first:",
                [
                    f"{names.get(s.id, s.impact.name)}: {chain_text(s.impact.because, names)}"
                    for s in broken
                ],
            ),
            *([sentences(needs)] if needs else []),
            f"These figures rest on {plural(assumed, 'assumed element')}."
            if assumed
            else "Nothing the figures rest on is marked assumed.",
        ],
    )


def _listing(lead: str, items: Sequence[str]) -> list[str]:
    """A lead-in and its items, one per line; nothing when there is no item."""
    return [lead, *(f"- {item}" for item in items)] if items else []


def _all_replaced(simulation: Simulation) -> list[str]:
    """The risks slide's notes when every component to replace has a viable alternative:
    that it has, and how many of them leave gaps."""
    count = len(simulation.replacements)
    if not count:
        return []
    gaps = sum(r.status is Status.PARTIAL for r in simulation.replacements)
    told = (
        "The component to replace has a viable alternative"
        if count == 1
        else f"Each of the {count:,} components to replace has a viable alternative"
    )
    partly = (
        ""
        if not gaps
        else "; it covers only part of what is used"
        if count == 1
        else f"; {gaps:,} of them cover only part of what is used"
    )
    where = "it" if count == 1 else "each"
    return [
        f"{told}{partly} (the report's Alternatives section names {where}"
        + (", with the gaps)." if gaps else ").")
    ]


def _slide(deck: PresentationType, title: str, notes: Sequence[str]) -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY])
    _title(slide, title)
    _notes(slide, notes)
    return slide


def dump_deck(strategy: ExitStrategy, pictures: Mapping[str, bytes]) -> bytes:
    """The deck's bytes. ``pictures`` maps "impact" and "gantt" to PNGs (each slide is
    left out when its picture is missing)."""
    simulation = strategy.simulation
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _opening(deck, strategy)
    _figures(deck, strategy)
    if "impact" in pictures:
        notes = ["The impact diagram: services on the left with the day each breaks."]
        _picture(_slide(deck, "What breaks", notes), pictures["impact"])
    names = document_names(strategy)
    if "gantt" in pictures:
        steps = {step.id: step for step in simulation.plan.steps}
        path = [
            names.get(steps[s].replaces, steps[s].replaces) for s in simulation.plan.critical_path
        ]
        notes = [
            *(["Critical path: " + " → ".join(path)] if path else []),
            *_listing(
                "Blocked steps:",
                [
                    f"{names.get(step.replaces, step.replaces)} ({blocked_text(step, names)})"
                    for step in simulation.plan.steps
                    if step.blocked
                ],
            ),
        ]
        _picture(_slide(deck, "The plan on a calendar", notes), pictures["gantt"])
    notes = _listing(
        "Components with no viable alternative, and why:",
        [f"{names.get(r.replaces, r.name)}: {why_missing(r, names)}" for r in simulation.missing],
    ) or _all_replaced(simulation)
    _bullets(_slide(deck, "The largest risks", notes), risks(strategy) or [NO_RISK])
    notes = _listing(
        "The assumptions these figures rest on (the report's appendix has each):",
        [f"{a.kind}: {named(a.subject, names)}" for a in strategy.assumptions],
    )
    asked = decisions(strategy, "the report lists them under Verify these first")
    _bullets(_slide(deck, "Decisions for the board", notes), asked or [no_decision(simulation)])
    buffer = io.BytesIO()
    title = simulation.scenario_title or f"Withdrawing {', '.join(simulation.selectors)}"
    core = deck.core_properties
    core.author = core.last_modified_by = "exitplan"
    core.title = printable(f"Exit strategy: {title}")[:255]
    core.subject = printable(strategy.estate_title)[:255]
    core.comments = ""  # python-pptx's template says "generated using python-pptx"
    deck.save(buffer)
    noted = sum(1 for slide in deck.slides if slide.has_notes_slide)
    return fixed_zip(buffer.getvalue(), _own_properties(buffer.getvalue(), len(deck.slides), noted))


_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>exitplan</Application>'
    "<PresentationFormat>Widescreen</PresentationFormat><Slides>{slides}</Slides>"
    "<Notes>{notes}</Notes></Properties>"
)
_THUMBNAIL = "docProps/thumbnail.jpeg"


def _own_properties(data: bytes, slides: int, notes: int) -> dict[str, bytes | None]:
    """What the deck says of itself, not what python-pptx's template said of it (another
    author's name, "Microsoft Macintosh PowerPoint", 4:3, no slides, and the template's
    thumbnail): the application and slide count, and no thumbnail."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        relations = package.read("_rels/.rels").decode("utf-8")
    kept = re.sub(
        r'<Relationship [^>]*Target="/?' + re.escape(_THUMBNAIL) + '"[^>]*/>', "", relations
    )
    return {
        "docProps/app.xml": _APP.format(slides=slides, notes=notes).encode("utf-8"),
        _THUMBNAIL: None,
        "_rels/.rels": kept.encode("utf-8"),
    }
