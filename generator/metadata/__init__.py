"""Schema import: $metadata (OData CSDL) and attribute-metadata JSON in, entity schema YAML out."""
