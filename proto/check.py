#!/usr/bin/env python3
"""Checks proto/: schemas are valid 2020-12, every example validates against the $def that
examples/index.json names (and ws.* ones against ws.schema.json as a whole), every example is
indexed, some must-fail messages fail, and openapi.yaml is valid OpenAPI 3.1.

Needs python3-jsonschema (>= 4.10, as in Debian 12; uses RefResolver, not `referencing`) and
python3-yaml; openapi-spec-validator is used when importable. Run with the system Python:

    /usr/bin/python3 proto/check.py                     # check proto/ itself
    /usr/bin/python3 proto/check.py --validate REF FILE...

REF names a schema file in proto/ and optionally a pointer into it, e.g.
`status.schema.json#/$defs/Status` or `ws.schema.json`; `openapi.yaml#/components/schemas/NAME`
works too (OpenAPI 3.1 schemas are 2020-12). Each FILE must hold one JSON value that validates
against REF. Exit status 0 when all is well, 1 when something failed, 2 on bad usage.
"""
import json
import pathlib
import sys
from urllib.parse import urljoin

import jsonschema
import yaml

HERE = pathlib.Path(__file__).resolve().parent
# Every *.schema.json in proto/ (a new schema file needs no change here).
SCHEMAS = sorted(p.name for p in HERE.glob("*.schema.json"))
failures = []


def fail(msg):
    msg = msg if len(msg) <= 400 else msg[:400] + " ..."
    failures.append(msg)
    print("FAIL", msg)


def load(name):
    return json.loads((HERE / name).read_text())


docs = {name: load(name) for name in SCHEMAS}
spec_path = HERE / "openapi.yaml"
spec = yaml.safe_load(spec_path.read_text())
# openapi.yaml has no $id; give it one beside the schema files so its relative refs
# ('error.schema.json#/$defs/...') resolve like theirs.
OPENAPI_ID = docs["ws.schema.json"]["$id"].rsplit("/", 1)[0] + "/openapi.yaml"
# The resolver finds each schema by its $id (how the schemas refer to each other, relative to
# their own $id) and by its bare file name (how REF and index.json name them).
store = {}
for name, doc in docs.items():
    store[doc["$id"]] = doc
    store[name] = doc
store[OPENAPI_ID] = spec
store["openapi.yaml"] = spec
resolver = jsonschema.RefResolver(base_uri="", referrer={}, store=store)
fmt = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validator_for_ref(ref):
    """A validator for `file#pointer` (or `file`), file being one of SCHEMAS."""
    file, _, fragment = ref.partition("#")
    if file == "openapi.yaml" and fragment:
        base = OPENAPI_ID
    elif file in docs:
        base = docs[file]["$id"]
    else:
        raise KeyError(f"{file!r} is not a schema in proto/ (one of {', '.join(SCHEMAS)}, "
                       "or openapi.yaml#/components/schemas/NAME)")
    target = base + (f"#{fragment}" if fragment else "")
    resolver.resolve(target)  # raises RefResolutionError for a pointer that leads nowhere
    return jsonschema.Draft202012Validator({"$ref": target}, resolver=resolver,
                                           format_checker=fmt)


def validator(schema_file, def_name=None):
    return validator_for_ref(schema_file if def_name is None else f"{schema_file}#/$defs/{def_name}")


def leaves(e):
    """The innermost errors under e (oneOf/anyOf/allOf keep theirs in e.context)."""
    if not e.context:
        return [e]
    return [leaf for sub in e.context for leaf in leaves(sub)]


def describe(e):
    where = "/" + "/".join(str(p) for p in e.absolute_path)
    message = e.message if len(e.message) <= 120 else e.message[:120] + " ..."
    if not e.context:
        return f"{message} at {where}"
    # For oneOf/anyOf the top message says little; name the deepest sub-error too.
    deepest = max(leaves(e), key=lambda x: len(x.absolute_path))
    return (f"{message} at {where} (deepest: {deepest.message} at "
            f"/{'/'.join(str(p) for p in deepest.absolute_path)})")


def validate_files(ref, files):
    """The --validate mode: every file must hold a JSON value valid against ref."""
    try:
        v = validator_for_ref(ref)
    except (KeyError, jsonschema.exceptions.RefResolutionError) as e:
        print(f"check.py: bad REF {ref!r}: {e}", file=sys.stderr)
        return 2
    for file in files:
        path = pathlib.Path(file)
        try:
            instance = json.loads(path.read_text())
        except (OSError, ValueError) as e:
            fail(f"{file}: cannot read JSON: {e}")
            continue
        errors = sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for e in errors:
            fail(f"{file} vs {ref}: {describe(e)}")
        if not errors:
            print("ok  ", file, "->", ref)
    print("FAILED" if failures else "all good", f"({len(failures)} failures)")
    return 1 if failures else 0


def check_proto():
    for name, doc in docs.items():
        try:
            jsonschema.Draft202012Validator.check_schema(doc)
        except jsonschema.SchemaError as e:
            fail(f"{name}: not a valid 2020-12 schema: {e.message}")
        # Relative refs between the files ('error.schema.json#/...') need $ids side by side.
        if not doc.get("$id", "").endswith("/" + name) or not doc["$id"].startswith(
                OPENAPI_ID.rsplit("/", 1)[0] + "/"):
            fail(f"{name}: $id {doc.get('$id')!r} is not <{OPENAPI_ID.rsplit('/', 1)[0]}>/{name}")

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
                fail(f"examples/{file} vs {schema_file}#{def_name or ''}: {describe(e)}")
        if clean:
            print("ok  ", f"examples/{file}", "->", entry["ref"])

    # Messages the schemas must refuse (guards against a schema that accepts anything).
    must_fail = [
        ("ws.schema.json", None, {"op": "subscribe", "topic": "renders"}),                 # no id
        ("ws.schema.json", None, {"id": 1, "op": "subscribe", "topic": "bogus"}),
        ("ws.schema.json", None, {"id": 1, "op": "subscribe", "topic": "renders", "since": -1}),
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "renders", "event": "x"}),
        ("ws.schema.json", None, {"id": 1, "op": "send", "session": "s_1"}),  # no text
        ("ws.schema.json", None, {"id": 1, "op": "send", "session": "s:1", "text": "hi"}),
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
        # The name rules the daemon enforces (daemon/core/ws_protocol.cpp).
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "app:-x", "event": "x"}),
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "app:" + "a" * 65,
                                  "event": "x"}),
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "app:x", "event": "Cursor"}),
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "app:x", "event": "a..b"}),
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "app:x", "event": "a-b"}),
        ("ws.schema.json", None, {"id": 1, "op": "publish", "topic": "app:x", "event": "a" * 65}),
        ("ws.schema.json", None, {"id": 1, "op": "subscribe", "topic": "session:s.1"}),
    ]
    for schema_file, def_name, instance in must_fail:
        if validator(schema_file, def_name).is_valid(instance):
            fail(f"{schema_file} accepts what it must refuse: {json.dumps(instance)}")

    # OpenAPI 3.1.
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

    # Every component schema is a valid 2020-12 schema whose refs (into the schema files or
    # within openapi.yaml) all resolve.
    def refs(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for v in node.values():
                yield from refs(v)
        elif isinstance(node, list):
            for v in node:
                yield from refs(v)

    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            fail(f"openapi.yaml: components/schemas/{name}: not a valid schema: {e.message}")
        for ref in refs(schema):
            try:
                resolver.resolve(urljoin(OPENAPI_ID, ref))
            except jsonschema.exceptions.RefResolutionError as e:
                fail(f"openapi.yaml: components/schemas/{name}: {ref} does not resolve: {e}")

    print("FAILED" if failures else "all good", f"({len(failures)} failures)")
    return 1 if failures else 0


def main(argv):
    if argv and argv[0] == "--validate":
        if len(argv) < 3:
            print("usage: check.py --validate REF FILE...   (REF e.g. ws.schema.json#/$defs/Hello)",
                  file=sys.stderr)
            return 2
        return validate_files(argv[1], argv[2:])
    if argv:
        print("usage: check.py [--validate REF FILE...]", file=sys.stderr)
        return 2
    return check_proto()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
