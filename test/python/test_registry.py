"""The topic registry: channels with their address, parameters, QoS, retain, framing and event types, models, reply
and correlation; resolve() on concrete topics; topics built for publish and subscribe."""
from __future__ import annotations

import pytest

import tars_contracts as tc


def test_channels_say_what_the_contract_says():
    assert len(tc.CHANNELS) == 34
    c = tc.CHANNELS["sttFinal"]
    assert (c.address, c.qos, c.retain, c.model, c.envelope) == ("stt/final", 1, False, tc.FinalTranscript, tc.SttFinalEnvelope)
    assert c.framing == tc.Framing("envelope", event_type="stt.final", accepted_types=("stt.final",), accept_bare=False, publish_bare=False)
    health = tc.CHANNELS["systemHealth"]
    assert (health.qos, health.retain, [p.name for p in health.parameters]) == (1, True, ["client_id"])
    assert health.framing.accepted_types[0] == "health.status" and "system.health.router" in health.framing.accepted_types
    req = tc.CHANNELS["llmRequest"]
    assert req.reply == "llmResponse" and req.correlation == "$message.payload#/data/id"
    assert tc.CHANNELS["systemKeepalive"].framing.kind == "bare" and tc.CHANNELS["systemKeepalive"].envelope is None
    assert tc.CHANNELS["characterResult"].model is tc.CharacterResultData


def test_resolve_concrete_topics():
    r = tc.resolve("system/health/tars-stt")
    assert r is not None and r.channel.id == "systemHealth" and r.params == {"client_id": "tars-stt"}
    # a literal level wins over a parameter
    assert tc.resolve("system/health/movement").channel.id == "systemHealthMovement"
    assert tc.resolve("stt/final").params == {}
    for t in ["stt/finals", "system/health", "system/health/+", "system/health/#", "a/b/c/d"]:
        assert tc.resolve(t) is None


def test_topics_for_publish_and_subscribe():
    h = tc.CHANNELS["systemHealth"]
    assert tc.build_topic(h, {"client_id": "tars-stt"}) == "system/health/tars-stt"
    assert tc.build_topic(h, None, subscribe=True) == "system/health/+"
    for bad in ({"client_id": "a/b"}, {"client_id": ""}, {"client_id": "+"}, {}, {"other": "x"}):
        with pytest.raises(ValueError):
            tc.build_topic(h, bad)


def test_mixed_levels_and_enum_parameters_in_other_documents():
    pkg = __import__("pkg_18_beehive_devices_mqtt")
    found = [c for c in pkg.CHANNELS.values() if "-hive/" in c.address]
    assert found, "the beehive document has a level mixing text and a parameter"
    c = found[0]
    params = {p.name: (p.enum[0] if p.enum else "x1") for p in c.parameters}
    topic = tc.build_topic(c, params)
    r = pkg.resolve(topic)
    assert r is not None and r.channel.id == c.id and dict(r.params) == params
    assert tc.build_topic(c, None, subscribe=True).count("+") >= 1
