"""The generated models behave like the hand-written ones the services use (TARS-CONTRACTS.md), in pydantic's
default lax mode: required / optional / nullable / defaults, extra keys, constraints, enums, unions, maps, the
Envelope; and they dump to wire JSON. Every generated package imports and compiles."""
from __future__ import annotations

import compileall
import importlib
import json
import pathlib
import shutil

import pytest
from pydantic import ValidationError

import tars_contracts as tc
from conftest import data_dir, load

REPO = pathlib.Path(__file__).resolve().parents[2]


def errors(model, data):
    with pytest.raises(ValidationError) as e:
        model.model_validate(data)
    return [(tuple(x["loc"]), x["type"]) for x in e.value.errors()]


def test_required_optional_nullable_and_defaults():
    t = tc.FinalTranscript.model_validate({"text": "hi"})
    assert (t.text, t.lang, t.confidence, t.utt_id, t.is_final) == ("hi", "en", None, None, True)
    assert tc.PartialTranscript(text="x").is_final is False
    assert errors(tc.FinalTranscript, {}) == [(("text",), "missing")]
    # a default does not make a field nullable (lang: default "en", null refused)
    assert errors(tc.FinalTranscript, {"text": "x", "lang": None}) == [(("lang",), "string_type")]
    # optional without a default (gen: uuid4 hex / now on the Python side): may be omitted, never null
    assert errors(tc.FinalTranscript, {"text": "x", "message_id": None}) == [(("message_id",), "string_type")]
    assert tc.FinalTranscript(text="x", confidence=None).confidence is None
    assert tc.LLMRequest(id="a", text="b").stream is True and tc.MemoryQuery(text="q").top_k == 5
    # mutable defaults are fresh per instance
    a, b = tc.CharacterSnapshot(name="a"), tc.CharacterSnapshot(name="b")
    a.traits["x"] = 1
    assert b.traits == {}


def test_constraints_enums_and_extra_keys():
    assert errors(tc.FinalTranscript, {"text": "x", "confidence": 1.5}) == [(("confidence",), "less_than_equal")]
    assert errors(tc.MemoryQuery, {"text": "x", "top_k": 0}) == [(("top_k",), "greater_than_equal")]
    assert errors(tc.TtsStatus, {"event": "singing"}) == [(("event",), "enum")]
    assert errors(tc.FinalTranscript, {"text": "x", "bogus": 1}) == [(("bogus",), "extra_forbidden")]
    # extra keys ignored (accepted and dropped) where the schema says additionalProperties: true
    r = tc.ToolCallRequest.model_validate({"call_id": "c", "name": "n", "message_id": "m"})
    assert r.model_dump(mode="json") == {"call_id": "c", "name": "n", "arguments": {}}
    # lax mode, as the services parse: "3" for an integer is accepted; strict refuses it
    assert tc.MemoryQuery.model_validate_json('{"text":"x","top_k":"3"}').top_k == 3
    with pytest.raises(ValidationError):
        tc.MemoryQuery.model_validate_json('{"text":"x","top_k":"3"}', strict=True)


def test_unions_maps_and_any():
    result = tc.adapter(tc.CharacterResultData)
    assert isinstance(result.validate_python({"name": "TARS"}), tc.CharacterSnapshot)
    assert isinstance(result.validate_python({"section": "traits", "value": "x"}), tc.CharacterSection)
    for bad in ({}, {"name": "T", "section": "s"}):
        with pytest.raises(ValidationError):
            result.validate_python(bad)
    frame = {"id": "c", "seq": 0, "total": 1, "duration_ms": 1, "hold_ms": 1}
    assert tc.MovementFrame.model_validate({**frame, "channels": {"-1": 5}}).channels == {"-1": 5}
    r = tc.validate_payload("movement/frame", {**frame, "channels": {"left": 5}})
    assert [(e["path"], e["rule"]) for e in r.errors] == [("/channels/left", "pattern")]  # as TypeScript: the key's pattern
    assert tc.ToolCallResult(call_id="c", result=[1, None]).result == [1, None]
    assert tc.MemoryResult(document="text").document == "text"


def test_dump_is_the_wire_json():
    t = tc.FinalTranscript(text="hi")
    wire = t.model_dump(mode="json")
    # every field with a value or a null default is sent; optional fields with neither are left out
    assert wire == {"text": "hi", "lang": "en", "confidence": None, "utt_id": None, "is_final": True}
    assert json.loads(t.model_dump_json()) == wire
    env = tc.SttFinalEnvelope(type="stt.final", data=t)
    assert env.model_dump(mode="json") == {"type": "stt.final", "source": "router", "data": wire}
    # wire names even where Python needs another attribute name (Envelope.type → type_)
    assert env.type_ == "stt.final" and tc.SttFinalEnvelope.model_validate(env.model_dump(mode="json")) == env
    assert tc.validate_envelope("stt/final", env.model_dump(mode="json"), strict=True).ok


def test_attribute_names_and_wire_names():
    pkg = importlib.import_module("pkg_08_reserved_names")
    aliases = {f.alias: n for m in vars(pkg.models).values() if isinstance(m, type) and issubclass(m, pkg.WireModel) for n, f in m.model_fields.items() if f.alias}
    # properties that are not Python names get an attribute name and keep their wire name as the alias
    assert {"class": "class_", "@id": "id", "display name": "display_name", "display-name": "display_name_"}.items() <= aliases.items()
    model = next(m for m in vars(pkg.models).values() if isinstance(m, type) and issubclass(m, pkg.WireModel) and "display_name_" in m.model_fields)
    # attribute names work from Python, wire names from JSON; dumps use wire names
    built = model(default="d", class_="a b", display_name="x")
    assert built.model_dump(mode="json") == {"default": "d", "class": "a b", "display name": "x"}
    assert model.model_validate_json('{"default":"d","class":"a b","display name":"x"}') == built
    with pytest.raises(ValidationError):  # an attribute name is not a wire name: an extra key there
        model.model_validate_json('{"default":"d","class":"a b","display_name":"x"}')


def test_every_generated_package_imports_and_compiles():
    packages = load("packages.json")
    # one package per document python.test.ts generated: the fixtures and every corpus document
    docs = load("docs.json")
    corpus = sorted(p.name.removesuffix(".asyncapi.yaml") for p in (REPO / "test" / "fixtures" / "corpus").glob("*.asyncapi.yaml"))
    assert set(corpus) <= set(docs) and [p["document"] for p in packages] == [f"{d}.asyncapi.yaml" for d in docs]
    for p in packages:
        mod = importlib.import_module(p["package"])
        assert mod.CHANNELS, p
        for name in mod.models.__all__:
            assert getattr(mod, name) is getattr(mod.models, name)
    # compileall writes bytecode: on copies in the test's own folder, never into generated/
    target = data_dir() / "compileall"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(data_dir() / "pkgs", target / "pkgs")
    shutil.copytree(REPO / "generated" / "python", target / "generated")
    assert compileall.compile_dir(str(target), quiet=1, force=True)
    modules = len(list(target.rglob("*.py")))
    assert modules == (len(packages) + 1) * len(list((REPO / "generated" / "python" / "tars_contracts").glob("*.py")))
    assert len(list(target.rglob("*.pyc"))) == modules  # every module of every package compiled


def test_header_names_the_source_and_hash():
    for f in (REPO / "generated" / "python" / "tars_contracts").glob("*.py"):
        head = f.read_text(encoding="utf-8").splitlines()[:3]
        assert head[0].startswith("# @generated by tars-contracts generator") and "asyncapi/tars.asyncapi.yaml" in head[0]
        assert head[1].startswith("# source sha256: ")
