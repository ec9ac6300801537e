"""The typed helpers against a fake client: publish (topic, QoS, retain, the Envelope as the TypeScript runtime builds
it, an invalid model refused with nothing sent) and subscribe (validation, invalid messages dropped with a reason)."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

import tars_contracts as tc


class FakeClient:
    """The MqttClient protocol, recording what is published and letting the test deliver messages."""

    def __init__(self, source: str | None = "tars-test") -> None:
        self.source = source
        self.published: list[tuple[str, bytes, int, bool]] = []
        self.subscriptions: list[tuple[str, int, object]] = []

    async def publish(self, topic: str, payload: bytes, qos: int, retain: bool) -> None:
        self.published.append((topic, payload, qos, retain))

    async def subscribe(self, filter: str, qos: int, handler) -> None:
        self.subscriptions.append((filter, qos, handler))

    async def deliver(self, topic: str, payload: bytes) -> None:
        for _f, _q, h in self.subscriptions:
            await h(topic, payload)


def run(coro):
    return asyncio.run(coro)


def test_publish_builds_the_envelope_with_qos_and_retain_from_the_contract():
    c = FakeClient()
    before = time.time()
    run(tc.publish_stt_final(c, tc.FinalTranscript(text="what time is it", confidence=0.9)))
    [(topic, payload, qos, retain)] = c.published
    assert (topic, qos, retain) == ("stt/final", 1, False)
    env = json.loads(payload)
    assert list(env) == ["id", "type", "ts", "source", "data"]
    assert len(env["id"]) == 32 and all(ch in "0123456789abcdef" for ch in env["id"])
    assert env["type"] == "stt.final" and env["source"] == "tars-test" and before <= env["ts"] <= time.time()
    assert env["data"] == {"text": "what time is it", "lang": "en", "confidence": 0.9, "utt_id": None, "is_final": True}
    assert tc.validate_envelope("stt/final", env, strict=True).ok
    run(tc.publish_stt_final(c, tc.FinalTranscript(text="x"), id="req-1", source="other"))
    again = json.loads(c.published[1][1])
    assert (again["id"], again["source"]) == ("req-1", "other")


def test_publish_parameters_retain_and_bare_channels():
    c = FakeClient()
    run(tc.publish_system_health(c, {"client_id": "tars-stt"}, tc.HealthPing(ok=True, event="ready")))
    run(tc.publish_system_keepalive(c, {"client_id": "tars-stt"}, tc.HeartbeatPayload(timestamp=5)))
    run(tc.publish_movement_status(c, tc.MovementStatusUpdate(event="connected")))
    (t1, p1, q1, r1), (t2, p2, q2, r2), (t3, p3, q3, r3) = c.published
    assert (t1, q1, r1) == ("system/health/tars-stt", 1, True) and json.loads(p1)["type"] == "health.status"
    assert (t2, q2, r2) == ("system/keepalive/tars-stt", 0, False) and json.loads(p2) == {"ok": True, "event": "heartbeat", "timestamp": 5.0}
    # movement/status: enveloped channel whose publishers send the bare model (x-envelope bare: send)
    assert (t3, q3) == ("movement/status", 0) and "type" not in json.loads(p3)
    with pytest.raises(ValueError):
        run(tc.publish_system_health(c, {"client_id": "a/b"}, tc.HealthPing(ok=True)))
    assert len(c.published) == 3


def test_publish_refuses_an_invalid_model_and_sends_nothing():
    c = FakeClient()
    bad = tc.FinalTranscript.model_construct(text="x", confidence=7)  # built without validation
    with pytest.raises(tc.ValidationFailedError) as e:
        run(tc.publish_stt_final(c, bad))
    assert e.value.errors[0]["path"] == "/confidence" and e.value.errors[0]["rule"] == "maximum"
    t = tc.FinalTranscript(text="x")
    t.lang = None  # no validate_assignment: caught at publish
    with pytest.raises(tc.ValidationFailedError):
        run(tc.publish_stt_final(c, t))
    with pytest.raises(tc.ValidationFailedError):
        run(tc.publish_stt_final(c, {"text": 5}))
    assert c.published == []


def test_subscribe_validates_and_drops_invalid_messages_with_a_reason():
    c = FakeClient()
    got, invalid = [], []

    async def handler(model, envelope, meta):
        got.append((model, envelope, meta))

    filt = run(tc.subscribe_stt_final(c, handler, on_invalid=invalid.append))
    assert filt == "stt/final" and c.subscriptions[0][:2] == ("stt/final", 1)
    env = {"id": "e1", "type": "stt.final", "ts": 1.5, "source": "s", "data": {"text": "hi"}}

    async def feed():
        await c.deliver("stt/final", json.dumps(env).encode())
        await c.deliver("stt/final", b'{"id":"e2","type":"stt.final","data":{"text":5}}')
        await c.deliver("stt/final", b"not json")
        await c.deliver("stt/final", json.dumps({"text": "bare"}).encode())  # bare: never on stt/final
        await c.deliver("stt/final", json.dumps({**env, "type": "bogus"}).encode())

    run(feed())
    [(model, envelope, meta)] = got
    assert isinstance(model, tc.FinalTranscript) and model.text == "hi" and envelope.id == "e1" and meta.topic == "stt/final"
    assert [(i.reason, i.errors[0]["path"]) for i in invalid] == [("schema", "/data/text"), ("json", ""), ("not-envelope", ""), ("event-type", "/type")]


def test_subscribe_with_parameters_and_bare_acceptance():
    c = FakeClient()
    got = []

    async def handler(model, envelope, meta):
        got.append((type(model).__name__, envelope is None, dict(meta.params)))

    assert run(tc.subscribe_system_health(c, None, handler)) == "system/health/+"

    async def feed():
        await c.deliver("system/health/tars-stt", json.dumps({"type": "health.status", "data": {"ok": True}}).encode())
        await c.deliver("system/health/esp32", json.dumps({"ok": False, "err": "low"}).encode())  # bare: accept

    run(feed())
    assert got == [("HealthPing", False, {"client_id": "tars-stt"}), ("HealthPing", True, {"client_id": "esp32"})]


def test_subscribe_is_lax_by_default_and_strict_on_request(caplog):
    c = FakeClient()
    got = []

    async def handler(model, envelope, meta):
        got.append(model.top_k)

    run(tc.subscribe_memory_query(c, handler))
    run(tc.subscribe_memory_query(c, handler, strict=True))
    raw = json.dumps({"type": "memory.query", "data": {"text": "x", "top_k": "3"}}).encode()
    with caplog.at_level("WARNING", logger="tars_contracts"):
        run(c.deliver("memory/query", raw))
    assert got == [3]  # the strict subscription dropped it, and said why in the log
    assert "dropped an invalid message on memory/query (schema): /data/top_k" in caplog.text


def test_publish_checks_the_envelope_id_and_source():
    c = FakeClient()
    for kwargs, error in (({"id": 5}, TypeError), ({"id": ""}, ValueError), ({"source": 7}, TypeError), ({"source": ""}, ValueError)):
        with pytest.raises(error) as e:
            run(tc.publish_stt_final(c, tc.FinalTranscript(text="x"), **kwargs))
        assert next(iter(kwargs)) in str(e.value)
    bad_client = FakeClient(source=None)
    bad_client.source = 7  # type: ignore[assignment]
    with pytest.raises(TypeError, match="client.source"):
        run(tc.publish_stt_final(bad_client, tc.FinalTranscript(text="x")))
    assert c.published == [] and bad_client.published == []


def test_publish_source_rule(monkeypatch):
    # source argument > client.source > MQTT_SOURCE_NAME > client.client_id > MQTT_CLIENT_ID > "python"
    monkeypatch.delenv("MQTT_SOURCE_NAME", raising=False)
    monkeypatch.delenv("MQTT_CLIENT_ID", raising=False)
    c = FakeClient(source=None)

    def sent_source() -> str:
        run(tc.publish_stt_final(c, tc.FinalTranscript(text="x")))
        return json.loads(c.published[-1][1])["source"]

    assert sent_source() == "python"
    monkeypatch.setenv("MQTT_CLIENT_ID", "env-client")
    assert sent_source() == "env-client"
    c.client_id = "client-id"  # type: ignore[attr-defined]
    assert sent_source() == "client-id"
    monkeypatch.setenv("MQTT_SOURCE_NAME", "env-source")
    assert sent_source() == "env-source"
    c.source = "client-source"
    assert sent_source() == "client-source"
