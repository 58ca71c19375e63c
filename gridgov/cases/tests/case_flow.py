"""Shortcuts that drive a case through the real actions, for tests that need one in a given state."""

from __future__ import annotations

from gridgov.cases import actions
from gridgov.cases.models import Case, Channel


def submitted(world, *, point=None, description="小区门口路灯坏了三天，晚上很黑", key=None) -> Case:
    lon, lat = point or (108.305, 22.805)
    case, _ = actions.case_submit(
        actor=world.resident,
        channel=Channel.WEB,
        description=description,
        contact_phone="13812341234",
        lon=lon,
        lat=lat,
        idempotency_key=key,
    )
    return case


def dispatched(world, *, to_department: bool = False, **kwargs) -> Case:
    case = submitted(world, **kwargs)
    if to_department:
        return actions.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=world.item_pipe, to_department=world.water
        )
    return actions.case_dispatch(
        actor=world.dispatcher, case_id=case.pk, item=world.item_litter, to_worker=world.worker_a
    )


def accepted(world, **kwargs) -> Case:
    case = dispatched(world, **kwargs)
    handler = world.water_handler if kwargs.get("to_department") else world.worker_a
    return actions.case_accept(actor=handler, case_id=case.pk)


def resolved(world, **kwargs) -> Case:
    case = accepted(world, **kwargs)
    handler = world.water_handler if kwargs.get("to_department") else world.worker_a
    return actions.case_resolve(actor=handler, case_id=case.pk, result="已更换灯泡，恢复照明")
