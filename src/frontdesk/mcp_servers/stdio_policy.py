"""What an MCP server over stdio may run on this machine: whole command lines, not programs.

A stdio server is a program Frontdesk starts as its own user, so the operator decides, in
FRONTDESK_MCP_STDIO_COMMANDS, exactly which command lines an admin may save. Entries are
separated by ";" or new lines and split the way a POSIX shell splits words (shlex):

    /opt/mcp/bin/orders --stdio
    /usr/bin/python3 /opt/mcp/crm.py --stdio
    /opt/mcp/bin/stock {args:[A-Za-z0-9_.-]+}

A server's command and arguments match an entry when the command is the entry's program as
written (no PATH lookup, no other spelling) and its arguments begin with the entry's fixed
arguments, in order, character for character. Without a trailing `{args:REGEX}` nothing may
follow them; with it, up to MAX_EXTRA_ARGS further arguments may, each matching REGEX in full.
That is all an allowed entry lets an admin run.

Launchers and interpreters (npx, uvx, node, python…, sh, bash, env…) run whatever their
arguments name, so an entry for one must name its script or package (at least one fixed
argument) and may not end with a pattern; a bare `npx` entry is refused when the settings load.

Environment variables set on a server are limited to the names the operator lists in
FRONTDESK_MCP_STDIO_ENV. Names that change which code a program or its interpreter loads
(NODE_OPTIONS, LD_*, DYLD_*, PYTHON*, PERL5*, RUBYOPT, BASH_ENV, ENV, PATH…) are refused even
when listed: with them, any allowed command line runs code of the admin's choosing.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from frontdesk.errors import ConfigurationError, ValidationFailed

COMMANDS_SETTING = "FRONTDESK_MCP_STDIO_COMMANDS"
ENV_SETTING = "FRONTDESK_MCP_STDIO_ENV"
MAX_EXTRA_ARGS = 20
_REST = re.compile(r"^\{args:(?P<pattern>.+)\}$")
_ENTRY_SEPARATOR = re.compile(r"[;\n]")

# Programs whose arguments (or environment) decide what code runs: a package name, a script,
# `-c`/`-e` source text, another program to start.
_LAUNCHERS = re.compile(
    r"^(npx|npm|pnpm|pnpx|yarn|bunx?|deno|uvx?|pipx|pip[\d.]*|node(js)?|python[\d.]*[mw]?|"
    r"pypy[\d.]*|ruby|irb|perl[\d.]*|php[\d.]*|java|jshell|lua[\d.]*|luajit|Rscript|R|"
    r"sh|bash|dash|zsh|ksh|mksh|csh|tcsh|fish|busybox|env|sudo|doas|su|xargs|nohup|timeout|"
    r"nice|ionice|stdbuf|setsid|chroot|flock|watch|script|osascript|docker|podman|pwsh|"
    r"powershell|cmd)(\.exe)?$",
    re.IGNORECASE,
)

# Variables that make a program, its dynamic linker or its interpreter load other code.
_REFUSED_ENV = re.compile(
    r"^(NODE_OPTIONS|NODE_PATH|LD_.*|DYLD_.*|PYTHON.*|PERL5.*|PERLLIB|RUBYOPT|RUBYLIB|"
    r"BASH_ENV|ENV|PATH|SHELLOPTS|BASHOPTS|PS4|IFS|GCONV_PATH|JAVA_TOOL_OPTIONS|"
    r"_JAVA_OPTIONS|JDK_JAVA_OPTIONS|NPM_CONFIG_.*|UV_.*|PIP_.*)$",
    re.IGNORECASE,
)


def is_launcher(program: str) -> bool:
    return bool(_LAUNCHERS.match(PurePath(program).name))


def env_name_refused(name: str) -> bool:
    """True for a variable name no allow-list can open (it changes which code runs)."""
    return bool(_REFUSED_ENV.match(name))


@dataclass(frozen=True)
class StdioEntry:
    """One allowed command line: the program, its fixed arguments, and an optional pattern
    every further argument must match."""

    text: str
    program: str
    fixed: tuple[str, ...]
    rest: re.Pattern[str] | None = None

    def allows(self, command: str, args: Sequence[str]) -> bool:
        if command != self.program or tuple(args[: len(self.fixed)]) != self.fixed:
            return False
        extra = list(args[len(self.fixed) :])
        if self.rest is None:
            return not extra
        return len(extra) <= MAX_EXTRA_ARGS and all(self.rest.fullmatch(a) for a in extra)


def split_entries(value: str) -> list[str]:
    """The setting's text as entries: separated by ";" or new lines, blanks dropped."""
    return [e.strip() for e in _ENTRY_SEPARATOR.split(value) if e.strip()]


def parse_entry(text: str) -> StdioEntry:
    """One entry of the setting; `ConfigurationError` says what is wrong with it."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise ConfigurationError(f"{COMMANDS_SETTING}: cannot read {text!r} ({exc}).") from None
    if not words:
        raise ConfigurationError(f"{COMMANDS_SETTING}: an entry is empty.")
    program, fixed = words[0], words[1:]
    if "," in program:
        raise ConfigurationError(
            f"{COMMANDS_SETTING} lists whole command lines separated by ';' (it used to be a "
            f"comma-separated list of programs): write {program.replace(',', '; ')!r} as "
            "separate entries, each with the arguments it runs with."
        )
    rest = None
    if fixed and (match := _REST.match(fixed[-1])):
        fixed = fixed[:-1]
        try:
            rest = re.compile(match["pattern"])
        except re.error as exc:
            raise ConfigurationError(
                f"{COMMANDS_SETTING}: the pattern in {text!r} is not a regular expression ({exc})."
            ) from None
    if is_launcher(program) and (rest is not None or not fixed):
        raise ConfigurationError(
            f"{COMMANDS_SETTING}: {text!r} would let an admin run any code, since {program} runs "
            "whatever its arguments name. Name the exact command line, with the script or "
            "package and every argument, and no {args:…} pattern."
        )
    return StdioEntry(text=text, program=program, fixed=tuple(fixed), rest=rest)


def parse_entries(entries: Iterable[str]) -> list[StdioEntry]:
    return [parse_entry(e) for e in entries]


def _usable(entries: Iterable[str]) -> list[StdioEntry]:
    """The entries that parse; one that does not was refused when the settings loaded, and
    allows nothing if it got in some other way."""
    usable = []
    for text in entries:
        try:
            usable.append(parse_entry(text))
        except ConfigurationError:
            continue
    return usable


def check_command_line(entries: Sequence[str], command: str, args: Sequence[str]) -> None:
    """Refuse (422) a command line that no entry of the setting allows."""
    if not entries:
        raise ValidationFailed(
            f"MCP servers over stdio are switched off on this Frontdesk: the operator lists the "
            f"command lines they may run in {COMMANDS_SETTING}. Use an HTTP server, or ask them "
            "to add the command."
        )
    if any(entry.allows(command, args) for entry in _usable(entries)):
        return
    shown = shlex.join([command, *args])
    raise ValidationFailed(
        f"The command line {shown!r} is not allowed: {COMMANDS_SETTING} names the exact "
        f"command lines an MCP server may run here ({'; '.join(entries)})."
    )


def check_env_names(allowed: Iterable[str], env: Mapping[str, str]) -> None:
    """Refuse (422) a variable the operator did not list, or one that is never allowed."""
    listed = set(allowed)
    for name in env:
        if env_name_refused(name):
            raise ValidationFailed(
                f"The environment variable {name} cannot be set for an MCP server: it changes "
                "which code the program loads."
            )
        if name not in listed:
            shown = ", ".join(sorted(listed)) or "none"
            raise ValidationFailed(
                f"The environment variable {name} is not allowed: {ENV_SETTING} names the "
                f"variables an MCP server over stdio may be given here ({shown})."
            )
