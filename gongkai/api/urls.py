from django.urls import path

from .staff import api as staff_api

urlpatterns = [
    path("staff/", staff_api.urls),
]
