"""``python -m generator``: the tablemap compiler's command line."""

import sys

from generator.dependencies import check


def run() -> int:
    problem = check(sys.argv[1:])
    if problem is not None:
        # The user's set-up, not a bug: no traceback, and the exit status of bad usage.
        print(problem.headline(), file=sys.stderr)
        return 2
    # Imported only now: the compiler's modules import the packages just checked.
    from generator.cli import main

    return main()


sys.exit(run())
