"""Typesetting the minutes' PDF: seconds by length of the costliest script (Chinese characters, a line
break possible between any two) and of Vietnamese; what a process of its own per compile costs over
compiling in this one; and whether two compiles in threads run in parallel (Typst releasing the GIL).
`python -m bench typesetting` (no services needed)."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import threading
import time
import uuid

from meeting_svc.record.minutes import pdf
from meeting_svc.record.minutes.draft import Attendance, Item, MeetingFacts, Minutes, Text
from meeting_svc.record.minutes.typesetting import Typesetter
from meeting_svc.settings import Settings

NEEDS_STACK = False
T0 = dt.datetime(2026, 1, 14, 6, 30, tzinfo=dt.UTC)


def cjk(n: int, rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(n))


def vietnamese(n: int, rng: random.Random) -> str:
    words = "Hội nghị đã thảo luận kết quả năm và kế hoạch phát triển của đơn vị trong giai đoạn tới".split()
    return " ".join(rng.choice(words) for _ in range(n // 4))[:n]


def minutes(summary: str) -> Minutes:
    return Minutes(
        meeting=MeetingFacts(
            title=Text(vi="Hội nghị tổng kết"),
            starts_at=T0,
            ends_at=T0 + dt.timedelta(hours=4),
            timezone="Asia/Ho_Chi_Minh",
            venue="Đà Nẵng",
            online_url="",
            status="ended",
            chairs=["An"],
            secretaries=["Bình"],
        ),
        attendance=Attendance(
            on_roster=1,
            voting_members=1,
            voting_weight=1,
            present=1,
            present_voting=1,
            present_weight=1,
            by_proxy=0,
            excused=0,
            absent=0,
            departments=[],
        ),
        agenda=[
            Item(id=uuid.UUID(int=1), position=1, title=Text(vi="Khai mạc"), kind="other", presenter="", summary=s)
            for s in [Text(vi=summary)]
        ],
        reports=[],
        polls=[],
        resolutions=[],
    )


def seconds(m: Minutes) -> float:
    started = time.perf_counter()
    pdf.render_pdf(m, "vi", "00" * 32)
    return time.perf_counter() - started


async def run(_: None) -> dict[str, float | int]:
    rng = random.Random(2021)
    budget = Settings().minutes_text_budget
    out: dict[str, float | int] = {"typesetting.budget_chars": budget}
    seconds(minutes("warm-up"))
    for n in (10_000, 20_000, budget):
        out[f"typesetting.cjk_{n}_s"] = round(seconds(minutes(cjk(n, rng))), 2)
    out[f"typesetting.vietnamese_{budget}_s"] = round(seconds(minutes(vietnamese(budget, rng))), 2)

    # a compile in a process of its own vs in this one (a small document: the start-up shows)
    small = minutes("Hội nghị khai mạc lúc 13 giờ 30.")
    src = pdf.source(small, "vi", "00" * 32)
    pool = Typesetter(1, 0, 30)
    here = statistics.median(seconds(small) for _ in range(5))
    apart = []
    for _ in range(5):
        started = time.perf_counter()
        await pool.pdf(src, 0)
        apart.append(time.perf_counter() - started)
    out["typesetting.small_in_process_ms"] = round(here * 1000, 1)
    out["typesetting.small_own_process_ms"] = round(statistics.median(apart) * 1000, 1)

    # two compiles at once in threads: near 1x one compile if Typst releases the GIL, 2x if it holds it
    big = minutes(cjk(20_000, rng))
    one = seconds(big)
    threads = [threading.Thread(target=seconds, args=(big,)) for _ in range(2)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["typesetting.two_threads_over_one"] = round((time.perf_counter() - started) / one, 2)
    # the longest this thread went without running while another compiled: the compile's length if Typst
    # held the GIL, a scheduler's slice if it releases it (what the ratio above cannot tell on a busy machine)
    thread = threading.Thread(target=seconds, args=(big,))
    thread.start()
    last, pause = time.perf_counter(), 0.0
    while thread.is_alive():
        now = time.perf_counter()
        pause, last = max(pause, now - last), now
    out["typesetting.longest_pause_beside_a_thread_compile_ms"] = round(pause * 1000, 1)
    # and in two processes through the pool
    pool = Typesetter(2, 0, 60)
    big_src = pdf.source(big, "vi", "00" * 32)
    started = time.perf_counter()
    await asyncio.gather(pool.pdf(big_src, 0), pool.pdf(big_src, 0))
    out["typesetting.two_processes_over_one"] = round((time.perf_counter() - started) / one, 2)
    return out
