import os

import grpc
import pytest

import saker
from conftest import need


def test_version_status_rules_health(client: saker.Client) -> None:
    v = client.version()
    assert v.version and v.engine_version
    st = client.status()
    assert st.driver.probe_loaded
    assert st.alerts.capacity == 64
    assert st.start_time is not None and st.start_time.tzinfo is not None
    names = [r.name for r in client.list_rules()]
    assert need("SAKER_RULE") in names
    rule = next(r for r in client.list_rules() if r.name == need("SAKER_RULE"))
    assert rule.priority == saker.Priority.WARNING and "sdk_test" in rule.tags
    res = client.reload_rules()
    assert res.rule_count >= 1
    assert client.healthy()


def test_default_address_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAKER_ADDRESS", need("SAKER_UNIX_ADDR"))
    with saker.Client() as c:
        assert c.address == need("SAKER_UNIX_ADDR")
        assert c.version().version
    monkeypatch.delenv("SAKER_ADDRESS")
    assert saker.Client().address == saker.DEFAULT_ADDRESS == "unix:///run/saker/saker.sock"


def test_tcp_needs_tls() -> None:
    with pytest.raises(ValueError):
        saker.Client("127.0.0.1:1")


def test_priority_parse() -> None:
    assert saker.Priority.parse("warn") == saker.Priority.WARNING
    assert saker.Priority.parse("Informational") == saker.Priority.INFORMATIONAL
    assert saker.Priority.parse("PRIORITY_ERROR") == saker.Priority.ERROR
    assert saker.Priority.CRITICAL > saker.Priority.WARNING
    assert saker.Priority.from_falco(4) == saker.Priority.WARNING  # Falco's WARNING
    with pytest.raises(ValueError):
        saker.Priority.parse("loud")


def test_mtls_paths_and_pem_bytes(tls_paths: dict) -> None:
    with saker.Client(need("SAKER_TCP_ADDR"), **tls_paths) as c:
        assert c.version().version
    pem = {k: open(v, "rb").read() for k, v in tls_paths.items()}
    with saker.Client(need("SAKER_TCP_ADDR"), tls=saker.TLSConfig(**pem)) as c:
        assert c.status().driver.probe_loaded


@pytest.mark.parametrize("which", ["BAD", "EXPIRED"])
def test_bad_certificate_refused(which: str) -> None:
    tls = saker.TLSConfig(need("SAKER_CA"), need(f"SAKER_{which}_CERT"), need(f"SAKER_{which}_KEY"))
    with saker.Client(need("SAKER_TCP_ADDR"), tls=tls, timeout=5) as c:
        with pytest.raises(grpc.RpcError) as e:
            c.version()
        assert e.value.code() == grpc.StatusCode.UNAVAILABLE
        # A subscription keeps retrying a refused handshake up to max_attempts, then raises.
        sub = c.subscribe_alerts(reconnect=saker.Reconnect(initial=0.05, max_attempts=2))
        with pytest.raises(grpc.RpcError):
            next(iter(sub))
        assert sub.connects == 3


def test_falco_api(client: saker.Client) -> None:
    f = client.falco()
    assert f.version().version == client.version().version
    with saker.FalcoClient(need("SAKER_UNIX_ADDR")) as f2:
        for a in f2.get():
            assert isinstance(a, saker.Alert) and a.rule
