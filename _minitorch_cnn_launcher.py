"""The ``minitorch-cnn`` command's entry point: start the real one (``minitorch_cnn.cli.main``).

It exists for one moment: the first second of a run, while Python imports NumPy and the engine.
Pressed then, Ctrl-C would surface as Python's own ``KeyboardInterrupt`` traceback from deep inside
an import, before the command's handlers exist; here it is one line and exit code 130, like a Ctrl-C
later in the run. Nothing has been read or written at that point. This module imports nothing heavy,
so that the ``try`` below covers the whole import.
"""
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C


def main(argv=None) -> int:
    try:
        from minitorch_cnn.cli import main as command
    except KeyboardInterrupt:
        print("minitorch-cnn: interrupted while starting (nothing was written)", file=sys.stderr)
        return EXIT_INTERRUPTED
    return command(argv)


if __name__ == "__main__":
    sys.exit(main())
