"""The onboarding interview on the Juniper Lane test website (crawled from loopback): it
asks what the site leaves out, not what it states; the answers become the agent's settings
and knowledge; an interview survives a restart; the generated agent answers from it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from frontdesk.app import create_app
from frontdesk.providers.llm.structured import StructuredOutputError
from frontdesk.resources import Resources
from tests.factories import make_signed_in_client
from tests.fake_llm import ScriptedLLM, ScriptedStructuredModel
from tests.knowledge.waiting import wait_for_agent
from tests.website.juniper_site import juniper_site
from tests.website.server import LoopbackSite

pytestmark = pytest.mark.timeout(240)

ANSWERS = {
    "booking.types": "Wellness exam 30 minutes, vaccination 15 minutes, dental cleaning",
    "booking.types.more": "Dental cleaning takes 2 hours",
    "handoff.contacts": "Emergencies and complaints go to Dr. Priya Nandakumar",
    "handoff.contacts.more": "Call her on 555-014-7777 or write to priya@juniperlanevet.example",
    "boundaries.never": "Never give a diagnosis or a medicine dose over the phone.",
    "persona.persona": "Call her Maya, warm and friendly.",
    "languages.languages": "English and Spanish",
}


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with juniper_site() as running:
        yield running


@pytest.fixture
def owner(chat_resources: Resources, site: LoopbackSite) -> Iterator[tuple[TestClient, str]]:
    with TestClient(create_app(resources=chat_resources)) as app_client:
        client, _ = make_signed_in_client(app_client, chat_resources)
        created = client.post(
            "/api/agents",
            data={"name": "Juniper Lane Veterinary Clinic", "website_url": site.url("/")},
        )
        assert created.status_code == 201, created.text
        agent_id = created.json()["id"]
        wait_for_agent(client, agent_id)
        yield client, agent_id


def _run(client: TestClient, agent_id: str) -> dict:
    """Answer every question from ANSWERS ("Yes." to confirmations); the final state."""
    interview = client.get(f"/api/agents/{agent_id}/onboarding").json()
    while interview["current"] is not None:
        question = interview["current"]
        reply = ANSWERS.get(question["id"], "Yes, that's right.")
        response = client.post(
            f"/api/agents/{agent_id}/onboarding/answers",
            json={"question_id": question["id"], "answer": reply},
        )
        assert response.status_code == 200, response.text
        interview = response.json()
    return interview


def test_interview_asks_what_the_site_leaves_out(owner) -> None:  # type: ignore[no-untyped-def]
    client, agent_id = owner
    assert client.get(f"/api/agents/{agent_id}").json()["status"] == "interviewing"
    started = client.post(f"/api/agents/{agent_id}/onboarding")
    assert started.status_code == 201, started.text
    interview = started.json()
    asked = {q["id"]: q for q in interview["questions"]}
    assert 8 <= interview["total"] <= 12
    # Missing from the site: asked.
    for missing in ("booking.types", "handoff.contacts", "boundaries.never", "persona.persona",
                    "languages.languages"):  # fmt: skip
        assert asked[missing]["kind"] == "ask", missing
    # Stated by the site: never asked as if unknown (at most confirmed, quoting it).
    for stated in ("hours.hours", "hours.holidays", "location.parking", "cancellation.policy",
                   "location.address", "services.prices"):  # fmt: skip
        assert stated not in asked, stated
    hours = asked.get("hours.hours.confirm")
    assert hours is not None and "8:00 am" in hours["quote"] and hours["quote"] in hours["text"]

    finished = _run(client, agent_id)
    assert finished["done"] and finished["answered"] == finished["total"]
    # Follow-ups built on answers: a duration for "dental cleaning", Dr. Nandakumar's number.
    ids = [q["id"] for q in finished["questions"]]
    assert ids.index("booking.types.more") == ids.index("booking.types") + 1
    more = next(q for q in finished["questions"] if q["id"] == "handoff.contacts.more")
    assert "Priya Nandakumar" in more["text"]
    assert finished["total"] <= 12

    done = client.post(f"/api/agents/{agent_id}/onboarding/complete")
    assert done.status_code == 200, done.text
    agent = done.json()
    assert agent["persona_name"] == "Maya"
    assert "Maya" in agent["greeting"] and "Juniper Lane" in agent["greeting"]
    assert "diagnosis" in agent["instructions"] and "Spanish" in agent["instructions"]
    facts = agent["business_facts"]
    assert "14 Juniper Lane, Millbrook" in facts["address"]
    # The main number, not the emergency line a page or two also gives, spelled as the site
    # spells it (what a caller hears read out).
    assert facts["phone"] == "(555) 014-2398"
    assert "8:00 am" in facts["hours_note"] and "December 25" in facts["hours_note"]
    prices = {s["name"].lower(): s["price"] for s in facts["services"]}
    assert prices.get("rabies vaccination") == "$32"
    contact = facts["handoff_contacts"][0]
    assert contact["name"] == "Dr. Priya Nandakumar"
    assert (contact["phone"], contact["email"]) == ("5550147777", "priya@juniperlanevet.example")
    assert {"book_appointment", "handoff_to_human"} <= set(agent["enabled_tools"])
    kinds = {t["name"]: t["duration_minutes"] for t in agent["scheduling"]["appointment_types"]}
    assert kinds == {"Wellness exam": 30, "Vaccination": 15, "Dental cleaning": 120}
    hours = agent["scheduling"]["hours"]
    assert hours["mon"] == [{"opens": "08:00:00", "closes": "18:00:00"}]
    assert hours["sat"] == [{"opens": "09:00:00", "closes": "13:00:00"}]
    assert hours["sun"] == []

    # The answers are knowledge now: only the interview said who handles emergencies.
    detail = wait_for_agent(client, agent_id)
    assert "Interview answers" in [s["title"] for s in detail["sources"]], detail["sources"]
    print([(s["title"], s["status"], s["chunk_count"], s.get("error")) for s in detail["sources"]])
    assert detail["status"] == "ready"
    hits = client.get(
        f"/api/agents/{agent_id}/knowledge/search", params={"q": "who handles emergencies", "k": 5}
    ).json()
    assert any("Nandakumar" in h["text"] for h in hits["results"][:3]), [
        h["text"][:300] for h in hits["results"]
    ]


def test_generated_agent_answers_what_only_the_interview_covered(  # type: ignore[no-untyped-def]
    owner, fake_llm: ScriptedLLM
) -> None:
    client, agent_id = owner
    client.post(f"/api/agents/{agent_id}/onboarding")
    _run(client, agent_id)
    client.post(f"/api/agents/{agent_id}/onboarding/complete")
    wait_for_agent(client, agent_id)
    # The prompt the model gets now carries the owner's answers (the scripted model sees
    # exactly what a real one would).
    conversation = client.post(f"/api/agents/{agent_id}/conversations").json()
    client.post(
        f"/api/conversations/{conversation['id']}/messages",
        json={"text": "Who should I talk to in an emergency?"},
    )
    context = fake_llm.seen[-1]
    prompt = "\n".join(getattr(item, "text_content", None) or "" for item in context.items)
    assert "Priya Nandakumar" in prompt and "7777" in prompt, prompt[-1500:]


def test_interview_resumes_after_a_restart(  # type: ignore[no-untyped-def]
    owner, chat_resources: Resources
) -> None:
    client, agent_id = owner
    first = client.post(f"/api/agents/{agent_id}/onboarding").json()
    question = first["current"]
    client.post(
        f"/api/agents/{agent_id}/onboarding/answers",
        json={"question_id": question["id"], "answer": "Yes, still right."},
    )
    skipped = client.post(
        f"/api/agents/{agent_id}/onboarding/skip",
        json={"question_id": first["questions"][1]["id"]},
    ).json()
    assert skipped["position"] == 2 and skipped["skipped"] == 1
    back = client.post(f"/api/agents/{agent_id}/onboarding/back").json()
    assert back["position"] == 1

    # A new server process on the same database: the interview is where it was left.
    with TestClient(create_app(resources=chat_resources)) as again:
        again.cookies = client.cookies
        resumed = again.post(f"/api/agents/{agent_id}/onboarding")
        assert resumed.status_code == 200  # resumed, not planned anew
        state = resumed.json()
        assert state["position"] == 1
        assert state["questions"][0]["answer"] == "Yes, still right."


def test_bad_moves_get_clear_errors(owner) -> None:  # type: ignore[no-untyped-def]
    client, agent_id = owner
    assert client.get(f"/api/agents/{agent_id}/onboarding").status_code == 404
    state = client.post(f"/api/agents/{agent_id}/onboarding").json()
    later = state["questions"][3]["id"]
    ahead = client.post(
        f"/api/agents/{agent_id}/onboarding/answers", json={"question_id": later, "answer": "x"}
    )
    assert ahead.status_code == 409 and "in order" in ahead.json()["detail"]
    unknown = client.post(
        f"/api/agents/{agent_id}/onboarding/answers", json={"question_id": "nope", "answer": "x"}
    )
    assert unknown.status_code == 404
    blank = client.post(
        f"/api/agents/{agent_id}/onboarding/answers",
        json={"question_id": state["current"]["id"], "answer": ""},
    )
    assert blank.status_code == 422
    assert client.post("/api/agents/missing/onboarding").status_code == 404


def test_model_words_questions_and_bad_output_falls_back_to_the_checklist(  # type: ignore[no-untyped-def]
    owner, chat_resources: Resources
) -> None:
    client, agent_id = owner
    checklist = client.post(f"/api/agents/{agent_id}/onboarding").json()["current"]
    quote = checklist["quote"]
    assert quote and quote in checklist["text"]  # a confirmation, quoting the site
    writer = ScriptedStructuredModel(
        [
            {
                "question": f'Quick check first: your site lists prices such as "{quote}". '
                "Are those prices current?"
            },  # fmt: skip
            {"question": "Tell me about llamas"},  # not a question: refused
            StructuredOutputError("the model crashed"),
        ]
    )
    chat_resources.structured_factory = lambda: writer
    first = client.post(f"/api/agents/{agent_id}/onboarding", json={"restart": True}).json()
    worded = first["current"]
    assert worded["id"] == checklist["id"]
    assert worded["text"].startswith("Quick check first") and quote in worded["text"]
    assert "Juniper Lane Veterinary Clinic" in writer.prompts[0]

    second = client.post(
        f"/api/agents/{agent_id}/onboarding/answers",
        json={"question_id": worded["id"], "answer": "Yes, still right."},
    ).json()["current"]
    # "Tell me about llamas" was refused: the checklist's own words.
    assert second["text"].endswith("?") and "llamas" not in second["text"]
    assert "Yes, still right." in writer.prompts[1]  # it was told the owner's last answer
    third = client.post(
        f"/api/agents/{agent_id}/onboarding/answers",
        json={"question_id": second["id"], "answer": "Yes."},
    )
    assert third.status_code == 200, third.text  # a failing model costs only its wording
    assert third.json()["current"]["text"] == third.json()["questions"][2]["text"]
    assert writer.closed == 3


def test_regenerating_keeps_the_owners_edits_and_the_agent_takes_its_exam(  # type: ignore[no-untyped-def]
    owner,
) -> None:
    client, agent_id = owner
    client.post(f"/api/agents/{agent_id}/onboarding")
    _run(client, agent_id)
    first = client.post(f"/api/agents/{agent_id}/onboarding/complete").json()

    # The exam runs by itself once the interview's answers are searchable.
    deadline = time.monotonic() + 120
    while (agent := client.get(f"/api/agents/{agent_id}").json())["exam_score"] is None:
        assert time.monotonic() < deadline, agent
        time.sleep(0.3)
    exams = client.get(f"/api/agents/{agent_id}/exams").json()
    assert exams[0]["status"] == "done" and exams[0]["score"] == agent["exam_score"]

    edited = client.patch(f"/api/agents/{agent_id}", json={"greeting": "Hi, it's Maya!"})
    assert edited.status_code == 200
    client.post(f"/api/agents/{agent_id}/onboarding", json={"restart": True})
    _run(client, agent_id)
    again = client.post(f"/api/agents/{agent_id}/onboarding/complete").json()
    assert again["greeting"] == "Hi, it's Maya!"  # the owner's edit stands
    assert again["instructions"] == first["instructions"]  # regenerated, unchanged

    client.post(f"/api/agents/{agent_id}/onboarding", json={"restart": True})
    _run(client, agent_id)
    forced = client.post(
        f"/api/agents/{agent_id}/onboarding/complete", json={"overwrite": True}
    ).json()
    assert forced["greeting"] == first["greeting"]
    titles = [s["title"] for s in wait_for_agent(client, agent_id)["sources"]]
    assert titles.count("Interview answers") == 1


def test_answers_stored_under_their_first_name_are_replaced_not_kept_twice(  # type: ignore[no-untyped-def]
    owner,
) -> None:
    # Interviews before the answers were renamed stored them as "Owner interview": a new
    # interview replaces those too, so the answers never stand twice (nor contradict).
    client, agent_id = owner
    earlier = client.post(
        f"/api/agents/{agent_id}/knowledge/sources",
        json={"kind": "text", "title": "Owner interview", "text": "Persona\n\nQ: Name?\nA: Bob"},
    )
    assert earlier.status_code == 201, earlier.text
    wait_for_agent(client, agent_id)
    started = client.post(f"/api/agents/{agent_id}/onboarding")
    assert started.status_code in (200, 201), started.text
    _run(client, agent_id)
    client.post(f"/api/agents/{agent_id}/onboarding/complete")
    titles = [s["title"] for s in wait_for_agent(client, agent_id)["sources"]]
    assert "Owner interview" not in titles and titles.count("Interview answers") == 1, titles
