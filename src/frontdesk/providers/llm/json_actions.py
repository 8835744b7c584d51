"""A livekit `LLM` for small local models that cannot emit native tool calls.

Each model call is constrained by a JSON schema (llama.cpp grammar) to one of:
`{"action": "answer", "reply": "..."}` or `{"action": "tool", "tool": <name>, "arguments":
{...}}`, and the result is handed to livekit as ordinary text deltas or a `FunctionToolCall`,
so the agent, its tools and the session are exactly those used with a remote model.

Reliability measures for a 1.5B model:
- the reply text is streamed out of the JSON as it is generated, so the first words arrive
  about as fast as with free text;
- after two tool results in one turn only an answer is allowed, so it cannot loop on tools;
- contact details in tool arguments must have been said by the caller: a phone number or an
  email the model made up is blanked, and with none left the call becomes a question (the
  tools themselves refuse such details from any model; blanking here spares the small model
  a failed tool step). Knowledge notes travel as user messages but are never the caller's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from livekit.agents import llm
from livekit.agents.llm import ChatChunk, ChoiceDelta, FunctionToolCall
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions
from openai import AsyncOpenAI

from frontdesk.providers.llm.priority import ModelGate, in_background
from frontdesk.runtime.caller_words import CallerWords, caller_texts
from frontdesk.runtime.knowledge_note import is_reference

log = logging.getLogger(__name__)
ANSWER_PREFIX = re.compile(r'^\s*\{\s*"action"\s*:\s*"answer"\s*,\s*"reply"\s*:\s*"')
# Two tool steps per caller turn (e.g. check_availability then book_appointment); after
# that only an answer is allowed, so a small model cannot loop on tools.
MAX_TOOL_STEPS = 2
ASK_CONTACT = "Could you tell me your phone number or email, so I have it right?"


def tool_specs(tools: list[Any]) -> list[dict[str, Any]]:
    if not tools:
        return []
    return [
        t["function"] for t in llm.ToolContext(tools).parse_function_tools("openai", strict=True)
    ]


def offered_specs(tools: list[Any], hidden: frozenset[str]) -> list[dict[str, Any]]:
    """The tool specs the model is offered; the prompt warm-up must use the same list."""
    return [s for s in tool_specs(tools) if s["name"] not in hidden]


def action_schema(specs: list[dict[str, Any]], answer_only: bool) -> dict[str, Any]:
    answer = {
        "type": "object",
        "properties": {"action": {"const": "answer"}, "reply": {"type": "string"}},
        "required": ["action", "reply"],
        "additionalProperties": False,
    }
    if answer_only or not specs:
        return answer
    branches: list[dict[str, Any]] = [answer]
    for spec in specs:
        branches.append(
            {
                "type": "object",
                "properties": {
                    "action": {"const": "tool"},
                    "tool": {"const": spec["name"]},
                    "arguments": spec.get("parameters") or {"type": "object"},
                },
                "required": ["action", "tool", "arguments"],
                "additionalProperties": False,
            }
        )
    return {"anyOf": branches}


def tool_guide(specs: list[dict[str, Any]]) -> str:
    lines = [
        'Reply with JSON only. Most turns are answers: {"action":"answer","reply":"..."}. '
        "Questions about the business are always answered from the facts and notes above. "
        'Use {"action":"tool","tool":"<name>","arguments":{...}} only when the caller asks you '
        "to DO something: book, move or cancel an appointment, check free times, take their "
        "details or a message, or put them through to a person. Tools:"
    ]
    for spec in specs:
        params = ", ".join((spec.get("parameters") or {}).get("properties", {}))
        lines.append(f"- {spec['name']}({params}): {spec.get('description', '').strip()}")
    return "\n".join(lines)


def to_messages(chat_ctx: llm.ChatContext, guide: str) -> list[Any]:
    """Plain system/user/assistant messages; tool calls and results written as text."""
    messages: list[Any] = []
    for item in chat_ctx.items:
        if item.type == "message":
            text = item.text_content or ""
            role = "system" if item.role in ("system", "developer") else item.role
            if role == "system" and not messages:
                # The one system prompt: instructions, then the tool guide (both stable).
                text = f"{text}\n\n{guide}" if guide else text
            elif role == "system":
                # Chat templates of small models expect a single system message, at the start.
                role, text = "user", f"[note] {text}"
            elif role == "assistant":
                # Written back exactly as the model produced it, so llama.cpp's cache of the
                # previous turn still matches and only the caller's new words are computed.
                text = _compact({"action": "answer", "reply": text})
            messages.append({"role": role, "content": text})
        elif item.type == "function_call":
            call = {
                "action": "tool",
                "tool": item.name,
                "arguments": json.loads(item.arguments or "{}"),
            }
            messages.append({"role": "assistant", "content": _compact(call)})
        elif item.type == "function_call_output":
            kind = "error" if item.is_error else "result"
            messages.append({"role": "user", "content": f"[tool {item.name} {kind}] {item.output}"})
    return messages


REPLY_TOKENS = 300
TRIM_BLOCK = 8  # messages dropped at a time: the cut moves rarely, so the cache keeps matching
CHARS_PER_TOKEN = 3  # conservative for English and JSON on Qwen's tokenizer


def fit_context(messages: list[Any], context_tokens: int, reply_tokens: int) -> list[Any]:
    """Drop the oldest turns (never the system prompt) when the conversation would overflow
    the model's context. The cut point moves in blocks from the start, so between two cuts
    every request still begins with the same messages and the prompt cache holds."""
    if not messages:
        return messages
    head, rest = messages[:1], messages[1:]
    budget = (context_tokens - reply_tokens) * CHARS_PER_TOKEN - len(str(head[0]["content"]))

    def size(items: list[Any]) -> int:
        return sum(len(str(m["content"])) + 16 for m in items)

    cut = 0
    while cut < len(rest) - 1 and size(rest[cut:]) > budget:
        cut += TRIM_BLOCK
        while cut < len(rest) - 1 and rest[cut]["role"] != "user":
            cut += 1  # a kept history starts with the caller
    cut = min(cut, len(rest) - 1)
    return head + rest[cut:]


# What a caller says when they want something done rather than answered. A 1.5B model reaches
# for tools on plain questions ("how much is X?" becomes a booking), so a turn that says none
# of this may only be answered. Misses cost little: the answer can ask "shall I book that?"
# Not "someone" or "person" alone: "Is there someone there who speaks Spanish?" is a question
# (the embedded model answered it by checking Sunday's free times); "can someone call me"
# and "speak to a person" are requests by their other words.
ACTION_WORDS = re.compile(
    r"\b(book|booking|appointment|schedule|reschedul\w*|move|change|cancel\w*|availab\w*|"
    r"free (time|slot)s?|slot|message|call (me|back)|contact me|reach me|get back to me|"
    r"my (name|number|phone|email)|speak (to|with)|talk (to|with)|real person|human|manager|"
    r"bye|goodbye|that's all|yes|yeah|sure|please do|go ahead|confirm)\b",
    re.IGNORECASE,
)


# A question asking what, who, how…: "What happens if I have to cancel last minute?" and
# "Who do I talk to about my bill?" hold action words but want an answer. Offered tools, the
# model called one with made-up details and the caller heard a request for their number.
_WH_QUESTION = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|so|and|but|oh|um)\b[,\s]*)*"
    r"(?:what|who|whom|whose|which|when|where|why|how)\b[^.!]*\?\s*$",
    re.IGNORECASE,
)


def wants_action(text: str) -> bool:
    """Whether the caller's words ask for something to be done (or give contact details)."""
    digits = re.sub(r"\D", "", text)
    if "@" in text or len(digits) >= 7:
        return True
    return bool(ACTION_WORDS.search(text)) and not _WH_QUESTION.match(text.strip())


def _last_caller_text(chat_ctx: llm.ChatContext) -> str:
    said = caller_texts(chat_ctx)
    return said[-1] if said else ""


def _tool_steps_since_caller(chat_ctx: llm.ChatContext) -> int:
    steps = 0
    for item in reversed(chat_ctx.items):
        if item.type == "message" and item.role == "user" and not is_reference(item):
            break
        if item.type == "function_call_output":
            steps += 1
    return steps


def _compact(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def scrub_contacts(arguments: dict[str, Any], chat_ctx: llm.ChatContext) -> bool:
    """Blank out a phone or email the caller never said (the schema makes the model fill every
    field, and it invents what it lacks). False when no real contact detail is left."""
    heard = CallerWords()
    heard.hear(chat_ctx)
    had_contact = False
    for key in ("phone", "email"):
        if key not in arguments:
            continue
        value = str(arguments.get(key) or "").strip()
        if not value:
            continue
        had_contact = True
        genuine = heard.said_phone(value) if key == "phone" else heard.said_email(value)
        if not genuine:
            arguments[key] = ""
    if not had_contact:
        return True
    return any(str(arguments.get(k) or "") for k in ("phone", "email"))


class _ReplyDecoder:
    """Pulls the `reply` string out of a streaming answer object, decoding JSON escapes."""

    def __init__(self) -> None:
        self.buffer = ""
        self.start: int | None = None
        self.pos = 0
        self.done = False

    def feed(self, text: str) -> str:
        self.buffer += text
        if self.start is None:
            match = ANSWER_PREFIX.match(self.buffer)
            if not match:
                return ""
            self.start = self.pos = match.end()
        out = []
        while self.pos < len(self.buffer) and not self.done:
            ch = self.buffer[self.pos]
            if ch == '"':
                self.done = True
                break
            if ch == "\\":
                escape = self.buffer[self.pos : self.pos + 6]
                if len(escape) < 2 or (escape[1] == "u" and len(escape) < 6):
                    break  # wait for the rest of the escape
                length = 6 if escape[1] == "u" else 2
                out.append(json.loads(f'"{self.buffer[self.pos : self.pos + length]}"'))
                self.pos += length
                continue
            out.append(ch)
            self.pos += 1
        return "".join(out)


class JsonActionLLM(llm.LLM):
    # Bookings, callbacks and messages are carried out by the agent's action desk
    # (runtime/action_desk.py): a 1.5B model landed a quarter of them on the answer corpus.
    guided_actions = True

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str = "local",
        hidden_tools: frozenset[str] = frozenset(),
        context_tokens: int = 4096,
        gate: ModelGate | None = None,
    ) -> None:
        super().__init__()
        self._client = AsyncOpenAI(base_url=base_url, api_key=api_key, max_retries=0)
        self._model = model
        self.hidden_tools = hidden_tools
        self.context_tokens = context_tokens
        # The embedded model's: a caller's turn goes before background work (priority.py).
        self.gate = gate

    @property
    def model(self) -> str:
        return self._model

    @property
    def provider(self) -> str:
        return "llama.cpp"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[Any] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        extra_kwargs: Any = NOT_GIVEN,
    ) -> llm.LLMStream:
        return _JsonActionStream(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options
        )

    async def aclose(self) -> None:
        await self._client.close()


class _JsonActionStream(llm.LLMStream):
    async def _run(self) -> None:
        owner: JsonActionLLM = self._llm  # type: ignore[assignment]
        specs = offered_specs(list(self._tools), owner.hidden_tools)
        answer_only = _tool_steps_since_caller(
            self._chat_ctx
        ) >= MAX_TOOL_STEPS or not wants_action(_last_caller_text(self._chat_ctx))
        schema = action_schema(specs, answer_only)
        messages = fit_context(
            to_messages(self._chat_ctx, tool_guide(specs) if specs else ""),
            owner.context_tokens,
            REPLY_TOKENS,
        )
        request: dict[str, Any] = {
            "model": owner.model,
            "messages": messages,
            "stream": True,
            # Greedy decoding: the same caller words get the same decision every time.
            "temperature": 0.0,
            "max_tokens": REPLY_TOKENS,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "action", "schema": schema},
            },
        }
        gate = owner.gate
        if gate is None:
            await self._generate(request, self._event_ch.send_nowait)
        elif not in_background():
            async with gate.live():
                await self._generate(request, self._event_ch.send_nowait)
        else:
            # Held back until the answer is complete: a preempted attempt starts again from
            # the beginning, and none of its words may have gone out.
            held: list[ChatChunk] = []

            async def attempt() -> None:
                held.clear()
                await self._generate(request, held.append)

            await gate.background(attempt)
            for chunk in held:
                self._event_ch.send_nowait(chunk)

    async def _generate(self, request: dict[str, Any], emit: Callable[[ChatChunk], None]) -> None:
        owner: JsonActionLLM = self._llm  # type: ignore[assignment]
        stream = await owner._client.chat.completions.create(**request)
        decoder = _ReplyDecoder()
        raw = ""
        async for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta.content or ""
            raw += delta
            text = decoder.feed(delta)
            if text:
                emit(ChatChunk(id=chunk.id, delta=ChoiceDelta(role="assistant", content=text)))
        if decoder.start is not None:
            return
        emit(self._non_answer(raw))

    def _non_answer(self, raw: str) -> ChatChunk:
        try:
            action = json.loads(raw)
        except json.JSONDecodeError:
            action = {}
        name = action.get("tool") if action.get("action") == "tool" else None
        arguments = action.get("arguments") or {}
        if not name:
            return _text_chunk(str(action.get("reply") or "Sorry, could you say that again?"))
        if not scrub_contacts(arguments, self._chat_ctx):
            log.info("refused %s with contact details the caller never gave: %s", name, arguments)
            return _text_chunk(ASK_CONTACT)
        call = FunctionToolCall(
            name=name, arguments=json.dumps(arguments), call_id=f"call_{id(raw)}"
        )
        return ChatChunk(id="action", delta=ChoiceDelta(role="assistant", tool_calls=[call]))


def _text_chunk(text: str) -> ChatChunk:
    return ChatChunk(id="action", delta=ChoiceDelta(role="assistant", content=text))
