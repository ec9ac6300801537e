"""Round trips with the TypeScript side: what a TypeScript publisher sent through a real Mosquitto (captured byte for
byte with mosquitto_sub) validates in Python, strictly; and models Python builds dump to wire JSON that
python.test.ts then checks with the TypeScript validators (py_dumps.json)."""
from __future__ import annotations

import json

import tars_contracts as tc
from tars_contracts import _bus
from conftest import data_dir, load


def test_messages_a_typescript_publisher_sent_through_mosquitto_validate():
    captured = load("captured.json")
    # the first valid payload of every topic case of the contract tests: all 34 channels
    assert len({tc.resolve(c["topic"]).channel.id for c in captured}) == len(tc.CHANNELS) == 34
    for c in captured:
        raw = bytes.fromhex(c["hex"])
        channel = tc.resolve(c["topic"]).channel
        # as a subscriber receives it (Envelope, or the bare model where the channel sends bare), strictly
        got = _bus.decode(tc.CATALOG, channel, c["topic"], raw, strict=True)
        assert isinstance(got, tuple), (c["topic"], got)
        wire = json.loads(raw)
        if channel.framing.publish_bare:
            assert got[1] is None and got[0].to_wire() == {**got[0].to_wire(), **wire}
            assert tc.CATALOG.validate_payload_json(c["topic"], raw, strict=True).ok
        elif channel.framing.kind == "envelope":
            assert tc.CATALOG.validate_envelope_json(c["topic"], raw, strict=True).ok
            # the TypeScript runtime's Envelope: all five keys, a 32-hex id, the contract's event type
            assert set(wire) == {"id", "type", "ts", "source", "data"}
            assert len(wire["id"]) == 32 and int(wire["id"], 16) >= 0
            assert wire["type"] == channel.framing.event_type and wire["source"] == "py-roundtrip-ts"
            # lax (how the services parse) accepts it too
            assert isinstance(_bus.decode(tc.CATALOG, channel, c["topic"], raw), tuple)
            env = channel.envelope.model_validate_json(raw, strict=True)
            dumped = env.to_wire()["data"]
            # what was sent survives the round through the model (the dump adds the defaults of omitted fields, and
            # null for an unset nullable field)
            assert _covers(dumped, wire["data"]), (dumped, wire["data"])
        else:
            assert tc.CATALOG.validate_payload_json(c["topic"], raw, strict=True).ok


def _covers(dumped: object, sent: object) -> bool:
    """Every key and value sent is in the dump (recursively); the dump may add keys."""
    if isinstance(sent, dict):
        return isinstance(dumped, dict) and all(k in dumped and _covers(dumped[k], v) for k, v in sent.items())
    if isinstance(sent, list):
        return isinstance(dumped, list) and len(dumped) == len(sent) and all(_covers(d, x) for d, x in zip(dumped, sent))
    return dumped == sent


def _built() -> list[tuple[str, str, tc.WireModel | dict]]:
    """Models built in Python for every topic of the contract, with the kind of wire message they are."""
    m = tc
    out: list[tuple[str, str, object]] = [
        ("stt/final", "payload", m.FinalTranscript(text="hello", confidence=0.5)),
        ("stt/partial", "payload", m.PartialTranscript(text="hel")),
        ("stt/audio_fft", "payload", m.AudioFFTData(fft_data=[0.5, 1], sample_rate=16000)),
        ("tts/say", "payload", m.TtsSay(text="hi", wake_ack=True)),
        ("tts/status", "payload", m.TtsStatus(event="speaking_start", utt_id="u1")),
        ("tts/control", "payload", m.TtsControlCommand(action="pause", reason="wake_interrupt")),
        ("llm/request", "payload", m.LLMRequest(id="rt-1", text="hi", conversation_history=[m.ConversationMessage(role="user", content="x")])),
        ("llm/response", "payload", m.LLMResponse(id="rt-1", reply="ok", tokens={})),
        ("llm/stream", "payload", m.LLMStreamDelta(id="rt-1", seq=1, delta="o")),
        ("llm/cancel", "payload", m.LLMCancel(id="rt-1")),
        ("llm/tools/registry", "payload", m.ToolsRegistry(tools=[m.ToolSpec(function={"name": "mcp__a__b"})])),
        ("llm/tool.call.request", "payload", m.ToolCallRequest(call_id="c", name="n")),
        ("llm/tool.call.result", "payload", m.ToolCallResult(call_id="c", result=[1, 2])),
        ("memory/query", "payload", m.MemoryQuery(text="what", top_k=3)),
        ("memory/results", "payload", m.MemoryResults(query="what", k=1, results=[m.MemoryResult(document={"t": 1}, score=0.5)])),
        ("character/get", "payload", m.CharacterGetRequest(section="traits")),
        ("character/result", "payload", m.CharacterSnapshot(name="TARS", traits={"humor": 75})),
        ("character/result", "payload", m.CharacterSection(section="traits", value={"humor": 75})),
        ("character/update", "payload", m.CharacterTraitUpdate(trait="humor", value=50, section="traits")),
        ("character/update", "payload", m.CharacterResetTraits(action="reset_traits")),
        ("system/character/current", "payload", m.CharacterSnapshot(name="TARS")),
        ("wake/event", "payload", m.WakeEvent(type="wake", confidence=0.9)),
        ("wake/mic", "payload", m.WakeMicCommand(action="mute", ttl_ms=100)),
        ("camera/capture", "payload", m.CameraCaptureRequest(request_id="r1")),
        ("camera/image", "payload", m.CameraImageResponse(request_id="r1", image_data="", format="jpeg", width=0, height=0, size_bytes=0)),
        ("camera/frame", "payload", m.CameraFrame(frame_data="", width=1, height=1, frame_number=0, fps=5)),
        ("movement/command", "payload", m.MovementCommand(command="bow")),
        ("movement/frame", "payload", m.MovementFrame(id="c", seq=0, total=1, duration_ms=1, hold_ms=0, channels={"0": 1500})),
        ("movement/state", "payload", m.MovementState(id="c", event="started")),
        ("movement/test", "payload", m.TestMovementRequest(command="wave", speed=0.5)),
        ("movement/stop", "payload", m.EmergencyStopCommand(reason="test")),
        ("movement/status", "payload", m.MovementStatusUpdate(event="connected")),
        ("system/health/tars-stt", "payload", m.HealthPing(ok=True, event="ready")),
        ("system/health/movement", "payload", m.HealthPing(ok=False, err="battery")),
        ("system/health/movement-controller", "payload", m.HealthPing(ok=True)),
        ("system/keepalive/tars-stt", "payload", m.HeartbeatPayload(timestamp=1762430400.5)),
        ("stt/final", "envelope", m.SttFinalEnvelope(type="stt.final", data=m.FinalTranscript(text="x"))),
        ("character/result", "envelope", m.CharacterResultEnvelope(type="character.result", data=m.CharacterSection(section="voice"))),
    ]
    return out


def test_python_built_models_dump_to_valid_wire_json():
    dumps = []
    for topic, kind, model in _built():
        wire = model.model_dump(mode="json")
        # Python agrees with itself, strictly, on what it dumps
        r = (tc.validate_payload if kind == "payload" else tc.validate_envelope)(topic, wire, strict=True)
        assert r.ok, (topic, r.errors, wire)
        dumps.append({"topic": topic, "kind": kind, "wire": wire})
    assert len({d["topic"] for d in dumps}) == 34
    (data_dir() / "py_dumps.json").write_text(json.dumps(dumps), encoding="utf-8")


class _Recorder:
    source = "py-publisher"

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    async def publish(self, topic: str, payload: bytes, qos: int, retain: bool) -> None:
        self.sent.append((topic, payload))

    async def subscribe(self, filter: str, qos: int, handler) -> None:  # pragma: no cover - not used
        raise AssertionError


def test_what_publish_sends_for_every_topic():
    """The bytes publish_* sends (Envelope or bare) for a model of every topic; python.test.ts checks them with the
    TypeScript validators (py_published.json)."""
    import asyncio

    rec = _Recorder()
    for topic, kind, model in _built():
        if kind != "payload":
            continue
        r = tc.resolve(topic)
        ch = r.channel
        message = next((m for m in ch.messages if isinstance(model, m.model)), None) if len(ch.messages) > 1 else None
        asyncio.run(_bus.publish(rec, ch, model, params=dict(r.params) or None, message=message))
    assert len({tc.resolve(t).channel.id for t, _ in rec.sent}) == 34
    out = []
    for topic, payload in rec.sent:
        f = tc.resolve(topic).channel.framing
        # what goes on the wire: an Envelope, or the bare model (bare channels, and `bare: send` ones)
        kind = "envelope" if f.kind == "envelope" and not f.publish_bare else "bare"
        if kind == "envelope":
            env = json.loads(payload)
            assert list(env) == ["id", "type", "ts", "source", "data"] and env["source"] == "py-publisher"
            assert tc.CATALOG.validate_envelope_json(topic, payload, strict=True).ok, (topic, payload)
        else:
            assert tc.CATALOG.validate_payload_json(topic, payload, strict=True).ok, (topic, payload)
        out.append({"topic": topic, "kind": kind, "hex": payload.hex()})
    (data_dir() / "py_published.json").write_text(json.dumps(out), encoding="utf-8")
