"""What tasks announces to the apps built on it. reminders connects in RemindersConfig.ready() (reminders/receivers.py).

tasks never imports reminders: reminders reads tasks' rows, so the dependency points reminders → tasks, and tasks
tells whoever listens. Both signals are sent inside the service's transaction; without a receiver nothing happens.
"""

from __future__ import annotations

from django.dispatch import Signal

# Tasks were assigned (交办, 指派, 分解下达): plan the notices. No arguments besides ``sender``.
tasks_were_assigned = Signal()
# A workflow event concerns people (退回重办, 审核通过, 延期审批, 待您审核, 指派, 催办 …), right after its AuditEvent.
# Arguments: ``event`` (the AuditEvent), ``kind`` (a reminders kind), ``user_ids`` (a list without duplicates).
workflow_event = Signal()
