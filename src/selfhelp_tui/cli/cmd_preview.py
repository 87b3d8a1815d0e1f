"""`selfhelp preview FILE`: the writer's live preview of one guide file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import _
from .context import Context, error


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "preview", parents=[common], help=_("open a guide file and reload it whenever it is saved")
    )
    p.add_argument("file", metavar="FILE", help=_("the guide file"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    path = Path(args.file)
    if not path.is_file():
        error(_("no such file: {file}").format(file=args.file))
        return 2
    from ..tui.app import PreviewApp

    app = PreviewApp(path)
    app.run()
    return app.return_code or 0
