"""Bus helpers every service uses: the transactional outbox with its relay, and the idempotent consumer."""

from schemas.bus.consumer import Bulk, EventConsumer, NotYet, PoisonEvent
from schemas.bus.outbox import OutboxRelay, enqueue, outbox_row

__all__ = ["Bulk", "EventConsumer", "NotYet", "OutboxRelay", "PoisonEvent", "enqueue", "outbox_row"]
