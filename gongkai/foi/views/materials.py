"""Downloading a material of an application (the applicant's correction, information provided
with the reply, consultation answers) on the staff side."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from gongkai.core.downloads import download_response
from gongkai.core.http import service_errors
from gongkai.core.uploads import MIME

from ..models import Material
from .access import visible_application


@service_errors
def material_download(request, app_id: int, material_id: int):
    app = visible_application(request, app_id)
    material = get_object_or_404(Material, pk=material_id, application=app)
    return download_response(
        material.file, filename=material.original_name, content_type=MIME.get(material.kind)
    )
