"""Case attachments: checking and cleaning uploads, and keeping them encrypted on disk.

Uploads are identified by their content (magic bytes), never by their name, and the name's extension
must agree with the content. Identifying metadata (GPS position, camera, author, editing software) is
removed before anything is stored: images are re-encoded from their pixels alone and PDFs are rebuilt
from their pages without the document information dictionary, XMP streams or comment authors.

Files live outside the database, in AMPARO_ATTACHMENTS_DIR, one ``<attachment id>.bin`` per row:

    b"AAF1" | len(kid) (1 byte) | kid (ASCII) | nonce (12 bytes) | AES-256-GCM ciphertext and tag

The key is derived from the master key ``kid`` for the purpose "attachment-file"; the associated data is
the header plus the attachment id, so a file copied over another attachment's file, or a header edited
to name another key, fails authentication. The key id in the file's header (not the row's ``key_id``)
decides which key decrypts, so a rotation interrupted between rewriting the file and updating the row
leaves everything readable.

No views here: the services and views that create rows, audit downloads and check permissions use this.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, JpegImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from amparo.core.exceptions import NotFound, TamperedCiphertext, ValidationFailed
from amparo.core.keys import get_keyring

if TYPE_CHECKING:
    from .models import Attachment

logger = logging.getLogger(__name__)

MAX_FILENAME_CHARS = 200
# Decoded size limit for images: a small compressed file can expand to gigabytes of pixels.
MAX_IMAGE_PIXELS = 50_000_000

FILE_FORMAT = b"AAF1"
KEY_PURPOSE = "attachment-file"
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_KID_CHARS = 16  # Attachment.key_id max_length


# --- Types of file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    code: str
    content_type: str
    extensions: tuple[str, ...]  # the first one is suggested when the name is wrong


PDF = _Kind("pdf", "application/pdf", (".pdf",))
PNG = _Kind("png", "image/png", (".png",))
JPEG = _Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"))
TEXT = _Kind("text", "text/plain; charset=utf-8", (".txt",))

_PDF_MAGIC = b"%PDF-"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def _kind_label(kind: _Kind) -> str:
    labels = {
        "pdf": _("PDF document"),
        "png": _("PNG image"),
        "jpeg": _("JPEG image"),
        "text": _("plain text file"),
    }
    return labels[kind.code]


@dataclass(frozen=True)
class CleanFile:
    """An accepted upload: safe base name, type detected from the content, bytes without metadata."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"file": [message]})


# --- Validation and cleaning ----------------------------------------------------------------------------


def validate_and_clean(filename: str, data: bytes) -> CleanFile:
    """Check an upload and strip its identifying metadata; raise ValidationFailed({"file": [...]}) if refused."""
    if not data:
        raise _refuse(_("The file is empty."))
    limit = int(settings.AMPARO_ATTACHMENT_MAX_BYTES)
    if len(data) > limit:
        raise _refuse(
            _("The file is too large (%(size)s). The largest file accepted is %(max)s.")
            % {"size": filesizeformat(len(data)), "max": filesizeformat(limit)}
        )
    name = sanitize_filename(filename)
    extension = _extension(name)
    kind = _detect(data)
    if kind is None:
        if extension == ".txt":
            raise _refuse(
                _("The file name ends in .txt but the file is not plain text: it contains binary data or is not UTF-8.")
            )
        raise _refuse(
            _(
                "This type of file is not accepted. "
                "Upload a PDF document, a PNG or JPEG image, or a plain text (.txt) file."
            )
        )
    if extension not in kind.extensions:
        expected = kind.extensions[0]
        if extension:
            raise _refuse(
                _("The file is a %(kind)s but its name ends in %(extension)s. Rename it to end in %(expected)s.")
                % {"kind": _kind_label(kind), "extension": extension, "expected": expected}
            )
        raise _refuse(
            _("The file is a %(kind)s but its name has no extension. Rename it to end in %(expected)s.")
            % {"kind": _kind_label(kind), "expected": expected}
        )
    if kind is PDF:
        cleaned = _clean_pdf(data)
    elif kind is PNG or kind is JPEG:
        cleaned = _clean_image(data, kind)
    else:
        cleaned = data  # plain text has no metadata container
    return CleanFile(filename=name, content_type=kind.content_type, data=cleaned)


def _detect(data: bytes) -> _Kind | None:
    if data.startswith(_PDF_MAGIC):
        return PDF
    if data.startswith(_PNG_MAGIC):
        return PNG
    if data.startswith(_JPEG_MAGIC):
        return JPEG
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT


def sanitize_filename(filename: str) -> str:
    """A base name that is safe to show and to offer as a download name (at most 200 characters)."""
    # Browsers send either separator; only the last component is the file's own name.
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    # Drop control and format characters: the latter include right-to-left overrides that make
    # "invoice\u202efdp.exe" display as "invoiceexe.pdf".
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = "".join("_" if ch in '<>:"|?*' else ch for ch in base)
    base = " ".join(base.split()).rstrip(" .")  # Windows drops trailing dots and spaces anyway
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = stem.strip(" .") or "file"
    extension = extension.strip().lower()
    suffix = f".{extension}" if extension else ""
    if len(suffix) > 20:  # not a real extension: keep it in the name rather than lose the stem
        stem, suffix = f"{stem}{suffix}", ""
    return stem[: MAX_FILENAME_CHARS - len(suffix)].rstrip(" .") + suffix


def _extension(name: str) -> str:
    _stem, dot, extension = name.rpartition(".")
    return f".{extension}" if dot else ""


# --- Images ---------------------------------------------------------------------------------------------


def _clean_image(data: bytes, kind: _Kind) -> bytes:
    """Re-encode from pixels only: nothing of EXIF, XMP, ICC profiles or text chunks survives."""
    damaged = _refuse(_("The image file is damaged and cannot be read."))
    save_options: dict[str, Any] = {}
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format != ("PNG" if kind is PNG else "JPEG"):
                raise damaged
            width, height = original.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse(
                    _(
                        "The image is too large (%(width)s x %(height)s pixels). "
                        "The largest accepted is %(max)s megapixels."
                    )
                    % {"width": width, "height": height, "max": MAX_IMAGE_PIXELS // 1_000_000}
                )
            if kind is JPEG:
                save_options = _jpeg_save_options(original)
            original.load()
            try:
                # Apply the EXIF orientation to the pixels, since the tag that carried it is dropped.
                upright = ImageOps.exif_transpose(original)
            except Exception:  # a broken EXIF block should not cost the photo: keep it as stored
                logger.info("Attachment image has unreadable EXIF orientation; keeping it unrotated.")
                upright = original.copy()
            pixels = _pixels_only(upright, kind)
    except ValidationFailed:
        raise
    except Image.DecompressionBombError as exc:
        raise _refuse(_("The image is too large to be processed.")) from exc
    except Exception as exc:  # Pillow raises many exception types on malformed input
        raise damaged from exc
    out = io.BytesIO()
    pixels.save(out, format="PNG" if kind is PNG else "JPEG", **save_options)
    return out.getvalue()


def _jpeg_save_options(original: Image.Image) -> dict[str, Any]:
    # Reusing the original quantisation tables keeps the quality close to the original.
    options: dict[str, Any] = {"optimize": True}
    qtables = getattr(original, "quantization", None)
    if qtables:
        options["qtables"] = qtables
        sampling = JpegImagePlugin.get_sampling(original)
        if sampling in (0, 1, 2):
            options["subsampling"] = sampling
    else:
        options["quality"] = 90
    return options


def _pixels_only(image: Image.Image, kind: _Kind) -> Image.Image:
    """A fresh image with the same pixels and an empty ``info`` (so no metadata can be carried over)."""
    if kind is PNG:
        if "transparency" in image.info or image.mode in ("PA", "RGBa", "La"):
            target = "RGBA" if image.mode not in ("LA", "RGBA") else image.mode
        elif image.mode in ("1", "L", "LA", "RGB", "RGBA", "I", "I;16"):
            target = image.mode
        else:  # palette and other modes: expand, since the palette is metadata-free only once applied
            target = "RGB"
    else:
        target = image.mode if image.mode in ("L", "RGB", "CMYK") else "RGB"
    converted = image if image.mode == target else image.convert(target)
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


# --- PDF ------------------------------------------------------------------------------------------------

# Markup annotations (comments, highlights...) whose /T entry is the name of the person who wrote them.
# Form-field widgets also use /T, for the field's name, so they are left alone.
_MARKUP_ANNOTATIONS = frozenset(
    {
        "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
        "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/FileAttachment",
        "/Sound", "/Redact",
    }
)  # fmt: skip
# /Metadata: XMP streams (document, page or image level). /PieceInfo: private data of the editing application.
_PRIVATE_KEYS = ("/Metadata", "/PieceInfo")


def _clean_pdf(data: bytes) -> bytes:
    """Rebuild the PDF from its pages only, without the info dictionary, XMP or comment authors."""
    damaged = _refuse(_("The PDF file is damaged and cannot be read."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            # Only "owner password" protection (empty user password) can be opened without asking anyone.
            raise _refuse(_("The PDF file is protected with a password. Remove the password and upload it again."))
        writer = PdfWriter()
        # Copying the pages (not the whole document) leaves behind the catalog's XMP, embedded files,
        # document-level JavaScript and other catalog entries.
        for page in reader.pages:
            writer.add_page(page)
        if len(writer.pages) == 0:
            raise damaged
        writer.metadata = None  # no /Info at all, not even pypdf's own /Producer
        _scrub_pdf_objects(writer)
        out = io.BytesIO()
        writer.write(out)
    except ValidationFailed:
        raise
    except Exception as exc:  # pypdf raises many exception types on malformed input
        raise damaged from exc
    return out.getvalue()


def _scrub_pdf_objects(writer: PdfWriter) -> None:
    writer.root_object.pop("/Metadata", None)
    stack: list[Any] = [writer.root_object]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            item = item.get_object()
        if id(item) in seen:  # pages point back to their parents: the object graph has cycles
            continue
        seen.add(id(item))
        if isinstance(item, DictionaryObject):
            for key in _PRIVATE_KEYS:
                item.pop(key, None)
            if item.get("/Subtype") in _MARKUP_ANNOTATIONS and "/Rect" in item:
                item.pop("/T", None)
            if isinstance(item, StreamObject) and item.get("/Subtype") == "/Image":
                _strip_embedded_jpeg(item)
            stack.extend(dict.values(item))  # raw values, so indirect references are resolved above
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _strip_embedded_jpeg(image: StreamObject) -> None:
    """Phone scans put JPEG files, EXIF and GPS included, straight into the PDF as /DCTDecode streams."""
    filters = image.get("/Filter")
    if isinstance(filters, ArrayObject):
        filters = filters[0] if len(filters) == 1 else None
    if filters != "/DCTDecode":
        return
    raw = image._data
    stripped = strip_jpeg_metadata(raw)
    if stripped != raw:
        # The base-class setter stores the bytes as they are; the subclass would try to re-encode them.
        StreamObject.set_data(image, stripped)


def strip_jpeg_metadata(data: bytes) -> bytes:
    """Drop the APP1-APP13/APP15 segments (EXIF, XMP, ICC, Photoshop IPTC) and comments from a JPEG stream.

    APP0 (JFIF) and APP14 (Adobe, which says how the colours are encoded) are kept. Anything that is not a
    well-formed marker sequence is returned unchanged (it is then only as private as its source).
    """
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return data
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan / end of image: the rest is image data
            out += data[pos:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += data[pos : pos + 2]
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > len(data):
            return data
        if not (marker == 0xFE or (0xE1 <= marker <= 0xEF and marker != 0xEE)):
            out += data[pos:end]
        pos = end
    return data


# --- Encrypted storage ----------------------------------------------------------------------------------


def file_path(attachment_id: uuid.UUID) -> Path:
    # Going through UUID() means a string such as "../x" can never become part of a path.
    return Path(settings.AMPARO_ATTACHMENTS_DIR) / f"{uuid.UUID(str(attachment_id))}.bin"


def _header(kid: str) -> bytes:
    encoded = kid.encode("ascii")
    return FILE_FORMAT + bytes([len(encoded)]) + encoded


def _associated_data(header: bytes, attachment_id: uuid.UUID) -> bytes:
    return header + b"\x1f" + str(uuid.UUID(str(attachment_id))).encode("ascii")


def _aead(kid: str) -> AESGCM:
    return AESGCM(get_keyring().derive(kid, KEY_PURPOSE))


def encrypt_file(attachment_id: uuid.UUID, data: bytes, kid: str | None = None) -> bytes:
    """The bytes stored on disk for ``data`` (under the active key unless ``kid`` is given)."""
    kid = kid or get_keyring().active_kid
    if not (kid.isascii() and kid.isalnum() and len(kid) <= MAX_KID_CHARS):
        raise ValueError(f"Key id {kid!r} cannot be written in an attachment header.")
    header = _header(kid)
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + _aead(kid).encrypt(nonce, data, _associated_data(header, attachment_id))


def decrypt_file(attachment_id: uuid.UUID, blob: bytes, row_kid: str | None = None) -> tuple[str, bytes]:
    """(key id, plaintext) of stored bytes; TamperedCiphertext if they fail authentication.

    ``row_kid`` is the key id recorded on the row, if known. A header naming a key that is not configured
    is a configuration problem (KeyConfigurationError) when the row names that key too, and tampering
    otherwise: a legitimate header names either the row's key or, after an interrupted rotation, the
    active one.
    """
    kid = file_key_id(blob)
    if row_kid is not None and kid != row_kid and not get_keyring().has(kid):
        raise TamperedCiphertext()
    header = _header(kid)
    body = blob[len(header) :]
    if len(body) < NONCE_BYTES + TAG_BYTES:
        raise TamperedCiphertext()
    try:
        plain = _aead(kid).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _associated_data(header, attachment_id))
    except InvalidTag as exc:
        raise TamperedCiphertext() from exc
    return kid, plain


def file_key_id(blob: bytes) -> str:
    """The key id named in a stored file's header."""
    if len(blob) < len(FILE_FORMAT) + 1 or not blob.startswith(FILE_FORMAT):
        raise TamperedCiphertext()
    size = blob[len(FILE_FORMAT)]
    raw = blob[len(FILE_FORMAT) + 1 : len(FILE_FORMAT) + 1 + size]
    kid = raw.decode("ascii", errors="replace")
    # A malformed id is tampering; a well-formed but unknown one is a key configuration problem
    # (KeyConfigurationError from the key ring), which the operator must hear about as such.
    if not (0 < size <= MAX_KID_CHARS and len(raw) == size and kid.isascii() and kid.isalnum()):
        raise TamperedCiphertext()
    return kid


def _write_atomically(path: Path, blob: bytes) -> None:
    directory = path.parent
    if not directory.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0600; os.replace then swaps it in whole, so a reader never sees
    # half a file and a crash leaves the previous version intact.
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform allows opening a directory.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def store(attachment_id: uuid.UUID, data: bytes) -> str:
    """Encrypt ``data`` for this attachment under the active key and write it; return the key id used."""
    kid = get_keyring().active_kid
    _write_atomically(file_path(attachment_id), encrypt_file(attachment_id, data, kid))
    return kid


def load(attachment: Attachment) -> bytes:
    """The decrypted content of an attachment's file.

    Raises NotFound if the file is missing and TamperedCiphertext if it was altered or belongs to another
    attachment. ``attachment.id`` binds the file to the row; the file's header names the key that
    decrypts it, and ``attachment.key_id`` only tells a missing key from a tampered header.
    """
    try:
        blob = file_path(attachment.id).read_bytes()
    except FileNotFoundError as exc:
        raise NotFound(_("The file of this attachment is missing.")) from exc
    _kid, plain = decrypt_file(attachment.id, blob, attachment.key_id)
    return plain


def delete_file(attachment_id: uuid.UUID) -> None:
    """Remove an attachment's file (no error if it is already gone)."""
    file_path(attachment_id).unlink(missing_ok=True)


# --- Key rotation ---------------------------------------------------------------------------------------


def rotate_attachment_files(active_kid: str, batch_size: int) -> int:
    """Re-encrypt under ``active_kid`` every attachment file whose row names another key; return how many.

    Registered with amparo.core.rotation.register_index_rebuilder (in CasesConfig.ready()), so
    ``amparo keys rotate`` runs it. Resumable: each file is replaced atomically before its row is
    updated, and rows already under the active key are not selected again.
    """
    from .models import Attachment

    done = 0
    last_pk: uuid.UUID | None = None
    while True:
        rows = Attachment.objects.exclude(key_id=active_kid).order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values_list("pk", "key_id")[:batch_size])
        if not batch:
            return done
        for pk, row_kid in batch:
            path = file_path(pk)
            try:
                blob = path.read_bytes()
            except FileNotFoundError:
                # Not fatal for the whole rotation: the row stays under its old key id and is reported.
                logger.warning("Attachment %s has no file to re-encrypt.", pk)
                continue
            kid, plain = decrypt_file(pk, blob, row_kid)
            if kid != active_kid:
                _write_atomically(path, encrypt_file(pk, plain, active_kid))
            Attachment.objects.filter(pk=pk).update(key_id=active_kid)
            done += 1
        last_pk = batch[-1][0]
