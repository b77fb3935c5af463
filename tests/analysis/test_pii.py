from __future__ import annotations

import pytest

from exchange_analysis.pii import nhs_number_valid, redact


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("email me at jo.bloggs@example.co.uk please", "EMAIL", "jo.bloggs@example.co.uk"),
        ("mobile 07700 900123 any time", "PHONE", "07700 900123"),
        ("ring 07700900123", "PHONE", "07700900123"),
        ("call +44 7700 900123", "PHONE", "+44 7700 900123"),
        ("office (01632) 960001", "PHONE", "(01632) 960001"),
        ("London 020 7946 0018", "PHONE", "020 7946 0018"),
        ("US number +1 (555) 123-4567", "PHONE", "+1 (555) 123-4567"),
        ("my NHS number is 943 476 5919", "NHS_NUMBER", "943 476 5919"),
        ("number 9434765919 on the letter", "NHS_NUMBER", "9434765919"),
        ("NHS no: 123-456-7890", "NHS_NUMBER", "123-456-7890"),
        ("I live in LS1 4AB now", "POSTCODE", "LS1 4AB"),
        ("postcode sw1a1aa", "POSTCODE", "sw1a1aa"),
        ("at 12 Acacia Avenue, Leeds", "ADDRESS", "12 Acacia Avenue, Leeds"),
        ("Flat 3, 45 High Street", "ADDRESS", "Flat 3, 45 High Street"),
        ("see https://example.org/a?b=1.", "URL", "https://example.org/a?b=1"),
        ("Dr Patel was great", "NAME", "Patel"),
        ("Nurse Sarah was great", "NAME", "Sarah"),
        ("thanks to Emma Watson on the ward", "NAME", "Emma Watson"),
        ("a nurse called Bukola helped", "NAME", "Bukola"),
        ("Ring Sarah Jones tomorrow", "NAME", "Sarah Jones"),
    ],
)
def test_each_identifier_type(text, kind, found):
    redacted, findings = redact(text)
    assert (kind, found) in [(f.kind, f.text) for f in findings]
    assert f"[{kind}]" in redacted
    assert found not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "I waited 3 hours to be seen",
        "Will they call me back? May was better than June.",
        "The ward 10 staff were kind",
        "Rang 111 and 999 twice",
        "I am 1234567890 percent happy",  # ten digits failing the NHS check, not a phone
        "Grace and hope were shown by all",
        "Appointment at 10:30 on 12/05/2022",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == (text, [])


def test_nhs_number_check():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("12345")


def test_offsets_point_into_original():
    text = "Dr Who at 07700 900123, jo@example.com"
    _, findings = redact(text)
    assert [text[f.start : f.end] for f in findings] == [f.text for f in findings]


@pytest.mark.parametrize(
    "text",
    ["Treated at James Cook hospital", "The Hope Centre was lovely", "Victoria Infirmary staff"],
)
def test_place_names_are_not_people(text):
    assert [f for f in redact(text)[1] if f.kind == "NAME"] == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mrs O'Brien on the ward", "O'Brien"),
        ("Dr MacLeod explained", "MacLeod"),
        ("Thanks to Olu Adebayo on reception", "Olu Adebayo"),
        ("Ravi Jones was brilliant", "Ravi Jones"),
    ],
)
def test_name_shapes(text, found):
    assert ("NAME", found) in [(f.kind, f.text) for f in redact(text)[1]]


@pytest.mark.parametrize("text", ["Many thanks All my respect", "a place in Clifton Lane"])
def test_common_words_and_streets_are_not_names(text):
    assert redact(text) == (text, [])


def test_skipping_patterns_that_cannot_match_never_changes_the_result(monkeypatch):
    """The cheap pre-checks in _spans are only a shortcut: with every pattern run, the same."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from exchange_analysis import pii

    samples = [
        "email me at jo.bloggs@example.co.uk please",
        "ring 07700900123 or see WWW.example.org",
        "I live in LS1 4AB now, at 12 Acacia Avenue, Leeds",
        "THANKS TO Emma Watson and a nurse Called Bukola",
        "a\u017fk for Sarah Jones",  # a long s matches "s" in a case-insensitive pattern
        "My name is Priya. HTTPS://example.org/x",
        "no personal data here at all, just a reflection on working together",
    ]
    letters = st.sampled_from(list("aAsSkKtThHnNmMcClLeE@.:/ 0123456789wWpP\u017f\u212a\u0130"))
    fragments = st.lists(st.one_of(letters, st.sampled_from(samples)), max_size=12)

    def both(text: str) -> tuple[list, list]:
        quick = pii.find_pii(text)
        with monkeypatch.context() as patched:
            patched.setattr(pii, "_may_match", lambda _text: (True, True, True, True))
            full = pii.find_pii(text)
        return quick, full

    for text in samples:
        quick, full = both(text)
        assert quick == full, text

    @settings(max_examples=300, deadline=None)
    @given(fragments)
    def check(parts: list[str]) -> None:
        text = "".join(parts)
        quick, full = both(text)
        assert quick == full, text

    check()
