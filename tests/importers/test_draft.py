"""The rules every importer shares (exitplan/importers/draft.py): ids, vendors, the
unknown supplier, relations whose ends are missing, and cycles of hard dependencies."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exitplan.errors import InvalidInputError
from exitplan.importers.draft import Draft, Imported, slug, spell_cycle, vendor_key
from exitplan.importers.rules import CommonRules, NamedVendor, VendorRules
from exitplan.loading import load_estate, read_document
from exitplan.model import Component, Delivery, Service, Strength, Vendor
from exitplan.render.estate_yaml import dump_estate_yaml
from tests.conftest import REPO, cli
from tests.importers import write_imported


def _ids(imported: Imported) -> dict[str, str]:
    """Source id -> the id it was given."""
    found: dict[str, str] = {}
    for content in imported.files.values():
        elements: list[Component | Service | Vendor] = [
            *content.components,
            *content.services,
            *content.vendors,
        ]
        for element in elements:
            assert element.origin is not None
            found[element.origin.id] = element.id
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CRM System", "crm-system"),
        ("Försäkrings-CRM (v2)", "forsakrings-crm-v2"),
        ("  --Ärende__hantering..  ", "arende__hantering"),
        ("Microsoft 365 / Teams", "microsoft-365-teams"),
        ("???", ""),
        ("x" * 300, "x" * 96),
        # letters without a decomposition were dropped, other scripts left nothing
        # (helper-66: 'Maciej Małecki' was maciej-maecki, a Korean author 'vendor')
        ("Bodø kommune", "bodo-kommune"),
        ("Maciej Małecki", "maciej-malecki"),
        ("Straße", "strasse"),
        ("Москва", "moskva"),
        ("강동윤", "gangdongyun"),
        ("Ca\u0301fe\u0301", "cafe"),  # decomposed accents
    ],
    ids=[
        "words",
        "swedish",
        "edges",
        "slash",
        "nothing-left",
        "long",
        "norwegian",
        "polish",
        "german",
        "cyrillic",
        "korean",
        "decomposed",
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Microsoft", "Microsoft Corporation", True),
        ("microsoft corp.", "MICROSOFT", True),
        ("Tieto Sverige AB", "Tieto Sverige", True),
        ("SAP SE", "SAP", False),  # SE is not stripped: it is also a country
        ("Atea", "Atos", False),
        ("Telia Company AB (publ)", "Telia", True),
        ("AG Grid Ltd", "Grid", False),  # a legal form only at the end
        ("SAS Institute Inc.", "Institute", False),
        ("home spa catalog", "home catalog", False),
        ("Alexandru Mărășteanu", "Alexandru Marasteanu", True),
        ("Co", "Company", False),  # nothing but a legal form: the name itself
        ("The Apache Software Foundation", "Apache Software Foundation", True),
        ("The Eclipse Foundation, Inc.", "Eclipse Foundation", True),
        ("The", "the", True),  # an article alone is the name
        ("Theodor Ltd", "Odor", False),  # only the word 'the'
        ("Anthe", "An", False),
        # helper-68: a Latin letter with no decomposition, as the ids fold it
        ("Maciej Małecki", "Maciej Malecki", True),
        ("Bodø Energi", "Bodo Energi", True),
        ("北京", "背景", False),  # other scripts as written: both are 'beijing' in Latin letters
        ("🍎 Ltd", "🍊 Ltd", False),  # helper-69: both were 'ltd'
    ],
    ids=[
        "corporation",
        "corp-case",
        "ab",
        "se-kept",
        "different",
        "several-forms",
        "form-first",
        "form-first-and-last",
        "form-inside-a-word-list",
        "accents",
        "only-a-form",
        "leading-article",
        "article-and-form",
        "only-an-article",
        "the-inside-a-word",
        "the-at-the-end",
        "polish",
        "norwegian",
        "chinese-as-written",
        "emoji",
    ],
)
def test_one_vendor_per_organisation(one: str, other: str, same: bool) -> None:
    assert (vendor_key(one) == vendor_key(other)) is same


def test_ids_collide_by_a_stable_rule() -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.component("c1", "Petstore", type="Component")
    source.component("a1", "Petstore", type="API", priority=1)
    source.component("a2", "Petstore", type="API", priority=1)
    source.service("s1", "Petstore", type="ApplicationService")
    ids = _ids(draft.finish())
    assert ids == {
        "c1": "petstore",
        "a1": "petstore-api",
        "a2": "petstore-2",
        "s1": "petstore-applicationservice",
        "Unknown supplier (m.xml)": "unknown-supplier-m-xml",
    }


def test_an_id_the_source_carries_is_preferred() -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.component("x", "Mail", id_hint="exchange-online")
    assert _ids(draft.finish())["x"] == "exchange-online"


def _build(order: list[int]) -> Imported:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    calls: list[Callable[[], object]] = [
        lambda: source.component("a", "App", type="ApplicationComponent"),
        lambda: source.component("b", "App", type="ApplicationComponent"),
        lambda: source.component("c", "Db", vendor=source.vendor("Oracle Corporation")),
        lambda: source.service("s", "Service", type="ApplicationService"),
        lambda: source.depends("s", "a", type="Serving", sid="r1"),
        lambda: source.depends("a", "c", type="Serving", sid="r2"),
        lambda: source.depends("b", "c", type="Serving", sid="r3"),
        lambda: source.depends("c", "a", type="Serving", sid="r4"),
        lambda: source.flow("a", "b", type="Flow", sid="f1", name="Orders"),
        lambda: source.vendor("Oracle"),
    ]
    for index in order:
        calls[index]()
    return draft.finish()


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_order_sources_are_read_in_changes_nothing(shuffle: random.Random) -> None:
    order = list(range(10))
    expected = {n: dump_estate_yaml(c) for n, c in _build(order).files.items()}
    shuffle.shuffle(order)
    assert {n: dump_estate_yaml(c) for n, c in _build(order).files.items()} == expected


def test_a_cycle_of_hard_dependencies_is_broken_and_listed(tmp_path: Path) -> None:
    imported = _build(list(range(10)))
    assert imported.account.cycles == [("app", "db", "app")]
    estate = load_estate(write_imported(imported, tmp_path / "e"))
    db = next(c for c in estate.components if c.id == "db")
    (closing,) = db.depends_on
    assert closing.strength is Strength.SOFT
    assert closing.assumed
    assert closing.origin is not None
    assert "strength" in closing.origin.inferred
    assert closing.note is not None
    assert "app → db → app" in closing.note


def test_vendors_from_names_else_the_unknown_supplier(tmp_path: Path) -> None:
    rules = CommonRules(
        vendors=VendorRules(names=(NamedVendor(pattern=r"\bteams\b|office", vendor="Microsoft"),))
    )
    draft = Draft(rules)
    source = draft.source("cmdb.csv", "csv")
    source.component("1", "Microsoft Teams")
    source.component("2", "Ärendehantering")
    source.component("3", "Kartportal", vendor=source.vendor("Sweco AB"), delivery=Delivery.SAAS)
    imported = draft.finish()
    estate = load_estate(write_imported(imported, tmp_path / "e"))
    by_name = {c.name: c for c in estate.components}
    assert by_name["Microsoft Teams"].vendor == "microsoft"
    assert by_name["Ärendehantering"].vendor == "unknown-supplier-cmdb-csv"
    assert by_name["Kartportal"].vendor == "sweco"
    assert not by_name["Kartportal"].assumed  # vendor and delivery were both given
    assert by_name["Microsoft Teams"].assumed
    origin = by_name["Microsoft Teams"].origin
    assert origin is not None
    assert origin.inferred == ("delivery", "vendor")
    unknown = next(v for v in estate.vendors if v.id == "unknown-supplier-cmdb-csv")
    assert unknown.assumed
    inferred = imported.account.total("inferred")
    assert inferred["vendor guessed from the element's name"] == 1
    assert inferred["vendor not in the source: Unknown supplier"] == 1


@pytest.mark.parametrize(
    ("relation", "why"),
    [
        (("s", "missing"), "an end was not imported"),
        (("s", "s"), "a dependency of an element to itself"),
        (("cap", "s"), "a dependency to or from a capability, not a component or service"),
    ],
    ids=["missing-end", "self", "capability"],
)
def test_relations_that_cannot_be_written_are_counted(relation: tuple[str, str], why: str) -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.service("s", "S")
    source.capability("cap", "Cap")
    source.depends(*relation, type="Serving")
    imported = draft.finish()
    assert imported.account.total("skipped") == {("Serving", why): 1}
    assert imported.account.total("made")["dependency"] == 0


def test_a_second_relation_between_the_same_elements_keeps_the_hard_one() -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.service("s", "S")
    source.component("c", "C")
    source.depends("s", "c", type="Association", strength=Strength.SOFT)
    source.depends("s", "c", type="Serving")
    imported = draft.finish()
    (service,) = imported.files["m.yaml"].services
    (dependency,) = service.depends_on
    assert dependency.strength is Strength.HARD
    skipped = imported.account.total("skipped")
    assert skipped == {("Association", "a second relation between the same two elements"): 1}


def test_skip_rules_leave_elements_and_their_relations_out() -> None:
    draft = Draft(CommonRules(skip=("legacy-fax", "Old Intranet")))
    source = draft.source("m.xml", "archimate")
    source.service("s", "S")
    source.component("legacy-fax", "Fax")
    source.component("x", "Old intranet")
    source.depends("s", "legacy-fax", type="Serving")
    imported = draft.finish()
    skipped = imported.account.total("skipped")
    assert skipped[("component", "listed under skip in the mapping")] == 2
    assert skipped[("Serving", "an end was not imported")] == 1


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_name_is_written_so_that_it_reads_back(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    if not name.strip():
        return
    draft = Draft()
    draft.source("m.xml", "archimate").service("s", name)
    imported = draft.finish()
    folder = tmp_path_factory.mktemp("yaml")
    path = folder / "m.yaml"
    path.write_text(dump_estate_yaml(imported.files["m.yaml"]), encoding="utf-8")
    data = read_document(path).data
    assert data["services"][0]["name"] == imported.files["m.yaml"].services[0].name


def test_capabilities_are_realised_by_components_and_required_by_services() -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.service("s", "Mail")
    source.component("c", "Exchange")
    source.capability("cap", "E-mail")
    source.depends("cap", "c", type="Realization")
    source.depends("s", "cap", type="Serving")
    imported = draft.finish()
    (component,) = imported.files["m.yaml"].components
    (service,) = imported.files["m.yaml"].services
    assert dict(component.capabilities) == {"e-mail": "full"}
    assert service.requires == ("e-mail",)
    made = imported.account.total("made")
    assert made["capability realised by a component"] == 1
    assert made["capability required by a service"] == 1


@pytest.mark.parametrize(
    "long",
    ["element id", "relation id", "relation ends", "type", "flow name", "vendor name"],
)
def test_texts_too_long_for_the_model_are_cut_not_refused(long: str, tmp_path: Path) -> None:
    huge = "x" * 5000
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    element = huge if long in {"element id", "relation ends"} else "c"
    source.service("s", "S")
    source.component(
        element,
        "C",
        type=huge if long == "type" else "ApplicationComponent",
        vendor=source.vendor(huge) if long == "vendor name" else None,
    )
    source.component("d", "D")
    source.depends("s", element, type="Serving", sid=huge if long == "relation id" else None)
    source.flow(element, "d", type="Flow", name=huge if long == "flow name" else "Orders")
    imported = draft.finish()
    estate = load_estate(write_imported(imported, tmp_path / "e"))
    origins = [c.origin for c in estate.components] + [
        entry.origin for s in estate.services for entry in s.depends_on
    ]
    assert all(origin is not None and len(origin.id) <= 4000 for origin in origins)
    assert any(origin is not None and origin.id.endswith("…") for origin in origins) == (
        long in {"element id", "relation id", "relation ends"}
    )


def test_a_value_the_model_refuses_names_its_element_instead_of_failing() -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.component("c-1", "C", fields={"users": -5})
    with pytest.raises(InvalidInputError) as raised:
        draft.finish()
    (problem,) = raised.value.problems
    assert problem.file == "m.xml"
    assert problem.field == "users"
    assert problem.message.startswith("'c-1': ")


@pytest.mark.parametrize(
    ("members", "expected", "inferred"),
    [
        # (target, strength) per member of group g -> (target, group) written
        (
            [("a", Strength.HARD), ("b", Strength.HARD)],
            [("a", "g"), ("b", "g")],
            None,
        ),
        (
            [("a", Strength.HARD)],
            [("a", None)],
            "redundant group with one member imported: a plain dependency",
        ),
        (
            [("a", Strength.HARD), ("b", Strength.SOFT)],
            [("a", None), ("b", None)],
            "soft dependency taken out of its redundant group",
        ),
        (
            [("a", Strength.HARD), ("b", Strength.HARD), ("c", Strength.SOFT)],
            [("a", "g"), ("b", "g"), ("c", None)],
            "soft dependency taken out of its redundant group",
        ),
        (
            [("a", Strength.HARD), ("missing", Strength.HARD)],
            [("a", None)],
            "redundant group with one member imported: a plain dependency",
        ),
    ],
    ids=["two-hard", "one", "one-hard-one-soft", "two-hard-one-soft", "one-not-imported"],
)
def test_a_redundant_group_keeps_two_hard_members_or_is_dissolved(
    members: list[tuple[str, Strength]],
    expected: list[tuple[str, str | None]],
    inferred: str | None,
    tmp_path: Path,
) -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.service("s", "S")
    for name in "abc":
        source.component(name, name.upper())
    for target, strength in members:
        source.depends("s", target, type="Association", strength=strength, group="g")
    imported = draft.finish()
    estate = load_estate(write_imported(imported, tmp_path / "e"))  # the loader accepts it
    (service,) = estate.services
    assert [(d.ref, d.any_of_group) for d in service.depends_on] == expected
    if inferred is not None:
        assert imported.account.total("inferred")[inferred] >= 1


def test_a_long_cycle_is_spelled_short(tmp_path: Path) -> None:
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    names = [f"c{n:04d}" for n in range(2000)]
    for name in names:
        source.component(name, name)
    for one, other in zip(names, [*names[1:], names[0]], strict=True):
        source.depends(one, other, type="Serving")
    imported = draft.finish()
    (cycle,) = imported.account.cycles
    assert len(cycle) == 2001
    estate = load_estate(write_imported(imported, tmp_path / "e"))
    notes = [d.note for c in estate.components for d in c.depends_on if d.note]
    spelled = "c0000 → c0001 → c0002 → c0003 → … 1,993 more … → c1997 → c1998 → c1999 → c0000"
    assert notes == [f"Made soft by the import: it closes the cycle {spelled}."]


@pytest.mark.parametrize(
    ("loop", "most", "spelled"),
    [
        (["a", "b", "a"], 8, "a → b → a"),
        (["a", "b", "c", "d", "e", "a"], 4, "a → b → … 2 more … → e → a"),
        (list("abcdefgha"), 8, "a → b → c → d → … 1 more … → f → g → h → a"),
    ],
)
def test_spell_cycle(loop: list[str], most: int, spelled: str) -> None:
    assert spell_cycle(loop, most) == spelled


@pytest.mark.parametrize("name", ["   ", "\u200b", "\x1f"])
def test_names_that_show_nothing_are_none(name: str, tmp_path: Path) -> None:
    """An element's name that shows nothing is its source id; a data flow's is left out
    (a CycloneDX dataflow name of a space stopped the import)."""
    draft = Draft()
    source = draft.source("m.xml", "archimate")
    source.component("c", name)
    source.component("d", "D")
    source.flow("c", "d", type="Flow", name=name)
    estate = load_estate(write_imported(draft.finish(), tmp_path / "e"))
    assert [c.name for c in estate.components] == ["c", "D"]
    assert [f.name for f in estate.data_flows] == [None]


@pytest.mark.parametrize(
    ("fixture", "options"),
    [
        ("archimate/archisurance.xml", []),
        ("cyclonedx/dropwizard-1.3.15-bom.json", []),
        ("backstage/examples/components/petstore-component.yaml", []),
        ("csv", ["--components", "{source}", "--relations", "{relations}"]),
    ],
)
def test_a_file_name_that_is_no_utf_8_is_imported_with_its_bytes_as_escapes(
    tmp_path: Path, fixture: str, options: list[str]
) -> None:
    """A source named with bytes that are no UTF-8 (Linux allows any) crashed every
    import, exit 3 (helper-78): the name is kept with those bytes as escapes, in the
    summary, the files' headers and each element's origin."""
    if fixture == "csv":
        source = tmp_path / "ci\udcff.csv"
        source.write_text("id,name,vendor\nc1,Mail,Acme\nc2,Web,Acme\n", encoding="utf-8")
        relations = tmp_path / "rel\udcfe.csv"
        relations.write_text("parent,child\nc2,c1\n", encoding="utf-8")
    else:
        source = tmp_path / f"in\udcff{Path(fixture).suffix}"
        source.write_bytes((REPO / "tests" / "fixtures" / fixture).read_bytes())
        relations = source
    out = tmp_path / "out"
    given: list[str | Path] = [part.format(source=source, relations=relations) for part in options]
    if not given:
        given = [source]
    result = cli("import", *given, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "\\xff" in result.stdout
    assert "Traceback" not in result.stderr
    written = "".join(p.read_text(encoding="utf-8") for p in (out / "imported").iterdir())
    assert "\\xff" in written
    if fixture == "csv":
        assert "\\xfe" in written
    if fixture.startswith("archimate"):  # its backslash was taken for a folder's (helper-82)
        assert "Unknown supplier (in\\xff.xml)" in written
    assert cli("validate", out).exit_code == 0
