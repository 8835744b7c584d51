"""The receptionist Agent that every channel runs, built from an AgentSpec."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterable
from datetime import UTC, datetime

from livekit import rtc
from livekit.agents import Agent, ModelSettings, llm
from livekit.agents.types import FlushSentinel

from frontdesk.knowledge.passage_pieces import stems_of
from frontdesk.knowledge.stemming import terms
from frontdesk.runtime.action_desk import ActionDesk, Call
from frontdesk.runtime.booking_limits import booking_limits, notice_unstated
from frontdesk.runtime.catalog import TOOL_NAMES
from frontdesk.runtime.claims import Claim
from frontdesk.runtime.code_answers import answer_in_code
from frontdesk.runtime.denials import OFFERING, echoes_unshown, seen_in, unfounded_denial
from frontdesk.runtime.direct_answers import direct_answer
from frontdesk.runtime.errands import says_when
from frontdesk.runtime.follow_through import (
    NOTHING_ON_FILE,
    acknowledges,
    answers_from_nothing,
    asks_about_business,
    caller_details,
    kept_message,
    opens_with_verdict,
    promises_follow_up,
    stored_this_turn,
)
from frontdesk.runtime.grounding import (
    ON_FILE_SAYS,
    GroundingLog,
    SentenceGate,
    full_sentence,
    honest_sentence,
    persona_check,
    shown_texts,
    turn_evidence,
    unknown_sentence,
    unsupported,
)
from frontdesk.runtime.knowledge_note import (
    covered_by,
    focus,
    is_reference,
    on_file,
    reference_message,
    reference_text,
    states_asked_value,
)
from frontdesk.runtime.mcp_tools import mcp_toolsets
from frontdesk.runtime.prompt import facts_lines, system_prompt
from frontdesk.runtime.quoted_answers import asks_quotable
from frontdesk.runtime.services import ReceptionServices, ServiceRefusal
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.tools import Clock, ReceptionTools, build_tools, is_relevant
from frontdesk.runtime.who_answers import asks_who

log = logging.getLogger(__name__)

# Passages searched for a turn's note. Five, not three: the owner's interview answers are
# short passages about the business in general, and on real sites they took two of three
# places ("Who owns the company?" found the team page fifth). On the answer corpus: the
# answer among them 0.968 -> 0.988, in the note 0.814 -> 0.822 (bench/corpus_retrieval.py).
NOTE_PASSAGES = 5
# A question of where or how to get there rests on the address in the facts, whose words it
# never shares ("Which U-Bahn station should I get off at?" of "Kastanienallee 12, near
# Eberswalder Straße"): the model reads it off the address.
_ASKS_WHERE = re.compile(
    r"\bwhere|\bclosest\b|\bnearest\b|\bstation\b|\bstop\b|\bget off\b|\bdirections?\b|"
    r"\bfind you\b|\bget (?:there|to you)\b",
    re.IGNORECASE,
)
MODEL_APOLOGY = "Sorry, I'm having trouble answering right now. Could you say that again?"
VOICE_APOLOGY = "Sorry, something went wrong on my side. Could you say that again?"


class ReceptionAgent(Agent):
    """Looks up the knowledge base before the model answers each caller turn.

    Small models pick the wrong tool for plain questions; fetching the few relevant snippets
    ourselves and placing them last, right before the caller's words, keeps the cached
    prefix intact and leaves tool calls for actions (booking, leads, messages).
    """

    def __init__(self, spec: AgentSpec, tools: ReceptionTools) -> None:
        # The MCP servers' tools come after the built-in ones: the built-in names win a clash.
        servers = mcp_toolsets(
            spec.mcp_servers,
            set(TOOL_NAMES),
            report=tools.services.mcp_server_reached,
            check=tools.services.check_mcp_server,
        )
        super().__init__(
            instructions=system_prompt(spec, tools.clock()), tools=[*build_tools(tools), *servers]
        )
        self.spec = spec
        self.reception = tools
        # Each caller message's note, by message id. Every later request shows the notes
        # again where they were, so the prompt up to the newest caller message is exactly
        # what the model saw before and llama.cpp's cache covers it.
        self._notes: dict[str, llm.ChatMessage] = {}
        self._fact_lines = facts_lines(spec)
        # The owner's services with their prices, as a passage quoted_answer can read (from
        # the facts themselves, not parsed back out of the prompt's wording).
        self._services = "Services\n\n" + "\n".join(
            " — ".join(str(s[key]) for key in ("name", "price", "description") if s.get(key))
            for s in spec.business_facts.get("services") or []
        )
        # The passages found for a caller message, until its turn has used them.
        self._found: dict[str, list[str]] = {}
        # Spoken when text-to-speech itself fails mid-turn: synthesized at the start of a
        # call, while the voice still worked (voice channels fill it in).
        self.apology_audio: list[rtc.AudioFrame] = []
        # Sentences the grounding check withheld, until the channel stores them with the turn.
        self.grounding = GroundingLog()
        # The caller's words that nothing on file holds, by message id (see _knowledge_note).
        self._unseen: dict[str, frozenset[str]] = {}
        self._known_words = frozenset(terms(" ".join([*self._fact_lines, spec.instructions])))
        self._known_concepts = frozenset(stems_of(" ".join([*self._fact_lines, spec.instructions])))
        # The caller message whose reply already said the honest sentence: said once a turn.
        self._honest_for: str | None = None
        # Bookings, callbacks and messages carried out in code, for models that ask for it.
        self.desk = ActionDesk(tools)

    async def llm_node(  # type: ignore[override]
        self,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> AsyncIterable[llm.ChatChunk | str | FlushSentinel]:
        # Every channel's generations pass here (text input never reaches the speech-turn
        # hooks), so this is where each fresh caller turn gets its knowledge note, and where
        # the tools learn what the caller has said (before any note joins the context).
        self.reception.caller_words.hear(chat_ctx)
        if self._guided():
            step = await self.desk.take(chat_ctx)
            if isinstance(step, Call):
                yield _tool_call(step)
                return
            if step is not None:
                # Built from the caller's words and the tools' results: nothing to withhold.
                yield step
                return
            answer = self._direct(chat_ctx)
            if answer is not None:
                yield answer  # read from the business facts the owner confirmed
                return
        last = chat_ctx.items[-1] if chat_ctx.items else None
        if (
            last is not None
            and last.type == "message"
            and last.role == "user"
            and last.id not in self._notes
        ):
            question = last.text_content or ""
            note = await self._knowledge_note(last.id, question)
            if note:
                self._notes[last.id] = note
            found = self._found.pop(last.id, [])
            if self._guided() and self._unknown(question, note):
                # Nothing on file touches the question: the model could only say it does
                # not know, or make something up.
                yield unknown_sentence(self.spec)
                return
            if self._guided():
                quoted = answer_in_code(question, found, self._services, self.spec.name)
                if quoted is not None:
                    yield quoted  # the business's own line: nothing to withhold
                    return
        if self._notes:
            chat_ctx = chat_ctx.copy()
            items: list[llm.ChatItem] = []
            for item in chat_ctx.items:
                if item.id in self._notes:
                    items.append(self._notes[item.id])
                items.append(item)
            chat_ctx.items[:] = items
        # Nothing invented: each sentence goes out only if the turn's evidence supports it.
        evidence = turn_evidence(self.spec, chat_ctx, self.reception.clock())
        turn = _caller_turn(chat_ctx)
        blank = turn is not None and self._nothing_on_file(turn)
        unseen = self._unseen.get(turn or "", frozenset())
        # Replying to the caller's message itself (no tool has answered yet this turn).
        answering = bool(chat_ctx.items) and _caller_message(chat_ctx) is chat_ctx.items[-1]
        question = _caller_text(chat_ctx)
        # The question's words the knowledge has (what a yes must be about when some are not).
        rest = stems_of(question) - stems_of(" ".join(unseen)) - OFFERING or {""}
        persona = persona_check(self.spec, chat_ctx)
        seen = seen_in(shown_texts(self.spec, chat_ctx))
        asked = question if asks_about_business(question) else ""

        def check(sentence: str) -> list[Claim]:
            missing = unsupported(sentence, evidence) + persona(sentence)
            # Nothing on file answered the question, or the sentence is about something no
            # page mentions ("No corkage fee"): a yes or a no is made up too.
            # A yes or no that opens the reply answers the question, with a word of which no
            # page says anything, unless the sentence goes on about what the pages do have
            # of the question ("Do you guys serve wine by the glass?" "Yes, we pour wine by
            # the glass."): "Yes, we service gas, diesel and hybrid vehicles" said nothing of
            # "Colorado emissions testing". (A tool's result, read out after it, is evidence.)
            made_up = (
                blank
                or bool(unseen & set(terms(sentence)))
                or bool(
                    answering
                    and unseen
                    and opens_with_verdict(sentence)
                    and not stems_of(sentence) & rest
                )
            )
            # An agreement to something asked of the call ("Hold on", "Stop") is no verdict;
            # to a question about the business, a bare "Yes." is one.
            agrees = not asked and acknowledges(sentence)
            if not missing and made_up and answers_from_nothing(sentence) and not agrees:
                missing = [Claim("verdict", sentence, None)]
            if not missing and (
                unfounded_denial(sentence, seen, self.spec.name)
                or (asked and echoes_unshown(sentence, asked, seen, self.spec.name))
            ):
                missing = [Claim("verdict", sentence, None)]
            return missing

        # The note's line with a value of the kind asked: what a withheld sentence gives way
        # to, and what follows a reply that states no such value.
        line = self._on_file(turn, question)
        gate = SentenceGate(
            check,
            log=self.grounding,
            honest=honest_sentence(self.spec, line),
            replaced=turn is not None and turn == self._honest_for,
        )
        produced = called = False
        said: list[str] = []
        try:
            async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
                produced = True
                called = called or _calls_a_tool(chunk)
                for out in gate.chunk(chunk):
                    if isinstance(out, str):
                        said.append(out)
                    yield out
            for out in gate.finish():
                if isinstance(out, str):
                    said.append(out)
                yield out
            if answering and not called:
                # Asked for a price, a time or how long, the reply states none though the
                # note has one: the caller hears the line on file.
                reply = "".join(said)
                if line and reply.strip() and not states_asked_value(question, reply):
                    extra = f" {ON_FILE_SAYS} {full_sentence(line)}"
                    said.append(extra)
                    yield extra
                elif (rule := self._notice_rule(turn, question, reply)) is not None:
                    # Refused for notice, the caller hears how much notice would do.
                    extra = f" {ON_FILE_SAYS} {rule}"
                    said.append(extra)
                    yield extra
            await self._keep_promise(chat_ctx, "".join(said))
        except Exception:  # noqa: BLE001 - a failing model must not end the call
            log.exception("the language model failed during a turn")
            for out in gate.finish():
                yield out
            yield (" " if produced else "") + MODEL_APOLOGY
        finally:
            if gate.replaced:
                self._honest_for = turn

    def _direct(self, chat_ctx: llm.ChatContext) -> str | None:
        """The answer to a plain question about the phone, email, address or hours."""
        last = chat_ctx.items[-1] if chat_ctx.items else None
        if last is None or last.type != "message" or last.role != "user" or is_reference(last):
            return None
        return direct_answer(last.text_content or "", self.spec, self.reception.today())

    def _guided(self) -> bool:
        """Whether this session's model wants the desk to carry out errands for it."""
        try:
            model = self.session.llm
        except RuntimeError:  # not running in a session (a direct call in a test)
            return False
        return bool(getattr(model, "guided_actions", False))

    def _unknown(self, question: str, note: llm.ChatMessage | None) -> bool:
        """Whether neither the knowledge nor the owner's settings speak of what the caller
        asked: the search found nothing relevant, and no word of the question (past words of
        offering: "do you have", "do you take") is in the instructions or facts ("Do you take
        reservations?" of a restaurant whose instructions say how to book a table)."""
        if note is None or reference_text(note) != NOTHING_ON_FILE or _ASKS_WHERE.search(question):
            return False
        return not (stems_of(question) - OFFERING) & self._known_concepts

    def _on_file(self, turn: str | None, question: str) -> str | None:
        """The line of this turn's note that a withheld sentence gives way to, if any."""
        note = self._notes.get(turn) if turn is not None else None
        text = reference_text(note) if note is not None else None
        return on_file(question, text) if text else None

    def _notice_rule(self, turn: str | None, question: str, reply: str) -> str | None:
        note = self._notes.get(turn) if turn is not None else None
        if note is None or not reply.strip():
            return None
        return notice_unstated(reply, reference_text(note) or "", question)

    def _nothing_on_file(self, turn: str) -> bool:
        note = self._notes.get(turn)
        return note is not None and reference_text(note) == NOTHING_ON_FILE

    async def _keep_promise(self, chat_ctx: llm.ChatContext, reply: str) -> None:
        """A reply that promises a follow-up the turn never stored stores it (see
        follow_through): the caller was told the business would hear of it."""
        if not promises_follow_up(reply) or stored_this_turn(chat_ctx):
            return
        if not self.spec.tool_enabled("take_message"):
            return
        name, contact = caller_details(chat_ctx)
        body = kept_message(chat_ctx, reply)
        # A number the business's country cannot read is left out rather than losing the
        # message: the caller's words, number included, are in its body.
        for reach in dict.fromkeys((contact, None)):
            try:
                await self.reception.services.leave_message(
                    kind="message", caller_name=name, caller_contact=reach, body=body,
                    notify=None, urgent=False,
                )  # fmt: skip
                return
            except ServiceRefusal:
                continue
            except Exception:  # noqa: BLE001 - the reply has gone out; a failed save is logged
                log.exception("could not keep the follow-up the agent promised")
                return
        log.error("could not keep the follow-up the agent promised: the message was refused")

    async def tts_node(  # type: ignore[override]
        self, text: AsyncIterable[str], model_settings: ModelSettings
    ) -> AsyncIterable[rtc.AudioFrame]:
        try:
            async for frame in Agent.default.tts_node(self, text, model_settings):
                yield frame
        except Exception:  # noqa: BLE001 - the caller still hears something, not silence
            log.exception("text-to-speech failed during a turn")
            for frame in self.apology_audio:
                yield frame

    async def _knowledge_note(self, turn: str, question: str) -> llm.ChatMessage | None:
        if not question.strip() or not self.spec.tool_enabled("search_knowledge"):
            return None
        covered = covered_by(question, self._fact_lines)
        quotable = self._guided() and (asks_quotable(question) or asks_who(question))
        if covered and not quotable:
            return None
        try:
            snippets = await self.reception.services.search_knowledge(question, NOTE_PASSAGES)
        except Exception:  # noqa: BLE001 - a failed lookup must not cost the caller the turn
            log.warning("knowledge lookup failed", exc_info=True)
            return None
        if covered:
            # The facts in the prompt cover it, so no note; the passages are kept for the
            # quoted answers, which read the business's own line ("Who does your desserts?"
            # met a line of the owner's services and the model answered with the desserts).
            self._found[turn] = [s.text for s in snippets if is_relevant(s, question)]
            return None
        if snippets:
            self._unseen[turn] = frozenset(snippets[0].unseen_terms) - self._known_words
        relevant = [s for s in snippets if is_relevant(s, question)]
        # An order or visit for a day ("a custom cake for tomorrow afternoon") meets the
        # rules that limit it (72 hours' notice), as a booking at the desk does.
        limits = (
            booking_limits(question, snippets, self.spec.appointment_types)
            if says_when(question)
            else ""
        )
        if not relevant and not limits:
            # Said outright, or a small model answers "No, we don't" from nothing.
            return reference_message(NOTHING_ON_FILE) if asks_about_business(question) else None
        self._found[turn] = [s.text for s in relevant]
        text = (
            focus(
                question, [s.text for s in relevant], closeness=[s.piece_scores for s in relevant]
            )
            if relevant
            else ""
        )
        if limits and limits not in text:
            text = f"{text}\n- {limits}".strip()
        log.debug("knowledge note for %r: %s", question, text)
        # Quoted, outside the system role: a page's author does not instruct the agent.
        return reference_message(text)


def _tool_call(call: Call) -> llm.ChatChunk:
    """The desk's tool call, in the shape a model's streamed call takes."""
    return llm.ChatChunk(
        id=call.call_id,
        delta=llm.ChoiceDelta(
            role="assistant",
            tool_calls=[
                llm.FunctionToolCall(
                    name=call.name, arguments=json.dumps(call.arguments), call_id=call.call_id
                )
            ],
        ),
    )


def _calls_a_tool(chunk: llm.ChatChunk | str | FlushSentinel) -> bool:
    return isinstance(chunk, llm.ChatChunk) and bool(chunk.delta and chunk.delta.tool_calls)


def _caller_message(chat_ctx: llm.ChatContext) -> llm.ChatMessage | None:
    """The caller's latest message (not a knowledge note shown on their side)."""
    for item in reversed(chat_ctx.items):
        if item.type == "message" and item.role == "user" and not is_reference(item):
            return item
    return None


def _caller_text(chat_ctx: llm.ChatContext) -> str:
    message = _caller_message(chat_ctx)
    return (message.text_content or "") if message is not None else ""


def _caller_turn(chat_ctx: llm.ChatContext) -> str | None:
    """The id of the caller's latest message: one reply may span several generations."""
    message = _caller_message(chat_ctx)
    return message.id if message is not None else None


def build_agent(
    spec: AgentSpec, services: ReceptionServices, *, clock: Clock | None = None
) -> ReceptionAgent:
    """The livekit Agent for a spec: instructions ordered for caching, enabled tools only."""
    return ReceptionAgent(
        spec, ReceptionTools(spec, services, clock or (lambda: datetime.now(UTC)))
    )
