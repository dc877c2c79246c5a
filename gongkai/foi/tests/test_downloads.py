"""Every FOI download goes through `core.downloads`: the staff's letters, materials and the
annual table, and the applicant's released letters and materials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from gongkai.core.tests.downloads import HOSTILE_NAME, assert_clean_download
from gongkai.foi.models import Letter
from gongkai.foi.tests.factories import PHONE, application, letter, material

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


# -- staff ------------------------------------------------------------------------------------


def test_staff_letter_downloads_stored_or_rendered(client, login, liaison_a, app):
    reply = letter(app, title=HOSTILE_TITLE, pdf=b"%PDF-1.4 stored")
    login(liaison_a)
    pdf = client.get(reverse("foi:replies:letter_pdf", args=[app.pk, reply.pk]))
    assert_clean_download(pdf, f"{app.tracking_code}-{reply.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == b"%PDF-1.4 stored"
    docx = client.get(reverse("foi:replies:letter_docx", args=[app.pk, reply.pk]))
    assert_clean_download(docx, f"{app.tracking_code}-{reply.pk}.docx")
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content.startswith(b"PK")


def test_staff_material_download_cleans_the_name(client, login, liaison_a, liaison_b, app):
    stored = material(app, original_name=HOSTILE_NAME)
    url = reverse("foi:replies:material", args=[app.pk, stored.pk])
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
    reply = letter(app, title=HOSTILE_TITLE, pdf=b"%PDF-1.4 public")
    stored = material(app, original_name=HOSTILE_NAME)
    client.post(reverse("foi_public:lookup"), {"tracking_code": app.tracking_code, "phone": PHONE})
    pdf = client.get(reverse("foi_public:letter", args=[reply.pk, "pdf"]))
    assert_clean_download(pdf, f"{HOSTILE_TITLE}.pdf")
    assert "no-store" in pdf["Cache-Control"]
    assert b"".join(pdf.streaming_content) == b"%PDF-1.4 public"
    text = client.get(reverse("foi_public:letter", args=[reply.pk, "txt"]))
    assert_clean_download(text, f"{HOSTILE_TITLE}.txt")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text.content.decode() == "答复正文"
    got = client.get(reverse("foi_public:material", args=[stored.pk]))
    assert_clean_download(got)
    assert "no-store" in got["Cache-Control"]


def test_public_letter_without_a_title_gets_a_name(client, app):
    reply = letter(app, title=HOSTILE_TITLE)
    Letter.objects.filter(pk=reply.pk).update(title="")
    client.post(reverse("foi_public:lookup"), {"tracking_code": app.tracking_code, "phone": PHONE})
    response = client.get(reverse("foi_public:letter", args=[reply.pk, "txt"]))
    assert_clean_download(response, "文书.txt")


def test_a_stored_file_that_is_gone_is_404(client, app):
    reply = letter(app, title=HOSTILE_TITLE, pdf=b"%PDF-1.4")
    reply.pdf.storage.delete(reply.pdf.name)
    client.post(reverse("foi_public:lookup"), {"tracking_code": app.tracking_code, "phone": PHONE})
    assert client.get(reverse("foi_public:letter", args=[reply.pk, "pdf"])).status_code == 404
