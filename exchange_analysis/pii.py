"""PII redaction: ``redact(text) -> (redacted_text, findings)``.

Finds, in this order of precedence: URLs, email addresses, NHS numbers (10 digits that pass
the modulus-11 check, or any 10 digits written right after "NHS number"), phone numbers (UK
landline, mobile and freephone formats, and international numbers with a + prefix), UK
postcodes, street addresses (house number, street name and a street type such as Road or
Close, optionally "Flat 3,") and person names (a title such as Dr or Nurse and a capitalised
word; a known first name, with a surname if one follows; or a capitalised word after
"called", "named" or "my name is"). Each is replaced by a typed placeholder such as
``[NAME]``. Rules, not a model: fast, explainable, and conservative with ordinary words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAMES_FILE = Path(__file__).resolve().parent / "data" / "first_names.json"

KINDS = ("URL", "EMAIL", "NHS_NUMBER", "PHONE", "POSTCODE", "ADDRESS", "NAME")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int  # offsets in the original text
    end: int
    text: str


def nhs_number_valid(digits: str) -> bool:
    """Modulus-11 check of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')]+[^\s<>\"').,;:!?]", re.I)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_TEN_DIGITS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_NHS_CONTEXT = re.compile(r"nhs\s*(?:no\.?|number|num|#)?\s*(?:is|:)?\s*$", re.I)
_PHONE = re.compile(
    r"""
    (?<![\w+])
    (?:
        (?:\+|00)\s?44\s?\(?0?\)?\s?[1-9](?:[\s-]?\d){8,9}        # +44 7700 900123
      | \+\s?[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,5}             # +1 (555) 123-4567
      | \(0\d{2,4}\)\s?\d{3,4}[\s-]?\d{3,4}                        # (01632) 960 001
      | 0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}                         # 020 7946 0018, 07700 900123
      | 0\d{9,10}                                                  # 07700900123
    )
    (?!\w)
    """,
    re.X,
)
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.I
)
_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|place|pl"
    "|gardens|gdns|terrace|grove|hill|park|square|sq|mews|row|walk|view|rise|parade|green"
)
_ADDRESS = re.compile(
    rf"""
    (?:\b(?i:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?
    \b\d{{1,4}}[a-z]?,?\s+
    (?:[A-Z][a-z'\u2019-]+\s+){{1,3}}
    (?i:{_STREET_TYPES})\b\.?
    (?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?
    """,
    re.X,
)
# A capitalised name word: O'Brien, MacLeod, Smith-Jones, but not NHS or A&E.
_NW = r"[A-Z][A-Za-z'\u2019-]*[a-z]"
_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Nurse|Sister|Matron|Sir|Dame|Lady|Lord"
_TITLE = re.compile(
    rf"\b(?:{_TITLES})"
    rf"\.?\s+((?:{_NW}|[A-Z]\.)(?:\s+{_NW})?)"
)
_CALLED = re.compile(
    r"\b(?i:called|named|name is|name's|names are|ask for|asked for|thanks to|thank you to"
    r"|thanks|thank you|pass my thanks to|praise for|shout out to)"
    rf"\s+({_NW}(?:\s+{_NW})?(?:\s+and\s+{_NW})?)"
)
_CAPITALISED = re.compile(rf"\b({_NW})(?=\s+({_NW}))?")
# Capitalised words that follow a first name but are not surnames.
_NOT_SURNAME = frozenset(
    [
        "The",
        "And",
        "But",
        "Was",
        "Is",
        "Were",
        "Who",
        "Which",
        "That",
        "This",
        "From",
        "With",
        "Ward",
        "Team",
        "Nurse",
        "Doctor",
        "Hospital",
        "Unit",
        "Service",
        "Services",
        "Staff",
        "Ambulance",
        "Trust",
        "Nhs",
        "NHS",
        "Road",
        "Street",
        "I",
        "He",
        "She",
        "They",
        "We",
        "Thank",
        "Thanks",
        "Very",
        "Also",
        "Always",
        "All",
        "Everyone",
        "Everybody",
        "You",
        "God",
        "Team",
        "Lane",
        "Close",
        "Way",
        "Hill",
        "Park",
        "Drive",
        "Avenue",
        "Green",
        "View",
    ]
)


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, first names that are also ordinary words, surnames)."""
    doc = json.loads(NAMES_FILE.read_text())
    return frozenset(doc["names"]), frozenset(doc["ambiguous"]), frozenset(doc["surnames"])


# Cheap tests that let _spans skip patterns that cannot match (most texts have no digits, no
# "@" and no URL): each is true for every text its patterns could match, so results never
# change, and redaction runs about four times faster on typical survey answers. Casefolding
# keeps the case-insensitive patterns' Unicode matches (the long s U+017F for "s", the Kelvin
# sign U+212A for "k").
_DIGIT = re.compile(r"\d")
_CALLED_WORDS = ("call", "nam", "ask", "thank", "pra", "shout")


def _may_match(text: str) -> tuple[bool, bool, bool, bool]:
    """(URL, email, any pattern with digits, "called"/"thanks to") could match in `text`."""
    folded = text.casefold()
    return (
        "http" in folded or "www." in folded,
        "@" in text,
        _DIGIT.search(text) is not None,
        any(word in folded for word in _CALLED_WORDS),
    )


def _spans(text: str) -> list[Finding]:
    found: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        found.append(Finding(kind, start, end, text[start:end]))

    may_url, may_email, has_digits, may_called = _may_match(text)
    if may_url:
        for m in _URL.finditer(text):
            add("URL", m.start(), m.end())
    if may_email:
        for m in _EMAIL.finditer(text):
            add("EMAIL", m.start(), m.end())
    if has_digits:
        for m in _TEN_DIGITS.finditer(text):
            digits = "".join(m.groups())
            in_context = _NHS_CONTEXT.search(text[max(0, m.start() - 25) : m.start()]) is not None
            if nhs_number_valid(digits) or in_context:
                add("NHS_NUMBER", m.start(), m.end())
        for m in _PHONE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if 9 <= len(digits) <= 15:
                add("PHONE", m.start(), m.end())
        for m in _POSTCODE.finditer(text):
            add("POSTCODE", m.start(), m.end())
        for m in _ADDRESS.finditer(text):
            add("ADDRESS", m.start(), m.end())
    for m in _TITLE.finditer(text):
        add("NAME", m.start(1), m.end(1))
    if may_called:
        for m in _CALLED.finditer(text):
            if m.group(1).split()[0] not in _NOT_SURNAME:  # "thanks All", "thank you Team"
                add("NAME", m.start(1), m.end(1))
    names, ambiguous, surnames = _name_lists()
    for m in _CAPITALISED.finditer(text):
        first, surname = m.group(1), m.group(2)
        has_surname = surname is not None and surname not in _NOT_SURNAME
        if first not in names:
            # An unknown given name before a known surname ("Ravi Jones").
            if (
                has_surname
                and surname in surnames
                and first not in _NOT_SURNAME
                and first not in _TITLES.split("|")
            ):
                add("NAME", m.start(1), m.end(2))
            continue
        if first in ambiguous and not has_surname:
            continue
        end = m.end(2) if has_surname and m.end(2) > 0 else m.end(1)
        add("NAME", m.start(1), end)
    return found


_INSTITUTION = re.compile(
    r"\s*(?:Hospital|Infirmary|Centre|Center|Medical|Surgery|Practice|Clinic|Unit|Ward|House"
    r"|Trust|University|College|School|Hospice|Lodge|Court|Health)\b",
    re.I,
)


def _is_place(text: str, f: Finding) -> bool:
    """A name-like span that is part of a place name ("James Cook Hospital", "Hope Centre")."""
    return f.kind == "NAME" and (
        _INSTITUTION.match(text, f.end) is not None
        or _INSTITUTION.fullmatch(" " + f.text.split()[-1]) is not None
    )


def _resolve(found: list[Finding]) -> list[Finding]:
    """Drop overlaps: earlier kinds in KINDS win, then longer spans."""
    rank = {k: i for i, k in enumerate(KINDS)}
    ordered = sorted(found, key=lambda f: (rank[f.kind], -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ordered:
        if any(f.start < k.end and k.start < f.end for k in kept):
            continue
        kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def find_pii(text: str) -> list[Finding]:
    return _resolve([f for f in _spans(text) if not _is_place(text, f)])


def redact(text: str) -> tuple[str, list[Finding]]:
    """Replace personal identifiers with typed placeholders; return the text and findings."""
    if not isinstance(text, str) or not text:
        return ("" if not isinstance(text, str) else text), []
    findings = find_pii(text)
    out: list[str] = []
    pos = 0
    for f in findings:
        out.append(text[pos : f.start])
        out.append(f"[{f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out), findings
