"""Attachments: type checks from content, metadata stripping, encrypted storage bound to the row, rotation."""

from __future__ import annotations

import base64
import io
import shutil
import stat
import uuid
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, create_string_object

from amparo.cases import attachments
from amparo.cases.attachments import CleanFile, delete_file, load, store, validate_and_clean
from amparo.cases.models import Attachment, Case
from amparo.core.exceptions import KeyConfigurationError, NotFound, TamperedCiphertext, ValidationFailed
from amparo.core.keys import reset_keyring

SECRET = "Ana Lucia Perez Secret"
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b"<dc:creator>" + SECRET.encode() + b'</dc:creator></x:xmpmeta><?xpacket end="w"?>'
)


@pytest.fixture(autouse=True)
def _attachments_dir(settings, tmp_path: Path) -> Path:
    settings.AMPARO_ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.AMPARO_ATTACHMENTS_DIR


def _refusal(filename: str, data: bytes) -> str:
    # The messages are checked in English; the project's default language may be another.
    with translation.override("en"), pytest.raises(ValidationFailed) as info:
        validate_and_clean(filename, data)
    assert list(info.value.errors) == ["file"]
    return info.value.errors["file"][0]


# --- Sample files ------------------------------------------------------------------------------------


def _pdf_with_metadata() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    page[NameObject("/PieceInfo")] = writer._add_object(DecodedStreamObject())
    writer.add_metadata({"/Author": SECRET, "/Producer": "Scanner Model X-1000", "/Creator": "Office 2016"})
    xmp = DecodedStreamObject()
    xmp.set_data(XMP)
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = SECRET  # Artist
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel 12"  # Model
    exif[0x8825] = {1: "N", 2: (14.0, 37.0, 12.5), 3: "W", 4: (90.0, 30.0, 5.0)}  # GPS IFD
    return exif


def _jpeg_with_exif(size: tuple[int, int] = (40, 20), orientation: int | None = None) -> bytes:
    exif = _exif_with_gps()
    if orientation is not None:
        exif[0x0112] = orientation
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1]))  # left half blue, to check the rotation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def _png(**save_options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 128, 0, 200)).save(out, format="PNG", **save_options)
    return out.getvalue()


# --- Accepted files and metadata -----------------------------------------------------------------------


def test_pdf_is_accepted_without_info_dictionary_or_xmp() -> None:
    original = _pdf_with_metadata()
    before = PdfReader(io.BytesIO(original)).metadata
    assert before is not None and before["/Author"] == SECRET
    assert SECRET.encode() in original

    clean = validate_and_clean("denuncia.pdf", original)

    assert isinstance(clean, CleanFile)
    assert (clean.filename, clean.content_type) == ("denuncia.pdf", "application/pdf")
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 1
    assert not reader.metadata  # no /Info: no /Author, /Producer, /Creator
    assert "/Info" not in reader.trailer
    assert "/Metadata" not in reader.root_object
    assert "/PieceInfo" not in reader.pages[0]
    for marker in (SECRET.encode(), b"Scanner Model", b"Office 2016", b"xmpmeta", b"pypdf"):
        assert marker not in clean.data
    assert clean.size == len(clean.data) and len(clean.sha256) == 64


def test_pdf_scan_loses_the_exif_of_its_embedded_photo() -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 10)).save(out, format="PDF", author=SECRET, exif=_exif_with_gps().tobytes())
    original = out.getvalue()
    assert b"Exif" in original and b"PhoneModel" in original

    clean = validate_and_clean("scan.PDF", out.getvalue())

    assert clean.filename == "scan.pdf"
    for marker in (b"Exif", b"PhoneModel", SECRET.encode(), b"Pillow"):
        assert marker not in clean.data
    page = PdfReader(io.BytesIO(clean.data)).pages[0]
    (image,) = page.images
    assert image.image is not None and image.image.size == (40, 30)  # the photo itself still decodes


def test_pdf_comment_author_is_removed_but_the_comment_kept() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    note = Text(rect=(10, 10, 30, 30), text="Comment text")
    note[NameObject("/T")] = create_string_object(SECRET)
    writer.add_annotation(0, note)
    out = io.BytesIO()
    writer.write(out)

    clean = validate_and_clean("annotated.pdf", out.getvalue())

    annotations = PdfReader(io.BytesIO(clean.data)).pages[0]["/Annots"]
    assert isinstance(annotations, ArrayObject)
    annotation = annotations[0].get_object()
    assert annotation["/Contents"] == "Comment text"
    assert "/T" not in annotation
    assert SECRET.encode() not in clean.data


def test_jpeg_loses_exif_and_gps_but_keeps_its_orientation() -> None:
    original = _jpeg_with_exif(size=(40, 20), orientation=6)  # 6: display rotated 90 degrees clockwise
    assert SECRET.encode() in original

    clean = validate_and_clean("foto.JPEG", original)

    assert (clean.filename, clean.content_type) == ("foto.jpeg", "image/jpeg")
    for marker in (b"Exif", SECRET.encode(), b"PhoneMaker", b"PhoneModel"):
        assert marker not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert image.size == (20, 40)  # the orientation was applied to the pixels
        red, _green, blue = image.convert("RGB").getpixel((10, 5))  # type: ignore[misc]
        assert blue > 150 and red < 100  # the blue half is now on top


def test_png_loses_text_chunks_and_exif() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    original = _png(pnginfo=info, exif=_exif_with_gps().tobytes())
    assert SECRET.encode() in original

    clean = validate_and_clean("captura.png", original)

    assert clean.content_type == "image/png"
    assert SECRET.encode() not in clean.data and b"PhoneModel" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.mode == "RGBA" and image.size == (16, 16)
        assert image.getpixel((3, 3)) == (0, 128, 0, 200)
        assert not image.text and not image.getexif()  # type: ignore[attr-defined]


def test_palette_png_with_transparency_keeps_its_pixels() -> None:
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=0)

    clean = validate_and_clean("p.png", out.getvalue())

    with Image.open(io.BytesIO(clean.data)) as cleaned:
        assert cleaned.convert("RGBA").getpixel((0, 0)) == (255, 0, 0, 255)


def test_text_is_kept_as_is() -> None:
    data = "Declaración de la víctima\nlínea 2\r\n\ttab".encode()
    clean = validate_and_clean("notas.TXT", data)
    assert clean == CleanFile("notas.txt", "text/plain; charset=utf-8", data)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("C:\\Users\\ana\\Desktop\\informe.txt", "informe.txt"),
        ("../../etc/informe.txt", "informe.txt"),
        ("informe\u202efdp.txt", "informefdp.txt"),  # right-to-left override removed
        ('a<b>:c"|?*.txt', "a_b__c____.txt"),
        ("  spaced   name .txt  ", "spaced name.txt"),
        (".txt", "file.txt"),
        ("x" * 300 + ".txt", "x" * 196 + ".txt"),
    ],
)
def test_filename_is_sanitised(given: str, expected: str) -> None:
    clean = validate_and_clean(given, b"hola")
    assert clean.filename == expected
    assert len(clean.filename) <= 200


# --- Refused files -------------------------------------------------------------------------------------


def test_exe_renamed_pdf_is_refused() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100 + b"This program cannot be run"
    message = _refusal("factura.pdf", exe)
    assert "not accepted" in message


def test_png_named_pdf_is_refused() -> None:
    message = _refusal("documento.pdf", _png())
    assert "PNG image" in message and ".pdf" in message and ".png" in message


def test_pdf_without_extension_is_refused() -> None:
    assert "no extension" in _refusal("documento", _pdf_with_metadata())


def test_jpeg_named_png_is_refused() -> None:
    assert "JPEG image" in _refusal("foto.png", _jpeg_with_exif())


def test_empty_file_is_refused() -> None:
    assert "empty" in _refusal("vacio.txt", b"")


def test_oversize_file_is_refused(settings) -> None:
    settings.AMPARO_ATTACHMENT_MAX_BYTES = 100
    validate_and_clean("ok.txt", b"a" * 100)
    message = _refusal("grande.txt", b"a" * 101)
    assert "too large" in message and "100" in message


@pytest.mark.parametrize("data", [b"hola\x00mundo", b"\xff\xfe\xfa binary", "texto".encode("utf-16")])
def test_txt_with_binary_bytes_is_refused(data: bytes) -> None:
    assert "not plain text" in _refusal("notas.txt", data)


def test_text_named_pdf_is_refused() -> None:
    assert "plain text file" in _refusal("fake.pdf", b"just words")


def test_damaged_pdf_is_refused() -> None:
    assert "damaged" in _refusal("roto.pdf", b"%PDF-1.7\n%garbage that is not a pdf at all\n")


def test_damaged_image_is_refused() -> None:
    assert "damaged" in _refusal("rota.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    assert "damaged" in _refusal("rota.jpg", b"\xff\xd8\xff\xe0garbage")


def test_password_protected_pdf_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert "password" in _refusal("cerrado.pdf", out.getvalue())


def test_owner_password_only_pdf_is_accepted_unprotected() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Author": SECRET})
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)

    clean = validate_and_clean("restringido.pdf", out.getvalue())

    reader = PdfReader(io.BytesIO(clean.data))
    assert not reader.is_encrypted and not reader.metadata


def test_image_with_too_many_pixels_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(attachments, "MAX_IMAGE_PIXELS", 100)
    assert "too large" in _refusal("grande.png", _png())


# --- Encrypted storage ---------------------------------------------------------------------------------


def _attachment() -> Attachment:
    return Attachment(id=uuid.uuid4(), key_id="t1")


def test_store_and_load_round_trip(_attachments_dir: Path) -> None:
    attachment = _attachment()
    data = _jpeg_with_exif()

    kid = store(attachment.id, data)

    assert kid == "t1"
    assert load(attachment) == data
    path = _attachments_dir / f"{attachment.id}.bin"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(_attachments_dir.stat().st_mode) == 0o700
    assert [p.name for p in _attachments_dir.iterdir()] == [path.name]  # no temporary file left behind


def test_file_on_disk_does_not_contain_the_plaintext(_attachments_dir: Path) -> None:
    attachment = _attachment()
    plaintext = ("Declaración confidencial de " + SECRET + "\n").encode() * 20
    store(attachment.id, plaintext)
    on_disk = (_attachments_dir / f"{attachment.id}.bin").read_bytes()
    assert SECRET.encode() not in on_disk
    assert b"Declaraci" not in on_disk
    assert on_disk.startswith(b"AAF1\x02t1")


def test_store_replaces_a_previous_file(_attachments_dir: Path) -> None:
    attachment = _attachment()
    store(attachment.id, b"first")
    store(attachment.id, b"second")
    assert load(attachment) == b"second"
    assert len(list(_attachments_dir.iterdir())) == 1


@pytest.mark.parametrize("where", [0, 5, 10, 30, -1])
def test_flipped_byte_is_detected(_attachments_dir: Path, where: int) -> None:
    attachment = _attachment()
    store(attachment.id, b"evidence " * 10)
    path = _attachments_dir / f"{attachment.id}.bin"
    blob = bytearray(path.read_bytes())
    blob[where] ^= 0x01
    path.write_bytes(bytes(blob))
    with pytest.raises(TamperedCiphertext):
        load(attachment)


def test_header_naming_an_unknown_key_is_tampering_unless_the_row_names_it(_attachments_dir: Path) -> None:
    attachment = _attachment()
    attachment.key_id = store(attachment.id, b"evidence")
    path = _attachments_dir / f"{attachment.id}.bin"
    path.write_bytes(path.read_bytes().replace(b"AAF1\x02t1", b"AAF1\x02t9", 1))
    with pytest.raises(TamperedCiphertext):
        load(attachment)
    attachment.key_id = "t9"  # the row says t9 too: the key is missing from the configuration
    with pytest.raises(KeyConfigurationError):
        load(attachment)


def test_truncated_file_is_detected(_attachments_dir: Path) -> None:
    attachment = _attachment()
    store(attachment.id, b"evidence")
    path = _attachments_dir / f"{attachment.id}.bin"
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(TamperedCiphertext):
        load(attachment)


def test_file_copied_over_another_attachment_is_detected(_attachments_dir: Path) -> None:
    a, b = _attachment(), _attachment()
    store(a.id, b"A's file")
    store(b.id, b"B's file")
    shutil.copyfile(_attachments_dir / f"{a.id}.bin", _attachments_dir / f"{b.id}.bin")
    with pytest.raises(TamperedCiphertext):
        load(b)
    assert load(a) == b"A's file"


def test_missing_file_and_delete() -> None:
    attachment = _attachment()
    with pytest.raises(NotFound):
        load(attachment)
    store(attachment.id, b"x")
    delete_file(attachment.id)
    delete_file(attachment.id)  # already gone: no error
    with pytest.raises(NotFound):
        load(attachment)


def test_attachment_id_cannot_escape_the_directory() -> None:
    with pytest.raises(ValueError):
        store("../../etc/passwd", b"x")  # type: ignore[arg-type]


# --- Key rotation --------------------------------------------------------------------------------------

OLD = "t1:" + base64.b64encode(b"test-key-test-key-test-key-00000").decode()
NEW = "t2:" + base64.b64encode(b"rotated-key-rotated-key-rotated!").decode()


@pytest.fixture
def _reset_keys():
    reset_keyring()
    yield
    reset_keyring()


@pytest.mark.django_db
@pytest.mark.usefixtures("_reset_keys")
def test_rotation_reencrypts_files_and_updates_rows(world, person, _attachments_dir: Path) -> None:
    user = world.user("caseworker")
    case = Case.objects.create(number="T-1", person=person, owner_org=world.home, owner=user)
    contents: dict[uuid.UUID, bytes] = {}
    with override_settings(AMPARO_KEYS=OLD):
        reset_keyring()
        for i in range(5):
            data = f"file {i}".encode()
            row = Attachment(
                case=case,
                filename=f"f{i}.txt",
                content_type="text/plain",
                size=len(data),
                sha256="0" * 64,
                uploaded_by=user,
            )
            row.key_id = store(row.id, data)
            row.save()
            contents[row.id] = data
        missing = Attachment.objects.create(
            case=case,
            filename="gone.txt",
            content_type="text/plain",
            size=1,
            sha256="0" * 64,
            uploaded_by=user,
            key_id="t1",
        )
    with override_settings(AMPARO_KEYS=f"{OLD},{NEW}", AMPARO_ACTIVE_KEY_ID="t2"):
        reset_keyring()
        assert attachments.rotate_attachment_files("t2", 2) == 5
        assert attachments.rotate_attachment_files("t2", 2) == 0  # running again is harmless
    assert set(Attachment.objects.exclude(pk=missing.pk).values_list("key_id", flat=True)) == {"t2"}
    assert Attachment.objects.get(pk=missing.pk).key_id == "t1"  # no file: left for the operator
    with override_settings(AMPARO_KEYS=NEW):  # the old key can go
        reset_keyring()
        for pk, data in contents.items():
            assert (_attachments_dir / f"{pk}.bin").read_bytes().startswith(b"AAF1\x02t2")
            assert load(Attachment.objects.get(pk=pk)) == data
