"""Documentation coverage: every model, seed and source, and every column the built
relations really have (dbt's catalog.json), carries a non-empty description in YAML
(dbt's manifest.json), and no YAML describes a column the relation does not have.
`undocumented` names each gap; tests/python/test_docs.py fails on any.

Exposures: `relations_read` lists the warehouse relations a consumer's code names
(`marts.<model>`, `intermediate.<model>`, ...), so the test can hold each exposure's
depends_on in models/_exposures.yml to the code in EXPOSURE_CODE."""
from __future__ import annotations

import json
import re
from pathlib import Path

from rectools.contract import PROJECT_ROOT

# the resources whose relations the catalog describes
DOCUMENTED_TYPES = ("model", "seed")


def _described(text) -> bool:
    return bool(text and str(text).strip())


def _label(resource: dict) -> str:
    if resource["resource_type"] == "source":
        return f"source {resource['source_name']}.{resource['name']}"
    return f"{resource['resource_type']} {resource['name']}"


def undocumented(manifest: dict, catalog: dict) -> list[str]:
    """One line per model, seed or source without a description, per built column
    without one, and per built model or seed missing from the catalog (its columns
    could not be checked). Sorted; empty when everything is documented."""
    gaps: list[str] = []
    resources = [node for node in manifest.get("nodes", {}).values()
                 if node.get("resource_type") in DOCUMENTED_TYPES]
    resources += list(manifest.get("sources", {}).values())
    built = {**catalog.get("nodes", {}), **catalog.get("sources", {})}
    for resource in resources:
        label = _label(resource)
        if not _described(resource.get("description")):
            gaps.append(f"{label}: no description")
        if resource.get("config", {}).get("materialized") == "ephemeral":
            continue
        relation = built.get(resource["unique_id"])
        if relation is None:
            if resource["resource_type"] != "source":
                gaps.append(f"{label}: not in catalog.json (not built?), its columns are unchecked")
            continue
        described = {name.lower(): column.get("description")
                     for name, column in resource.get("columns", {}).items()}
        built_columns = {column["name"].lower() for column in relation.get("columns", {}).values()}
        for column in relation.get("columns", {}).values():
            if not _described(described.get(column["name"].lower())):
                gaps.append(f"{label} column {column['name']}: no description")
        # a described column the relation lacks: renamed or dropped, its YAML is stale
        for name in resource.get("columns", {}):
            if name.lower() not in built_columns:
                gaps.append(f"{label} column {name}: described in YAML but not built")
    return sorted(gaps)


def undocumented_in(target_dir: str | Path) -> list[str]:
    """`undocumented` on the manifest.json and catalog.json of a dbt target folder."""
    target_dir = Path(target_dir)
    manifest = json.loads((target_dir / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((target_dir / "catalog.json").read_text(encoding="utf-8"))
    return undocumented(manifest, catalog)


# The code of each exposure in models/_exposures.yml: the files that read the warehouse
# for it (paths from the project root). The scheduled run also writes the lettering
# export and reports its files, so it reads what rectools/lettering.py reads.
EXPOSURE_CODE = {
    "finance_dashboard": ("dashboard/app.py", "dashboard/queries.py"),
    "lettering_export": ("scripts/export_lettering.py", "rectools/lettering.py"),
    "scheduled_run_report": ("scripts/run_scheduled.py", "rectools/scheduled.py", "rectools/lettering.py"),
}

# the schemas dbt_project.yml builds into (macros/generate_schema_name.sql)
_RELATION = re.compile(r"\b(?:staging|intermediate|marts)\.([a-z_][a-z0-9_]*)\b")


def relations_read(paths, root: str | Path = PROJECT_ROOT) -> set[str]:
    """Names of the relations `<schema>.<name>` the files name, in SQL, code or
    docstrings alike (a docstring naming a mart describes what the code reads)."""
    names: set[str] = set()
    for path in paths:
        names |= set(_RELATION.findall((Path(root) / path).read_text(encoding="utf-8")))
    return names


def exposure_drift(manifest: dict, root: str | Path = PROJECT_ROOT) -> list[str]:
    """One line per relation an exposure of EXPOSURE_CODE depends on that its code does
    not name, or that its code names but depends_on lacks. Empty when they agree."""
    nodes = manifest.get("nodes", {})
    exposures = {e["name"]: e for e in manifest.get("exposures", {}).values()}
    drift: list[str] = []
    for name, paths in EXPOSURE_CODE.items():
        if name not in exposures:
            drift.append(f"exposure {name}: missing from models/_exposures.yml")
            continue
        declared = {nodes[uid]["name"] if uid in nodes else uid
                    for uid in exposures[name]["depends_on"]["nodes"]}
        read = relations_read(paths, root)
        drift += [f"exposure {name}: depends on {r}, which {', '.join(paths)} never name"
                  for r in sorted(declared - read)]
        drift += [f"exposure {name}: {', '.join(paths)} read {r}, missing from depends_on"
                  for r in sorted(read - declared)]
    return drift
