from django.urls import path

from .views import accounts

app_name = "accounts"

urlpatterns = [
    path("login/", accounts.login_view, name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("otp/", accounts.otp_verify, name="otp_verify"),
    path("otp/setup/", accounts.otp_setup, name="otp_setup"),
]
