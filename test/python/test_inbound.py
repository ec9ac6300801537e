"""Received payloads are read as the TypeScript runtime reads them (runtime/inbound.ts, test/unit/runtime/hostile.test.ts):
size before anything, strict UTF-8, JSON without NaN/Infinity, nesting bounded (iteratively), no number beyond a
double, and nothing a validator or a handler raises escapes to the client."""
from __future__ import annotations

import asyncio
import json

import pytest

import tars_contracts as tc
from tars_contracts import _bus

FREE = tc.CHANNELS["llmRequest"]  # params: a free-form object
STT = tc.CHANNELS["sttFinal"]


def nest(levels: int, leaf: str = "1") -> str:
    return '{"a":' * levels + leaf + "}" * levels


def env(data: str) -> bytes:
    return ('{"type":"llm.request","data":{"id":"r1","text":"x","params":' + data + "}}").encode()


def decode(payload: bytes, channel=FREE, topic="llm/request", **kw):
    return _bus.decode(tc.CATALOG, channel, topic, payload, **kw)


def reason(got) -> tuple:
    assert isinstance(got, tc.InvalidMessage), got
    return got.reason, got.errors[0]["rule"], got.errors[0]["path"]


def test_defaults_are_the_typescript_runtime_ones():
    assert (tc.DEFAULT_MAX_PAYLOAD_BYTES, tc.DEFAULT_MAX_DEPTH) == (256 * 1024, 64)


def test_nesting_up_to_max_depth_and_not_one_more():
    # the Envelope is level 1, data 2, params 3 (the first of nest()): params may nest 62 objects deep
    assert isinstance(decode(env(nest(62))), tuple)
    assert reason(decode(env(nest(63)))) == ("too-deep", "maxDepth", "")
    assert isinstance(decode(env(nest(70)), max_depth=100), tuple)


def test_100000_nested_arrays_are_refused_without_recursion():
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    assert reason(decode(env(deep.decode()), max_bytes=10**7)) == ("too-deep", "maxDepth", "")
    with pytest.raises(tc.Refused) as e:
        tc.parse_json("[" * 1_000_000 + "]" * 1_000_000, max_bytes=None)
    assert e.value.reason == "too-deep"
    # brackets inside strings do not count, an unterminated string does not hang the scan
    assert isinstance(decode(env('{"s":"' + "[" * 1000 + '"}')), tuple)
    # an unterminated string: refused (too-deep here, as its brackets count; JSON.parse would say json), at once
    assert reason(decode(b'{"s":"' + b"[" * 100_000))[0] in ("json", "too-deep")
    assert reason(decode(b'{"s":"' + b"a" * 100_000)) [0] == "json"


@pytest.mark.parametrize(
    ("data", "path"),
    [("1e400", "/data/params/n"), ('{"a":[1,2,-1e400]}', "/data/params/n/a/2"), ('{"x":{"y~z/w":1e999}}', "/data/params/n/x/y~0z~1w")],
)
def test_numbers_beyond_a_double_are_refused_with_their_path(data, path):
    assert reason(decode(env('{"n":' + data + "}"))) == ("number", "finite", path)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(token):
    assert reason(decode(env('{"n":' + token + "}")))[:2] == ("json", "json")


def test_strict_validation_refuses_what_json_parse_turns_into_infinity():
    # validate_payload_json(strict=True): as the TypeScript validators, which see Infinity (not a JSON type)
    r = tc.CATALOG.validate_payload_json("stt/final", '{"text":"x","confidence":1e400}', strict=True)
    assert [(e["path"], e["rule"]) for e in r.errors] == [("/confidence", "type")]
    for token in ("NaN", "Infinity", "-Infinity"):
        r = tc.CATALOG.validate_payload_json("stt/final", '{"text":"x","confidence":' + token + "}", strict=True)
        assert [e["rule"] for e in r.errors] == ["json"]


def test_invalid_utf8_and_lone_surrogates_are_refused():
    assert reason(decode(b'{"type":"llm.request","data":{"text":"\xc3\x28"}}')) == ("encoding", "utf8", "")
    assert reason(decode(b'{"type":"llm.request","data":{"text":"\xed\xa0\x80"}}'))[:2] == ("encoding", "utf8")  # CESU
    assert reason(decode(b'{"type":"llm.request","data":{"text":"\\ud800"}}')) == ("encoding", "utf8", "/data/text")
    assert isinstance(decode('{"type":"llm.request","data":{"id":"r1","text":"\\ud83d\\ude00 😀"}}'.encode()), tuple)  # a pair is fine


def test_size_is_checked_before_anything_else():
    assert reason(decode(b"\xff" * 2000, max_bytes=1000)) == ("too-large", "maxBytes", "")
    assert reason(decode(b" " * (tc.DEFAULT_MAX_PAYLOAD_BYTES + 1)))[0] == "too-large"


def test_proto_and_constructor_keys_are_inert_data():
    got = decode(env('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}'))
    assert isinstance(got, tuple) and list(got[0].params) == ["__proto__", "constructor"]
    assert reason(decode(b'{"type":"stt.final","data":{"text":"x","__proto__":{}}}', STT, "stt/final")) == ("schema", "additionalProperties", "/data/__proto__")


class _Client:
    def __init__(self) -> None:
        self.handler = None

    async def publish(self, topic, payload, qos, retain) -> None:  # pragma: no cover - not used
        raise AssertionError

    async def subscribe(self, filter, qos, handler) -> None:
        self.handler = handler


def test_nothing_raised_while_decoding_or_handling_escapes(monkeypatch, caplog):
    c = _Client()
    invalid, got = [], []

    async def handler(model, envelope, meta):
        got.append(model.text)
        raise RuntimeError("handler bug")

    def boom(*_a, **_k):
        raise RecursionError("maximum recursion depth exceeded")

    asyncio.run(tc.subscribe_stt_final(c, handler, on_invalid=invalid.append))
    ok = b'{"type":"stt.final","data":{"text":"hi"}}'
    with caplog.at_level("ERROR", logger="tars_contracts"):
        asyncio.run(c.handler("stt/final", ok))  # the handler's exception is logged, not raised
    assert got == ["hi"] and "message handler failed" in caplog.text
    monkeypatch.setattr(_bus, "_decode_as", boom)  # a validator that raises
    asyncio.run(c.handler("stt/final", ok))
    assert [(i.reason, i.errors[0]["rule"]) for i in invalid] == [("schema", "validator")]
    assert "RecursionError" in invalid[0].errors[0]["message"]


def test_subscribe_passes_its_limits_to_decode():
    c = _Client()
    invalid = []

    async def handler(*_a):  # pragma: no cover - never called
        raise AssertionError

    asyncio.run(tc.subscribe_llm_request(c, handler, on_invalid=invalid.append, max_payload_bytes=100, max_depth=3))
    asyncio.run(c.handler("llm/request", env(nest(2))))
    asyncio.run(c.handler("llm/request", env(json.dumps({"x": "y" * 200}))))
    assert [i.reason for i in invalid] == ["too-deep", "too-large"]
