"""The auditors' back office as HTTP answers: the delivery log as JSON or CSV, an after-action
report as JSON (with what the console needs to print it), CSV or PDF.

reportlab is imported only inside `report_pdf`: the API's cold start never pays for it.
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape

from chalice.app import Response

from chalicelib.domain.errors import ClarionError
from chalicelib.domain.models import UNSAFE_TEXT
from chalicelib.services.audit_trail import csv_text
from chalicelib.services.reports import (MAX_CSV_BYTES, MAX_CSV_ROWS, READS_PER_CSV, DeliveryLog, LogRow, Report,
                                         ReportAdvisory)

PDF = "application/pdf"


class NotAcceptable(ClarionError):
    status, code = 406, "not_acceptable"


def require_accepted(output: str, accept: str | None) -> None:
    """A PDF goes out as binary, which API Gateway (and Chalice) send only to a caller whose Accept
    header takes it: say so in our error shape rather than let Chalice answer in its own."""
    if output != "pdf":
        return
    kinds = {part.split(";")[0].strip().lower() for part in (accept or "").split(",")}
    if not kinds & {PDF, "*/*", "application/*"}:
        raise NotAcceptable("the PDF needs the request header 'Accept: application/pdf'",
                            {"field": "Accept", "needs": PDF})


def _time(value: datetime | None) -> str:
    """A UTC time as the printed report shows it."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _utc(value: datetime | None) -> str:
    return f"{_time(value)} UTC" if value else "-"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- the delivery log ------------------------------------------------------------------------------
LOG_COLUMNS = ("at", "advisory_id", "msg_type", "status", "headline", "channel_account", "platform", "state",
               "attempts", "redrives", "queued_at", "attempted_at", "sent_at", "finished_at", "latency_ms",
               "post_id", "post_url", "pin_state", "pin_error", "last_error", "content_hash", "advisory_state")


def log_row_view(row: LogRow) -> dict[str, Any]:
    """One delivery as the log shows it, with its advisory's headline, type and status."""
    advisory, delivery = row.advisory, row.delivery
    return {
        "at": _iso(delivery.finished_at or delivery.queued_at), "advisory_id": advisory.id,
        "msg_type": advisory.msg_type.value, "status": advisory.content.status.value,
        "advisory_state": advisory.state.value, "headline": advisory.content.headline,
        "channel_account": delivery.channel_account, "platform": delivery.platform, "state": delivery.state.value,
        "attempts": delivery.attempts, "redrives": delivery.redrives, "queued_at": _iso(delivery.queued_at),
        "attempted_at": _iso(delivery.attempted_at), "sent_at": _iso(delivery.sent_at),
        "finished_at": _iso(delivery.finished_at), "latency_ms": delivery.latency_ms, "post_id": delivery.post_id,
        "post_url": delivery.post_url, "pin_state": delivery.pin_state.value, "pin_error": delivery.pin_error,
        "last_error": delivery.last_error, "content_hash": delivery.content_hash,
    }


def delivery_log_view(log: DeliveryLog, params: dict[str, str]) -> Any:
    """JSON: one page and its cursor. CSV: the whole filter in one file; cut short (at
    MAX_CSV_ROWS rows, MAX_CSV_BYTES bytes or READS_PER_CSV advisories read), it ends with a
    TRUNCATED row and carries `X-Truncated: true` and `X-Next-Cursor` to continue from."""
    if log.output != "csv":
        return {"deliveries": [log_row_view(r) for r in log.rows], "next_cursor": log.next_cursor,
                "examined_advisories": log.examined, "reached": _iso(log.reached)}
    lines, size, next_cursor = [], 0, log.next_cursor
    for index, row in enumerate(log.rows):
        line = csv_text(LOG_COLUMNS, [log_row_view(row)], header=False)
        if index and size + len(line.encode()) > MAX_CSV_BYTES:
            next_cursor = log.rows[index - 1].position.encode()
            break
        lines.append(line)
        size += len(line.encode())
    headers: dict[str, str | list[str]] = {"Content-Type": "text/csv; charset=utf-8",
                               "Content-Disposition": 'attachment; filename="clarion-deliveries.csv"'}
    trailer = None
    if next_cursor is not None:
        trailer = ["TRUNCATED", f"this export stops after {len(lines)} deliveries (an export holds at most "
                   f"{MAX_CSV_ROWS} rows or {MAX_CSV_BYTES // 1_000_000} MB, and reads at most {READS_PER_CSV} "
                   f"advisories); narrow the filter (from/to), or continue with after={next_cursor}"]
        following = urlencode({**params, "format": "csv", "after": next_cursor})
        headers.update({"X-Truncated": "true", "X-Next-Cursor": next_cursor, "Link": f'<?{following}>; rel="next"'})
    body = csv_text(LOG_COLUMNS, [], header=True) + "".join(lines)
    if trailer:
        body += csv_text(LOG_COLUMNS, [], header=False, trailer=trailer)
    return Response(body, status_code=200, headers=headers)


# -- after-action reports --------------------------------------------------------------------------
def report_links(report: Report) -> dict[str, str]:
    """The same report in each format, as paths from the API's root."""
    base = "advisories" if report.kind == "advisory" else "incidents"
    path = f"/{base}/{quote(report.requested_id, safe='')}/report"
    return {"json": path, "csv": f"{path}?format=csv", "pdf": f"{path}?format=pdf"}


def report_json(report: Report) -> dict[str, Any]:
    """The report, and under `document` what a printable page needs: its title and subtitle, the
    sections in order with their ids (anchors for the console's print stylesheet, which styles the
    page under `print.root_class`), the page size, and the other formats."""
    view = report.model_dump(mode="json")
    view["document"] = {
        "title": report.title,
        "subtitle": _subtitle(report),
        "generated_at": report.generated_at.isoformat(), "generated_by": report.generated_by, "timezone": "UTC",
        "formats": report_links(report),
        "print": {"root_class": "clarion-report", "page": {"size": "A4", "orientation": "portrait", "margin_mm": 15},
                  "sections": [{"id": "summary", "title": "Summary"},
                               *({"id": f"advisory-{a.id}", "title": _advisory_title(a)} for a in report.advisories),
                               {"id": "timeline", "title": "Timeline"}]},
    }
    return view


def _subtitle(report: Report) -> str:
    what = f"Incident {report.incident_id}" if report.kind == "incident" else f"Advisory {report.requested_id}"
    count = len(report.advisories)
    return (f"{what}, {count} advisor{'y' if count == 1 else 'ies'}; generated {_time(report.generated_at)} UTC "
            f"by {report.generated_by}")


def _drill(status: str) -> str:
    return "" if status == "Actual" else f" ({status.upper()})"


def _advisory_title(advisory: ReportAdvisory) -> str:
    return f"{advisory.label}{_drill(advisory.status)}: {advisory.headline}"


REPORT_COLUMNS = ("record", "seq", "at", "advisory_id", "msg_type", "actor", "action", "channel_account",
                  "platform", "state", "attempts", "retries", "post_url", "sent_at", "latency_from_approval_ms",
                  "pin_state", "content_hash", "detail")


def report_csv(report: Report) -> str:
    """One table of every kind of line, told apart by `record`: advisory, approval, delivery and
    event (the timeline), so a spreadsheet can filter on it."""
    rows: list[dict[str, Any]] = []
    for a in report.advisories:
        rows.append({"record": "advisory", "at": _iso(a.created_at), "advisory_id": a.id, "msg_type": a.msg_type.value,
                     "actor": a.author, "action": "create", "state": a.state.value, "content_hash": a.content_hash,
                     "detail": a.headline})
        if a.approval:
            rows.append({"record": "approval", "at": _iso(a.approval.at), "advisory_id": a.id,
                         "msg_type": a.msg_type.value, "actor": a.approval.by, "action": "approve",
                         "content_hash": a.approval.content_hash,
                         "detail": ("valid" if a.approval.valid else "void: the content changed since")
                         + (f"; via template {a.approval.via_template}" if a.approval.via_template else "")})
        for d in a.deliveries:
            rows.append({"record": "delivery", "at": _iso(d.finished_at or d.queued_at), "advisory_id": a.id,
                         "msg_type": a.msg_type.value, "channel_account": d.channel_account, "platform": d.platform,
                         "state": d.state.value, "attempts": d.attempts, "retries": d.retries, "post_url": d.post_url,
                         "sent_at": _iso(d.sent_at), "latency_from_approval_ms": d.latency_from_approval_ms,
                         "pin_state": d.pin_state, "content_hash": d.content_hash, "detail": d.last_error})
    for e in report.timeline:
        rows.append({"record": "event", "seq": e.seq, "at": _iso(e.at), "advisory_id": e.advisory_id,
                     "actor": e.actor, "action": e.action, "channel_account": e.channel_account,
                     "content_hash": e.hash, "detail": e.summary})
    trailer = ["NOTE", " ".join(report.notes)] if report.notes else None
    return csv_text(REPORT_COLUMNS, rows, trailer=trailer)


def report_view(report: Report, output: str) -> Any:
    # A stored advisory's id (never the path's text as given): safe in a header.
    name = f"clarion-report-{report.advisories[0].id if report.kind == 'advisory' else report.incident_id}"
    if output == "csv":
        return Response(report_csv(report), status_code=200, headers={
            "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}.csv"'})
    if output == "pdf":
        return Response(report_pdf(report), status_code=200, headers={
            "Content-Type": PDF, "Content-Disposition": f'inline; filename="{name}.pdf"'})
    return report_json(report)


def _text(value: object) -> str:
    """Text for a reportlab Paragraph, which reads markup: escaped, and without control characters."""
    return escape(UNSAFE_TEXT.sub("?", "" if value is None else str(value)))


def report_pdf(report: Report) -> bytes:
    """The report as a PDF (A4): summary, each advisory with its approval, deliveries and post
    links, then the timeline. Times are UTC."""
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.platypus import (Paragraph, SimpleDocTemplate, Spacer, Table,  # type: ignore[import-untyped]
                                    TableStyle)

    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontSize=9, leading=11)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    mono = ParagraphStyle("mono", parent=small, fontName="Courier")
    h1 = sheet["Title"]
    h2 = ParagraphStyle("h2", parent=sheet["Heading2"], keepWithNext=1)
    h3 = ParagraphStyle("h3", parent=sheet["Heading3"], keepWithNext=1)
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                       ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
    plain = TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])

    def p(value: object, style: Any = small) -> Any:
        return Paragraph(_text(value), style)

    def table(header: list[str] | None, rows: list[list[Any]], widths: list[float]) -> Any:
        head = [[p(h) for h in header]] if header else []
        t = Table([*head, *rows], colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        t.setStyle(grid if header else plain)
        return t

    totals = report.totals
    story: list[Any] = [
        Paragraph("After-action report", h1), Paragraph(_text(report.headline), h2),
        table(None, [
            [p("Report"), p(f"{report.kind} {report.requested_id}")],
            [p("Incident"), p(f"{report.incident_id} ({totals.advisories} advisories)")],
            [p("Generated"), p(f"{_time(report.generated_at)} UTC by {report.generated_by}")],
            [p("Advisories"), p("; ".join(f"{a.label}: {a.id} ({a.state.value})" for a in report.advisories))],
            [p("First approval"), p(_utc(totals.first_approval_at))],
            [p("First post"), p(_utc(totals.first_post_at))],
            [p("Last post"), p(_utc(totals.last_post_at))],
            [p("All clear posted"), p(_utc(totals.cancelled_at))],
            [p("Deliveries"), p(", ".join(f"{n} {s}" for s, n in sorted(totals.by_state.items())) or "none")],
            [p("Slowest approval to post"), p(totals.max_latency_from_approval_text or "-")],
        ], [45, 135]),
    ]
    for note in report.notes:
        story += [Spacer(1, 2 * mm), p(f"Note: {note}", body)]
    for advisory in report.advisories:
        story += [Spacer(1, 4 * mm), Paragraph(_text(_advisory_title(advisory)), h2),
                  p(f"{advisory.id}, {advisory.state.value}; written by {advisory.author} at "
                    f"{_time(advisory.created_at)} UTC"
                    + (f"; references {', '.join(advisory.references)}" if advisory.references else ""), body)]
        approval = advisory.approval
        if approval:
            via = f" through template {approval.via_template} (triggered by {approval.triggered_by})" \
                if approval.via_template else ""
            story += [p(f"Approved by {approval.by} at {_time(approval.at)} UTC{via}"
                        + ("" if approval.valid else " (void: the content changed since)"), body),
                      p(f"Content hash (sha256): {approval.content_hash}", mono)]
        else:
            story.append(p("Not approved.", body))
        if len(advisory.approvals) > 1:
            story.append(p("Approvals on the trail: " + "; ".join(
                f"{e.by} at {_time(e.at)} UTC (content {e.content_hash_prefix})" for e in advisory.approvals), small))
        if advisory.rejection:
            story.append(p(f"Rejected by {advisory.rejection.get('by')}: {advisory.rejection.get('reason')}", body))
        if advisory.withdrawal:
            story.append(p(f"Withdrawn by {advisory.withdrawal.get('by')}", body))
        if advisory.deliveries:
            story += [Paragraph("Deliveries", h3), table(
                ["Channel", "State", "Attempts", "Sent (UTC)", "Approval to post", "Pin", "Last error"],
                [[p(d.channel_account), p(d.state.value), p(f"{d.attempts} ({d.retries} retries)"),
                  p(_time(d.sent_at)), p(d.latency_from_approval_text or "-"), p(d.pin_state),
                  p(d.last_error or "")] for d in advisory.deliveries],
                [38, 15, 20, 29, 22, 18, 38])]
            story.append(Paragraph("Post links", h3))
            for d in advisory.deliveries:
                url = d.post_url or ""
                shown = _text(url) if url else "no link" + (f" (post {_text(d.post_id)})" if d.post_id else "")
                if url.startswith(("https://", "http://")):
                    shown = f'<link href="{escape(url, {chr(34): "&quot;"})}" color="blue">{shown}</link>'
                story.append(Paragraph(f"{_text(d.channel_account)}: {shown}", small))
            failures = [(d.channel_account, f) for d in advisory.deliveries for f in d.failures]
            if failures:
                story += [Paragraph("Failures and retries", h3),
                          table(["Time (UTC)", "Channel", "What happened"],
                                [[p(_time(f.at)), p(channel), p(f.what)] for channel, f in failures], [28, 40, 112])]
    labels = {a.id: a.label for a in report.advisories}
    story += [Spacer(1, 4 * mm), Paragraph("Timeline", h2), table(
        ["Time (UTC)", "Actor", "Action", "Advisory", "What"],
        [[p(_time(e.at)), p(e.actor), p(e.action), p(labels.get(e.advisory_id or "", e.advisory_id or "")),
          p(e.summary)] for e in report.timeline],
        [29, 30, 30, 17, 74])]

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(15 * mm, 8 * mm, f"Clarion after-action report, {report.kind} {report.requested_id[:64]}; "
                                           f"generated {_time(report.generated_at)} UTC; page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                 bottomMargin=15 * mm, title=report.title, author="Clarion",
                                 subject=f"{report.kind} {report.requested_id}", creator="Clarion")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
