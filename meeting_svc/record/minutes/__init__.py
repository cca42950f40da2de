"""The meeting's minutes: drafted from what the services recorded (meeting_svc's own tables and
resolution_svc's decisions as its events told them), edited by the secretary (a summary per agenda
item), approved by the chair into frozen, hashed versions, and published (`minutes.published`)."""
