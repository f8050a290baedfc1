"""Runs the DfE validators for plantracker: a request as JSON on stdin, the answer on stdout.

Run by the validators' own interpreter (``.venv-validators/bin/python -I``, ADR 0065): it
imports only the standard library, pandas and the validators (csc-validator-be-cin,
csc-validator-be-903), never plantracker. It calls their Python APIs, keeps everything they
print away from stdout (some SSDA903 rules print rows with child ids), and reports per rule:
code, message, severity, children, crashed rules with the exception's class only (its text
may quote a value), skipped rules. Child ids are in the answer only when the request asks
for them (``"child_ids": true``).

Request::

    {"protocol": 1, "child_ids": false, "jobs": [
      {"id": "1", "kind": "cin", "file": "/abs/census.xml", "ruleset": null},
      {"id": "2", "kind": "903", "collection_year": "2025", "la_ons": "E09000027",
       "files": ["/abs/header.csv", ...], "previous": [...], "history": [...],
       "ruleset": null}]}

``previous``: last year's tables; ``history``: every earlier year's (their Episodes are
given to rules 1001 and 1002, which otherwise look one year back only).

Answer: ``{"protocol": 1, "validators": {name: version}, "results": [...]}``, one result per
job with ``status`` "ok", "unreadable" or "no_ruleset".
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import io
import json
import logging
import os
import pkgutil
import sys
from importlib.metadata import version

import pandas as pd

PROTOCOL = 1

# --- a linear-time reader of the CIN census XML --------------------------------------------
# cin_validator.ingress.XMLtoCSV does one pd.concat per child per table: minutes for a census
# of 10,000 children. This reader reads the same elements in the same order into lists and
# builds each table once, with the same columns, values and index (tests compare the two on
# the pinned version). Layouts it does not mirror raise ValueError: the caller falls back to
# the package's reader.

_TABLES = (
    "ChildIdentifiers",
    "ChildCharacteristics",
    "Disabilities",
    "CINdetails",
    "Assessments",
    "AssessmentFactorsList",
    "CINplanDates",
    "Section47",
    "ChildProtectionPlans",
    "Reviews",
)


def _text(block, name):
    # cin_validator.utils.get_values: block.find(name).text; pd.NA if block or element missing
    try:
        return block.find(name).text
    except AttributeError:
        return pd.NA


class FastXMLtoCSV:
    def __init__(self, root):
        from cin_validator.ingress import XMLtoCSV

        self.Header = XMLtoCSV.create_Header(None, root.find("Header"))
        rows = {t: [] for t in _TABLES}
        # Which tables the package would have pd.concat-ed at least once (an empty table it
        # concatenated has a RangeIndex, one it never touched keeps the class's object Index).
        touched = {t: False for t in _TABLES}
        cols = {t: list(getattr(XMLtoCSV, t).columns) for t in _TABLES}

        def values(table, block, fixed):
            d = dict(fixed)
            for c in cols[table]:
                if c not in d:
                    d[c] = _text(block, c)
            return d

        for child in root.find("Children").findall("Child"):
            for t in (
                "ChildIdentifiers",
                "ChildCharacteristics",
                "CINdetails",
                "ChildProtectionPlans",
                "Reviews",
            ):
                touched[t] = True  # create_child always concatenates these
            ids = child.find("ChildIdentifiers")
            ident = {c: _text(ids, c) for c in cols["ChildIdentifiers"]}
            rows["ChildIdentifiers"].append(ident)
            la = ident["LAchildID"]
            chars = child.find("ChildCharacteristics")
            rows["ChildCharacteristics"].append(
                {"LAchildID": la, "Ethnicity": _text(chars, "Ethnicity")}
            )
            dis = chars.find("Disabilities") if chars is not None else None
            if dis is not None:
                touched["Disabilities"] = True
                for d in dis:
                    rows["Disabilities"].append({"LAchildID": la, "Disability": d.text})
            for cin_id, cd in enumerate(child.findall("CINdetails"), start=1):
                touched["Assessments"] = touched["CINplanDates"] = touched["Section47"] = True
                rows["CINdetails"].append(
                    values("CINdetails", cd, {"LAchildID": la, "CINdetailsID": cin_id})
                )
                for ass_id, a in enumerate(cd.findall("Assessments"), start=1):
                    fixed = {"LAchildID": la, "CINdetailsID": cin_id, "AssessmentID": ass_id}
                    ad = values("Assessments", a, fixed)
                    factors = a.find("FactorsIdentifiedAtAssessment")
                    if factors is not None and len(factors) != 0:
                        touched["AssessmentFactorsList"] = True
                        listed = []
                        for f in factors:
                            rows["AssessmentFactorsList"].append(
                                {**fixed, "AssessmentFactor": f.text}
                            )
                            listed.append(f.text)
                        ad["AssessmentFactors"] = listed
                    rows["Assessments"].append(ad)
                for pd_ in cd.findall("CINPlanDates"):
                    rows["CINplanDates"].append(
                        values("CINplanDates", pd_, {"LAchildID": la, "CINdetailsID": cin_id})
                    )
                for s in cd.findall("Section47"):
                    rows["Section47"].append(
                        values("Section47", s, {"LAchildID": la, "CINdetailsID": cin_id})
                    )
                for cpp_id, p in enumerate(cd.findall("ChildProtectionPlans"), start=1):
                    fixed = {"LAchildID": la, "CINdetailsID": cin_id, "CPPID": cpp_id}
                    rows["ChildProtectionPlans"].append(values("ChildProtectionPlans", p, fixed))
                    for r in p.findall("Reviews[CPPreviewDate]"):
                        rows["Reviews"].append(values("Reviews", r, fixed))
            # The package also calls create_ChildProtectionPlans(child) and
            # create_Reviews(child) at child level: ChildProtectionPlans directly under
            # <Child> are read (with the last CINdetailsID of that child, or none).
            if child.findall("ChildProtectionPlans"):
                raise ValueError("ChildProtectionPlans under Child: use the package's reader")
            if child.findall("Reviews[CPPreviewDate]"):
                raise ValueError("Reviews under Child: use the package's reader")

        for t in _TABLES:
            df = pd.DataFrame(rows[t], columns=cols[t], dtype=object)
            if not rows[t] and touched[t]:
                # the package's pd.concat([...], ignore_index=True) leaves a RangeIndex even
                # when empty; tables it never concatenated keep the class's empty object Index
                df = df.reset_index(drop=True)
            if t == "Assessments" and len(df):
                df["AssessmentFactors"] = [r.get("AssessmentFactors", pd.NA) for r in rows[t]]
            setattr(self, t, df)


def convert_data_fast(root) -> dict:
    d = FastXMLtoCSV(root)
    return {t: getattr(d, t) for t in ("Header", *_TABLES)}


def same_as_official(root) -> None:
    """Raise AssertionError where the fast reader differs from the package's (tests only)."""
    from cin_validator import cin_validator

    official = cin_validator.convert_data(root)
    fast = convert_data_fast(root)
    assert sorted(official) == sorted(fast), (sorted(official), sorted(fast))
    for name, df in official.items():
        pd.testing.assert_frame_equal(df, fast[name], check_dtype=True, check_index_type=True)


# --- running the rules ---------------------------------------------------------------------


def _rulesets(package: str, prefix: str) -> list[str]:
    rules = importlib.import_module(f"{package}.rules")
    return sorted(m.name for m in pkgutil.iter_modules(rules.__path__) if m.name.startswith(prefix))


def _registry(package: str, prefix: str, ruleset: str):
    if ruleset not in _rulesets(package, prefix):
        return None
    return importlib.import_module(f"{package}.rules.{ruleset}").registry


def _wrapped(registry, crashed: dict):
    """Each rule's function wrapped so that an exception inside it is recorded by class."""

    def wrap(code, rule):
        def func(*args, _f=rule.func, _code=str(code)):
            try:
                return _f(*args)
            except Exception as e:  # recorded, then re-raised for the validator's handling
                crashed[_code] = type(e).__name__
                raise

        return dataclasses.replace(rule, func=func)

    return {code: wrap(code, rule) for code, rule in registry.items()}


def _no_ruleset(job, ruleset, available):
    newest = available[-1] if available else "none"
    return {
        "id": job["id"],
        "status": "no_ruleset",
        "ruleset": ruleset,
        "message": f"the installed validator has no rule set {ruleset} (newest: {newest})",
    }


def run_cin(job: dict, child_ids: bool) -> dict:
    import xml.etree.ElementTree as ET

    from cin_validator import cin_validator
    from cin_validator.rule_engine import RuleType

    try:
        root = ET.parse(job["file"]).getroot()
        year = root.findtext("Header/CollectionDetails/Year")
    except (ET.ParseError, OSError):
        return {"id": job["id"], "status": "unreadable", "message": "not a readable XML file"}
    ruleset = job.get("ruleset")
    if ruleset is None:
        if year is None or not year.strip().isdigit() or len(year.strip()) != 4:
            return {
                "id": job["id"],
                "status": "unreadable",
                "message": "Header/CollectionDetails/Year is missing or not a year",
            }
        y = int(year.strip())
        ruleset = f"cin{y - 1}_{y % 100:02d}"
    registry = _registry("cin_validator", "cin20", ruleset)
    if registry is None:
        return _no_ruleset(job, ruleset, _rulesets("cin_validator", "cin20"))
    try:
        try:
            raw = convert_data_fast(root)
        except ValueError:
            raw = cin_validator.convert_data(root)
        children = len(raw["ChildIdentifiers"])
        data = cin_validator.process_data(raw)
    except Exception:
        return {
            "id": job["id"],
            "status": "unreadable",
            "message": "the CIN validator cannot read this file (is it a CIN census with "
            "Header, Children and each Child's ChildIdentifiers and ChildCharacteristics?)",
        }
    crashed: dict[str, str] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        v = cin_validator.CinValidator(data, _wrapped(registry, crashed), selected_rules=None)

    def severity(rule) -> str:
        return "query" if rule.rule_type == RuleType.QUERY else "error"

    findings = []
    issues = v.full_issue_df
    if len(issues):
        for code, grp in issues.groupby(issues["rule_code"].astype(str)):
            rule = registry[code]
            ids = sorted({str(c) for c in grp["child_id"].dropna()})
            f = {
                "code": code,
                "message": rule.message,
                "severity": severity(rule),
                "level": "child",
                "children": len(ids),
                "locations": len(grp),
                "fields": sorted({str(c) for c in grp["columns_affected"].dropna()}),
            }
            if child_ids:
                f["child_ids"] = ids
            findings.append(f)
    multi = v.multichild_issues
    for code in sorted({str(c) for c in multi["rule_code"]} if len(multi) else set()):
        rule = registry[code]
        findings.append(
            {
                "code": code,
                "message": rule.message,
                "severity": severity(rule),
                "level": "return",
                "children": 0,
                "locations": 1,
                "fields": [str(f) for f in (rule.affected_fields or [])],
            }
        )
    return {
        "id": job["id"],
        "status": "ok",
        "validator": "csc-validator-be-cin",
        "ruleset": ruleset,
        "children": children,
        "rules_run": len(registry),
        "findings": findings,
        "skipped": [],
        "crashed": [{"code": c, "exception": e} for c, e in sorted(crashed.items())],
    }


def _sex_as_from_2025(content: bytes, path: str, notes: list[str]) -> bytes:
    """Last year's SEX 1/2 (0/9) as M/F (U), the coding from 2024-25 on.

    Rule 202 compares SEX with last year's literally: without this, every child in both
    years of a 2024-25 return validated with its 2023-24 tables would be flagged.
    """
    import csv

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or "SEX" not in [c.strip().upper() for c in rows[0]]:
        return content
    at = [c.strip().upper() for c in rows[0]].index("SEX")
    codes = {"1": "M", "2": "F", "0": "U", "9": "U"}
    changed = 0
    for row in rows[1:]:
        if len(row) > at and row[at].strip() in codes:
            row[at] = codes[row[at].strip()]
            changed += 1
    if not changed:
        return content
    notes.append(f"previous year's SEX read as M/F/U (it used 1/2) in {os.path.basename(path)}")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


EPISODES_903 = {
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
}
HISTORY_RULES = ("1001", "1002")


def _columns(path: str) -> list[str]:
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return [c.strip().upper() for c in next(csv.reader(f), [])]
    except (OSError, UnicodeDecodeError):
        return []


def _episodes_history(paths: list[str]):
    """Every earlier year's Episodes as one "Prev year" table (the columns are the same)."""
    from lac_validator.types import UploadedFile

    parts = []
    for i, path in enumerate(paths):
        with open(path, encoding="utf-8-sig", newline="") as f:
            lines = f.read().splitlines()
        parts += lines if i == 0 else lines[1:]
    content = ("\n".join(parts) + "\n").encode("utf-8")
    return UploadedFile(name="episodes-history.csv", file_content=content, description="Prev year")


def _aged_20(df, year: str):
    """Rows of young people aged 20 or over at the collection's end (31 March)."""
    born = pd.to_datetime(df["DOB"], format="%d/%m/%Y", errors="coerce")
    return born + pd.DateOffset(years=20) <= pd.Timestamp(int(year), 3, 31)


def _903_findings(v, registry, codes, year: str, child_ids: bool, notes: list[str]) -> list:
    findings = []
    for code, rule in codes.items():
        col = f"ERR_{code}"
        rows = 0
        ids: set[str] = set()
        tables = []
        for table, df in v.ds_results.items():
            if table == "metadata" or col not in df.columns:
                continue
            hit = df[df[col] == True]  # noqa: E712 (True or NaN)
            if str(code) == "1001" and table == "OC3" and version(VALIDATOR_903) == "0.1.17":
                # 1001 means to leave out young people aged 20 or over at 31 March ("we
                # would not expect to see sufficient episodes in the past 2 years of data")
                # but, by dropping them before counting their time in care, flags them all
                # (docs/adr/0073-synthetic-ssda903-returns-that-validate.md).
                old = _aged_20(hit, year)
                if old.any():
                    notes.append(
                        f"rule 1001: {int(old.sum())} rows of young people aged 20 or over "
                        "left out, as the rule means to (csc-validator-be-903 0.1.17 flags them)"
                    )
                hit = hit[~old]
            if len(hit):
                rows += len(hit)
                tables.append(table)
                ids.update(str(c) for c in hit["CHILD"].dropna())
        if rows:
            f = {
                "code": str(code),
                "message": rule.message,
                # The SSDA903 package has no error/query distinction.
                "severity": "error",
                "level": "child",
                "children": len(ids),
                "locations": rows,
                "fields": [str(x) for x in (rule.affected_fields or [])],
            }
            if child_ids:
                f["child_ids"] = sorted(ids)
            findings.append(f)
    return findings


VALIDATOR_903 = "csc-validator-be-903"


def run_903(job: dict, child_ids: bool) -> dict:
    from lac_validator import lac_validator
    from lac_validator.types import UploadedFile

    logging.getLogger("lac_validator").setLevel(logging.CRITICAL)
    year = str(job["collection_year"])
    y = int(year)
    ruleset = job.get("ruleset") or f"lac{y - 1}_{y % 100:02d}"
    registry = _registry("lac_validator", "lac20", ruleset)
    if registry is None:
        return _no_ruleset(job, ruleset, _rulesets("lac_validator", "lac20"))

    notes: list[str] = []

    def upload(path: str, description: str):
        with open(path, "rb") as f:
            content = f.read()
        if description == "Prev year" and y >= 2025:
            content = _sex_as_from_2025(content, path, notes)
        return UploadedFile(name=path, file_content=content, description=description)

    crashed: dict[str, str] = {}
    try:
        files = [upload(f, "This year") for f in job["files"]]
        files += [upload(f, "Prev year") for f in job.get("previous") or []]
        with contextlib.redirect_stdout(io.StringIO()):
            v = lac_validator.LacValidator(
                metadata={"collectionYear": year, "localAuthority": job["la_ons"]},
                files=files,
                registry=_wrapped(registry, crashed),
                selected_rules=None,
            )
    except Exception:
        return {
            "id": job["id"],
            "status": "unreadable",
            "message": "the SSDA903 validator cannot read these tables (each CSV must have "
            "exactly one table's columns, as the DfE layout names them)",
        }
    findings = _903_findings(v, registry, registry, year, child_ids, notes)
    history = [p for p in job.get("history") or [] if set(_columns(p)) == EPISODES_903]
    if len(history) > 1:
        # 1001 and 1002 look for a care leaver's time in care in this year's and last year's
        # Episodes only, and say so ("may generate false positives if a child had episodes
        # prior to last year's collection"): run them again with every earlier year given.
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                again = lac_validator.LacValidator(
                    metadata={"collectionYear": year, "localAuthority": job["la_ons"]},
                    files=[f for f in files if f["description"] == "This year"]
                    + [_episodes_history(history)],
                    registry=_wrapped(registry, {}),
                    selected_rules=list(HISTORY_RULES),
                )
        except Exception:
            notes.append("rules 1001 and 1002 could not be run with the earlier years' Episodes")
        else:
            rerun = {c: registry[c] for c in HISTORY_RULES if c in registry}
            findings = [f for f in findings if f["code"] not in rerun]
            findings += _903_findings(again, registry, rerun, year, child_ids, [])
            notes.append(
                f"rules 1001 and 1002 checked against the Episodes of {len(history)} earlier "
                "returns given"
            )
    header = v.dfs.get("Header")
    return {
        "notes": notes,
        "id": job["id"],
        "status": "ok",
        "validator": "csc-validator-be-903",
        "ruleset": ruleset,
        "children": 0 if header is None else int(header["CHILD"].nunique()),
        "rules_run": len(registry),
        "tables": sorted(k for k in v.dfs if k != "metadata"),
        "findings": findings,
        "skipped": [
            {"code": str(c), "tables": [str(t) for t in (registry[str(c)].tables or [])]}
            for c in v.skips
        ],
        "crashed": [
            {"code": str(c), "exception": crashed.get(str(c), "Exception")} for c in v.fails
        ],
    }


def main() -> int:
    request = json.load(sys.stdin)
    out = sys.stdout
    # Nothing but our answer reaches stdout: the validators print (rows, "Error with rule").
    sys.stdout = io.StringIO()
    os.environ.setdefault("QLACREF_PC_INSECURE", "True")
    results = []
    versions = {}
    for job in request["jobs"]:
        if job["kind"] == "cin":
            results.append(run_cin(job, bool(request.get("child_ids"))))
            versions["csc-validator-be-cin"] = version("csc-validator-be-cin")
        else:
            results.append(run_903(job, bool(request.get("child_ids"))))
            versions["csc-validator-be-903"] = version("csc-validator-be-903")
    json.dump({"protocol": PROTOCOL, "validators": versions, "results": results}, out)
    out.write("\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
