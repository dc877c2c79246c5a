from django.urls import path

from .public import api as public_api
from .staff import api as staff_api

urlpatterns = [
    path("staff/", staff_api.urls),
    path("v1/", public_api.urls),
]
