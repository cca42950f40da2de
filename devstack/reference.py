"""The reference conference: QUATEST 2's year-end review of 14 January 2021 in Da Nang.

Facts come from the conference report (people, place, time, the ten key tasks, the four department
blocks' position reports, the Deputy Director General's guidance, the closing vote on the Resolution).
Where the report names nobody (the block representatives, the 190+ staff) names are generated,
deterministically, from common Vietnamese family, middle and given names.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

TIMEZONE = "Asia/Ho_Chi_Minh"
ICT = dt.timezone(dt.timedelta(hours=7))

ORGANISATION = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 2 (QUATEST 2)"


@dataclass(frozen=True)
class Text:
    vi: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


@dataclass(frozen=True)
class Department:
    code: str
    name: Text
    parent: str | None = None  # code of the block


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    department: str | None = None  # department code
    email: str | None = None
    language: str = "vi"
    weight: int = 1


@dataclass(frozen=True)
class AgendaItem:
    title: Text
    kind: str
    minutes: int
    presenter: str | None = None


@dataclass(frozen=True)
class Directive:
    title: Text
    description: str
    departments: tuple[str, ...]
    due: dt.date
    priority: str = "normal"


@dataclass(frozen=True)
class PositionReport:
    block: str
    title: str
    body: str
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class Conference:
    title: Text
    description: Text
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue_name: str
    venue_address: str
    departments: tuple[Department, ...]
    people: tuple[Person, ...]
    agenda: tuple[AgendaItem, ...]
    contribution_topic: Text
    contribution_guidance: str
    contribution_deadline: dt.datetime
    reports: tuple[PositionReport, ...]
    resolution_title: Text
    resolution_text: Text
    directives: tuple[Directive, ...] = field(default=())

    @property
    def chair(self) -> Person:
        return next(p for p in self.people if p.role == "chair")

    def representative_of(self, block: str) -> Person:
        return next(p for p in self.people if p.role == "department_representative" and p.department == block)

    def voters(self) -> list[Person]:
        return [p for p in self.people if p.role in ("chair", "voting_member", "department_representative")]


BLOCKS = (
    Department("DL", Text("Khối Đo lường", "Metrology block")),
    Department("TN", Text("Khối Thử nghiệm", "Testing block")),
    Department("NV", Text("Khối Nghiệp vụ", "Operations block")),
    Department("CN", Text("Khối Chức năng", "Functions block")),
)
DEPARTMENTS = (
    *BLOCKS,
    Department("TT-DVKH", Text("Phòng Thị trường và Dịch vụ khách hàng", "Market and Customer Service"), "NV"),
    Department("TTTN", Text("Trung tâm Tây Nguyên", "Central Highlands Centre"), "CN"),
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thanh", "Quốc", "Ngọc", "Đức", "Thu", "Xuân", "Công", "Kim")
GIVEN = (
    "An", "Bình", "Chi", "Dũng", "Dương", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phong", "Phúc", "Quang", "Quyên",
    "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trung", "Tuấn", "Uyên", "Việt", "Yến",
)  # fmt: skip


def staff_names(count: int, seed: int = 2021) -> list[str]:
    """Distinct names while the combinations last (6,048); beyond that, namesakes, as in life."""
    rng = random.Random(seed)
    distinct = count <= len(FAMILY) * len(MIDDLE) * len(GIVEN)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if not distinct or name not in seen:
            seen.add(name)
            names.append(name)
    return names


def people(staff: int = 190) -> tuple[Person, ...]:
    guests = (
        Person("Hà Minh Hiệp", "observer", email="ha.minh.hiep@tcvn.example.org"),
        *(
            Person(f"Vụ trưởng Vụ {unit}", "observer", email=f"vu.{slug}@tcvn.example.org")
            for unit, slug in (
                ("Đánh giá hợp quy hợp chuẩn", "dghq"),
                ("Tổ chức cán bộ", "tccb"),
                ("Đo lường", "dl"),
                ("Kế hoạch tài chính", "khtc"),
            )
        ),
        Person("Chánh Văn phòng Tổng cục", "observer", email="chanh.vp@tcvn.example.org"),
    )
    leadership = (
        Person("Nguyễn Phú Quốc", "chair", email="nguyen.phu.quoc@quatest2.example.org"),
        Person("Lê Thị Thanh Minh", "secretary", "TT-DVKH", email="le.thi.thanh.minh@quatest2.example.org"),
    )
    names = staff_names(staff + len(BLOCKS))
    representatives = tuple(
        Person(
            names[i],
            "department_representative",
            block.code,
            email=f"daidien.{block.code.lower()}@quatest2.example.org",
        )
        for i, block in enumerate(BLOCKS)
    )
    codes = [d.code for d in DEPARTMENTS]
    members = tuple(
        Person(
            name,
            "voting_member",
            codes[i % len(codes)],
            email=f"vien.chuc.{i + 1:03d}@quatest2.example.org",
            language="en" if i % 25 == 0 else "vi",
        )
        for i, name in enumerate(names[len(BLOCKS) :])
    )
    return (*guests, *leadership, *representatives, *members)


def conference(staff: int = 190) -> Conference:
    starts = dt.datetime(2021, 1, 14, 13, 30, tzinfo=ICT)
    return Conference(
        title=Text(
            "Hội nghị tổng kết công tác năm 2020 và phương hướng nhiệm vụ năm 2021",
            "2020 year-end review and 2021 work plan conference",
        ),
        description=Text(
            "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 2 tổng kết công tác năm 2020 và đưa ra phương"
            " hướng nhiệm vụ năm 2021.",
            "QUATEST 2 reviews its 2020 results and sets its direction and tasks for 2021.",
        ),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        venue_name="Khách sạn Minh Toan Galaxy",
        venue_address="306 Đường 2/9, thành phố Đà Nẵng",
        departments=DEPARTMENTS,
        people=people(staff),
        agenda=(
            AgendaItem(Text("Khai mạc hội nghị", "Opening"), "other", 10),
            AgendaItem(
                Text("Báo cáo tổng kết công tác năm 2020", "2020 results report"), "report", 30, "Nguyễn Phú Quốc"
            ),
            AgendaItem(
                Text("Mười nhiệm vụ trọng tâm năm 2021", "The ten key tasks for 2021"), "report", 20, "Nguyễn Phú Quốc"
            ),
            AgendaItem(
                Text("Báo cáo tham luận của các Khối", "Position reports of the department blocks"), "contribution", 40
            ),
            AgendaItem(
                Text("Ý kiến của Lãnh đạo các Vụ thuộc Tổng cục", "Remarks of the Directorate department heads"),
                "discussion",
                30,
            ),
            AgendaItem(
                Text("Phát biểu chỉ đạo của Phó Tổng cục trưởng", "Guidance from the Deputy Director General"),
                "discussion",
                30,
                "Hà Minh Hiệp",
            ),
            AgendaItem(
                Text("Biểu quyết thông qua Nghị quyết hội nghị", "Vote on the conference Resolution"), "vote", 15
            ),
            AgendaItem(Text("Bế mạc", "Closing"), "other", 5, "Nguyễn Phú Quốc"),
        ),
        contribution_topic=Text(
            "Báo cáo tham luận góp ý và kiến nghị", "Position report: comments and recommendations"
        ),
        contribution_guidance="Góp ý và kiến nghị đến Lãnh đạo Trung tâm, Lãnh đạo Tổng cục nhằm hoàn thiện công tác"
        " tổ chức quản lý và cung cấp dịch vụ của Đơn vị.",
        contribution_deadline=starts - dt.timedelta(days=3),
        reports=tuple(
            PositionReport(
                block.code,
                f"Tham luận của {block.name.vi}",
                f"## {block.name.vi}\n\nKết quả năm 2020 và kiến nghị cho năm 2021 nhằm hoàn thiện công tác tổ chức"
                " quản lý và cung cấp dịch vụ.",
                (
                    "Đầu tư trang thiết bị phù hợp định hướng phát triển kinh tế",
                    "Đẩy mạnh số hóa các khâu quản lý",
                ),
            )
            for block in BLOCKS
        ),
        resolution_title=Text(
            "Nghị quyết Hội nghị tổng kết công tác năm 2020", "Resolution of the 2020 review conference"
        ),
        resolution_text=Text(
            "Hội nghị thống nhất thông qua kết quả công tác năm 2020 (vượt 10% kế hoạch Tổng cục giao) và mười nhiệm vụ"
            " trọng tâm năm 2021, tiếp thu các ý kiến chỉ đạo của Phó Tổng cục trưởng.",
            "The conference adopts the 2020 results (10% above the Directorate's plan) and the ten key tasks for 2021,"
            " taking up the Deputy Director General's guidance.",
        ),
        directives=(
            Directive(
                Text("Hoàn thành vượt mức kế hoạch năm 2021", "Exceed the 2021 plan"),
                "Mọi khối bám sát chỉ tiêu kế hoạch Tổng cục giao.",
                ("DL", "TN", "NV", "CN"),
                dt.date(2021, 12, 31),
                "high",
            ),
            Directive(
                Text("Củng cố, kiện toàn bộ máy tổ chức", "Consolidate the organisation"),
                "",
                ("CN",),
                dt.date(2021, 6, 30),
            ),
            Directive(
                Text("Đầu tư cơ sở hạ tầng, trang thiết bị", "Invest in infrastructure and equipment"),
                "Nghiên cứu định hướng phát triển kinh tế của Nhà nước để đầu tư thiết bị phù hợp.",
                ("DL", "TN"),
                dt.date(2021, 9, 30),
            ),
            Directive(
                Text("Số hóa và chuyển đổi số các khâu quản lý", "Digitise management"),
                "Áp dụng đồng bộ số hóa và chuyển đổi số các khâu quản lý.",
                ("NV",),
                dt.date(2021, 12, 31),
            ),
            Directive(
                Text("Đào tạo con người, chuẩn hóa quy trình", "Train people, standardise processes"),
                "Đào tạo nâng cao trình độ chuyên môn nghiệp vụ, lý luận chính trị cho viên chức, người lao động.",
                ("CN",),
                dt.date(2021, 12, 31),
            ),
            Directive(
                Text("Gia tăng giá trị cho tổ chức, doanh nghiệp", "Add value for client organisations beyond revenue"),
                "",
                ("TT-DVKH",),
                dt.date(2021, 12, 31),
            ),
            Directive(
                Text("Xây dựng quan hệ với các Sở, ngành địa phương", "Build relations with local departments"),
                "Quan tâm hơn nữa Trung tâm Tây Nguyên và xây dựng cơ chế quản lý phù hợp để phát triển.",
                ("NV", "TTTN"),
                dt.date(2021, 12, 31),
            ),
            Directive(
                Text("Nhận diện và kiểm soát rủi ro", "Identify and control risks"),
                "Kiểm soát rủi ro trong hoạt động quản lý và cung cấp dịch vụ đến các tổ chức, doanh nghiệp.",
                ("NV",),
                dt.date(2021, 6, 30),
                "high",
            ),
        ),
    )
