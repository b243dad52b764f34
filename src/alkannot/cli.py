"""alkannot: ALK TKI resistance annotation for ALK-rearranged lung cancer (research use only).

Commands: annotate (one sample), annotate-batch (samples of a sheet), patient-report (timeline),
cohort-report (cohort summary), build-resources (transcript models). `alkannot <command> --help` lists
each command's options.

Every command turns an InputError into one line on stderr and exit status 2; anything else is a bug
and is shown as such (exit 3) with a hint to report it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

# numpy is imported by cyvcf2 only; OpenBLAS would start a thread per core at import (~50 ms) for nothing.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from alkannot import __version__  # noqa: E402
from alkannot.errors import InputError  # noqa: E402


def _cmd_build_resources(a: argparse.Namespace) -> None:
    from alkannot.annotate.transcripts import build_transcripts
    from alkannot.io.atomic import atomic_write_text

    res = build_transcripts(Path(a.gtf), Path(a.cds_fasta), a.build,
                            Path(a.genome_fasta) if a.genome_fasta else None)
    out = Path(a.out) / a.build / "transcripts.json"
    atomic_write_text(out, json.dumps(res, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out} ({len(res['transcripts'])} transcripts)", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="alkannot", description="\n".join(__doc__.splitlines()[:5]),
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Research use only: verdicts restate published evidence (Tabbò et al. 2020 "
                                       "and its references); they are not treatment recommendations.")
    p.add_argument("--version", action="version", version=f"alkannot {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build-resources", help="build the transcript resource from GTF + CDS FASTA",
                       description="Build resources/<build>/transcripts.json (the bundled transcript models) "
                                   "from a RefSeq/MANE GTF and the matching CDS FASTA.")
    b.add_argument("--gtf", required=True, help="GTF with the target transcripts (RefSeq/MANE)")
    b.add_argument("--cds-fasta", required=True, help="CDS FASTA of the same transcripts (for the protein check)")
    b.add_argument("--genome-fasta", help="genome FASTA (indexed) to store exon sequence for REF checks")
    b.add_argument("--build", required=True, choices=["GRCh37", "GRCh38"], help="genome build: GRCh37 or GRCh38")
    b.add_argument("--out", required=True, help="resources directory to write <build>/transcripts.json into")
    b.set_defaults(func=_cmd_build_resources)

    from alkannot import commands

    commands.register(sub)
    from alkannot import batch

    batch.register(sub)
    from alkannot import kb_cli

    kb_cli.register(sub)
    return p


def _one_line_usage_errors(parser: argparse.ArgumentParser) -> None:
    """argparse prints the whole usage before its error; keep the one-line contract instead."""

    def error(message: str, prog: str = parser.prog) -> None:
        print(f"alkannot: error: {prog}: {message} (see '{prog} --help')", file=sys.stderr)
        sys.exit(2)

    parser.error = error  # type: ignore[method-assign]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _one_line_usage_errors(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _one_line_usage_errors(parser)
    a = parser.parse_args(argv)
    try:
        a.func(a)
    except InputError as e:
        print(f"alkannot: error: {e.one_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as e:
        # unreadable input or unwritable output (permissions, a file where --out wants a directory)
        name = e.filename or ""
        msg = f"{name}: {e.strerror or e}" if name else str(e)
        if isinstance(e, FileExistsError):
            msg = f"{name}: exists and is not a directory"
        print(f"alkannot: error: {' '.join(msg.split())} (check the path and its permissions)", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - a bug: one line, not a traceback, unless asked for
        if os.environ.get("ALKANNOT_DEBUG"):
            raise
        what = " ".join(f"{type(e).__name__}: {e}".split())[:300]
        print(f"alkannot: error: internal error ({what}); this is a bug in alkannot {__version__}, please report "
              "it with the command line (rerun with ALKANNOT_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3
    return 0


# Commands that handle one sample (or none): their short process runs without the cyclic garbage collector
# (console_main). The others loop over many samples and keep it, so cycles are collected as they go.
ONE_SAMPLE_COMMANDS = frozenset({"annotate", "patient-report", "build-resources"})


def console_main() -> None:
    """The `alkannot` command (pyproject's entry point; `python -m alkannot.cli` too): main() in a process that
    ends when it returns, with the cyclic garbage collector set for that.

    - A one-sample command (ONE_SAMPLE_COMMANDS) runs with the collector off: its imports and set-up make
      ~35,000 tracked objects that live until exit, and the collections that walk them find nothing (the
      sample itself already runs with the collector paused, pipeline._no_cyclic_gc; a panel sample leaves ~40
      cyclic objects behind).
    - Every command then freezes what is alive before the interpreter exits (gc.freeze), so the exit's
      collections do not walk those objects once more.
    Together ~35 ms of a ~0.2 s panel sample (benchmarks/README.md). main() itself leaves the collector alone:
    a process that calls it (tests, benchmarks) keeps its own settings."""
    args = sys.argv[1:]
    if _command_name(args) in ONE_SAMPLE_COMMANDS:
        gc.disable()
    code = main(args)
    gc.freeze()
    sys.exit(code)


def _command_name(args: list[str]) -> str | None:
    """The subcommand of an argument list: its first argument that is not an option (the top-level options,
    --help and --version, take no value)."""
    return next((x for x in args if not x.startswith("-")), None)


if __name__ == "__main__":
    console_main()
