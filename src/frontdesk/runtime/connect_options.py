"""How a conversation retries its providers (model, speech-to-text, text-to-speech).

livekit's default is four attempts, two seconds apart, each allowed 10 s without a byte:
a hung endpoint kept a caller waiting about 45 s before the apology. One retry still rides
out a dropped connection or a lone 500, and a hang now costs at most about 20 s. The 10 s
per attempt stays: it is a wait for the next byte, not for the whole answer, and a
self-hosted model on a CPU can take that long to read a long prompt.
"""

from __future__ import annotations

from livekit.agents import APIConnectOptions
from livekit.agents.voice.agent_session import SessionConnectOptions

PROVIDER_ATTEMPT = APIConnectOptions(max_retry=1, retry_interval=0.5, timeout=10.0)

SESSION_CONNECT = SessionConnectOptions(
    llm_conn_options=PROVIDER_ATTEMPT,
    stt_conn_options=PROVIDER_ATTEMPT,
    tts_conn_options=PROVIDER_ATTEMPT,
)
