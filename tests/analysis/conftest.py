"""Fixtures for the analysis engine tests. Nothing here touches Django."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Small made-up feedback in three clear topics, with dates over four months.
WAITING = [
    "Waited four hours in A&E before anyone saw me",
    "The waiting time for an appointment was far too long",
    "Long wait on the phone before the call was answered",
    "Waiting times need to be shorter, I waited two hours",
    "The ambulance took three hours to arrive, far too long a wait",
    "Had to wait weeks for a referral appointment",
    "Too long waiting in the department, hours and hours",
    "The wait for the clinic was very long",
]
STAFF = [
    "The nurses were kind and caring throughout my stay",
    "Staff were friendly, polite and very helpful",
    "The doctor listened to me and explained everything",
    "Lovely caring staff who treated me with respect",
    "Very helpful and friendly receptionist",
    "The staff were professional and kind",
    "Nurses were caring and compassionate",
    "Friendly staff who made me feel at ease",
]
FOOD = [
    "The food on the ward was cold and tasteless",
    "Better food choices please, the meals were poor",
    "Hot drinks and snacks should be available at night",
    "The hospital food was awful and cold",
    "More choice of meals for patients on the ward",
    "Food was served cold every day",
    "The sandwiches were stale, better food needed",
    "Meals on the ward need improving, food cold",
]


@pytest.fixture(scope="session")
def feedback() -> tuple[list[str], list[str], list[str]]:
    """(texts, topic of each text, ISO date of each text)."""
    texts = WAITING + STAFF + FOOD
    topics = ["waiting"] * len(WAITING) + ["staff"] * len(STAFF) + ["food"] * len(FOOD)
    months = ["2022-05-10", "2022-06-10", "2022-07-10", "2022-08-10"]
    dates = [months[i % 4] for i in range(len(texts))]
    return texts, topics, dates
