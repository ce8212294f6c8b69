"""Data packages: the .zip a Data management export project downloads in, its entity's rows out.

The package holds Manifest.xml, PackageHeader.xml and a file per entity. The manifest lists
each entity (``DataManagementPackageEntityData``: ``EntityName`` such as "Customers V3", the
staging ``TargetEntity``, the ``SourceFormat`` and, when given, ``InputFilePath``); the
entity's file is ``InputFilePath`` or ``<EntityName>.csv``. Nothing is extracted: the
manifest is parsed with defusedxml from a bounded read, and the entity's file is read as a
stream from the archive, so no member name ever becomes a path and memory stays flat however
large (or however well compressed) a member is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from generator.bulk.csv_source import csv_records, text_stream
from generator.bulk.records import BadInput, Reading

MANIFEST = "Manifest.xml"
MANIFEST_LIMIT = 16 << 20  # bytes: a manifest lists entities and field maps, never data
_NAMESPACE = "{http://schemas.microsoft.com/dynamics/2015/01/DataManagement}"


@dataclass(frozen=True)
class PackageEntity:
    name: str
    target: str
    source_format: str
    file: str


def _text(element: Element, tag: str) -> str:
    child = element.find(_NAMESPACE + tag)
    if child is None:
        child = element.find(tag)  # a hand-written manifest may leave out the namespace
    return (child.text or "").strip() if child is not None else ""


def package_entities(archive: zipfile.ZipFile, path: Path) -> list[PackageEntity]:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise BadInput(path, f"not a data package: it has no {MANIFEST}") from None
    with archive.open(info) as member:
        data = member.read(MANIFEST_LIMIT + 1)
    if len(data) > MANIFEST_LIMIT:
        raise BadInput(path, f"{MANIFEST} is larger than {MANIFEST_LIMIT >> 20} MiB")
    try:
        root = safe_xml.fromstring(data)
    except (safe_xml.ParseError, DefusedXmlException) as problem:
        raise BadInput(path, f"{MANIFEST} is not a data package manifest: {problem}") from None
    entities = []
    for element in root.iter():
        if element.tag.rpartition("}")[2] != "DataManagementPackageEntityData":
            continue
        name = _text(element, "EntityName")
        given = _text(element, "InputFilePath")
        entities.append(
            PackageEntity(
                name,
                _text(element, "TargetEntity"),
                _text(element, "SourceFormat"),
                given.replace("\\", "/").rpartition("/")[2] or f"{name}.csv",
            )
        )
    return entities


def _squashed(name: str) -> str:
    return "".join(name.split()).casefold()


def chosen_entity(entities: list[PackageEntity], entity_set: str, path: Path) -> PackageEntity:
    """The package's entry for ``entity_set`` (CustomersV3 is "Customers V3"), or the only one."""
    wanted = _squashed(entity_set)
    matches = [
        entity
        for entity in entities
        if wanted in (_squashed(entity.name), _squashed(entity.target))
    ]
    if not matches and len(entities) == 1:
        matches = entities
    if len(matches) != 1:
        listed = ", ".join(repr(entity.name) for entity in entities) or "none"
        raise BadInput(
            path, f"the package has no single entity {entity_set!r}: its manifest lists {listed}"
        )
    return matches[0]


def package_records(reading: Reading, entity_set: str) -> Iterator[tuple[int, object]]:
    path = reading.path
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as problem:
        raise BadInput(path, f"not a data package (a .zip): {problem}") from None
    with archive:
        entity = chosen_entity(package_entities(archive, path), entity_set, path)
        if entity.source_format and "csv" not in entity.source_format.casefold():
            raise BadInput(
                path,
                f"entity {entity.name!r} is in the format {entity.source_format!r}: export it "
                "as CSV",
            )
        try:
            info = archive.getinfo(entity.file)
        except KeyError:
            raise BadInput(
                path, f"the package has no file {entity.file!r} for entity {entity.name!r}"
            ) from None
        try:
            with archive.open(info) as member, text_stream(member) as handle:
                yield from csv_records(reading, handle)
        except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as problem:
            # Damaged, encrypted, or compressed by a method zipfile lacks.
            raise BadInput(
                path, f"can't read {entity.file!r} from the package: {problem}"
            ) from None
