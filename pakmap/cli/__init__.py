"""The ``pakmap`` command line.

Each sub-command has its parser in a module of this package (``register(subparsers)``, argparse only)
and its implementation in ``pakmap.commands``, imported only when that command runs: ``pakmap --help``,
``--version`` and a mistyped option never load geopandas, Qt or the renderer. This module assembles
the parsers, runs the chosen command and turns errors into one line. Bad input
(any ``PakmapError``) exits with status 2 and a sentence naming the file, the problem and the fix;
anything unexpected exits with status 1 and one line too (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import linecache
import os
import sys
import threading
import warnings
from pathlib import Path

from .. import __version__
from ..errors import PakmapError
from ..gc_pause import start_up

# Sub-command parser modules, in the order ``pakmap --help`` lists them.
COMMANDS = (
    "info",
    "map",
    "render",
    "join",
    "dissolve",
    "check",
    "quality",
    "exposure",
    "who_what_where",
    "boundaries",
    "demo",
    "export_qgis",
    "style",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pakmap", description="Maps for refugee-operation information management: read, join, style, export."
    )
    parser.add_argument("--version", action="version", version=f"pakmap {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{name}":
                continue  # a command still being built is simply not offered
            raise
        module.register(sub)
    return parser


_PACKAGE = Path(__file__).resolve().parent.parent


def command_function(spec: str):
    """``"pakmap.commands.map:run"`` → that function: the command's implementation is imported here,
    once the arguments are parsed, so building the parser stays light."""
    module, _, name = spec.partition(":")
    with start_up():
        function = getattr(importlib.import_module(module), name)
    # PySide6's import hook reads the source of every module imported after Qt (looking for
    # ``from __feature__``) through ``linecache``, which keeps it: ~6 MB of text lines in a render.
    linecache.clearcache()
    return function


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """pakmap's own warnings as one line each; the libraries' (GDAL's notes on a file through pyogrio
    and rasterio, numpy's) are not shown: the officer gets pakmap's sentence, not GDAL's."""
    if Path(filename).resolve().is_relative_to(_PACKAGE):
        print(f"pakmap: warning: {' '.join(str(message).split())}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():
            if not args.debug:
                warnings.showwarning = _show_warning
            return int(command_function(args.run)(args) or 0)
    except PakmapError as exc:
        print(f"pakmap: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pakmap: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _output_gone()
        return 1
    except Exception as exc:  # noqa: BLE001 - the CLI promises no tracebacks
        if args.debug:
            raise
        detail = " ".join(str(exc).split()) or type(exc).__name__
        print(f"pakmap: unexpected error: {detail} — run again with --debug and report it", file=sys.stderr)
        return 1


def _output_gone() -> None:
    """The reader of the output went away (``pakmap info FILE | head``): nothing is left to say, and
    what is still buffered is dropped instead of failing again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def run() -> None:
    """The ``pakmap`` script: ``main()``, then the process ends without the interpreter's teardown.

    The teardown deallocates the libraries' objects one by one before the system takes the memory
    back anyway (0.1 s of ``pakmap info``, more after a render: bench/README.md). What it does that
    matters is done here: the exit handlers run (temporary folders left to them are removed) and the
    output is flushed. While a thread other than a daemon's is still alive, the process exits the
    normal way, which waits for it. (``--help``, ``--version`` and argument errors exit through
    ``SystemExit`` before.)
    """
    code = main()
    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _output_gone()
        code = code or 1
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
