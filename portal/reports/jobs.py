"""A call's exports and its documents archive, built by a job (a large call takes seconds, too
long for a request) into a stored file that the result page links to.

One kind of job per file; one job per kind and call at a time (a second click shows the running
one). The handler builds the file in the coordinator's language, stores it and returns the
result naming it; the previous file of the same kind for the call is removed with the job's end.
Downloading it (reports.download_export) is audited, as every download of personal data is.
The handler commits nothing itself (a ranking it computes is not kept: see
selection/shared_ranking.py).
"""

import io
from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.i18n import format_file_size
from portal.jobs.files import file_key, jobs_keeping_files, store_file
from portal.jobs.models import Job
from portal.jobs.registry import job_kind
from portal.jobs.services import active_job, start_job
from portal.permissions import can_download_export
from portal.reports.archive import documents_archive
from portal.reports.exports import CSV, XLSX, applications_export, csv_bytes, export_filename, xlsx_bytes

ZIP = "application/zip"
# The largest file an export may store (an archive of every document of a very large call).
MAX_EXPORT_SIZE = 64 * 1024 ** 3


@dataclass(frozen=True)
class Export:
    kind: str  # the job kind
    action: str  # the audit event of a download
    file_kind: str  # in the file's name
    extension: str
    content_type: str
    title: object  # lazy strings
    description: object


# By the address of the old direct download (…/exports/<name>), which starts the job now; in the
# order of the reports page.
EXPORTS = {
    "applications.xlsx": Export(
        "export-applications-xlsx", "export.applications_xlsx", "applications", "xlsx", XLSX,
        _l("Applications and reviews (Excel)"),
        _l("A workbook with two sheets: every application in ranking order with its scores, "
           "flags and decision, and every submitted review with its scores per criterion and "
           "comments.")),
    "applications.csv": Export(
        "export-applications-csv", "export.applications_csv", "applications", "csv", CSV,
        _l("Applications (CSV)"),
        _l("The same list of applications as a CSV file, for other spreadsheet programs.")),
    "reviews.csv": Export(
        "export-reviews-csv", "export.reviews_csv", "reviews", "csv", CSV, _l("Reviews (CSV)"),
        _l("Every submitted review as a CSV file: one row per review, one column per "
           "criterion.")),
    "documents.zip": Export(
        "export-documents-zip", "export.documents_zip", "documents", "zip", ZIP,
        _l("All documents (ZIP)"),
        _l("The documents of every submitted application that was not withdrawn, in one "
           "archive: one folder per reference number, with a list of the files and their "
           "checksums.")),
}
BY_KIND = {export.kind: export for export in EXPORTS.values()}

TABLE_STEPS = {"reading": _l("Reading the applications and their reviews"),
               "writing": _l("Writing the file")}


def start_export(call: Call, name: str, *, user):
    """Start the job building the export `name` (a key of EXPORTS) for the call, in the
    user's language; (job, started). Flushes; the caller commits."""
    return start_job(EXPORTS[name].kind, call=call, user=user,
                     params={"locale": str(get_locale())})


def export_links(call: Call) -> list[dict]:
    """For the reports page, each export with its job under way or its file kept, if any."""
    links = []
    for name, export in EXPORTS.items():
        job = active_job(export.kind, call.id) or kept_file_job(export.kind, call.id)
        links.append({"name": name, "title": export.title, "description": export.description,
                      "job": job, "download_url": download_url(job) if job else None})
    return links


def kept_file_job(kind: str, call_id: int) -> Job | None:
    """The done job of this kind for the call whose file is kept (one: a new one replaces it)."""
    kept = jobs_keeping_files(call_id=call_id, kind=kind)
    return kept[-1] if kept else None


def download_url(job) -> str | None:
    """The file's address, for coordinators (an admin may see the job's page)."""
    if file_key(job) is None or not can_download_export(current_user, job):
        return None
    return url_for("reports.download_export", call_id=job.call_id, job_id=job.id)


def result_text(job) -> str:
    result = job.result or {}
    if file_key(job) is None:
        if result.get("gone") == "replaced":
            return _("%(name)s was replaced by a newer file: start the export again from the "
                     "reports page for the latest.", name=result.get("name", ""))
        return _("The file is no longer kept: start the export again from the reports page.")
    return _("%(name)s is ready (%(size)s).", name=result["name"],
             size=format_file_size(result["size"]))


def _build(job, build) -> dict:
    """Run `build(call, export)` in the starter's language (it stores the file and returns the
    result naming it)."""
    export = BY_KIND[job.kind]
    call = db.session.get(Call, job.call_id)
    with force_locale(job.params.get("locale") or "en"):
        return build(call, export)


def _table_export(job, progress) -> dict:
    def build(call, export):
        progress.step("reading")
        applications, reviews = applications_export(call)
        if export.kind == "export-reviews-csv":
            tables = [reviews]
        elif export.extension == "xlsx":
            tables = [applications, reviews]
        else:
            tables = [applications]
        progress.step("writing", total=sum(len(table.rows) for table in tables))
        if export.extension == "xlsx":
            content = xlsx_bytes([(_("Applications"), applications), (_("Reviews"), reviews)],
                                 advance=progress.advance)
        else:
            content = csv_bytes(tables[0], advance=progress.advance)
        return _store(job, call, export, io.BytesIO(content))
    return _build(job, build)


def _store(job, call, export: Export, stream) -> dict:
    name = export_filename(call, export.file_kind, export.extension, utcnow().date())
    return store_file(job, stream, name=name, content_type=export.content_type,
                      max_size=MAX_EXPORT_SIZE)


def _register_table_kind(kind: str, title) -> None:
    job_kind(kind, title=title, steps=TABLE_STEPS, result_url=download_url,
             result_text=result_text)(_table_export)


for _name in ("applications.xlsx", "applications.csv", "reviews.csv"):
    _register_table_kind(EXPORTS[_name].kind, EXPORTS[_name].title)


@job_kind("export-documents-zip", title=EXPORTS["documents.zip"].title,
          steps={"documents": _l("Copying the documents into the archive")},
          result_url=download_url, result_text=result_text)
def build_documents_archive(job, progress) -> dict:
    def build(call, export):
        archive = documents_archive(call, progress=progress)
        with archive:
            return _store(job, call, export, archive)
    return _build(job, build)
