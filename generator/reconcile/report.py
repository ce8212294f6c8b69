"""report.md, what a person reads first: the counts and examples of a reconcile, per company."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from generator.plan.model import Direction
from generator.reconcile.columns import Comparison

EXAMPLES = 3  # per column and company
TOP = 10  # columns shown per company
COUNTS = ("paired", "different", "only_in_finance", "only_in_dataverse", "rejected", "filtered")
HEADINGS = ("paired", "differ", "only in F&O", "only in Dataverse", "rejected", "filtered out")
WHERE = {Direction.TO_DATAVERSE: "F&O → Dataverse", Direction.TO_FINANCE: "Dataverse → F&O"}

Column = tuple[str, str]  # (column, direction)


class Tally:
    """The counts per company (None: all of them), per outcome and per differing column."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.outcomes: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
        self.differing: defaultdict[str | None, Counter[int]] = defaultdict(Counter)
        self.examples: defaultdict[tuple[str | None, Column], list[str]] = defaultdict(list)

    def add(self, company: str | None, outcome: str, count: int, columns: list[int]) -> None:
        for scope in {company, None}:
            self.outcomes[scope][outcome] += count
            for index, rows in enumerate(columns):
                if rows:
                    self.differing[scope][index] += rows

    def companies(self) -> list[str]:
        return sorted(company for company in self.outcomes if company is not None)

    def counts(self, company: str | None) -> dict[str, int]:
        found = self.outcomes[company]
        counts = {"paired": found["same"] + found["different"]}
        counts.update((name, found[name]) for name in COUNTS[1:])
        return counts

    def columns(self, company: str | None) -> list[dict[str, object]]:
        """Differing columns, most rows first."""
        compared = self.comparison.compared
        ranked = sorted(
            self.differing[company].items(),
            key=lambda item: (-item[1], compared[item[0]].column),
        )
        return [
            {
                "column": compared[index].column,
                "direction": compared[index].direction.value,
                "rows": rows,
            }
            for index, rows in ranked
        ]

    def example(self, line: dict[str, object]) -> None:
        """Keep the first few differences of each column, as the report shows them."""
        key = ", ".join(str(value) for value in dict(line["key"]).values())  # type: ignore[call-overload]
        company = line["company"]
        assert company is None or isinstance(company, str)
        for column in line["columns"]:  # type: ignore[attr-defined]
            for scope in {company, None}:
                kept = self.examples[scope, (column["column"], column["direction"])]
                if len(kept) < EXAMPLES:
                    finance, dataverse = (
                        json.dumps(column[side], ensure_ascii=False)
                        for side in ("finance", "dataverse")
                    )
                    shown = f"`{key}`: F&O {finance}, Dataverse {dataverse}"
                    kept.append(shown.replace("|", "\\|"))  # a | would end the table's cell


def write_report(
    path: Path, comparison: Comparison, summary: dict[str, object], tally: Tally
) -> None:
    plan = comparison.plan
    lines = [
        f"# Reconciling {plan.template} (`{plan.module}`)",
        "",
        f"F&O export `{summary['finance']}` ({summary['finance_rows']} rows) against Dataverse "
        f"export `{summary['dataverse']}` ({summary['dataverse_rows']} rows), on "
        f"{'Spark' if summary['engine'] == 'spark' else 'DuckDB'}.",
        "",
        "| company | " + " | ".join(HEADINGS) + " |",
        "| --- |" + " ---: |" * len(HEADINGS),
    ]
    scopes: list[str | None] = [*tally.companies(), None]
    for scope in scopes:
        counts = tally.counts(scope)
        name = "**all**" if scope is None else scope
        lines.append(f"| {name} | " + " | ".join(str(counts[key]) for key in COUNTS) + " |")
    repairs = summary["repairs"]
    lines += [
        "",
        f"`repairs/` holds {repairs} upserts that make Dataverse agree with F&O (the rows only "
        "in F&O, and those whose F&O → Dataverse columns differ). Rows only in Dataverse are "
        "listed in `only_in_dataverse.jsonl`, never deleted. Rejected rows are in "
        "`rejects.jsonl`, every difference in `differences.jsonl`.",
    ]
    # With one company, its section would be the whole's again.
    sections = scopes if len(scopes) > 2 else scopes[:1]
    for scope in sections:
        columns = tally.columns(scope)
        title = "All companies" if scope is None else f"Company {scope}"
        lines += ["", f"## {title}", ""]
        if not columns:
            lines.append("No column differs.")
            continue
        lines += ["| column | direction | rows | examples |", "| --- | --- | ---: | --- |"]
        for column in columns[:TOP]:
            name, direction = str(column["column"]), str(column["direction"])
            shown = "; ".join(tally.examples[scope, (name, direction)])
            where = WHERE[Direction(direction)]
            lines.append(f"| `{name}` | {where} | {column['rows']} | {shown} |")
        if len(columns) > TOP:
            lines.append(f"\nAnd {len(columns) - TOP} more columns (see summary.json).")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
