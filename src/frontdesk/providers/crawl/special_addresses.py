"""Which IP addresses are not on the public internet, from our own table.

Python's `ipaddress` flags (`is_private`, `is_global`, `is_reserved`) depend on the
interpreter's patch level: before 3.11.10/3.12.4 they called 192.0.0.8–192.0.0.169,
192.0.0.172–192.0.0.255 and several IPv6 blocks public (CVE-2024-4032), and later releases
may move other blocks. An SSRF guard must not change its answer with the interpreter, so the
ranges are written out here, from IANA's IPv4 and IPv6 Special-Purpose Address Registries
(plus multicast and the limited broadcast address, which live in other registries).

A few blocks that IANA marks "globally reachable" (anycast relays such as 192.0.0.9 or
2001:1::1, AS112) sit inside larger special-purpose blocks listed here whole: no website is
served from them, and refusing the whole block keeps the table short and easy to audit.
"""

from __future__ import annotations

import ipaddress
from typing import TypeAlias

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4: tuple[tuple[str, str], ...] = (
    # First match wins: the single addresses come before the blocks that hold them.
    ("0.0.0.0/32", "the unspecified address (it means this machine)"),
    ("0.0.0.0/8", "the 'this network' range (it means this machine)"),
    ("10.0.0.0/8", "a private network address"),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private network address"),
    ("192.0.0.0/24", "an IETF protocol assignment address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a deprecated 6to4 relay address"),
    ("192.168.0.0/16", "a private network address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("255.255.255.255/32", "the broadcast address"),
)

# IPv6 unicast on the internet is 2000::/3 (RFC 4291 2.4); everything outside it (loopback,
# unspecified, unique local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast
# ff00::/8, discard 100::/64, the IPv4-compatible ::/96 …) is refused by that rule alone.
# These are the special blocks inside 2000::/3. The prefixes that embed an IPv4 address
# (::ffff:0:0/96, 64:ff9b::/96, 2002::/16) are judged by that address, in ssrf.py.
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_V6: tuple[tuple[str, str], ...] = (
    ("2001::/23", "an IETF protocol assignment address (Teredo, benchmarking, ORCHID…)"),
    ("2001:db8::/32", "a documentation address"),
    ("3fff::/20", "a documentation address"),
)

_V4_TABLE = tuple((ipaddress.IPv4Network(net), label) for net, label in _V4)
_V6_TABLE = tuple((ipaddress.IPv6Network(net), label) for net, label in _V6)

# Labels for the IPv6 ranges outside 2000::/3 that an owner is likely to meet.
_V6_OUTSIDE = (
    (ipaddress.IPv6Network("::1/128"), "a loopback address"),
    (ipaddress.IPv6Network("::/128"), "the unspecified address (it means this machine)"),
    (ipaddress.IPv6Network("fe80::/10"), "a link-local address"),
    (ipaddress.IPv6Network("fec0::/10"), "a private network address"),
    (ipaddress.IPv6Network("fc00::/7"), "a private network address"),
    (ipaddress.IPv6Network("ff00::/8"), "a multicast address"),
    (ipaddress.IPv6Network("64:ff9b:1::/48"), "a local-use IPv4/IPv6 translation address"),
)


def special_purpose(ip: IPAddress) -> str | None:
    """What kind of non-public address `ip` is, in words; None for a public one.

    Addresses that wrap an IPv4 address are judged here by their IPv6 form only; callers
    look inside them first."""
    if isinstance(ip, ipaddress.IPv4Address):
        for net4, label in _V4_TABLE:
            if ip in net4:
                return label
        return None
    if ip not in _GLOBAL_UNICAST:
        for net6, label in _V6_OUTSIDE:
            if ip in net6:
                return label
        return "a reserved address"
    for net6, label in _V6_TABLE:
        if ip in net6:
            return label
    return None
