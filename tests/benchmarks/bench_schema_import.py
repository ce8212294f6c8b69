"""Benchmark: a generated ~150 MB finance and operations $metadata in, seconds and peak RSS out.

``python tests/benchmarks/bench_schema_import.py`` writes the document in a temporary folder,
imports three entities from it with ``python -m generator schema import`` and prints how long
it took and the importer's peak resident memory against the limits (15 s, 300 MB), then runs
the ``slow`` test that checks the imported schemas and the memory bound. Exit 1 if a limit or
the test failed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "Microsoft.Dynamics.DataEntities"
# Entity set -> entity type, as F&O names them; spread over the document.
WANTED = {
    "CustomersV3": "CustomerV3",
    "VendorsV2": "VendorV2",
    "ReleasedProductsV2": "ReleasedProductV2",
}
ENTITIES = tuple(WANTED)
LIMIT_SECONDS = 15.0
LIMIT_MB = 300.0
_ENUMS = 3000


@dataclass(frozen=True)
class Measurement:
    status: int
    seconds: float
    # CPU time tells what wall time means on a busy machine.
    cpu_seconds: float
    peak_mb: float
    output: str


def _entity_type(name: str, index: int) -> str:
    lines = [
        f'<EntityType Name="{name}">',
        '<Key><PropertyRef Name="dataAreaId"/><PropertyRef Name="Id"/></Key>',
        '<Property Name="dataAreaId" Type="Edm.String" Nullable="false" MaxLength="4"/>',
        '<Property Name="Id" Type="Edm.String" Nullable="false" MaxLength="20"/>',
    ]
    for field in range(60):
        kind = field % 4
        if kind == 0:
            lines.append(f'<Property Name="Text{field}" Type="Edm.String" MaxLength="60"/>')
        elif kind == 1:
            lines.append(
                f'<Property Name="Amount{field}" Type="Edm.Decimal" Nullable="false" '
                'Precision="32" Scale="6"/>'
            )
        elif kind == 2:
            enum = f"{NAMESPACE}.Enum{(index + field) % _ENUMS}"
            lines.append(f'<Property Name="Choice{field}" Type="{enum}"/>')
        else:
            lines.append(
                f'<Property Name="Flag{field}" Type="Edm.Int32" Nullable="false">'
                '<Annotation Term="Microsoft.Dynamics.OData.Core.V1.AllowEdit" Bool="true"/>'
                "</Property>"
            )
    lines.append(f'<NavigationProperty Name="Parent" Type="{NAMESPACE}.Entity{index + 1}"/>')
    lines.append("</EntityType>")
    return "\n".join(lines) + "\n"


def write_document(path: Path, megabytes: int) -> int:
    """Write a document of about ``megabytes`` MB; the wanted entities sit at the start, the
    middle and the end. Returns its size in bytes."""
    target = megabytes * 1_000_000
    one = len(_entity_type("Entity0", 0).encode())
    count = max(target // one, 3)
    places = {0: 0, count // 2: 1, count - 1: 2}
    sets: list[tuple[str, str]] = []
    with path.open("w", encoding="utf-8") as stream:
        stream.write(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">'
            f'<edmx:DataServices><Schema Namespace="{NAMESPACE}" '
            'xmlns="http://docs.oasis-open.org/odata/ns/edm">\n'
        )
        for index in range(count):
            if index in places:
                entity_set = ENTITIES[places[index]]
                type_name = WANTED[entity_set]
            else:
                entity_set, type_name = f"Entities{index}", f"Entity{index}"
            sets.append((entity_set, type_name))
            stream.write(_entity_type(type_name, index))
        for number in range(_ENUMS):
            members = "".join(f'<Member Name="Value{m}" Value="{m}"/>' for m in range(8))
            stream.write(f'<EnumType Name="Enum{number}">{members}</EnumType>\n')
        stream.write('<EntityContainer Name="Resources">\n')
        for entity_set, type_name in sets:
            stream.write(f'<EntitySet Name="{entity_set}" EntityType="{NAMESPACE}.{type_name}"/>\n')
        stream.write("</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>\n")
    return path.stat().st_size


def measure(document: Path, project: Path) -> Measurement:
    """Import ENTITIES from ``document`` into ``project`` in a child process: wall time and the
    child's own peak RSS (from wait4, so the parent's memory does not count)."""
    (project / "specs").mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "generator", "schema", "import", str(document), *ENTITIES]
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=project, env=environment, stdout=output, stderr=output
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(child.returncode, seconds, cpu, usage.ru_maxrss / 1024, text)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "metadata.xml"
        size = write_document(document, megabytes=150)
        result = measure(document, Path(folder) / "project")
    print(result.output, end="")
    print(
        f"schema import of {len(ENTITIES)} entities from a {size / 1e6:.1f} MB document: "
        f"{result.seconds:.1f} s (limit {LIMIT_SECONDS:.0f} s; {result.cpu_seconds:.1f} s of CPU), "
        f"peak RSS {result.peak_mb:.0f} MB "
        f"(limit {LIMIT_MB:.0f} MB)"
    )
    within = result.status == 0 and result.seconds < LIMIT_SECONDS and result.peak_mb < LIMIT_MB
    test = Path(__file__).resolve().parents[1] / "test_schema_round_trip.py"
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "slow", str(test)], cwd=ROOT, check=False
    )
    return 0 if within and tested.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
