"""The 通知设置 form of the web UI (the API uses reminders/api/serializers.py)."""

from __future__ import annotations

from django import forms

from .models import MUTABLE_KINDS, UNMUTABLE_KINDS, Channel, NotificationPreference


class NotificationPreferenceForm(forms.Form):
    muted_kinds = forms.MultipleChoiceField(
        label="不接收以下类型的通知",
        choices=[(k.value, k.label) for k in MUTABLE_KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="逾期升级（部门负责人、督查室）的通知不能屏蔽，可改为每日汇总接收。",
    )
    email = forms.BooleanField(
        label="同时发送电子邮件", required=False, help_text="站内通知始终保留；需在个人资料中填写邮箱。"
    )
    digest = forms.BooleanField(
        label="每日汇总代替逐条通知",
        required=False,
        help_text="勾选后，逐条通知改为每天 17:30 汇总为一条发送（每日督办汇总照常发送）。",
    )

    @classmethod
    def initial_for(cls, pref: NotificationPreference) -> dict:
        return {
            "muted_kinds": [k for k in pref.muted_kinds if k not in UNMUTABLE_KINDS],
            "email": Channel.EMAIL in pref.channels,
            "digest": pref.digest,
        }

    def to_data(self) -> dict:
        data = self.cleaned_data
        channels = [Channel.INAPP.value] + ([Channel.EMAIL.value] if data["email"] else [])
        return {"muted_kinds": list(data["muted_kinds"]), "channels": channels, "digest": data["digest"]}
