"""Read the product contract (``../shared/contract/``) once, in one place.

The contract is read where it lives, never copied by hand: ``RECON_CONTRACT_DIR``
overrides the default ``<project root>/../shared/contract``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def contract_dir() -> Path:
    """The folder holding landing.yml, outputs.yml and CONTRACT.md."""
    override = os.environ.get("RECON_CONTRACT_DIR")
    path = Path(override) if override else PROJECT_ROOT.parent / "shared" / "contract"
    if not (path / "landing.yml").exists():
        raise FileNotFoundError(
            f"contract not found: {path / 'landing.yml'} (set RECON_CONTRACT_DIR)"
        )
    return path


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    key: bool = False
    nullable: bool = False
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entity:
    system: str
    name: str
    columns: tuple[Column, ...]

    @property
    def key_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.key)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def relation(self) -> str:
        """The dbt-side name of the entity: ``<system>__<entity>``."""
        return f"{self.system}__{self.name}"


@lru_cache(maxsize=None)
def landing_entities() -> tuple[Entity, ...]:
    """Every entity of landing.yml, in the contract's order."""
    spec = yaml.safe_load((contract_dir() / "landing.yml").read_text(encoding="utf-8"))
    entities = []
    for system, tables in spec["systems"].items():
        for name, columns in tables.items():
            entities.append(
                Entity(
                    system=system,
                    name=name,
                    columns=tuple(
                        Column(
                            name=col,
                            type=props["type"],
                            key=bool(props.get("key", False)),
                            nullable=bool(props.get("nullable", False)),
                            enum=tuple(props.get("enum", ())),
                        )
                        for col, props in columns.items()
                    ),
                )
            )
    return tuple(entities)


def entity(system: str, name: str) -> Entity:
    for ent in landing_entities():
        if ent.system == system and ent.name == name:
            return ent
    raise KeyError(f"{system}/{name} is not an entity of landing.yml")


@lru_cache(maxsize=None)
def output_marts() -> dict:
    """The marts of outputs.yml: name -> {grain, columns}."""
    spec = yaml.safe_load((contract_dir() / "outputs.yml").read_text(encoding="utf-8"))
    return spec["marts"]
