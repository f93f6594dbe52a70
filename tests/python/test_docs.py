"""Documentation: `dbt docs generate` works on the sample warehouse, and every model,
seed and source, and every column the built relations really have (catalog.json), has
a non-empty description in YAML (manifest.json), and no YAML describes a column that is
not built. Each exposure's depends_on names exactly the relations its code reads. The
checkers themselves are tested on tiny hand-made inputs, so they can be seen to fail."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rectools.dbt import run_dbt
from rectools.docs import EXPOSURE_CODE, exposure_drift, relations_read, undocumented, undocumented_in
from sample_warehouse import sample_warehouse

EXPOSURES = {"finance_dashboard", "lettering_export", "scheduled_run_report"}


# --------------------------------------------------------------------------- the checker


def _model(name, description="", columns=None, materialized="table", resource_type="model"):
    return {"unique_id": f"{resource_type}.recon.{name}", "resource_type": resource_type, "name": name,
            "description": description, "config": {"materialized": materialized},
            "columns": {c: {"name": c, "description": d} for c, d in (columns or {}).items()}}


def _source(name, description="", columns=None):
    node = _model(name, description, columns, resource_type="source")
    node["unique_id"] = f"source.recon.landing.{name}"
    node["source_name"] = "landing"
    return node


def _relation(*columns):
    return {"columns": {c: {"name": c, "type": "VARCHAR", "index": i} for i, c in enumerate(columns, 1)}}


def _pair(nodes, sources=(), built=None):
    manifest = {"nodes": {n["unique_id"]: n for n in nodes}, "sources": {s["unique_id"]: s for s in sources}}
    catalog = {"nodes": {}, "sources": {}}
    for uid, relation in (built or {}).items():
        catalog["sources" if uid.startswith("source.") else "nodes"][uid] = relation
    return manifest, catalog


def test_a_fully_documented_project_has_no_gap():
    manifest, catalog = _pair(
        [_model("stg_a", "A.", {"a_id": "The id.", "Amount": "Money."}),
         _model("iso", "Codes.", {"code": "ISO code."}, resource_type="seed"),
         _model("helper", "Inlined.", materialized="ephemeral")],
        [_source("crm__a", "Landing A.", {"a_id": "Raw id."})],
        {"model.recon.stg_a": _relation("a_id", "amount"), "seed.recon.iso": _relation("code"),
         "source.recon.landing.crm__a": _relation("a_id")})
    assert undocumented(manifest, catalog) == []


def test_every_gap_is_named():
    manifest, catalog = _pair(
        [_model("stg_a", "", {"a_id": "The id.", "note": "   ", "renamed_away": "Gone."}),
         _model("iso", "Codes.", resource_type="seed"),
         _model("never_built", "Built nowhere.")],
        [_source("crm__a", "", {})],
        {"model.recon.stg_a": _relation("a_id", "note", "_record_key"), "seed.recon.iso": _relation("code"),
         "source.recon.landing.crm__a": _relation("a_id")})
    assert undocumented(manifest, catalog) == [
        "model never_built: not in catalog.json (not built?), its columns are unchecked",
        "model stg_a column _record_key: no description",
        "model stg_a column note: no description",
        "model stg_a column renamed_away: described in YAML but not built",
        "model stg_a: no description",
        "seed iso column code: no description",
        "source landing.crm__a column a_id: no description",
        "source landing.crm__a: no description",
    ]


def test_data_tests_are_not_checked():
    # data tests carry no description by convention: only models, seeds and sources count
    test_node = _model("not_null_stg_a_a_id", "", resource_type="test")
    manifest, catalog = _pair([test_node])
    assert undocumented(manifest, catalog) == []


def _exposure_manifest(depends_on: dict[str, list[str]]) -> dict:
    models = {n for names in depends_on.values() for n in names}
    return {"nodes": {f"model.recon.{n}": {"name": n, "resource_type": "model"} for n in models},
            "exposures": {f"exposure.recon.{e}": {"name": e,
                                                  "depends_on": {"nodes": [f"model.recon.{n}" for n in names]}}
                          for e, names in depends_on.items()}}


def test_relations_read_finds_the_marts_the_code_names(tmp_path):
    (tmp_path / "q.py").write_text('SQL = "select * from marts.arr_bridge join marts.dim_customers"\n'
                                   '# reads intermediate.int_reporting__as_of_date; "Reading the marts..."\n')
    assert relations_read(["q.py"], tmp_path) == {"arr_bridge", "dim_customers", "int_reporting__as_of_date"}


def test_exposure_drift_names_both_directions(tmp_path):
    for paths in EXPOSURE_CODE.values():
        for path in paths:
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text("", encoding="utf-8")
    (tmp_path / "dashboard/queries.py").write_text("select * from marts.arr_bridge, marts.receipt_balances")
    (tmp_path / "rectools/lettering.py").write_text("select * from marts.payment_applications")
    manifest = _exposure_manifest({"finance_dashboard": ["arr_bridge", "arr_movements"],
                                   "lettering_export": ["payment_applications"]})
    code = "dashboard/app.py, dashboard/queries.py"
    assert exposure_drift(manifest, tmp_path) == [
        f"exposure finance_dashboard: depends on arr_movements, which {code} never name",
        f"exposure finance_dashboard: {code} read receipt_balances, missing from depends_on",
        "exposure scheduled_run_report: missing from models/_exposures.yml",
    ]


# --------------------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def docs_target(tmp_path_factory) -> Path:
    """`dbt docs generate` on the sample warehouse, into a private target folder.
    scripts/test.sh builds the sample into $DBT_DUCKDB_PATH before pytest: a copy of it
    is documented (docs generate runs the on-run-start hook, which writes); pytest run
    on its own builds the sample here first."""
    root = tmp_path_factory.mktemp("docs")
    db = sample_warehouse(root, ("reconciliation_summary",))
    paths = ["--target-path", str(root / "target"), "--log-path", str(root / "logs")]
    result = run_dbt(["docs", "generate", *paths], duckdb_path=db)
    assert result.returncode == 0, result.stdout[-4000:]
    return root / "target"


def test_docs_generate_writes_the_site_and_the_catalog(docs_target):
    for name in ("index.html", "manifest.json", "catalog.json"):
        assert (docs_target / name).is_file(), name
    catalog = json.loads((docs_target / "catalog.json").read_text(encoding="utf-8"))
    assert not catalog.get("errors"), catalog["errors"]
    names = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    assert {"reconciliation_exceptions", "payment_applications", "arr_bridge", "exception_types"} <= names


def test_every_model_seed_source_and_built_column_is_described(docs_target):
    gaps = undocumented_in(docs_target)
    assert not gaps, f"{len(gaps)} undocumented (describe them in the folder's YAML):\n  " + "\n  ".join(gaps)


def test_the_exposures_name_their_owner_and_the_marts_they_read(docs_target):
    manifest = json.loads((docs_target / "manifest.json").read_text(encoding="utf-8"))
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) >= EXPOSURES
    for name in EXPOSURES:
        exposure = exposures[name]
        assert exposure["description"].strip() and exposure["owner"]["email"], name
        assert exposure["depends_on"]["nodes"], name
    assert exposures["lettering_export"]["depends_on"]["nodes"] == ["model.recon.payment_applications"]


def test_each_exposure_depends_on_what_its_code_reads(docs_target):
    manifest = json.loads((docs_target / "manifest.json").read_text(encoding="utf-8"))
    drift = exposure_drift(manifest)
    assert not drift, "update models/_exposures.yml (or rectools/docs.py EXPOSURE_CODE):\n  " + "\n  ".join(drift)
