"""`selfhelp feedback ...`: the anonymous outcome log, in the user's hands.

No command here ends in a traceback over the log's state: a full, read-only or
damaged disk gives a clear message and exit code 1; commands that only read never
create the log.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..i18n import _
from .context import Context, error, min_count_arg


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
    rep.add_argument(
        "--min-count",
        type=min_count_arg,
        default=None,
        metavar="K",
        help=_("hide figures built from fewer than K sessions (default: 5)"),
    )
    rep.add_argument(
        "--all",
        action="store_true",
        dest="all_nodes",
        help=_("list every node of every guide (default: the worst few of each)"),
    )
    rep.add_argument(
        "--html",
        metavar="FILE",
        help=_("also write a page with each guide's tree coloured by where readers stop"),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback.settings import feedback_state, set_enabled
    from ..feedback.store import StoreError

    action = args.action
    if action in ("enable", "disable"):
        try:
            set_enabled(ctx.dirs, action == "enable")
        except OSError as exc:
            error(_("the config file cannot be written ({error})").format(error=exc.strerror))
            return 1
        state = feedback_state(ctx.dirs, ctx.env)
        print(
            _("Feedback is {state}: {reason}.").format(
                state=_("on") if state.enabled else _("off"), reason=state.reason
            )
        )
        return 0
    try:
        return _dispatch(args, ctx)
    except StoreError as exc:
        error(_("the outcome log: {reason}").format(reason=exc))
        return 1
    finally:
        for notice in ctx.feedback_store.notices:
            print(notice, file=sys.stderr)
        ctx.feedback_store.notices.clear()


def _dispatch(args: argparse.Namespace, ctx: Context) -> int:
    action = args.action
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
        return _export(args, ctx)
    if action == "upload":
        return _upload(args, ctx)
    return _report(args, ctx)


def _export(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback.export import NotMarked, export

    target = Path(args.file)
    try:
        manifest = export(ctx.feedback_store, target, mark_sent=args.mark_sent)
    except OSError as exc:
        error(
            _("{file} cannot be written ({error})").format(file=target, error=exc.strerror or exc)
        )
        return 1
    except NotMarked as exc:
        print(
            _("{n} records written to {file} (SHA-256 {sha})").format(
                n=exc.manifest["records"], file=args.file, sha=exc.manifest["sha256"][:16]
            )
        )
        error(
            _("the records could not be marked sent ({reason}); they stay pending").format(
                reason=exc
            )
        )
        return 1
    print(
        _("{n} records written to {file} (SHA-256 {sha})").format(
            n=manifest["records"], file=args.file, sha=manifest["sha256"][:16]
        )
    )
    return 0


def _plan(ctx: Context, url: str | None = None):  # type: ignore[no-untyped-def]
    from ..feedback.endpoints import plan

    return plan(ctx.dirs, [s for s in ctx.sources() if s.origin != "bundled"], url)


def _status(ctx: Context) -> int:
    from ..feedback.endpoints import source_tag
    from ..feedback.settings import db_path, feedback_state
    from ..feedback.store import StoreError

    state = feedback_state(ctx.dirs, ctx.env)
    print(
        _("Feedback: {state} ({reason})").format(
            state=_("on") if state.enabled else _("off"), reason=state.reason
        )
    )
    print(_("Stored in: {path}").format(path=db_path(ctx.dirs)))
    code = 0
    by_source: dict[str | None, int] = {}
    try:
        stats = ctx.feedback_store.stats()
        by_source = ctx.feedback_store.pending_by_source()
    except StoreError as exc:
        error(_("the outcome log cannot be read ({reason})").format(reason=exc))
        code = 1
    else:
        print(
            _("Pending: {n} records, {size} bytes").format(
                n=stats["pending"], size=stats["pending_bytes"]
            )
        )
        print(
            _("Delivered: {n}; rejected by the server: {r}").format(
                n=stats["sent"], r=stats["rejected"]
            )
        )
        drops = {k: v for k, v in stats.items() if k.startswith("dropped_") and v}
        print(
            _("Dropped: {drops}").format(
                drops=", ".join(f"{v} ({k.removeprefix('dropped_')})" for k, v in drops.items())
                or _("none")
            )
        )
    if ctx.feedback_store.damaged_path.exists():
        print(_("A damaged log was set aside: {path}").format(path=ctx.feedback_store.damaged_path))
    plan = _plan(ctx)
    taken = 0
    for endpoint in plan.endpoints:
        if endpoint is plan.user:
            continue
        n = sum(by_source.get(source_tag(folder), 0) for folder in endpoint.folders)
        taken += n
        print(
            _("Endpoint for the guides of {folders}: {url} ({where}), {n} pending").format(
                folders=", ".join(endpoint.folders), url=endpoint.url, where=endpoint.where, n=n
            )
        )
    rest = sum(by_source.values()) - taken
    if plan.user is not None:
        print(
            _("Endpoint: {url} ({where}), {n} pending").format(
                url=plan.user.url, where=plan.user.where, n=rest
            )
        )
    else:
        print(_("Endpoint: {url}").format(url=_("none configured")))
    from ..feedback.endpoints import ALLOW_KEY

    for manifest, url in plan.refused:
        print(
            _(
                "Not used: {manifest} names {url}; to send that folder's records there, "
                "list the folder under {key} in the config file"
            ).format(manifest=manifest, url=url, key=ALLOW_KEY)
        )
    return code


def _upload(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback.settings import feedback_state
    from ..feedback.upload import EndpointError, Options, Result, Uploader

    state = feedback_state(ctx.dirs, ctx.env)
    if not state.enabled:
        error(_("feedback is off ({reason}); nothing is sent").format(reason=state.reason))
        return 1
    plan = _plan(ctx, args.url)
    if not plan.endpoints:
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

    total, code = Result(), 0
    try:
        for endpoint in plan.endpoints:
            opts = Options(
                url=endpoint.url, format=args.format, timeout_s=args.timeout, total_s=args.max_time
            )
            try:
                result = Uploader(
                    ctx.feedback_store, opts, progress=progress, route=endpoint.route
                ).run()
            except EndpointError as exc:
                error(f"{endpoint.url} ({endpoint.where}): {exc}")
                code = 2
                continue
            total.delivered += result.delivered
            total.rejected += result.rejected
            if len(plan.endpoints) > 1:
                print(
                    _("{url}: delivered {d}, rejected {r}, still pending {p}.").format(
                        url=endpoint.url, d=result.delivered, r=result.rejected, p=result.pending
                    )
                )
            if result.stopped:
                error(f"{endpoint.url}: {result.stopped}")
                code = max(code, 1)
    finally:
        if progress is not None:
            bar.stop()
    pending = ctx.feedback_store.count_pending()
    print(
        _("Delivered {d}, rejected {r}, still pending {p}.").format(
            d=total.delivered, r=total.rejected, p=pending
        )
    )
    if plan.user is None and pending:
        print(
            _(
                "{n} records are for no endpoint here: set feedback_url in the config file, "
                "or give --url"
            ).format(n=pending),
            file=sys.stderr,
        )
    return code


def build_report(ctx: Context, files: list[str]):  # type: ignore[no-untyped-def]
    """The report over export files, or over the local log; an exit code (the
    error said) when a file cannot be read. StoreError passes through."""
    from ..feedback import report

    if not files:
        return report.build(ctx.feedback_store.all_records())
    import os

    try:
        return report.build_from_files(files, workers=os.cpu_count() or 1)
    except report.ReportInputError as exc:
        error(str(exc))
        return 2


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from ..feedback import report

    min_count = args.min_count or report.DEFAULT_MIN_COUNT
    built = build_report(ctx, args.files)
    if isinstance(built, int):
        return built
    if args.format == "json":
        print(report.to_json(built, min_count))
    elif args.format == "csv":
        sys.stdout.write(report.to_csv(built, min_count))
    else:
        report.print_tables(built, min_count, args.all_nodes)
    code = 0
    if args.html:
        from ..feedback.html import write_html

        try:
            write_html(Path(args.html), built, min_count, _guides_for(ctx, built))
        except OSError as exc:
            error(
                _("{file} cannot be written ({error})").format(
                    file=args.html, error=exc.strerror or exc
                )
            )
            return 1
        print(_("Page written: {file}").format(file=args.html), file=sys.stderr)
    skipped = sum(built.skipped.values())
    if skipped:
        code = 1
        reasons = ", ".join(f"{n} {reason}" for reason, n in built.skipped.most_common())
        print(
            _("Skipped {n} lines that are not outcome records: {reasons}").format(
                n=skipped, reasons=reasons
            ),
            file=sys.stderr,
        )
        for name, line, reason in built.first_bad:
            print(f"  {name}:{line}: {reason}", file=sys.stderr)
    for problem in built.problems:
        code = 1
        error(problem)
    return code


def _guides_for(ctx: Context, built) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The guides of the report that the library has (their trees are drawn)."""
    out: dict[str, object] = {}
    for guide_id, _version in built.guides:
        guide = None if guide_id in out else ctx.library.get(guide_id)
        if guide is not None:
            out[guide_id] = guide.localization.source if guide.localization else guide
    return out
