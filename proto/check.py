#!/usr/bin/env python3
"""Checks proto/: schemas are valid 2020-12, every example validates against the $def that
examples/index.json names (and ws.* ones against ws.schema.json as a whole), every example is
indexed, some must-fail messages fail, and openapi.yaml is valid OpenAPI 3.1.

Needs python3-jsonschema (>= 4.18, for `referencing`) and python3-yaml; openapi-spec-validator
is used when importable. Run: python3 proto/check.py   (exit status 0 when all is well)
"""
import json
import pathlib
import sys

import jsonschema
import referencing
import yaml

HERE = pathlib.Path(__file__).resolve().parent
SCHEMAS = ["error.schema.json", "status.schema.json", "ws.schema.json"]
failures = []


def fail(msg):
    msg = msg if len(msg) <= 400 else msg[:400] + " ..."
    failures.append(msg)
    print("FAIL", msg)


def load(name):
    return json.loads((HERE / name).read_text())


docs = {name: load(name) for name in SCHEMAS}
registry = referencing.Registry().with_resources(
    (doc["$id"], referencing.Resource.from_contents(doc)) for doc in docs.values())
fmt = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validator(schema_file, def_name=None):
    base = docs[schema_file]["$id"]
    ref = base if def_name is None else f"{base}#/$defs/{def_name}"
    return jsonschema.Draft202012Validator({"$ref": ref}, registry=registry, format_checker=fmt)


for name, doc in docs.items():
    try:
        jsonschema.Draft202012Validator.check_schema(doc)
    except jsonschema.SchemaError as e:
        fail(f"{name}: not a valid 2020-12 schema: {e.message}")

# The code list and the status table agree.
code = docs["error.schema.json"]["$defs"]["ErrorCode"]
if set(code["enum"]) != set(code["x-http-status"]):
    fail("error.schema.json: ErrorCode enum and x-http-status keys differ")

index = load("examples/index.json")["examples"]
on_disk = {p.name for p in (HERE / "examples").glob("*.json") if p.name != "index.json"}
for missing in sorted(on_disk - set(index)):
    fail(f"examples/{missing}: not in examples/index.json")
for extra in sorted(set(index) - on_disk):
    fail(f"examples/index.json: {extra} does not exist")

for file, entry in index.items():
    if file not in on_disk:
        continue
    if entry["ref"] != f'{entry["schema"]}#/$defs/{entry["def"]}':
        fail(f"examples/index.json: {file}: ref disagrees with schema/def")
    if entry["def"] not in docs[entry["schema"]]["$defs"]:
        fail(f"examples/index.json: {file}: no $defs/{entry['def']} in {entry['schema']}")
        continue
    instance = load(f"examples/{file}")
    targets = [(entry["schema"], entry["def"])]
    if file.startswith("ws."):
        targets.append(("ws.schema.json", None))
    elif file != "rest.health.json":
        targets.append((entry["schema"], None))
    clean = True
    for schema_file, def_name in targets:
        for e in validator(schema_file, def_name).iter_errors(instance):
            clean = False
            fail(f"examples/{file} vs {schema_file}#{def_name or ''}: {e.message} at {list(e.absolute_path)}")
    if clean:
        print("ok  ", f"examples/{file}", "->", entry["ref"])

# Messages the schemas must refuse (guards against a schema that accepts anything).
must_fail = [
    ("ws.schema.json", None, {"op": "subscribe", "topic": "renders"}),                 # no id
    ("ws.schema.json", None, {"id": 1, "op": "subscribe", "topic": "bogus"}),
    ("ws.schema.json", None, {"id": 1, "op": "subscribe", "topic": "renders", "since": -1}),
    ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "renders", "event": "x"}),
    ("ws.schema.json", None, {"id": 1, "op": "send", "session": "s_1", "text": "hi"}),  # planned
    ("ws.schema.json", None, {"type": "result", "id": 1, "ok": True, "error": {}}),
    ("ws.schema.json", None, {"type": "event", "topic": "*", "seq": 1, "event": "chat.text",
                              "data": {}, "ts": "2026-11-21T10:00:00Z"}),
    ("ws.schema.json", None, {"type": "event", "topic": "renders", "seq": 1, "event": "x",
                              "data": {}, "ts": "2026-11-21 10:00:00"}),
    ("ws.schema.json", None, {"type": "hello", "version": 2, "server": "reeld/0.1.0"}),
    ("error.schema.json", None, {"error": {"code": "nope", "message": "m", "upstream_code": None,
                                           "hint": None, "retry_after_s": None}}),
    ("error.schema.json", None, {"error": {"code": "internal", "message": "m"}}),
    ("status.schema.json", None, {"status": "ok"}),
]
for schema_file, def_name, instance in must_fail:
    if validator(schema_file, def_name).is_valid(instance):
        fail(f"{schema_file} accepts what it must refuse: {json.dumps(instance)}")

# OpenAPI 3.1.
spec_path = HERE / "openapi.yaml"
spec = yaml.safe_load(spec_path.read_text())
if not str(spec.get("openapi", "")).startswith("3.1"):
    fail("openapi.yaml: not OpenAPI 3.1")
try:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename
    spec_dict, base_uri = read_from_filename(str(spec_path))
    validate(spec_dict, base_uri=base_uri)
    print("ok   openapi.yaml (openapi-spec-validator)")
except ImportError:
    print("skip openapi.yaml: openapi-spec-validator not installed (only YAML syntax checked)")
except Exception as e:  # noqa: BLE001 -- report any validator complaint as a failure
    fail(f"openapi.yaml: {e}")

# Every error response of the foundation uses the Error schema.
for path, item in spec.get("paths", {}).items():
    for method, op in item.items():
        if method not in ("get", "post", "put", "delete", "patch"):
            continue
        for status, resp in op.get("responses", {}).items():
            if str(status)[0] in "45" or status == "default":
                if "$ref" in resp:
                    resp = spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
                schema = resp.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref") != "#/components/schemas/Error":
                    fail(f"openapi.yaml: {method.upper()} {path} {status} does not use Error")

print("FAILED" if failures else "all good", f"({len(failures)} failures)")
sys.exit(1 if failures else 0)
