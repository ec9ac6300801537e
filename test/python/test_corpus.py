"""The corpus (test/fixtures/corpus): twenty documents written elsewhere, each generated to its own package. Every
payload case of cases.yaml gets the same strict verdict in Python as from that document's TypeScript validators."""
from __future__ import annotations

import importlib

from conftest import load

# Cases where Python's strict verdict differs from the TypeScript validators, with the reason. Empty: none differ.
KNOWN_DIFFERENCES: dict[str, str] = {}
# Invalid cases lax mode (pydantic's coercions, as the services parse) accepts: listed, as for the TARS contract.
LAX_ACCEPTS = {
    "08-reserved-names.asyncapi.yaml default/default #8",  # "yes" for a boolean
    "08-reserved-names.asyncapi.yaml enrolment events/enrolment-withdrawn #2",  # "no" for a boolean
    "18-beehive-devices-mqtt.asyncapi.yaml deviceStatus/deviceStatus #5",  # "yes" for a boolean
    "19-examples-and-scalar-payloads.asyncapi.yaml onAir/listeners #5",  # "12" for an integer
}


def _model(pkg: str, channel: str, message: str):
    mod = importlib.import_module(pkg)
    ch = mod.CHANNELS[channel]
    if len(ch.messages) > 1:
        return next(m.model for m in ch.messages if m.name == message)
    return ch.model


def test_corpus_cases_agree_in_strict_mode():
    cases = load("corpus_cases.json")
    assert len(cases) >= 363
    from tars_contracts._runtime import check_json  # the same support code as every generated package

    wrong = []
    for c in cases:
        mod = importlib.import_module(c["package"])
        r = mod._runtime.check_json(_model(c["package"], c["channel"], c["message"]), c["raw"], strict=True)
        if r.ok != c["ts"] and c["id"] not in KNOWN_DIFFERENCES:
            wrong.append(f'{c["id"]}: typescript {c["ts"]}, python {r.ok} {list(r.errors)[:2]} {c["raw"]}')
    assert wrong == [], f"{len(wrong)} of {len(cases)} differ:\n" + "\n".join(wrong)
    assert check_json is not None


def test_corpus_error_paths():
    # Where TypeScript refuses, Python names the same JSON pointer (cases.yaml gives the one path each case breaks).
    cases = [c for c in load("corpus_cases.json") if not c["ts"]]
    missing = []
    for c in cases:
        mod = importlib.import_module(c["package"])
        r = mod._runtime.check_json(_model(c["package"], c["channel"], c["message"]), c["raw"], strict=True)
        if c["expectPath"] not in [e["path"] for e in r.errors]:
            missing.append(f'{c["id"]}: expected {c["expectPath"]!r}, got {[e["path"] for e in r.errors]}')
    assert missing == [], f"{len(missing)} of {len(cases)}:\n" + "\n".join(missing)


# Invalid corpus cases where TypeScript's first error (path and rule) is not among Python's, with why. Empty: none.
RULE_DIFFERENCES: dict[str, str] = {}


def test_corpus_errors_carry_the_rule_typescript_reports():
    differ = {}
    for c in load("corpus_cases.json"):
        if c["ts"] or not c["tsErrors"]:
            continue
        mod = importlib.import_module(c["package"])
        r = mod._runtime.check_json(_model(c["package"], c["channel"], c["message"]), c["raw"], strict=True)
        got = [(e["path"], e["rule"]) for e in r.errors]
        if tuple(c["tsErrors"][0]) not in got:
            differ[c["id"]] = f'typescript {c["tsErrors"][0]}, python {got} {c["raw"]}'
    assert set(differ) == set(RULE_DIFFERENCES), "\n".join(f"{k}: {v}" for k, v in differ.items())


def test_corpus_lax_mode_differs_only_where_listed():
    differ = set()
    for c in load("corpus_cases.json"):
        mod = importlib.import_module(c["package"])
        if mod._runtime.check_json(_model(c["package"], c["channel"], c["message"]), c["raw"]).ok != c["ts"]:
            differ.add(c["id"])
    assert differ == LAX_ACCEPTS
