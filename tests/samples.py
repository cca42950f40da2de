"""Sample values for every event type, built from the Struct definitions themselves."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
import msgspec.inspect as mi

from schemas.codec import new_id
from schemas.events import EVENT_TYPES, Event


def _sample(t: mi.Type) -> Any:
    match t:
        case mi.UUIDType():
            return uuid.uuid4()
        case mi.DateTimeType():
            return dt.datetime(2021, 1, 14, 7, 30, tzinfo=dt.UTC)
        case mi.DateType():
            return dt.date(2021, 12, 31)
        case mi.StrType():
            return "Nghị quyết hội nghị"
        case mi.IntType():
            return 3
        case mi.FloatType():
            return 12.5
        case mi.DictType():
            return {_sample(t.key_type): _sample(t.value_type)}
        case mi.BoolType():
            return True
        case mi.LiteralType():
            return t.values[0]
        case mi.ListType():
            return [_sample(t.item_type)]
        case mi.UnionType():
            return _sample(next(x for x in t.types if not isinstance(x, mi.NoneType)))
        case mi.StructType():
            return t.cls(**{f.name: _sample(f.type) for f in t.fields})
    raise TypeError(f"no sample for {t}")


def sample_event(event_type: str, meeting_id: uuid.UUID | None = None) -> Event:
    cls = EVENT_TYPES[event_type]
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    values = {f.name: _sample(f.type) for f in info.fields}
    values["id"] = new_id()
    if meeting_id is not None:
        values["meeting_id"] = meeting_id
    return msgspec.convert(msgspec.to_builtins(cls(**values)), cls)
