"""Addresses and credentials: a unix socket, or TCP with mutual TLS."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple, Union

import grpc

DEFAULT_ADDRESS = "unix:///run/saker/saker.sock"
#: the environment variable naming the server's address when none is given
ADDRESS_ENV = "SAKER_ADDRESS"

PemSource = Union[str, "os.PathLike[str]", bytes]


def _pem(src: Optional[PemSource]) -> Optional[bytes]:
    """A path (str or PathLike) is read; bytes are the PEM itself."""
    if src is None:
        return None
    if isinstance(src, bytes):
        return src
    with open(src, "rb") as f:
        return f.read()


@dataclass(frozen=True)
class TLSConfig:
    """Mutual TLS: the CA that signed the server, this client's certificate and key.

    Each is a file path or the PEM bytes. ``server_name`` overrides the name the
    server's certificate is checked against (default: the host in the address)."""

    ca: PemSource
    cert: PemSource
    key: PemSource
    server_name: Optional[str] = None

    @classmethod
    def from_env(cls) -> Optional["TLSConfig"]:
        """From SAKER_CA, SAKER_CERT, SAKER_KEY (paths), when all three are set."""
        ca, cert, key = (os.environ.get(n) for n in ("SAKER_CA", "SAKER_CERT", "SAKER_KEY"))
        if ca and cert and key:
            return cls(ca, cert, key, os.environ.get("SAKER_SERVER_NAME") or None)
        return None

    def credentials(self) -> grpc.ChannelCredentials:
        return grpc.ssl_channel_credentials(root_certificates=_pem(self.ca),
                                            private_key=_pem(self.key),
                                            certificate_chain=_pem(self.cert))


def resolve_address(address: Optional[str]) -> str:
    """The address to dial: ``address``, else $SAKER_ADDRESS, else the default socket.

    ``unix:///path`` (or ``unix:/path``, or a bare absolute path) is a unix socket;
    ``host:port`` is TCP, which Saker serves only with mutual TLS."""
    addr = address or os.environ.get(ADDRESS_ENV) or DEFAULT_ADDRESS
    if addr.startswith("/"):
        addr = "unix://" + addr
    return addr


def is_unix(address: str) -> bool:
    return address.startswith("unix:")


def channel_args(options: Sequence[Tuple[str, object]], tls: Optional[TLSConfig]
                 ) -> List[Tuple[str, object]]:
    opts: List[Tuple[str, object]] = [
        ("grpc.keepalive_time_ms", 30_000),
        ("grpc.keepalive_timeout_ms", 10_000),
        ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ]
    if tls is not None and tls.server_name:
        opts.append(("grpc.ssl_target_name_override", tls.server_name))
    opts.extend(options)
    return opts


def check(address: str, tls: Optional[TLSConfig]) -> None:
    if not is_unix(address) and tls is None:
        raise ValueError(f"{address}: a TCP address needs mutual TLS (tls=TLSConfig(ca, cert, key)); "
                         "Saker serves no plaintext TCP")


def sync_channel(address: str, tls: Optional[TLSConfig],
                 options: Sequence[Tuple[str, object]] = ()) -> grpc.Channel:
    check(address, tls)
    opts = channel_args(options, tls)
    if tls is None:
        return grpc.insecure_channel(address, options=opts)
    return grpc.secure_channel(address, tls.credentials(), options=opts)


def aio_channel(address: str, tls: Optional[TLSConfig],
                options: Sequence[Tuple[str, object]] = ()) -> grpc.aio.Channel:
    check(address, tls)
    opts = channel_args(options, tls)
    if tls is None:
        return grpc.aio.insecure_channel(address, options=opts)
    return grpc.aio.secure_channel(address, tls.credentials(), options=opts)
