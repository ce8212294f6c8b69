"""A CSDL writer for tests: entity schemas (plain data) in, the $metadata and option-set JSON a
real environment would serve for them out, so that importing them must give the schemas back.

Everything a schema states goes where the services put it: types, MaxLength, Precision,
Scale and Nullable as attributes, descriptions as Core.Description annotations, minimum and
maximum as Validation annotations, F&O enums as EnumTypes, Dataverse lookups as a
``_<name>_value`` property plus a single-valued navigation property with a referential
constraint, alternate keys as the OData.Community.Keys.V1.AlternateKeys annotation, and
Dataverse option sets in attribute-metadata JSON.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import quoteattr

FINANCE = "Microsoft.Dynamics.DataEntities"
DATAVERSE = "Microsoft.Dynamics.CRM"
_FORMAT_TYPES = {"uuid": "Edm.Guid", "date": "Edm.Date", "date-time": "Edm.DateTimeOffset"}
_DEFAULT_TYPES = {
    "string": "Edm.String",
    "boolean": "Edm.Boolean",
    "integer": "Edm.Int32",
    "number": "Edm.Decimal",
}


def _description(text: Any, indent: str) -> list[str]:
    if not text:
        return []
    return [f'{indent}<Annotation Term="Org.OData.Core.V1.Description" String={quoteattr(text)}/>']


def _bound(term: str, value: Any, indent: str) -> list[str]:
    if value is None:
        return []
    kind = "Int" if isinstance(value, int) else "Decimal"
    return [f'{indent}<Annotation Term="Org.OData.Validation.V1.{term}" {kind}="{value}"/>']


def _lookup_value(name: str) -> str:
    return f"_{name}_value"


class _Writer:
    def __init__(self, schemas: list[dict[str, Any]], namespace: str) -> None:
        self.schemas = schemas
        self.namespace = namespace
        self.alias = "mscrm" if namespace == DATAVERSE else namespace
        # Entity set -> entity type name, for lookup targets.
        self.types = {schema["x-entity-set"]: schema["title"] for schema in schemas}
        self.lines: list[str] = []

    def type_of(self, entity_set: str) -> str:
        return self.types.setdefault(entity_set, f"{entity_set}_type")

    def property(self, name: str, spec: dict[str, Any]) -> None:
        if "$ref" in spec:
            edm_type = f"{self.alias}.{spec['$ref'].rpartition('/')[2]}"
        else:
            edm_type = (
                spec.get("x-odata-type")
                or _FORMAT_TYPES.get(spec.get("format", ""))
                or _DEFAULT_TYPES[spec["type"]]
            )
        attributes = [f"Name={quoteattr(name)}", f'Type="{edm_type}"']
        if spec.get("x-nullable") is False:
            attributes.append('Nullable="false"')
        for keyword, attribute in (
            ("maxLength", "MaxLength"),
            ("x-precision", "Precision"),
            ("x-scale", "Scale"),
        ):
            if keyword in spec:
                attributes.append(f'{attribute}="{spec[keyword]}"')
        children = _description(spec.get("description"), "      ")
        children += _bound("Minimum", spec.get("minimum"), "      ")
        children += _bound("Maximum", spec.get("maximum"), "      ")
        self.element("Property", attributes, children, "    ")

    def lookup(self, name: str, spec: dict[str, Any]) -> None:
        target = spec["x-lookup"]["target"]
        value = _lookup_value(name)
        self.lines.append(f'    <Property Name="{value}" Type="Edm.Guid"/>')
        attributes = [
            f"Name={quoteattr(spec['x-lookup']['navigation-property'])}",
            f'Type="{self.alias}.{self.type_of(target)}"',
        ]
        children = [
            f'      <ReferentialConstraint Property="{value}" '
            f'ReferencedProperty="{self.type_of(target)}id"/>'
        ]
        children += _description(spec.get("description"), "      ")
        self.element("NavigationProperty", attributes, children, "    ")

    def element(self, tag: str, attributes: list[str], children: list[str], indent: str) -> None:
        if not children:
            self.lines.append(f"{indent}<{tag} {' '.join(attributes)}/>")
            return
        self.lines.append(f"{indent}<{tag} {' '.join(attributes)}>")
        self.lines.extend(children)
        self.lines.append(f"{indent}</{tag}>")

    def alternate_keys(self, schema: dict[str, Any]) -> None:
        keys = schema.get("x-alternate-keys") or []
        if not keys:
            return
        properties = schema["properties"]
        self.lines.append('    <Annotation Term="OData.Community.Keys.V1.AlternateKeys">')
        self.lines.append("      <Collection>")
        for key in keys:
            self.lines.append('        <Record Type="OData.Community.Keys.V1.AlternateKey">')
            self.lines.append('          <PropertyValue Property="Key">')
            self.lines.append("            <Collection>")
            for part in key:
                path = _lookup_value(part) if "x-lookup" in properties[part] else part
                self.lines.append(
                    '              <Record Type="OData.Community.Keys.V1.PropertyRef">'
                )
                self.lines.append(
                    f'                <PropertyValue Property="Alias" String="{part}"/>'
                )
                self.lines.append(
                    f'                <PropertyValue Property="Name" PropertyPath="{path}"/>'
                )
                self.lines.append("              </Record>")
            self.lines.append("            </Collection>")
            self.lines.append("          </PropertyValue>")
            self.lines.append("        </Record>")
        self.lines.append("      </Collection>")
        self.lines.append("    </Annotation>")

    def entity_type(self, schema: dict[str, Any]) -> None:
        self.lines.append(f"  <EntityType Name={quoteattr(schema['title'])}>")
        self.lines.append("    <Key>")
        self.lines.extend(
            f"      <PropertyRef Name={quoteattr(name)}/>" for name in schema.get("x-key", [])
        )
        self.lines.append("    </Key>")
        for name, spec in schema["properties"].items():
            if "x-lookup" in spec:
                self.lookup(name, spec)
            else:
                self.property(name, spec)
        self.alternate_keys(schema)
        self.lines.extend(_description(schema.get("description"), "    "))
        self.lines.append("  </EntityType>")

    def enum_types(self) -> None:
        written: set[str] = set()
        for schema in self.schemas:
            for name, definition in (schema.get("$defs") or {}).items():
                if name in written:
                    continue
                written.add(name)
                self.lines.append(f"  <EnumType Name={quoteattr(name)}>")
                self.lines.extend(
                    f"    <Member Name={quoteattr(member)} Value=\"{definition['x-enum-values'][member]}\"/>"
                    for member in definition["enum"]
                )
                self.lines.extend(_description(definition.get("description"), "    "))
                self.lines.append("  </EnumType>")

    def write(self) -> str:
        for schema in self.schemas:
            self.entity_type(schema)
        self.enum_types()
        stubs = [
            name for name in self.types if name not in {s["x-entity-set"] for s in self.schemas}
        ]
        for entity_set in stubs:
            self.lines.append(f'  <EntityType Name="{self.types[entity_set]}">')
            self.lines.append(f'    <Key><PropertyRef Name="{self.types[entity_set]}id"/></Key>')
            self.lines.append(f'    <Property Name="{self.types[entity_set]}id" Type="Edm.Guid"/>')
            self.lines.append("  </EntityType>")
        self.lines.append('  <EntityContainer Name="Container">')
        for entity_set, type_name in self.types.items():
            self.lines.append(
                f'    <EntitySet Name="{entity_set}" EntityType="{self.namespace}.{type_name}"/>'
            )
        self.lines.append("  </EntityContainer>")
        alias = f' Alias="{self.alias}"' if self.alias != self.namespace else ""
        head = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
            '<edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">',
            '  <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>',
            "</edmx:Reference>",
            "<edmx:DataServices>",
            f'<Schema Namespace="{self.namespace}"{alias} xmlns="http://docs.oasis-open.org/odata/ns/edm">',
        ]
        return (
            "\n".join([*head, *self.lines, "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"])
            + "\n"
        )


def write_csdl(schemas: list[dict[str, Any]], namespace: str) -> str:
    """The $metadata document of a service that has exactly these entity sets."""
    return _Writer(schemas, namespace).write()


def _label(text: str) -> dict[str, Any]:
    localized = {"Label": text, "LanguageCode": 1033, "IsManaged": True}
    return {
        "LocalizedLabels": [localized] if text else [],
        "UserLocalizedLabel": localized if text else None,
    }


def write_option_sets(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The attribute-metadata responses (picklist, then Boolean) for a Dataverse schema's options."""
    context = (
        "https://contoso.crm.dynamics.com/api/data/v9.2/$metadata#EntityDefinitions"
        f"('{schema['title']}')/Attributes/Microsoft.Dynamics.CRM.{{kind}}AttributeMetadata"
        "(LogicalName,OptionSet,GlobalOptionSet)"
    )
    picklists: list[dict[str, Any]] = []
    booleans: list[dict[str, Any]] = []
    for name, spec in schema["properties"].items():
        names = spec.get("x-enum-names") or {}
        if spec.get("type") == "integer" and "enum" in spec:
            options = [
                {"Value": value, "Label": _label(names.get(value, ""))} for value in spec["enum"]
            ]
            picklists.append(
                {"LogicalName": name, "OptionSet": {"Options": options}, "GlobalOptionSet": None}
            )
        elif spec.get("type") == "boolean" and names:
            option_set = {
                "TrueOption": {"Value": 1, "Label": _label(names.get(True, ""))},
                "FalseOption": {"Value": 0, "Label": _label(names.get(False, ""))},
            }
            booleans.append({"LogicalName": name, "OptionSet": option_set, "GlobalOptionSet": None})
    return [
        {"@odata.context": context.format(kind=kind), "value": value}
        for kind, value in (("Picklist", picklists), ("Boolean", booleans))
        if value
    ]
