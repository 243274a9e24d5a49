"""The Elasticsearch client's connections, each checked for who serves it before a byte is sent.

Why here: the client sends basic-auth or API-key credentials, and then fragments, with every
request; on a loopback node a squatter that took the port while Elasticsearch was down would
receive them (vigie.core.peers). elastic-transport builds its nodes from a class we may name
(`node_class`), and its urllib3 pool creates each connection from `ConnectionCls`: this node
swaps in a connection class whose `_new_conn` (TCP connected, TLS not yet started, no request
written) checks the socket's server side. A refusal fails the connection like a refused one:
the store spools and retries, and the reason is logged at ERROR.
"""

from __future__ import annotations

import socket
from typing import Any

from elastic_transport import NodeConfig, Urllib3HttpNode
from loguru import logger
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import NewConnectionError

from vigie.core.peers import PeerCheckError, TrustedPeers

__all__ = ["checked_node_class"]

_SERVICE = "Elasticsearch"


class _PeerChecked:
    """urllib3's connect hook, checked (both connection classes: HTTP and HTTPS, before TLS)."""

    def __init__(self, *args: Any, vigie_peers: TrustedPeers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._vigie_peers = vigie_peers

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        try:
            return self._vigie_peers.admit(sock, _SERVICE)
        except PeerCheckError as exc:
            logger.error("elasticsearch: connection refused: {}", exc)
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from None  # type: ignore[arg-type]


class _CheckedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


def checked_node_class(peers: TrustedPeers) -> type[Urllib3HttpNode]:
    """A urllib3 node class for `Elasticsearch(node_class=...)` whose connections pass `peers`."""

    class CheckedNode(Urllib3HttpNode):
        def __init__(self, config: NodeConfig) -> None:
            super().__init__(config)
            https = config.scheme == "https"
            self.pool.ConnectionCls = _CheckedHTTPSConnection if https else _CheckedHTTPConnection
            self.pool.conn_kw["vigie_peers"] = peers

    return CheckedNode
