"""bench/answers.py: its judges of replies and database rows, and one whole run (crawl,
interview, generation, exam, questions, judging) on a small site through a real
`frontdesk serve`, with a scripted OpenAI-compatible model."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bench.answers import BenchError, pick_sites, run, run_site
from bench.answers_judge import Rows, admits_not_knowing, judge_action

from frontdesk.runtime.grounding import HONEST
from tests.corpus.sites import Action, CorpusSite, load_site
from tests.reliability.scripted_openai import Request, ScriptedOpenAIServer, ToolCall

# -- the judges ---------------------------------------------------------------------------

# Saturday 14 June 2025, 19:00 in New York is 23:00 UTC.
SAT_7PM = datetime(2025, 6, 14, 23, 0, tzinfo=UTC)
BOOKING = Action(
    "booking",
    ("A table for four this Saturday at 7pm",),
    {"weekday": "Saturday", "time": "19:00", "duration_minutes": 90, "name": "Ana Ruiz",
     "phone": "+14155550142"},
)  # fmt: skip


def appointment(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "starts_at": SAT_7PM,
        "ends_at": SAT_7PM + timedelta(minutes=90),
        "status": "booked",
        "customer_name": "Ana Ruiz",
        "customer_phone": "+14155550142",
    }
    return {**row, **changes}


def test_a_booking_at_the_day_time_and_length_asked_passes() -> None:
    verdict = judge_action(BOOKING, Rows([appointment()]), "", "America/New_York")
    assert verdict.passed, verdict.why


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"starts_at": SAT_7PM - timedelta(hours=9), "ends_at": SAT_7PM - timedelta(hours=7.5)},
         "time 10:00"),
        ({"ends_at": SAT_7PM + timedelta(minutes=30)}, "30 minutes"),
        ({"customer_phone": "4155550142"}, "phone"),
        ({"starts_at": SAT_7PM + timedelta(days=1),
          "ends_at": SAT_7PM + timedelta(days=1, minutes=90)}, "weekday Sunday"),
    ],
)  # fmt: skip
def test_a_booking_that_differs_fails_and_says_how(changes: dict, why: str) -> None:
    verdict = judge_action(BOOKING, Rows([appointment(**changes)]), "", "America/New_York")
    assert not verdict.passed and why in verdict.why


def test_no_booking_row_fails() -> None:
    assert not judge_action(BOOKING, Rows(), "You're booked!", "America/New_York").passed


def test_a_callback_needs_a_lead_or_message_with_the_callers_details() -> None:
    action = Action("callback", ("call me",), {"name": "Ana Ruiz", "phone": "+447700900123"})
    lead = {"name": "Ana Ruiz", "phone": "+447700900123", "email": None}
    message = {"caller_name": "Ana Ruiz", "caller_contact": "+447700900123", "body": "call"}
    assert judge_action(action, Rows(leads=[lead]), "", "Europe/London").passed
    assert judge_action(action, Rows(messages=[message]), "", "Europe/London").passed
    wrong = {**lead, "phone": "07700900123"}
    assert not judge_action(action, Rows(leads=[wrong]), "", "Europe/London").passed
    assert not judge_action(action, Rows(), "", "Europe/London").passed


def test_a_message_needs_its_words() -> None:
    action = Action("message", ("x",), {"name": "Ana", "body_has": ["cake", ["Friday", "Fri"]]})
    row = {"caller_name": "Ana Ruiz", "caller_contact": None, "body": "The cake is for Fri."}
    assert judge_action(action, Rows(messages=[row]), "", "UTC").passed
    row = {**row, "body": "The cake is ready."}
    assert not judge_action(action, Rows(messages=[row]), "", "UTC").passed


def test_a_refused_request_books_nothing_and_says_why() -> None:
    action = Action("refused", ("a table for ten",), {"reply_has": [["call", "phone"]]})
    assert judge_action(action, Rows(), "Groups of 8 or more must call us.", "UTC").passed
    assert not judge_action(action, Rows(), "Sure, what time?", "UTC").passed
    booked = Rows([appointment()])
    assert not judge_action(action, booked, "Please call us.", "UTC").passed


@pytest.mark.parametrize(
    ("reply", "admits"),
    [
        ("I'm sorry, I don't have that information.", True),
        ("I\u2019m not sure; I can take a message for the team.", True),
        ("Yes, we have valet parking.", False),
        ("We're open until 10pm.", False),
    ],
)
def test_admitting_not_knowing(reply: str, admits: bool) -> None:
    assert admits_not_knowing(reply) is admits


# -- one whole run ------------------------------------------------------------------------

HOME = """<!doctype html><html><head><meta charset="utf-8"><title>Rosa's Bakery</title></head><body>
<header><nav><a href="/">Home</a> <a href="/team.html">Our team</a></nav></header>
<main><h1>Rosa's Bakery</h1>
<p>We are a neighbourhood bakery in Portland baking bread and cakes every morning.</p>
<section class="menu"><h2>Menu</h2>
<div class="card"><h3>Sourdough loaf</h3><p>Three-day rye starter.</p><span>$6.50</span></div>
<div class="card"><h3>Coffee</h3><p>Drip, refilled all morning.</p><span>$2.75</span></div>
</section>
<p>Groups of 10 or more: please call us on (503) 555-0100.</p>
</main>
<footer>Rosa's Bakery, 21 Alder Street, Portland. Open Tuesday to Sunday, 7am to 3pm.
(503) 555-0100</footer></body></html>"""
TEAM = """<!doctype html><html><head><meta charset="utf-8">
<title>Our team | Rosa's Bakery</title></head><body>
<main><h1>Our team</h1><p>Tomás Rivera, our head baker, has baked here since 2009.</p></main>
</body></html>"""
TRUTH = {
    "name": "Rosa's Bakery",
    "kind": "bakery",
    "country": "US",
    "timezone": "America/Los_Angeles",
    "currency": "USD",
    "start_path": "/",
    "key_facts": [{"label": "coffee", "together": ["Coffee", "$2.75"]}],
    "questions": [
        {"q": "How much is a sourdough loaf?", "must": [["$6.50", "6.50"]]},
        {"q": "How much is a coffee?", "must": [["$2.75", "2.75"]]},
        {"q": "Who is your head baker?", "must": [["Tomás Rivera", "Tomas Rivera"]]},
    ],
    "unanswerable": ["Do you sell gluten-free bread?"],
    "actions": [
        {"kind": "message",
         "turns": ["I'd like to leave a message for Rosa.",
                   "I'm Ana Ruiz, +1 415 555 0142. Tell her the cake order for Friday is fine."],
         "expect": {"name": "Ana Ruiz", "body_has": ["cake", "Friday"]}},
        {"kind": "refused", "turns": ["Can I order for a group of 12 people?"],
         "expect": {"reply_has": [["call"]]}},
    ],
    "owner_answers": {"persona": "Call her Rosie, warm and brief.", "*": "Yes, that's right."},
}  # fmt: skip


def _bakery_model(request: Request) -> str | ToolCall:
    """A model that answers the bakery's callers from a script; the coffee's price is
    invented ($3.50 where the site says $2.75), which the product withholds."""
    if request.wants_json:  # question wording, the exam's writer: none usable, as a weak model
        return "{}"
    if request.last_role == "tool":
        return "Thank you, Ana, your message is saved and Rosa will get back to you."
    said = request.last_user_text.lower()
    if "sourdough" in said:
        return "A sourdough loaf is $6.50."
    if "coffee" in said:
        return "A coffee is $3.50."
    if "baker" in said:
        return "Our head baker is Tomás Rivera."
    if "ana ruiz" in said:
        phone = re.search(r"\+1 415 555 0142", request.last_user_text)
        return ToolCall(
            "take_message",
            {"message": "The cake order for Friday is fine.", "name": "Ana Ruiz",
             "contact": phone.group(0) if phone else ""},
        )  # fmt: skip
    if "leave a message" in said:
        return "Of course. What is your name, your number and the message?"
    if "group of" in said:
        return "For groups of 10 or more, please call us on (503) 555-0100."
    return "I'm sorry, I don't have that information, but I can take a message."


def _site(root: Path) -> CorpusSite:
    (root / "site").mkdir(parents=True)
    (root / "site" / "index.html").write_text(HOME, encoding="utf-8")
    (root / "site" / "team.html").write_text(TEAM, encoding="utf-8")
    (root / "truth.json").write_text(json.dumps(TRUTH), encoding="utf-8")
    return load_site(root)


@pytest.mark.slow
def test_a_whole_run_builds_asks_and_judges(tmp_path: Path) -> None:
    site = _site(tmp_path / "rosas-bakery")
    steps: list[str] = []
    with ScriptedOpenAIServer(_bakery_model) as model:
        env = {
            "FRONTDESK_LLM_BASE_URL": model.base_url,
            "FRONTDESK_LLM_API_KEY": "test",
            "FRONTDESK_LLM_MODEL": "scripted",
            "FRONTDESK_EMBEDDED_LLM": "false",
        }
        summary, [result] = run([site], env=env, progress=steps.append)
    assert result.error is None, (result.error, steps)
    # Crawled both pages, interviewed, generated, examined.
    assert result.build["pages"] == 2 and result.build["chunks"] > 0, result.build
    assert result.build["interview"], result.build
    assert result.exam["status"] == "done" and result.exam_score is not None, result.exam
    assert any("question 3/" in s for s in steps), steps
    # Two of three facts: the made-up coffee price never reached the caller (the product's
    # grounding check said it did not have that instead), so it is a missed fact and
    # nothing invented; the bench's own judge of invented claims is tested in
    # tests/test_bench_invented.py.
    assert result.facts == [True, False, True]
    coffee = next(f for f in result.failures if f.get("q") == "How much is a coffee?")
    assert coffee["reply"] == HONEST, result.failures
    assert [f for f in result.failures if f["kind"] == "invented"] == [], result.failures
    assert result.unanswerable == [True]
    # The message is in the database with its words; the group of 12 was told to call.
    assert result.actions == [True, True], result.failures
    assert summary["facts"] == pytest.approx(0.667)
    assert summary["unanswerable"] == 1.0 and summary["actions"] == 1.0
    assert summary["invented"] == 0.0
    assert summary["exam_gap"] == pytest.approx(abs(result.exam_score - 5 / 6), abs=0.001)
    assert summary["reply_p50_s"] is not None and summary["reply_p50_s"] >= 0
    assert summary["sites"] == 1 and summary["questions"] == 3
    assert set(summary) >= {
        "facts", "unanswerable", "actions", "invented", "exam_gap", "sites", "questions",
        "reply_p50_s", "per_site",
    }  # fmt: skip


def test_quick_takes_three_sites_spread_over_the_corpus() -> None:
    every = pick_sites(False, None)
    quick = pick_sites(True, None)
    assert len(quick) == min(3, len(every)) and len({s.slug for s in quick}) == len(quick)
    assert [s.slug for s in pick_sites(True, every[-1].slug)] == [every[-1].slug]
    with pytest.raises(KeyError):
        pick_sites(False, "no-such-site")


class _Refusing:
    """A server that answers every request with an error, as a 500 on generation does."""

    reuse = False  # a fresh data dir: nothing built to reuse

    def call(self, method: str, path: str, **kwargs: object) -> object:
        raise BenchError(f"{method} {path}: 500 Internal error")


def test_a_site_that_cannot_be_built_fails_all_it_did_not_judge(tmp_path: Path) -> None:
    site = _site(tmp_path / "rosas-bakery")
    result = run_site(_Refusing(), site, progress=lambda _: None)  # type: ignore[arg-type]
    assert result.error and "500" in result.error
    assert result.facts == [False] * 3 and result.unanswerable == [False]
    assert result.actions == [False, False] and result.score == 0
