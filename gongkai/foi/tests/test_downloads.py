"""Every FOI download goes through `core.downloads`: the staff's letters, materials and the
annual table, and the applicant's released letters and materials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse

from gongkai.core.tests.downloads import HOSTILE_NAME, assert_clean_download
from gongkai.foi.models import Letter, Material
from gongkai.foi.tests.factories import PHONE, application

pytestmark = pytest.mark.django_db

HOSTILE_TITLE = '../"答复书"\r\nSet-Cookie: a=b'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FOI_RATE_LIMITS = {"lookup": [(1000, 600)]}
    cache.clear()


@pytest.fixture
def app(unit_a):
    return application(received=dt.date(2026, 11, 2), unit=unit_a)


def released_letter(app, *, pdf: bytes | None = None) -> Letter:
    letter = Letter.objects.create(
        application=app,
        kind="reply.disclose",
        title=HOSTILE_TITLE,
        body="答复正文",
        status=Letter.Status.RELEASED,
    )
    if pdf is not None:
        letter.pdf.save("reply.pdf", ContentFile(pdf), save=True)
    return letter


def released_material(app) -> Material:
    material = Material(
        application=app,
        purpose="reply",
        original_name=HOSTILE_NAME,
        kind="pdf",
        size=8,
        sha256="0" * 64,
        released=True,
    )
    material.file.save("m.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return material


# -- staff ------------------------------------------------------------------------------------


def test_staff_letter_downloads_stored_or_rendered(client, login, liaison_a, app):
    letter = released_letter(app, pdf=b"%PDF-1.4 stored")
    login(liaison_a)
    pdf = client.get(reverse("foi:replies:letter_pdf", args=[app.pk, letter.pk]))
    assert_clean_download(pdf, f"{app.tracking_code}-{letter.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == b"%PDF-1.4 stored"
    docx = client.get(reverse("foi:replies:letter_docx", args=[app.pk, letter.pk]))
    assert_clean_download(docx, f"{app.tracking_code}-{letter.pk}.docx")
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content.startswith(b"PK")


def test_staff_material_download_cleans_the_name(client, login, liaison_a, liaison_b, app):
    material = released_material(app)
    url = reverse("foi:replies:material", args=[app.pk, material.pk])
    login(liaison_b)
    assert client.get(url).status_code == 404  # another unit's application
    login(liaison_a)
    response = client.get(url)
    assert_clean_download(response)
    assert response["Content-Type"] == "application/pdf"


def test_annual_table_download(client, login, coordinator):
    login(coordinator)
    response = client.get(reverse("foi:replies_office:statistics_xlsx"), {"year": 2025})
    assert_clean_download(response, "2025-ysqgk.xlsx")
    assert response.content.startswith(b"PK")


# -- the applicant ----------------------------------------------------------------------------


def test_public_downloads_clean_the_names(client, app):
    letter = released_letter(app, pdf=b"%PDF-1.4 public")
    material = released_material(app)
    client.post(reverse("foi_public:lookup"), {"tracking_code": app.tracking_code, "phone": PHONE})
    pdf = client.get(reverse("foi_public:letter", args=[letter.pk, "pdf"]))
    assert_clean_download(pdf, f"{HOSTILE_TITLE}.pdf")
    assert "no-store" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content) == b"%PDF-1.4 public"
    text = client.get(reverse("foi_public:letter", args=[letter.pk, "txt"]))
    assert_clean_download(text, f"{HOSTILE_TITLE}.txt")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.decode() == "答复正文"
    got = client.get(reverse("foi_public:material", args=[material.pk]))
    assert_clean_download(got)
    assert "no-store" in got["Cache-Control"]


def test_public_letter_without_a_title_gets_a_name(client, app):
    letter = released_letter(app)
    Letter.objects.filter(pk=letter.pk).update(title="")
    client.post(reverse("foi_public:lookup"), {"tracking_code": app.tracking_code, "phone": PHONE})
    response = client.get(reverse("foi_public:letter", args=[letter.pk, "txt"]))
    assert_clean_download(response, "文书.txt")


def test_a_stored_file_that_is_gone_is_404(client, app):
    letter = released_letter(app, pdf=b"%PDF-1.4")
    letter.pdf.storage.delete(letter.pdf.name)
    client.post(reverse("foi_public:lookup"), {"tracking_code": app.tracking_code, "phone": PHONE})
    assert client.get(reverse("foi_public:letter", args=[letter.pk, "pdf"])).status_code == 404
