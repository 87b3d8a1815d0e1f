"""`selfhelp feedback ...`: the anonymous outcome log, in the user's hands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..i18n import _
from .context import Context, error


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("feedback", parents=[common], help=_("the anonymous outcome log"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("status", parents=[common], help=_("on or off and why, counts, size"))
    actions.add_parser("show", parents=[common], help=_("pending records as JSON lines"))
    actions.add_parser("purge", parents=[common], help=_("delete every record"))
    actions.add_parser("enable", parents=[common], help=_("turn the outcome log on"))
    actions.add_parser("disable", parents=[common], help=_("turn the outcome log off"))
    ex = actions.add_parser("export", parents=[common], help=_("write pending records to a file"))
    ex.add_argument("file", metavar="FILE", help=_("NDJSON file (.gz to compress)"))
    ex.add_argument(
        "--mark-sent",
        action="store_true",
        help=_("mark the records delivered once the file is safely written"),
    )
    up = actions.add_parser("upload", parents=[common], help=_("send pending records"))
    up.add_argument("--url", help=_("the endpoint (default: config file or the guide pack)"))
    up.add_argument("--format", choices=("ndjson", "otlp"), default="ndjson")
    up.add_argument("--timeout", type=float, default=10.0, help=_("seconds per request"))
    up.add_argument("--max-time", type=float, default=120.0, help=_("seconds for the whole upload"))
    rep = actions.add_parser("report", parents=[common], help=_("figures per guide and per node"))
    rep.add_argument("files", nargs="*", metavar="FILE", help=_("exports (default: the local log)"))
    rep.add_argument("--format", choices=("table", "json", "csv"), default="table")
    rep.add_argument("--min-count", type=int, default=1, metavar="K",
                     help=_("hide figures built from fewer than K sessions"))  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback.settings import feedback_state, set_enabled

    action = args.action
    if action in ("enable", "disable"):
        set_enabled(ctx.dirs, action == "enable")
        state = feedback_state(ctx.dirs, ctx.env)
        print(_("Feedback is {state}: {reason}.").format(
            state=_("on") if state.enabled else _("off"), reason=state.reason))  # fmt: skip
        return 0
    store = ctx.feedback_store
    if action == "status":
        return _status(ctx)
    if action == "show":
        for record in store.pending():
            print(json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
        return 0
    if action == "purge":
        store.purge()
        print(_("Every outcome record was deleted."))
        return 0
    if action == "export":
        from ..feedback.export import export

        manifest = export(store, Path(args.file), mark_sent=args.mark_sent)
        print(_("{n} records written to {file} (SHA-256 {sha})").format(
            n=manifest["records"], file=args.file, sha=manifest["sha256"][:16]))  # fmt: skip
        return 0
    if action == "upload":
        return _upload(args, ctx)
    return _report(args, ctx)


def _status(ctx: Context) -> int:
    from ..feedback.settings import db_path, feedback_state

    state = feedback_state(ctx.dirs, ctx.env)
    stats = ctx.feedback_store.stats()
    print(_("Feedback: {state} ({reason})").format(
        state=_("on") if state.enabled else _("off"), reason=state.reason))  # fmt: skip
    print(_("Stored in: {path}").format(path=db_path(ctx.dirs)))
    print(_("Pending: {n} records, {size} bytes").format(
        n=stats["pending"], size=stats["pending_bytes"]))  # fmt: skip
    print(_("Delivered: {n}; rejected by the server: {r}").format(
        n=stats["sent"], r=stats["rejected"]))  # fmt: skip
    drops = {k: v for k, v in stats.items() if k.startswith("dropped_") and v}
    print(_("Dropped: {drops}").format(
        drops=", ".join(f"{v} ({k.removeprefix('dropped_')})" for k, v in drops.items())
        or _("none")))  # fmt: skip
    from ..feedback.settings import configured_url

    url, where = configured_url(ctx.dirs, [Path(d) for d in ctx.guide_dirs])
    print(_("Endpoint: {url}").format(url=f"{url} ({where})" if url else _("none configured")))
    return 0


def _upload(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback.settings import configured_url, feedback_state
    from ..feedback.upload import EndpointError, Options, Uploader

    state = feedback_state(ctx.dirs, ctx.env)
    if not state.enabled:
        error(_("feedback is off ({reason}); nothing is sent").format(reason=state.reason))
        return 1
    url = args.url or configured_url(ctx.dirs, [Path(d) for d in ctx.guide_dirs])[0]
    if not url:
        error(_("no endpoint: give --url or set feedback_url in the config file"))
        return 2
    progress = None
    if sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task(_("Uploading"), total=None)
        bar.start()

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

    opts = Options(url=url, format=args.format, timeout_s=args.timeout, total_s=args.max_time)
    try:
        result = Uploader(ctx.feedback_store, opts, progress=progress).run()
    except EndpointError as exc:
        error(str(exc))
        return 2
    finally:
        if progress is not None:
            bar.stop()
    print(_("Delivered {d}, rejected {r}, still pending {p}.").format(
        d=result.delivered, r=result.rejected, p=result.pending))  # fmt: skip
    if result.stopped:
        error(result.stopped)
        return 1
    return 0


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback import report

    if args.files:
        import os

        built = report.build_from_files(args.files, workers=os.cpu_count() or 1)
    else:
        built = report.build(ctx.feedback_store.all_records())
    if args.format == "json":
        print(report.to_json(built, args.min_count))
    elif args.format == "csv":
        sys.stdout.write(report.to_csv(built, args.min_count))
    else:
        report.print_tables(built, args.min_count)
    return 0
