"""The CSDL reader: a $metadata document (OData v4 ``edmx:Edmx``) in, the wanted entity types out.

Real documents run to well over 100 MB, so the document is streamed (and decompressed on the
way when it is gzip-compressed) with defusedxml's
iterparse (no DTD, no entity expansion, no external references) and every element is cleared
once read: only the subtrees of wanted entity types and of enum types (a few members each)
are kept until their end tag. Entity sets come last in both services' documents, so the
first pass keeps the entity types whose names could be the singular of a wanted entity set
(``CustomersV3`` -> ``CustomerV3``, ``cdm_companies`` -> ``cdm_company``); a type the guess
missed, or a base type, costs one more pass over the file.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as safe_xml

from generator.metadata.model import (
    Dialect,
    EntityType,
    EnumType,
    Metadata,
    MetadataError,
    Navigation,
    Number,
    Property,
)
from generator.metadata.sniff import check_document, open_document

_EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"
_EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
_ROOT = _EDMX + "Edmx"
_INCLUDE = _EDMX + "Include"
_SCHEMA = _EDM + "Schema"
_ENTITY_TYPE = _EDM + "EntityType"
_ENUM_TYPE = _EDM + "EnumType"
_CONTAINER = _EDM + "EntityContainer"
_ENTITY_SET = _EDM + "EntitySet"
_KEY = _EDM + "Key"
_PROPERTY = _EDM + "Property"
_NAVIGATION = _EDM + "NavigationProperty"
_CONSTRAINT = _EDM + "ReferentialConstraint"
_MEMBER = _EDM + "Member"
_ANNOTATION = _EDM + "Annotation"
_COLLECTION = _EDM + "Collection"
_RECORD = _EDM + "Record"
_PROPERTY_VALUE = _EDM + "PropertyValue"

_DESCRIPTION = "Org.OData.Core.V1.Description"
_MINIMUM = "Org.OData.Validation.V1.Minimum"
_MAXIMUM = "Org.OData.Validation.V1.Maximum"
_ALTERNATE_KEYS = "OData.Community.Keys.V1.AlternateKeys"
# expat's codes for a document that stops early (each can only happen at the end of the input):
# no element found, an unclosed token, a partial character.
_TRUNCATED = {3, 5, 6}
Qualify = Callable[[str], str]


@dataclass
class _Scan:
    """What the passes over one document have collected so far."""

    wanted: Mapping[Dialect, Collection[str]]
    dialect: Dialect | None = None
    namespaces: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    entity_sets: dict[str, str] = field(default_factory=dict)
    types: dict[str, EntityType] = field(default_factory=dict)
    enums: dict[str, EnumType] = field(default_factory=dict)
    # Qualified type names known to be needed, and local names that might be.
    needed: set[str] = field(default_factory=set)
    guesses: set[str] = field(default_factory=set)
    first_pass: bool = True

    def qualified(self, name: str) -> str:
        """``mscrm.account`` -> ``Microsoft.Dynamics.CRM.account``."""
        prefix, _, local = name.rpartition(".")
        return f"{self.aliases.get(prefix, prefix)}.{local}" if prefix else name

    def enter_schema(self, element: Element) -> str:
        namespace = element.get("Namespace", "")
        alias = element.get("Alias")
        if alias:
            self.aliases[alias] = namespace
        self.namespaces.append(namespace)
        for dialect in Dialect:
            if namespace == dialect.namespace and self.dialect is None:
                self.dialect = dialect
                self.guesses = _singular_guesses(self.wanted.get(dialect, ()))
        return namespace

    def keeps(self, qualified: str, element: Element) -> bool:
        if qualified in self.needed:
            return True
        if not self.first_pass:
            return False
        local = qualified.rpartition(".")[2]
        return local in self.guesses or element.get("Abstract") == "true"

    def add_entity_set(self, element: Element) -> None:
        name, entity_type = element.get("Name"), element.get("EntityType")
        if not name or not entity_type:
            raise MetadataError("malformed", element="EntitySet", problem="no Name or EntityType")
        self.entity_sets[name] = entity_type
        if self.dialect is not None and name in self.wanted.get(self.dialect, ()):
            self.needed.add(self.qualified(entity_type))


def _singular_guesses(names: Collection[str]) -> set[str]:
    """Every name one plural ending away from a wanted entity set (a guess, never relied on)."""
    guesses = set(names)
    for name in names:
        for index in range(1, len(name) + 1):
            head, tail = name[:index], name[index:]
            if head.endswith("ies"):
                guesses.add(head[:-3] + "y" + tail)
            if head.endswith("es"):
                guesses.add(head[:-2] + tail)
            if head.endswith("s"):
                guesses.add(head[:-1] + tail)
    return guesses


def _scan(path: Path, scan: _Scan) -> None:
    """One pass: entity sets, enums (first pass only) and the entity types ``scan`` keeps."""
    try:
        with open_document(path) as stream:
            _walk(safe_xml.iterparse(stream, events=("start", "end"), forbid_dtd=True), scan)
    except ParseError as problem:
        line, column = problem.position
        if problem.code in _TRUNCATED:
            raise MetadataError("truncated", line=line, column=column + 1) from problem
        reason = expat.ErrorString(problem.code)
        raise MetadataError("not_xml", line=line, column=column + 1, problem=reason) from problem
    except defusedxml.DefusedXmlException as problem:
        raise MetadataError("unsafe", problem=problem) from problem
    if scan.dialect is None:
        raise MetadataError("unknown_dialect", namespaces=", ".join(scan.namespaces) or "none")


def _walk(events: Iterator[tuple[str, Element]], scan: _Scan) -> None:
    # The hot loop of the import: one turn per start and end tag of a document of millions.
    stack: list[str] = []
    depth = 0
    namespace = ""
    keeping = False
    for event, element in events:
        if event == "start":
            tag = element.tag
            stack.append(tag)
            depth += 1
            if depth == 1 and tag != _ROOT:
                raise MetadataError("not_csdl", root=tag.rpartition("}")[2])
            if depth == 3 and tag == _SCHEMA:
                namespace = scan.enter_schema(element)
            elif depth == 4 and stack[2] == _SCHEMA:
                if tag == _ENTITY_TYPE:
                    keeping = scan.keeps(f"{namespace}.{element.get('Name', '')}", element)
                else:
                    keeping = tag == _ENUM_TYPE and scan.first_pass
            continue
        tag = stack.pop()
        if depth == 4:
            if keeping and tag == _ENTITY_TYPE:
                entity_type = _entity_type(element, namespace, scan.qualified)
                scan.types[entity_type.name] = entity_type
            elif keeping and tag == _ENUM_TYPE:
                enum_type = _enum_type(element, namespace, scan.qualified)
                scan.enums[enum_type.name] = enum_type
            keeping = False
            element.clear()
        elif depth == 5 and stack[-1] == _CONTAINER:
            if tag == _ENTITY_SET and scan.first_pass:
                scan.add_entity_set(element)
            element.clear()
        elif tag == _INCLUDE and element.get("Alias"):
            scan.aliases[element.get("Alias", "")] = element.get("Namespace", "")
        elif depth > 4 and not keeping:
            element.clear()
        depth -= 1


def read_metadata(path: Path, display: str, wanted: Mapping[Dialect, Collection[str]]) -> Metadata:
    """The document's entity sets, its enums and the entity types of the wanted entity sets
    (with their base types). Raises MetadataError when the document can't be used."""
    check_document(path)
    scan = _Scan(wanted)
    _scan(path, scan)
    assert scan.dialect is not None
    scan.first_pass = False
    # Each pass finds every type it looks for or fails, so the passes end.
    while missing := _missing_types(scan):
        scan.needed = missing
        _scan(path, scan)
        undefined = missing - set(scan.types)
        if undefined:
            raise MetadataError("undefined_type", type=sorted(undefined)[0])
    return _resolved(display, scan)


def _missing_types(scan: _Scan) -> set[str]:
    assert scan.dialect is not None
    wanted = scan.wanted.get(scan.dialect, ())
    required = {
        scan.qualified(scan.entity_sets[name]) for name in wanted if name in scan.entity_sets
    }
    seen: set[str] = set()
    while required - seen:
        name = (required - seen).pop()
        seen.add(name)
        base = scan.types[name].base_type if name in scan.types else None
        if base:
            required.add(scan.qualified(base))
    return required - set(scan.types)


def _resolved(display: str, scan: _Scan) -> Metadata:
    """The collected facts with every type name qualified, as the builder reads them."""
    assert scan.dialect is not None
    types = {}
    for name, entity_type in scan.types.items():
        types[name] = replace(
            entity_type,
            base_type=scan.qualified(entity_type.base_type) if entity_type.base_type else None,
            properties=tuple(
                replace(item, type=scan.qualified(item.type)) for item in entity_type.properties
            ),
            navigations=tuple(
                replace(item, target_type=scan.qualified(item.target_type))
                for item in entity_type.navigations
            ),
        )
    sets = {name: scan.qualified(entity_type) for name, entity_type in scan.entity_sets.items()}
    return Metadata(display, scan.dialect, sets, types, scan.enums)


# --- one element's subtree ------------------------------------------------------------------


def _required(element: Element, attribute: str) -> str:
    value = element.get(attribute)
    if not value:
        raise MetadataError(
            "malformed",
            element=element.tag.rpartition("}")[2],
            problem=f"no {attribute} attribute",
        )
    return value


def _integer(element: Element, attribute: str) -> int | None:
    text = element.get(attribute)
    if text is None or not text.lstrip("-").isdigit():
        # MaxLength="max" and Scale="variable" state that there is no limit.
        return None
    return int(text)


def _annotations(element: Element, qualify: Qualify) -> dict[str, Element]:
    """The element's own annotations by qualified term (``Core.Description`` is an alias)."""
    return {
        qualify(annotation.get("Term", "")): annotation
        for annotation in element.iterfind(_ANNOTATION)
    }


def _text(annotation: Element | None) -> str:
    if annotation is None:
        return ""
    value = annotation.get("String")
    if value is None:
        child = annotation.find(_EDM + "String")
        value = child.text if child is not None else ""
    return " ".join((value or "").split())


def _number(annotation: Element | None) -> Number | None:
    if annotation is None:
        return None
    for attribute in ("Int", "Decimal", "Float"):
        text = annotation.get(attribute)
        if text is None:
            continue
        try:
            value = float(text)
        except ValueError:
            return None
        return int(value) if attribute == "Int" or value.is_integer() else value
    return None


def _property(element: Element, qualify: Qualify) -> Property:
    annotations = _annotations(element, qualify)
    return Property(
        name=_required(element, "Name"),
        type=_required(element, "Type"),
        nullable=element.get("Nullable", "true") != "false",
        max_length=_integer(element, "MaxLength"),
        precision=_integer(element, "Precision"),
        scale=_integer(element, "Scale"),
        minimum=_number(annotations.get(_MINIMUM)),
        maximum=_number(annotations.get(_MAXIMUM)),
        description=_text(annotations.get(_DESCRIPTION)),
    )


def _navigation(element: Element, qualify: Qualify) -> Navigation | None:
    target = _required(element, "Type")
    if target.startswith("Collection("):
        return None
    constraint = element.find(_CONSTRAINT)
    return Navigation(
        name=_required(element, "Name"),
        target_type=target,
        value_property=constraint.get("Property") if constraint is not None else None,
        description=_text(_annotations(element, qualify).get(_DESCRIPTION)),
    )


def _alternate_keys(annotation: Element | None) -> tuple[tuple[str, ...], ...]:
    """OData.Community.Keys.V1.AlternateKeys: a collection of keys, each a collection of paths."""
    if annotation is None:
        return ()
    keys: list[tuple[str, ...]] = []
    for record in annotation.iterfind(f"{_COLLECTION}/{_RECORD}"):
        parts: list[str] = []
        for value in record.iterfind(_PROPERTY_VALUE):
            if value.get("Property") != "Key":
                continue
            for reference in value.iterfind(f"{_COLLECTION}/{_RECORD}/{_PROPERTY_VALUE}"):
                if reference.get("Property") == "Name":
                    path = reference.get("PropertyPath") or reference.findtext(
                        _EDM + "PropertyPath"
                    )
                    parts.append((path or "").strip())
        if parts:
            keys.append(tuple(parts))
    return tuple(keys)


def _entity_type(element: Element, namespace: str, qualify: Qualify) -> EntityType:
    key = element.find(_KEY)
    navigations = [_navigation(child, qualify) for child in element.iterfind(_NAVIGATION)]
    annotations = _annotations(element, qualify)
    return EntityType(
        name=f"{namespace}.{_required(element, 'Name')}",
        base_type=element.get("BaseType"),
        key=tuple(_required(reference, "Name") for reference in (key if key is not None else ())),
        properties=tuple(_property(child, qualify) for child in element.iterfind(_PROPERTY)),
        navigations=tuple(item for item in navigations if item is not None),
        alternate_keys=_alternate_keys(annotations.get(_ALTERNATE_KEYS)),
        description=_text(annotations.get(_DESCRIPTION)),
    )


def _enum_type(element: Element, namespace: str, qualify: Qualify) -> EnumType:
    members: list[tuple[str, int]] = []
    for index, member in enumerate(element.iterfind(_MEMBER)):
        value = member.get("Value")
        # Members without values count up from zero in document order (CSDL 10.2).
        number = index if value is None else _integer(member, "Value")
        if number is None:
            raise MetadataError(
                "malformed", element="Member", problem=f"Value {value!r} is not an integer"
            )
        members.append((_required(member, "Name"), number))
    return EnumType(
        name=f"{namespace}.{_required(element, 'Name')}",
        members=tuple(members),
        description=_text(_annotations(element, qualify).get(_DESCRIPTION)),
    )
