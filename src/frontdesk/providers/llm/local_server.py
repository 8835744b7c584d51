"""llama.cpp's OpenAI-compatible server (xllamacpp) on a loopback port, behind a key.

The server listens on 127.0.0.1 only and requires a random per-process API key, since
xllamacpp otherwise accepts any caller and any origin.
"""

from __future__ import annotations

import gc
import secrets
import socket
import threading
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PROMPT_BATCH = 256


class LocalModelServer:
    def __init__(self, model_file: Path, *, threads: int = 2, context: int = 4096) -> None:
        self.model_file = model_file
        self.threads = threads
        self.context = context
        self.api_key = secrets.token_urlsafe(24)
        self.base_url = ""
        self.load_seconds = 0.0
        self._server: object | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Load the model (about 2 s on 2 cores) and start serving; idempotent."""
        with self._lock:
            if self._server is not None:
                return
            import xllamacpp as xlc

            params = xlc.CommonParams()
            params.model.path = str(self.model_file)
            params.n_ctx = self.context
            params.n_parallel = 1
            # llama.cpp reads a prompt PROMPT_BATCH tokens per step and only between steps
            # notices a request that was cancelled: a caller's turn that preempts background
            # work (priority.py) waits at most one step (default 2048 tokens: ~10 s here).
            params.n_batch = PROMPT_BATCH
            params.n_ubatch = PROMPT_BATCH
            params.cpuparams.n_threads = self.threads
            params.cpuparams_batch.n_threads = self.threads
            params.hostnames = ["127.0.0.1"]
            params.port = _free_port()
            params.api_keys = [self.api_key]
            # llama.cpp logs every request at its default verbosity; keep warnings and errors.
            params.verbosity = 0
            started = time.perf_counter()
            server = xlc.Server(params)  # blocks until the model is loaded
            self.load_seconds = time.perf_counter() - started
            self.base_url = server.listening_address + "/v1"
            self._server = server

    @property
    def running(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        # xllamacpp has no stop(): the C++ destructor ends the HTTP loop.
        with self._lock:
            self._server = None
            gc.collect()
