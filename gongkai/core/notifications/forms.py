"""The notification settings form: per registered kind, email mode and SMS on/off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import EmailMode

from .kinds import all_kinds


def email_field(key: str) -> str:
    return f"email-{key}"


def sms_field(key: str) -> str:
    return f"sms-{key}"


class NotificationSettingsForm(forms.Form):
    """Fields `email-<kind>` (即时邮件 / 每日汇总 / 不发邮件) and `sms-<kind>` for every kind."""

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = {c.kind: c for c in choices}
        for kind in all_kinds():
            choice = current.get(kind.key)
            self.fields[email_field(kind.key)] = forms.ChoiceField(
                label=kind.label,
                choices=EmailMode.choices,
                initial=choice.email if choice else None,
                error_messages={
                    "required": _("请为“%(kind)s”选择邮件方式。") % {"kind": kind.label},
                    "invalid_choice": _("“%(kind)s”的邮件方式无效，请重新选择。")
                    % {"kind": kind.label},
                },
            )
            self.fields[sms_field(kind.key)] = forms.BooleanField(
                label=_("短信"), required=False, initial=bool(choice and choice.sms)
            )

    def groups(self) -> list[tuple[str, list[tuple]]]:
        """[(group label, [(kind, email bound field, sms bound field)])] in registry order."""
        out: list[tuple[str, list[tuple]]] = []
        for kind in all_kinds():
            group = str(kind.group) or str(_("其他"))
            if not out or out[-1][0] != group:
                out.append((group, []))
            out[-1][1].append((kind, self[email_field(kind.key)], self[sms_field(kind.key)]))
        return out

    def choices(self) -> dict[str, tuple[str, bool]]:
        return {
            kind.key: (
                self.cleaned_data[email_field(kind.key)],
                bool(self.cleaned_data[sms_field(kind.key)]),
            )
            for kind in all_kinds()
        }
