"""python manage.py load_demo [--users-for-existing]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from departments.demo import DEMO_PASSWORD, load_demo_city, users_for_existing_departments


class Command(BaseCommand):
    help = "创建示例城市（江海市）的部门、别名、部门组和各角色演示账号；可重复执行。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--users-for-existing",
            action="store_true",
            help="只为已有但没有成员的部门各创建一名演示联络员和负责人。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["users_for_existing"]:
            logins = users_for_existing_departments()
        else:
            logins = load_demo_city()
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role:<10} {login.department}")
        self.stdout.write(self.style.SUCCESS(f"演示账号密码均为 {DEMO_PASSWORD}（新建 {len(logins)} 个账号行）"))
