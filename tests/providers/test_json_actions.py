"""The small-model adapter's own logic: streaming the reply out of JSON, the schema it
constrains the model with, the caller-intent gate and the invented-contact scrub."""

from __future__ import annotations

import json

from livekit.agents import function_tool, llm

from frontdesk.providers.llm.json_actions import (
    _last_caller_text,
    _ReplyDecoder,
    action_schema,
    fit_context,
    scrub_contacts,
    to_messages,
    tool_specs,
    wants_action,
)
from frontdesk.runtime.knowledge_note import reference_message


def test_reply_streams_out_of_json_in_any_chunking() -> None:
    raw = json.dumps({"action": "answer", "reply": 'We open at 8 \u2014 "sharp"\nBye \u00e9'})
    for size in (1, 2, 3, 7, len(raw)):
        decoder = _ReplyDecoder()
        out = "".join(decoder.feed(raw[i : i + size]) for i in range(0, len(raw), size))
        assert out == 'We open at 8 \u2014 "sharp"\nBye \u00e9'
        assert decoder.done
    tool = _ReplyDecoder()
    assert tool.feed('{"action":"tool","tool":"book_appointment"') == "" and tool.start is None


async def _book(day: str, time: str, name: str, phone: str = "") -> str:
    """Book.

    Args:
        day: Day.
        time: Time.
        name: Name.
        phone: Phone.
    """
    return "ok"


def test_schema_offers_answer_and_each_tool() -> None:
    specs = tool_specs([function_tool(_book, name="book_appointment")])
    schema = action_schema(specs, answer_only=False)
    assert [b["properties"]["action"]["const"] for b in schema["anyOf"]] == ["answer", "tool"]
    tool_branch = schema["anyOf"][1]
    assert tool_branch["properties"]["tool"]["const"] == "book_appointment"
    assert set(tool_branch["properties"]["arguments"]["properties"]) == {
        "day",
        "time",
        "name",
        "phone",
    }
    assert action_schema(specs, answer_only=True)["properties"]["action"]["const"] == "answer"


def test_intent_gate() -> None:
    actions = [
        "Can I book a checkup?",
        "please cancel my appointment",
        "my number is 555 222 3333",
        "ann@example.com",
        "I want to speak to a person",
        "yes please",
        "bye",
    ]
    for said in actions:
        assert wants_action(said), said
    questions = [
        "How much is a rabies vaccination?",
        "What are your hours?",
        "Where are you?",
        # Action words inside a question about the business: the caller wants an answer.
        "What happens if I have to cancel last minute?",
        "Who do I talk to about a court date or a question on my bill?",
        "Hi, how far ahead can I book?",
        "Is there someone there who speaks Spanish?",
    ]
    for said in questions:
        assert not wants_action(said), said
    # A question that gives details, or a request phrased with "how", still acts.
    assert wants_action("How do I book? I'm Ann, 07700 900123.")
    assert wants_action("Who can I speak to? Please call me back.")
    assert wants_action("Can someone call me back?") and wants_action("I want a real person")


def _ctx(*caller: str) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are Maya. Our phone is (555) 014-2398.")
    for text in caller:
        ctx.add_message(role="user", content=text)
    return ctx


def test_invented_contacts_are_blanked() -> None:
    ctx = _ctx("Book me tomorrow, I'm Ann, 555 222 3333")
    args = {"name": "Ann", "phone": "555-222-3333", "email": "ann@example.com"}
    assert scrub_contacts(args, ctx) and args["phone"] == "555-222-3333" and args["email"] == ""
    business = {"name": "Ann", "phone": "(555) 014-2398", "email": ""}
    assert not scrub_contacts(business, _ctx("Book me tomorrow at 10"))  # nothing real left
    assert scrub_contacts({"day": "tomorrow"}, ctx)  # tools without contact fields pass


def test_knowledge_notes_are_never_the_callers_words() -> None:
    """A note travels as a user message; a number on the website in it is not the caller's."""
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are Maya.")
    ctx.items.append(reference_message("- Billing desk: 415 555 0199, billing@juniper.example"))
    ctx.add_message(role="user", content="Call me back about billing, I'm Bob")
    ctx.items.append(reference_message("- Call 415 555 0199 to book"))
    args = {"name": "Bob", "phone": "415 555 0199", "email": "billing@juniper.example"}
    assert not scrub_contacts(args, ctx) and args["phone"] == args["email"] == ""
    assert _last_caller_text(ctx) == "Call me back about billing, I'm Bob"
    messages = to_messages(ctx, "GUIDE")
    assert [m["role"] for m in messages] == ["system", "user", "user", "user"]
    assert messages[1]["content"].startswith("Quoted reference")


def test_messages_keep_one_system_prompt_first() -> None:
    ctx = _ctx("hi")
    ctx.add_message(role="system", content="Knowledge: rabies $32")
    messages = to_messages(ctx, "GUIDE")
    assert messages[0]["role"] == "system" and messages[0]["content"].endswith("GUIDE")
    assert [m["role"] for m in messages] == ["system", "user", "user"]
    assert messages[2]["content"].startswith("[note] Knowledge")


def test_long_conversations_are_cut_in_stable_blocks() -> None:
    system = {"role": "system", "content": "s" * 300}
    turns = []
    for i in range(40):
        turns.append({"role": "user", "content": f"question {i} " + "q" * 100})
        turns.append({"role": "assistant", "content": f"answer {i} " + "a" * 100})
    # Short conversations pass untouched.
    assert fit_context([system, *turns[:6]], 1000, 300) == [system, *turns[:6]]
    cuts = []
    for n in range(2, len(turns) + 1):
        fitted = fit_context([system, *turns[:n]], 1000, 300)
        assert fitted[0] is system and fitted[-1] is turns[n - 1]
        assert fitted[1]["role"] == "user"  # a kept history starts with the caller
        assert sum(len(m["content"]) + 16 for m in fitted[1:]) <= (1000 - 300) * 3 - 300
        cuts.append(turns.index(fitted[1]))
    # The first kept message moves rarely and only forward: the cached prefix survives
    # most turns.
    assert cuts == sorted(cuts) and 1 < len(set(cuts)) <= len(cuts) // 4
