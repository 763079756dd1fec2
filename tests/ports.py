"""Free TCP ports for the servers that tests start in other processes."""
from __future__ import annotations

import random
import socket

# Below the kernel's ephemeral range (32768–60999 on Linux): a port found free there is not held,
# and an outgoing connection (wrk's, on the other test worker) may be given it before the server binds.
LOW, HIGH = 20_000, 32_000


def free_ports(count: int = 1) -> int:
    """The first of ``count`` consecutive ports nothing is bound to (a benchmark serves its bare
    Flask app on ``--port`` + 1)."""
    for _ in range(200):
        first = random.randrange(LOW, HIGH - count)
        if all(_free(port) for port in range(first, first + count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports between {LOW} and {HIGH}")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
