"""DRF authentication with hashed, revocable, expiring API tokens (`Authorization: Token dbn_…`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken
from .tokens import hash_token


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """Looks the token up by its hash; refuses revoked, expired or inactive-user tokens."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("API 令牌无效或已吊销。")
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed("API 令牌已过期。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("该用户已停用。")
        # One cheap UPDATE at most once a minute, not on every request.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
