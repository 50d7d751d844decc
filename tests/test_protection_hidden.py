"""Detection of what column names hide: a generated household table with disguised, Urdu, Pashto and
Dari headers, identifiers in every usual spelling, names in free text, specific needs; and the
ordinary columns beside them (districts, counts, P-codes, dates, site coordinates) left alone."""

from __future__ import annotations

import json
import re
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from test_protection_data import FIRST, LAST

from pakmap.cli import main
from pakmap.errors import ProtectionError
from pakmap.layer import TableLayer
from pakmap.project import load_project, save_project
from pakmap.project.loader import load_layers
from pakmap.project.model import LayerSpec, LayoutSpec, Project, ProtectionSpec
from pakmap.protection.decisions import allow_field
from pakmap.protection.policy import guard_export
from pakmap.protection.record import write_export_record
from pakmap.sensitivity.categories import ADDRESS, CASE_ID, ID_CARD, PERSON_NAME, PHONE, POR_CARD, SPECIFIC_NEEDS
from pakmap.sensitivity.detect import detect_layer, detect_sensitive, inspect_layer
from pakmap.sensitivity.headers import normalize_field_name

N = 300
LATIN = [
    "Gul Bibi",
    "Mohammad Wali Khan",
    "Zarmina Safi",
    "Abdul Karim Popal",
    "Shabana Durrani",
    "Noor Ahmad",
    "Laila Hotak",
    "Farid Kakar",
    "Pari Achakzai",
    "Samiullah Afridi",
    "Hamida Noorzai",
    "Jawed Mohmand",
]
URDU_FIRST = ["گل", "محمد", "زرمینہ", "عبدالکریم", "شبانہ", "نور", "لیلیٰ", "فرید", "پری", "سمیع"]
URDU_MIDDLE = ["احمد", "ولی", "کریم", "اللہ", "بی بی", "جان", "دین", "بیگم"]
URDU_LAST = ["خان", "صافی", "پوپل", "درانی", "ہوتک", "کاکڑ", "اچکزئی", "آفریدی", "مہمند", "یوسفزئی"]
DISTRICTS = {"Peshawar": "PK401", "Quetta": "PK501", "Karachi East": "PK702", "Haripur": "PK406", "Pishin": "PK508"}
SITES = {
    "Peshawar": (71.57, 34.01),
    "Quetta": (67.00, 30.18),
    "Karachi East": (67.10, 24.90),
    "Haripur": (72.93, 33.99),
    "Pishin": (67.00, 30.58),
}


def _phone(rng, style: int) -> str:
    operator, number = rng.choice([300, 301, 312, 321, 333, 345]), f"{rng.integers(0, 10_000_000):07d}"
    return [
        f"0{operator}{number}",
        f"0{operator}-{number}",
        f"0{operator} {number[:3]} {number[3:]}",
        f"+92 {operator} {number}",
        f"92-{operator}-{number}",
        f"0{operator}-{number[:3]}-{number[3:]}",
        f"0{operator} {number}",
    ][style % 7]


def _cnic(rng, style: int) -> str:
    a, b, c = rng.integers(10000, 79999), f"{rng.integers(0, 10_000_000):07d}", rng.integers(1, 9)
    return [f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}{b}{c}"][style % 3]


def household_survey(n: int = N, seed: int = 14) -> pd.DataFrame:
    """A partner's household survey: every personal column under a name that hides it, plus the
    ordinary columns a map needs. A few cells of each are malformed or empty, as in real exports."""
    rng = np.random.default_rng(seed)
    district = rng.choice(list(DISTRICTS), n)
    latin = [f"{a} {b} {c}" for a, b, c in zip(rng.choice(FIRST, n), rng.choice(FIRST, n), rng.choice(LAST, n))]
    urdu = [
        f"{a} {b} {c}"
        for a, b, c in zip(rng.choice(URDU_FIRST, n), rng.choice(URDU_MIDDLE, n), rng.choice(URDU_LAST, n))
    ]
    needs = rng.choice(
        [
            "GBV survivor",
            "unaccompanied minor",
            "disabled",
            "UASC",
            "separated child",
            "serious medical condition",
            "woman at risk",
            "معذور",
            "بیوہ",
        ],
        n,
    )
    needs = np.where(rng.random(n) < 0.6, rng.choice(["none", "", "None", "-"], n), needs)
    phones = [_phone(rng, i) for i in range(n)]
    notes = [
        f"Head of household: {name}, phone {phone}"
        if i % 4 == 0
        else rng.choice(["visited, no issues", "shelter repaired", "follow up next month", "referred to BHU"])
        for i, (name, phone) in enumerate(zip(latin, phones))
    ]
    frame = pd.DataFrame(
        {
            "col7": phones,  # phones in seven spellings
            "contact": [_phone(rng, i + 3) for i in range(n)],
            "ref": [_cnic(rng, i) for i in range(n)],  # CNICs with dashes, spaces, bare
            "col3": [f"{rng.integers(10**9, 10**10)}" for _ in range(n)],  # bare PoR card numbers
            "ident": [f"PAK-{rng.integers(10, 24)}C{rng.integers(0, 99999):05d}" for _ in range(n)],
            "notes": notes,  # names and phones in free text
            "remarks": [
                f"{rng.choice(['Zarmina', 'Gul', 'Pari'])} d/o {name}" if i % 3 == 0 else "—"
                for i, name in enumerate(latin)
            ],
            "description": [f"<b>Name:</b> {name}<br>Family size: {rng.integers(1, 9)}" for name in latin],  # KML
            "tafsilat": [
                f"سربراہ: {name}، فون نمبر دستیاب نہیں" if i % 5 == 0 else "ٹھیک ہے" for i, name in enumerate(urdu)
            ],  # "details" in Urdu, names after a label
            "col9": urdu,  # names in Urdu script
            "ګرځنده": [_phone(rng, i + 1) for i in range(n)],  # Pashto "mobile"
            "پته": [f"کلی {rng.integers(1, 40)}، {d}" for d in district],  # Pashto/Urdu "address"
            "نوم": latin,  # Pashto "name"
            "د پلار نوم": rng.choice(LATIN, n),  # Pashto "father's name"
            "نام پدر": rng.choice(urdu, n),  # Dari "father's name"
            "شماره\u200cتماس": [_phone(rng, i + 2) for i in range(n)],  # Dari "contact number", with a ZWNJ
            "آدرس": [f"Street {rng.integers(1, 40)}, {d}" for d in district],  # Dari "address"
            "تذكرة": [
                f"{rng.integers(1000, 1400)}-{rng.integers(1000, 9999)}-{rng.integers(10000, 99999)}" for _ in range(n)
            ],  # Dari "tazkira" typed with Arabic letters
            "col12": needs,  # specific needs under a meaningless header
            "vulnerability": rng.choice(["yes", "no"], n),
            "معذوری": rng.choice(["ہاں", "نہیں"], n),  # Urdu "disability"
            "وضعیت حقوقی": rng.choice(["PoR", "ACC", "undocumented"], n),  # Dari "legal status"
            # Ordinary columns.
            "district": district,
            "pcode": [DISTRICTS[d] for d in district],
            "tehsil_pcode": [f"{DISTRICTS[d]}{rng.integers(1, 9):02d}" for d in district],
            "household_size": rng.integers(1, 12, n),
            "children_under_5": rng.integers(0, 4, n),
            "visit_date": [f"2024-{m:02d}-{d:02d}" for m, d in zip(rng.integers(1, 13, n), rng.integers(1, 29, n))],
            "registered_on": pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            "site_lat": [SITES[d][1] for d in district],
            "site_lon": [SITES[d][0] for d in district],
            "ration_kg": rng.choice([12.5, 25.0, 37.5, 50.0], n),
            "tap_stand_count": rng.integers(0, 30, n),
        }
    )
    for column in ("col7", "ref", "col3", "ident", "ګرځنده"):  # a few malformed or empty cells
        frame.loc[frame.index[:6], column] = ["n/a", "", None, "0300-12", "unknown", "?"]
    return frame


EXPECTED = {
    "col7": (PHONE, "98% of 298 non-empty values look like phone numbers"),
    "contact": (PHONE, "header 'contact' (English 'contact')"),
    "ref": (ID_CARD, "98% of 298 non-empty values look like CNICs"),
    "col3": (POR_CARD, "look like bare card numbers"),
    "ident": (CASE_ID, "look like proGres case or individual numbers"),
    "notes": (PHONE, "contain a phone number"),
    "remarks": (PERSON_NAME, "contain a person's name after a label"),
    "description": (PERSON_NAME, "contain a person's name after 'name:'"),
    "tafsilat": (PERSON_NAME, "contain a person's name after a label"),
    "col9": (PERSON_NAME, "look like names of people"),
    "ګرځنده": (PHONE, "header 'ګرځنده' (Pashto 'mobile')"),
    "پته": (ADDRESS, "header 'پته' (Urdu, Pashto 'address')"),
    "نوم": (PERSON_NAME, "header 'نوم' (Pashto 'name'), in a table of individuals or households"),
    "د پلار نوم": (PERSON_NAME, "header 'د پلار نوم' (Pashto 'father's name')"),
    "نام پدر": (PERSON_NAME, "header 'نام پدر' (Dari 'father's name')"),
    "شماره\u200cتماس": (PHONE, "(Dari 'contact')"),
    "آدرس": (ADDRESS, "header 'آدرس' (Pashto, Dari 'address')"),
    "تذكرة": (ID_CARD, "'tazkira (Afghan ID)')"),
    "col12": (SPECIFIC_NEEDS, "(other than 'none') name a specific need"),
    "vulnerability": (SPECIFIC_NEEDS, "header 'vulnerability' (English 'vulnerability')"),
    "معذوری": (SPECIFIC_NEEDS, "header 'معذوری' (Urdu 'disability')"),
    "وضعیت حقوقی": (SPECIFIC_NEEDS, "header 'وضعیت حقوقی' (Dari 'legal status')"),
}
ORDINARY = [
    "district",
    "pcode",
    "tehsil_pcode",
    "household_size",
    "children_under_5",
    "visit_date",
    "registered_on",
    "site_lat",
    "site_lon",
    "ration_kg",
    "tap_stand_count",
]


def test_generated_survey_has_the_formats_it_claims():
    frame = household_survey()
    assert len(frame) == N and set(EXPECTED) | set(ORDINARY) == set(frame.columns)
    digits = frame["col7"].iloc[6:].str.replace(r"\D", "", regex=True)
    assert digits.str.fullmatch(r"(?:92|0)3\d{9}").all()
    assert frame["col7"].iloc[6:].str.contains(" ").sum() > 100 and frame["col7"].str.contains("-").sum() > 80
    assert frame["ref"].iloc[6:].str.fullmatch(r"\d{5}[ -]?\d{7}[ -]?\d").all()
    assert (frame["col12"].isin(["none", "", "None", "-"])).mean() > 0.5  # needs are the minority


def test_every_hidden_sensitive_column_is_found_with_its_reason():
    found = detect_sensitive(household_survey())
    assert set(found) == set(EXPECTED), set(found) ^ set(EXPECTED)
    for field, (category, because) in EXPECTED.items():
        assert found[field].startswith(category + ":"), (field, found[field])
        assert because in found[field], (field, found[field])


def test_no_ordinary_column_is_flagged():
    found = detect_sensitive(household_survey())
    assert not set(found) & set(ORDINARY), {f: found[f] for f in set(found) & set(ORDINARY)}


def test_reasons_name_no_value():
    frame = household_survey()
    found = detect_sensitive(frame)
    values = {str(v) for column in EXPECTED for v in frame[column] if isinstance(v, str) and len(v) > 3}
    for field, reason in found.items():
        reason = reason.replace(f"header '{field}'", "")  # headers are not data
        assert not any(v in reason for v in values if v not in ("none", "None")), reason


def test_a_few_identifiers_in_a_column_of_counts_do_not_flag_it():
    counts = pd.Series([3001234567] + list(range(100, 400)))  # one phone-like value among counts
    assert detect_sensitive(pd.DataFrame({"beneficiaries": counts})) == {}


@pytest.mark.parametrize(
    "values, category",
    [
        (["03001234567", "0300-1234567", "0300 123 4567", "+92 300 1234567", "92-300-1234567", "0300-123-4567"], PHONE),
        (["۰۳۰۰۱۲۳۴۵۶۷", "۰۳۴۵-۷۶۵۴۳۲۱", "۰۳۱۲ ۱۱۱ ۲۲۳۳"], PHONE),  # Urdu digits
        (["12345-1234567-1", "12345 1234567 1", "1234512345671"], ID_CARD),
        (["0123456789", "1234567890", "2345678901", "3456789012", "4567890123"], POR_CARD),
        (["PAK-21C12345", "PAK 21C 12345", "845-12345678"], CASE_ID),
        (["GBV survivor", "UASC", "disabled", "SC-UC", "none", "none", "DS-PM", "unaccompanied minor"], SPECIFIC_NEEDS),
        (["معذور", "بیوہ", "یتیم", "نہیں", "نہیں"], SPECIFIC_NEEDS),
        (["GBV survivor; disabled", "separated child, older person at risk", "no"], SPECIFIC_NEEDS),
    ],
)
def test_value_rules(values, category):
    assert detect_sensitive(pd.DataFrame({"x": values}), individual=False)["x"].startswith(category + ":")


@pytest.mark.parametrize(
    "values",
    [
        ["PK701", "PK70101", "PK7", "PK", "PK729"],  # P-codes
        ["2024-03-15", "15/03/2024", "2024-03-15 10:00"],  # dates
        ["Loralai", "Dera Ismail Khan", "Tando Allah Yar", "Kachhi (Bolan)"],  # districts
        [178958, 3822325, 20382881, 466218],  # populations
        ["GBV case management", "Child protection", "Shelter", "WASH"],  # 3W activities: programmes, not people
        ["married", "single", "widowed", "divorced", "married"],  # marital status is not a need
        ["Mother Child Hospital Quetta", "Father Jules School", "DHQ Hospital Mr. Shah Road"],  # places
    ],
)
def test_ordinary_values_stay_public(values):
    assert detect_sensitive(pd.DataFrame({"x": values}), individual=False) == {}


def test_needs_count_of_a_district_table_is_a_count():
    districts = pd.DataFrame(
        {"district": ["Peshawar", "Quetta"], "gbv_cases": [12, 3], "disabled_persons": [40, 9], "uasc": [2, 0]}
    )
    assert detect_sensitive(districts) == {}
    people = pd.DataFrame({"hh_id": ["a", "b"], "disabled_members": [1, 0]})
    assert detect_sensitive(people)["disabled_members"].startswith(SPECIFIC_NEEDS)


@pytest.mark.parametrize(
    "variant, plain",
    [
        ("موبايل", "موبایل"),  # Arabic ي for Persian ی
        ("شمارہ تماس", "شماره تماس"),  # Urdu he goal
        ("شماره\u200cتماس", "شماره تماس"),  # zero-width non-joiner
        ("نَام", "نام"),  # diacritic
        ("تذكره", "تذکره"),  # Arabic kaf
        ("ګرځنده", "گرځنده"),  # Pashto gaf
    ],
)
def test_arabic_script_variants_fold_together(variant, plain):
    assert normalize_field_name(variant) == normalize_field_name(plain)


def test_needs_do_not_make_a_table_individual_level():
    sites = TableLayer(
        "sites", pd.DataFrame({"site": ["A", "B", "C"], "target_group": ["UASC", "PWDs", "GBV survivors"]})
    )
    found, individual = inspect_layer(sites)
    assert not individual and found["target_group"].startswith(SPECIFIC_NEEDS)


def test_real_tables_give_no_false_positive(shared_data, districts_path):
    assert detect_sensitive(pd.read_csv(shared_data / "pak_census2023_districts.csv")) == {}
    assert detect_sensitive(pd.read_csv(shared_data / "pak_census2023_districts.csv", dtype=str)) == {}
    assert detect_sensitive(gpd.read_file(districts_path)) == {}
    for name in ("sindh_cod_adm2_pcodes.geojson", "sindh_cod_adm3_pcodes.geojson", "pak_provinces.geojson"):
        assert detect_sensitive(gpd.read_file(shared_data / name)) == {}, name
    for layer in ("provinces", "divisions", "districts"):
        assert detect_sensitive(gpd.read_file(shared_data / "pakistan_admin.gpkg", layer=layer)) == {}
    census = TableLayer("census", pd.read_csv(shared_data / "pak_census2023_districts.csv"))
    assert detect_layer(census) == {}


@pytest.fixture()
def survey_project(tmp_path, shared_data):
    """A project mapping provinces beside the partner's survey (a table: it is joined, not drawn)."""
    shutil.copy(shared_data / "pak_provinces.geojson", tmp_path / "provinces.geojson")
    # Without its site coordinates: a table of households (with them it is a layer of points, refused).
    household_survey().drop(columns=["site_lat", "site_lon"]).to_csv(tmp_path / "survey.csv", index=False)
    project = Project(
        layers=[LayerSpec("provinces", "provinces.geojson"), LayerSpec("survey", "survey.csv")],
        layout=LayoutSpec(title="Provinces"),
        protection=ProtectionSpec(threshold=5),
    )
    project.path = tmp_path / "project.toml"
    save_project(project)
    return project.path


def test_check_shows_each_decision_and_its_rule(survey_project, capsys):
    assert main(["check", str(survey_project)]) == 0
    out = capsys.readouterr().out.splitlines()
    withheld = {re.search(r"field '([^']+)'", l).group(1): l for l in out if l.startswith("withheld: layer 'survey'")}
    assert set(withheld) == set(EXPECTED)
    assert (
        "withheld: layer 'survey', field 'ګرځنده': phone number: header 'ګرځنده' (Pashto 'mobile') — withheld "
        "from exports; to publish it pass --allow-sensitive survey:ګرځنده"
    ) in withheld["ګرځنده"]
    assert "CNIC / ID card number: 98% of 298 non-empty values look like CNICs" in withheld["ref"]
    assert withheld["col12"].startswith(f"withheld: layer 'survey', field 'col12': {SPECIFIC_NEEDS}: ")


def test_record_keeps_why_each_field_was_withheld_and_no_value(survey_project):
    loaded = load_layers(load_project(survey_project))
    out = survey_project.parent / "map.pdf"
    safe, plan = guard_export(loaded, out)
    assert "survey" in [layer.name for layer in safe.layers]
    assert not set(EXPECTED) & set(safe.layer("survey").data.columns)  # specific needs withheld too
    text = write_export_record(safe, out, plan).read_text(encoding="utf-8")
    withheld = json.loads(text)["protection"]["withheld"]["survey"]
    assert withheld == {field: detect_sensitive(household_survey())[field] for field in sorted(EXPECTED)}
    frame = household_survey()
    headers = " ".join(frame.columns)  # a value that is part of a header ("معذور") is in the record
    for column in EXPECTED:
        for value in set(frame[column].dropna().astype(str)):
            if len(value) > 4 and value not in headers and value not in ("None", "none", "undocumented"):
                assert value not in text, (column, value)


def test_specific_needs_published_only_with_a_recorded_reason(survey_project):
    project = load_project(survey_project)
    with pytest.raises(ProtectionError, match="needs a reason"):
        allow_field(project, "survey", "col12")
    allow_field(project, "survey", "col12", reason="shared with the GBV sub-sector under the data-sharing agreement")
    loaded = load_layers(project)
    safe, plan = guard_export(loaded, survey_project.parent / "map.pdf")
    assert "col12" in safe.layer("survey").data.columns
    assert plan.summary()["allowed"]["survey"] == {
        "col12": "shared with the GBV sub-sector under the data-sharing agreement"
    }
    assert "col12" not in plan.summary()["withheld"]["survey"]
