"""A capture's bytes -> its kind (text, HTML, MHTML, WARC, WACZ) and the page inside; a URL -> a WARC.

Researchers save pages as the browser's HTML or MHTML, as SingleFile's one-file HTML, or
archive them as WARC and WACZ. Each is told by its content, not its name, and unpacked
to the page's HTML, its declared charset, its address and the time it was captured;
webpage.py then turns the HTML into the text the page shows.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import io
import json
import re
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from . import webpage
from .decode import MAX_BYTES, Refused, decode
from .webpage import Meta

MAX_CAPTURE_MB = 200
MAX_CAPTURE_BYTES = MAX_CAPTURE_MB * 1024 * 1024  # an archive of one article with its images; more is a crawl
FETCH_TIMEOUT = 30  # seconds
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Unpacked:
    kind: str  # "text", "html", "mhtml", "warc" or "wacz"
    text: str  # for text, the decoded text; for a page, the text it shows
    encoding: str
    notes: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # the article's paragraphs, each found in `text`
    meta: Meta = field(default_factory=Meta)
    url: str | None = None  # where it was captured from
    accessed: str | None = None  # when, ISO 8601


@dataclass
class _Page:  # the HTML a capture holds, and what its container says about it
    html: bytes
    charset: str | None = None  # declared by the container (HTTP or MIME header)
    url: str | None = None
    accessed: str | None = None


def unpack(data: bytes, name: str) -> Unpacked:
    """`data` read as the kind of capture it is; Refused when it cannot be read as one."""
    if len(data) >= MAX_CAPTURE_BYTES:
        raise Refused(
            f"is {len(data) / 1024 / 1024:.0f} MB; captures of {MAX_CAPTURE_MB} MB and more are refused",
            "save or archive the article's page alone, not a whole site",
        )
    kind = kind_of(data, name)
    if kind == "text":
        decoded = decode(data)
        return Unpacked("text", decoded.text, decoded.encoding, decoded.notes)
    unpackers = {"html": _Page, "mhtml": _mhtml_page, "warc": _warc_page, "wacz": _wacz_page}
    return _read_page(kind, unpackers[kind](data))


# --- telling kinds apart --------------------------------------------------------------------

# The WHATWG MIME sniffing standard's HTML signatures, each followed by a space or '>'.
_HTML_START = re.compile(
    rb"<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|meta)[\s>]",
    re.IGNORECASE,
)


def kind_of(data: bytes, name: str) -> str:
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "wacz"  # _wacz_page refuses any other zip
    if head.startswith(b"WARC/") or (head.startswith(b"\x1f\x8b") and _gunzipped_start(data).startswith(b"WARC/")):
        return "warc"
    if head.startswith(b"\x1f\x8b"):
        raise Refused(
            "is gzip-compressed but holds no WARC record", "unzip it and ingest the file inside, or save the page again"
        )
    if _is_mhtml(head):
        return "mhtml"
    text_head = _bom_decoded(head).lstrip()
    if _HTML_START.match(text_head) or (
        name.lower().endswith((".html", ".htm", ".xhtml", ".shtml")) and re.search(rb"<(html|body)[\s>]", head, re.I)
    ):
        return "html"
    return "text"


def _gunzipped_start(data: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], 16)
    except zlib.error:
        return b""


def _is_mhtml(head: bytes) -> bool:
    headers = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0].lower()
    return b"mime-version:" in headers and b"multipart/related" in headers


def _bom_decoded(head: bytes) -> bytes:
    """The start of the file as ASCII-compatible bytes, for sniffing UTF-16 pages too."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore").encode("ascii", errors="ignore")
    return head


# --- MHTML ----------------------------------------------------------------------------------


def _mhtml_page(data: bytes) -> _Page:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    main_url = message.get("Snapshot-Content-Location")
    parts = [part for part in message.walk() if part.get_content_type() in _HTML_TYPES]
    if not parts:
        raise Refused(
            "is an MHTML file with no HTML part",
            "save the page again in the browser (Save Page As, Webpage, Single File)",
        )
    main = next((part for part in parts if main_url and part.get("Content-Location") == main_url), parts[0])
    html = main.get_payload(decode=True) or b""  # undoes quoted-printable and base64
    url = main.get("Content-Location") or main_url
    return _Page(html, main.get_content_charset(), url, _mime_date(message))


def _mime_date(message: Message) -> str | None:
    try:
        when = email.utils.parsedate_to_datetime(message.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    if when and when.tzinfo is None:  # "-0000": Chrome writes its MHTML dates in UTC
        when = when.replace(tzinfo=UTC)
    return when.isoformat() if when else None


# --- WARC and WACZ --------------------------------------------------------------------------


def _warc_page(data: bytes, main_url: str | None = None, where: str = "WARC file") -> _Page:
    """The page's response record: the one for `main_url`, else the first HTML one."""
    pages = []
    records = ArchiveIterator(io.BytesIO(data), check_digests=False)
    try:
        for record in records:
            if record.rec_type == "response" and _is_html_response(record):
                pages.append(_response_page(record))
            while record.raw_stream.read(1 << 20):  # to the record's end, to see whether it is whole
                pass
            if record.raw_stream.limit:
                raise _damaged(where, "a record ends before its declared length")
    # warcio meets a record cut inside its headers with an AttributeError
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError, zlib.error) as err:
        raise _damaged(where, err) from None
    if records.offset < len(data):  # a gzip member cut short ends the reading silently
        raise _damaged(where, f"it stops being readable {len(data) - records.offset} bytes before its end")
    if not pages:
        raise Refused(
            f"is a {where} with no HTML page in it (no response record of type text/html)",
            "archive the article's page itself, or ingest a capture of it in another form",
        )
    return next((page for page in pages if main_url and page.url == main_url), pages[0])


def _is_html_response(record) -> bool:
    headers = record.http_headers
    if headers is None or not headers.get_statuscode().startswith("2"):
        return False  # redirects and errors are not the page
    return (headers.get_header("Content-Type") or "").split(";")[0].strip().lower() in _HTML_TYPES


def _response_page(record) -> _Page:
    html = record.content_stream().read(MAX_CAPTURE_BYTES)
    content_type = record.http_headers.get_header("Content-Type") or ""
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return _Page(html, _charset_param(content_type), uri, _warc_date(record))


def _damaged(where: str, reason) -> Refused:
    return Refused(
        f"is a damaged or cut-short {where}: {reason}",
        "copy the archive again from where it was made (a download may have stopped early)",
    )


def _warc_date(record) -> str | None:
    date = record.rec_headers.get_header("WARC-Date")
    try:
        return datetime.fromisoformat(date.replace("Z", "+00:00")).isoformat() if date else None
    except ValueError:
        return None


def _charset_param(content_type: str) -> str | None:
    found = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return found.group(1) if found else None


def _wacz_page(data: bytes) -> _Page:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise Refused(f"is a damaged zip file: {err}", "copy the WACZ again from where it was made") from None
    warcs = sorted(n for n in names if n.startswith("archive/") and n.endswith((".warc", ".warc.gz")))
    if not warcs:
        raise Refused(
            "is a zip file but not a WACZ web archive (it has no archive/*.warc or archive/*.warc.gz)",
            "unzip it and ingest the capture inside, or export the page from ArchiveWeb.page or Webrecorder as WACZ",
        )
    main_url = _wacz_main_url(archive, names)
    for warc in warcs:
        if archive.getinfo(warc).file_size >= MAX_CAPTURE_BYTES:
            raise Refused(f"holds {warc}, of {MAX_CAPTURE_MB} MB or more", "archive the article alone")
        try:
            content = archive.read(warc)
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise _damaged("WACZ file", f"{warc}: {err}") from None
        try:
            return _warc_page(content, main_url, f"WACZ file's {warc}")
        except Refused:
            if warc == warcs[-1]:
                raise
    raise AssertionError("the loop returns or raises")


def _wacz_main_url(archive: zipfile.ZipFile, names: list[str]) -> str | None:
    """The page the archive was made of: datapackage.json's mainPageURL, else pages.jsonl's first page."""
    try:
        if "datapackage.json" in names:
            url = json.loads(archive.read("datapackage.json")).get("mainPageURL")
            if isinstance(url, str) and url:
                return url
        if "pages/pages.jsonl" in names:
            for line in archive.read("pages/pages.jsonl").decode("utf-8", "replace").splitlines():
                entry = json.loads(line) if line.strip() else {}
                if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                    return entry["url"]
    except (ValueError, AttributeError, zipfile.BadZipFile, OSError):
        pass  # without a main page, the first HTML response is the page
    return None


# --- the page ---------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
# SingleFile and "Save complete" pages inline images as data: URIs of megabytes; they are not text.
_DATA_URI = re.compile(rb"(?<=[\"'(])data:[\w.+/-]*(;[\w=.+-]*)*,[A-Za-z0-9+/=%\s]{256,}(?=[\"')])")


def _read_page(kind: str, page: _Page) -> Unpacked:
    html_bytes = _DATA_URI.sub(b"data:,", page.html)
    if len(html_bytes) >= MAX_BYTES:
        raise Refused(
            f"holds a page of {len(html_bytes) / 1024 / 1024:.1f} MB of HTML (without its inline images); "
            "pages of 5 MB and more are refused",
            "save the article's page alone, or copy its text into a .txt file",
        )
    declared = page.charset or _meta_charset(html_bytes)
    decoded = decode(html_bytes, declared)
    tree = webpage.parse(decoded.text)
    text = webpage.shown_text(tree) if tree is not None else ""
    if not text.strip():
        raise Refused(
            f"is {_KIND_NAMES[kind]} whose page shows no text",
            "save the page again once it has loaded in the browser, or copy its text into a .txt file",
        )
    meta = webpage.declared_meta(tree, decoded.text)
    body = webpage.main_text(decoded.text, text)
    notes = [*decoded.notes]
    if not body:
        notes.append("trafilatura found no main text on the page")
    url = page.url or (meta.url.value if meta.url else None)
    return Unpacked(kind, text, decoded.encoding, notes, body, meta, url, page.accessed)


_KIND_NAMES = {"html": "an HTML file", "mhtml": "an MHTML file", "warc": "a WARC file", "wacz": "a WACZ file"}


def _meta_charset(html: bytes) -> str | None:
    """<meta charset> or <meta http-equiv=Content-Type content="...; charset=...">, in the head."""
    head = html[: html.lower().find(b"</head>")] if b"</head>" in html.lower() else html[:65536]
    found = _META_CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


# --- fetching a URL ---------------------------------------------------------------------------


def fetch(url: str) -> bytes:
    """The page at `url` as a WARC (request and response records); Refused when it cannot be had."""
    if not re.match(r"https?://", url, re.IGNORECASE):
        raise Refused(f"{url} is not a web address", "give an address that starts with https:// or http://")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
    captured = datetime.now(UTC)
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(MAX_CAPTURE_BYTES)
            status = f"{response.status} {response.reason}"
            headers, final_url = list(response.headers.items()), response.geturl()
    except urllib.error.HTTPError as err:
        raise Refused(
            f"{url} could not be fetched: the server answered {err.code} {err.reason}",
            "check the address in a browser; if the page needs a login, save it from the browser instead",
        ) from None
    except OSError as err:  # URLError, a timeout, a refused connection
        reason = getattr(err, "reason", None) or err
        raise Refused(
            f"{url} could not be fetched: {reason}",
            "check that you are online and the address is right, or save the page from the browser and ingest the file",
        ) from None
    return _warc_of(final_url, request, status, headers, body, captured)


def _warc_of(url: str, request, status: str, headers: list[tuple[str, str]], body: bytes, when: datetime) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    date = {"WARC-Date": datetime_to_iso_date(when)}
    sent = StatusAndHeaders(
        f"GET {request.selector or '/'} HTTP/1.1",
        [("Host", request.host), *request.header_items()],
        is_http_request=True,
    )
    writer.write_record(
        writer.create_warc_record(request.full_url, "request", http_headers=sent, warc_headers_dict=date)
    )
    # urllib has undone any chunking: the stored body is whole, so its header would mislead a reader.
    kept = [(key, value) for key, value in headers if key.lower() != "transfer-encoding"]
    received = StatusAndHeaders(status, kept, protocol="HTTP/1.1")
    response = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=received, warc_headers_dict=date
    )
    writer.write_record(response)
    return out.getvalue()
