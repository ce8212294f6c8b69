"""``python -m generator.bulk``: the bulk command on its own, until the CLI wires it in."""

from __future__ import annotations

import argparse

from generator.bulk import command


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.bulk", description=command.__doc__)
    command.add_arguments(parser)
    return command.run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
