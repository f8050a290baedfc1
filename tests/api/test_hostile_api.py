"""Every API operation, sent hostile input (docs/reliability.md#bad-input).

The operations are read from the API's own OpenAPI document, so an endpoint added later is
attacked too. hypothesis builds bodies (rows whose fields hold huge numbers, NaN written
as JSON allows and as it does not, control characters, 1 MB strings, deep nesting, wrong
types), raw bytes that are not UTF-8 or not JSON, and hostile path and query values. The
answer is never a 500 or a traceback; it is JSON, and a refused row names its field.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.api.conftest import Site
from tests.web.hostile import NASTY_TEXT, json_values, text_values

from plantracker.api.api import api

ANSWERS = {200, 201, 400, 401, 403, 404, 405, 409, 413, 422}
ROW_FIELDS = ["ref", "value", "display", "status", "reason", "commentary", "expected_version"]
FUZZ = settings(
    derandomize=True,  # the same examples every run: CI is never red by chance
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def operations(method: str) -> list[str]:
    """The API's paths (under /api/v1) that answer ``method``."""
    schema = api.get_openapi_schema()
    return sorted(path for path, entry in schema["paths"].items() if method.lower() in entry)


def concrete(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: values.get(found.group(1), "x"), path)


def check(response: Any, where: str) -> None:
    assert response.status_code in ANSWERS, f"{where}: {response.status_code}"
    body = response.content.decode("utf-8", errors="replace")
    assert "Traceback" not in body, where
    if response.status_code >= 400 and "json" in response.get("Content-Type", ""):
        answer = json.loads(body)
        assert answer.get("detail"), f"{where}: a refusal without a message: {body[:300]}"
        for error in answer.get("errors", []):
            assert error["field"] and error["message"], f"{where}: {error}"


rows = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                name: st.one_of(json_values, st.sampled_from(["1.A1", "1.K1", "1.Q1"]))
                for name in ROW_FIELDS
            },
        ),
        json_values,
    ),
    max_size=4,
)

RAW_BODIES = [
    b"",
    b"[NaN]",
    b'[{"ref": "1.K1", "value": NaN}]',
    b'[{"ref": "1.K1", "value": Infinity}]',
    b'[{"ref": "1.K1", "value": 1e999999}]',
    b'[{"ref": "1.K1", "value": ' + b"9" * 5000 + b"}]",
    b"[" * 100_000 + b"]" * 100_000,
    b'[{"ref": "1.A1", "status": "green", "commentary": "\xff\xfe"}]',
    '[{"ref": "1.A1", "status": "green"}]'.encode("utf-16"),
    b'[{"ref": "1.A1", "ref": "1.A2", "status": "green"}]',
    b'{"__proto__": {}}',
    json.dumps([{"ref": "1.A1", "status": "green", "commentary": "x" * 1_000_000}]).encode(),
    json.dumps([{"ref": "1.A1", "status": "green"}] * 20_000).encode(),
]
raw_bodies = st.one_of(st.binary(max_size=200), st.sampled_from(RAW_BODIES))


@pytest.mark.slow
@pytest.mark.parametrize("path", operations("post"))
def test_writes_survive_hostile_bodies(site: Site, path: str) -> None:
    client = site.client("lead")
    url = concrete(path, {"slug": site.plan.slug, "period": "2018-19-Q3"})

    @FUZZ
    @given(body=st.one_of(rows.map(lambda value: json.dumps(value).encode()), raw_bodies))
    def send(body: bytes) -> None:
        response = client.generic("POST", url, body, content_type="application/json")
        check(response, f"POST {url} {body[:80]!r}")

    send()


@pytest.mark.slow
@pytest.mark.parametrize("path", operations("get"))
def test_reads_survive_hostile_paths_and_queries(site: Site, path: str) -> None:
    client = site.client("lead")

    @FUZZ
    @given(
        slug=st.one_of(st.just(site.plan.slug), text_values),
        period=st.one_of(st.just("2018-19-Q2"), text_values),
        query=st.dictionaries(st.sampled_from(["format", "submit", "x"]), text_values, max_size=2),
    )
    def read(slug: str, period: str, query: dict[str, str]) -> None:
        url = concrete(path, {"slug": _segment(slug), "period": _segment(period)})
        response = client.get(url, {key: _query(value) for key, value in query.items()})
        check(response, f"GET {url} {query!r}"[:300])

    read()


def _segment(value: str) -> str:
    # A path segment as a browser would send it: percent-encoded, no NUL (which the test
    # client cannot put in a URL, and no HTTP server passes on).
    from urllib.parse import quote

    return quote(value.replace("\x00", ""), safe="")[:2000] or "x"


def _query(value: str) -> str:
    return value.replace("\x00", "")[:2000]


@pytest.mark.parametrize("path", operations("post"))
def test_writes_survive_each_malformed_body(site: Site, path: str) -> None:
    client = site.client("lead")
    url = concrete(path, {"slug": site.plan.slug, "period": "2018-19-Q3"})
    for body in RAW_BODIES:
        response = client.generic("POST", url, body, content_type="application/json")
        check(response, f"POST {url} {body[:80]!r}")


def test_nasty_text_reaches_every_string_field_and_is_named(site: Site) -> None:
    """A hostile value in one field of a valid update row: refused naming that field, or
    stored; never anything else."""
    client = site.client("lead")
    url = f"/api/v1/plans/{site.plan.slug}/periods/2018-19-Q3/updates?submit=false"
    for field in ("status", "commentary", "expected_version", "ref"):
        for value in NASTY_TEXT:
            row: dict[str, Any] = {"ref": "1.A1", "status": "green", field: value}
            response = client.post(url, json.dumps([row]), content_type="application/json")
            check(response, f"{field}={value[:40]!r}")
            if response.status_code == 422:
                fields = {error["field"] for error in response.json()["errors"]}
                assert fields & {field, "row", "ref"}, (field, value[:40], fields)


EVIDENCE = "/api/v1/plans/cip/periods/2018-19-Q2/items/1.A1/evidence"
MANY_FILES = b"".join(
    b'--x\r\nContent-Disposition: form-data; name="file"; filename="a%d.csv"\r\n\r\na\r\n' % n
    for n in range(101)  # one more than DATA_UPLOAD_MAX_NUMBER_FILES
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"file=a", "multipart/form-data"),  # no boundary
        (MANY_FILES + b"--x--\r\n", "multipart/form-data; boundary=x"),
        ("url=a".encode("utf-16"), "application/x-www-form-urlencoded; charset=utf-16"),
    ],
    ids=["no boundary", "too many files", "not utf-8"],
)
def test_an_evidence_form_that_cannot_be_read_is_400_naming_the_body(
    site: Site, body: bytes, content_type: str
) -> None:
    for kind in ("files", "links"):
        response = site.client("lead").generic(
            "POST", f"{EVIDENCE}/{kind}", body, content_type=content_type
        )
        check(response, f"{kind} {content_type}")
        assert response.status_code == 400, response.content
        (error,) = response.json()["errors"]
        assert error["field"] == "body"
        assert response.json()["detail"].startswith("the body could not be read: ")


def test_a_control_character_in_an_evidence_form_is_422_naming_the_field(site: Site) -> None:
    # PostgreSQL cannot store a NUL; the web's form refuses it too.
    form = {"url": "https://intranet.example.org/\x00", "description": "Minutes"}
    response = site.client("lead").post(f"{EVIDENCE}/links", form)
    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["url"]


def test_a_wrong_method_or_path_is_refused_in_the_one_shape(site: Site) -> None:
    client = site.client("lead")
    wrong_method = client.delete("/api/v1/plans")
    assert (wrong_method.status_code, wrong_method["Allow"]) == (405, "GET")
    assert wrong_method.json() == {
        "detail": "DELETE is not allowed here; the methods are GET",
        "errors": [],
    }
    for path in ("/api/v1/", "/api/v1/plan", "/api/v1/plans/cip/periods/2018-19-Q2/nothing"):
        unknown = client.post(path)
        assert unknown.status_code == 404, path
        assert unknown.json()["detail"] == (
            f"there is no endpoint at {path}; the endpoints are listed at /api/v1/docs"
        )
