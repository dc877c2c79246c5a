"""Forms for staff sign-in: password step and one-time code (动态口令) step."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from .. import twofactor

INVALID_LOGIN = _("用户名或密码错误")


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("请输入用户名")},
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入密码")},
    )

    def __init__(self, *args, request, **kwargs):
        self.request = request
        self.user = None
        self.attempted = False  # authenticate() ran (so a failure was counted)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        username = (cleaned.get("username") or "").strip()
        password = cleaned.get("password")
        if username and password:
            # Through authenticate() with the request, so django-axes counts the failure (and
            # refuses even the right password while the account is locked).
            self.attempted = True
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                # Never say which of the two was wrong.
                raise forms.ValidationError(INVALID_LOGIN, code="invalid_login")
        cleaned["username"] = username
        return cleaned


class TokenForm(forms.Form):
    # Named "token": settings.AXES_SENSITIVE_PARAMETERS masks it in django-axes' records.
    token = forms.CharField(
        label=_("动态口令"),
        max_length=12,
        help_text=_("打开手机上的身份验证器应用，输入显示的6位数字"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("请输入动态口令")},
    )

    def clean_token(self):
        try:
            return twofactor.clean_token(self.cleaned_data["token"])
        except twofactor.TokenInvalid as exc:
            raise forms.ValidationError(exc.message, code="invalid_token") from None
