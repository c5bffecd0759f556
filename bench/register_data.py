"""The 8 organisations and their documents, for bench/register_bench.py (whose docstring
says what they are): set up through the ORM (bench/common.py's organisation()), then the
documents of each size as COPY rows, with the notation and the deliveries' channel and
recipient asked of the modules themselves (ModelRules)."""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import json
import random
import time

from common import odoo_registry, organisation

SEED = 20260101

COMPANIES = [  # abbreviation, name, agency code
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "000.00.11.H53"),
    ("STC", "Sở Tài chính", "000.00.12.H53"),
    ("SXD", "Sở Xây dựng", "000.00.13.H53"),
    ("SYT", "Sở Y tế", "000.00.14.H53"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo", "000.00.15.H53"),
    ("SNV", "Sở Nội vụ", "000.00.16.H53"),
    ("SCT", "Sở Công Thương", "000.00.17.H53"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "000.00.18.H53"),
    # The province's other agencies and communes (--organisations up to 40).
    ("STP", "Sở Tư pháp", "000.00.19.H53"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "000.00.20.H53"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "000.00.21.H53"),
    ("TTT", "Thanh tra tỉnh", "000.00.22.H53"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp", "000.00.23.H53"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng", "000.00.24.H53"),
    ("VPUB", "Văn phòng Ủy ban nhân dân", "000.00.25.H53"),
    ("SNGV", "Sở Ngoại vụ", "000.00.26.H53"),
]
COMMUNES = (
    "Yên Sơn", "Sơn Dương", "Hàm Yên", "Chiêm Hóa", "Na Hang", "Lâm Bình", "Tân Trào",
    "Minh Thanh", "Trung Sơn", "Thái Bình", "Kim Bình", "Hòa An", "Phúc Ứng", "Hồng Thái",
    "Thượng Lâm", "Côn Lôn", "Yên Hoa", "Đông Thọ", "Hợp Hòa", "Kháng Nhật", "Tân Long",
    "Xuân Vân", "Bình Xa", "Thái Sơn", "Nhữ Khê", "Phù Lưu", "Tân Mỹ", "Kiên Đài",
    "Vinh Quang", "Hùng Lợi", "Mỹ Bằng", "Lực Hành",
)  # fmt: skip
COMPANIES += [  # communes (UBND xã), the bulk of a province's organisations
    (f"UBX{index:02d}", f"Ủy ban nhân dân xã {name}", f"000.{index:02d}.31.H53")
    for index, name in enumerate(COMMUNES, 1)
]
UNITS = [
    ("VP", "Văn phòng"),
    ("KHTC", "Phòng Kế hoạch - Tài chính"),
    ("TCCB", "Phòng Tổ chức cán bộ"),
    ("TTr", "Thanh tra"),
    ("NV", "Phòng Nghiệp vụ"),
]
TYPES = [  # name, code (none: a letter), weight
    ("Công văn", None, 55),
    ("Quyết định", "QĐ", 15),
    ("Báo cáo", "BC", 10),
    ("Kế hoạch", "KH", 8),
    ("Tờ trình", "TTr", 6),
    ("Thông báo", "TB", 6),
]
EXCHANGE_AGENCIES = [
    "UBND tỉnh Tuyên Quang", "Văn phòng UBND tỉnh", "Bộ Nông nghiệp và Môi trường",
    "Bộ Tài chính", "Bộ Nội vụ", "UBND xã Yên Sơn", "UBND xã Sơn Dương", "UBND xã Hàm Yên",
    "UBND xã Chiêm Hóa", "UBND phường Minh Xuân", "Kho bạc Nhà nước khu vực VIII",
    "Công an tỉnh Tuyên Quang",
]  # fmt: skip
MAIL_AGENCIES = [
    "Báo Tuyên Quang", "Đài Phát thanh - Truyền hình tỉnh", "Hội Nông dân tỉnh",
    "Liên minh Hợp tác xã tỉnh", "Công ty TNHH Chè Mỹ Lâm", "Trường Cao đẳng Kỹ thuật",
    "Hội Chữ thập đỏ tỉnh", "Ngân hàng Chính sách xã hội tỉnh",
]  # fmt: skip
TOPICS = [
    "triển khai sử dụng chữ ký số chuyên dùng Chính phủ",
    "báo cáo kết quả thực hiện nhiệm vụ quý",
    "kế hoạch kiểm tra công tác phòng, chống thiên tai",
    "đề nghị thẩm định dự toán kinh phí năm",
    "tổ chức hội nghị tổng kết công tác năm",
    "góp ý dự thảo Nghị quyết của Hội đồng nhân dân tỉnh",
    "cử cán bộ tham dự lớp bồi dưỡng kiến thức quản lý nhà nước",
    "tăng cường công tác phòng cháy, chữa cháy mùa khô",
    "thực hiện chế độ báo cáo thống kê định kỳ",
    "phê duyệt kế hoạch lựa chọn nhà thầu gói thầu tư vấn",
    "điều chỉnh chỉ tiêu kế hoạch vốn đầu tư công",
    "đẩy mạnh chuyển đổi số trong cơ quan nhà nước",
]
# The queues (per user, the same at every size; see the docstring).
QUEUE_HEAD = 20
QUEUE_DIRECTOR = 120
QUEUE_CLERK = 120
DRAFTS_RETURNED = 2
DRAFTS_PLAIN = 4
BLOCK_SHARE = 20  # company 1's 2025 register holds size / 20 entries (5,000 of 100,000)
BLOCK_YEAR = 2025
FIRST_DAY = datetime.date(2022, 1, 3)
LAST_DAY = datetime.date(2026, 11, 30)
QUEUE_SINCE = datetime.datetime(2026, 11, 5, 8, 0)  # the queues were drafted since
RECENT_FROM = datetime.date(2026, 11, 2)  # the last month's flow, the same at every size
RECENT_PER_DAY = 8  # documents issued per organisation and working day in that month
ESIGN_FROM = datetime.date(2022, 7, 1)  # before: some on paper by the clerk's choice
PDF_TEXT_SHARE = 3  # 1 document in 3 has the text of its PDF indexed (see pdf_text())
LEGAL_BASES = [
    "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
    "Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025",
    "Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường điện tử",
    "Quyết định số 28/2018/QĐ-TTg về gửi, nhận văn bản điện tử giữa các cơ quan",
    "Luật Ngân sách nhà nước số 89/2025/QH15",
    "Nghị định số 136/2020/NĐ-CP quy định chi tiết Luật Phòng cháy và chữa cháy",
    "Kế hoạch số 112/KH-UBND của Ủy ban nhân dân tỉnh",
    "Chỉ thị số 05/CT-UBND về tăng cường kỷ luật, kỷ cương hành chính",
]


# --------------------------------------------------------------------------- Odoo side


def registry_of(args: argparse.Namespace):
    """The registry of the bench's database, Odoo configured as devenv configured it."""
    return odoo_registry(args.inner_config, args.inner_db)


def load_state(args) -> dict:
    return json.loads(args.inner_state.read_text()) if args.inner_state.exists() else {}


def save_state(args, state: dict) -> None:
    args.inner_state.write_text(json.dumps(state, ensure_ascii=False, indent=1))


# --------------------------------------------------------------------------- setup (ORM)


def setup(args: argparse.Namespace) -> int:
    """The organisations, their people, units, registers and types, and the outside
    agencies; their ids in the state file."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = registry_of(args)
    began = time.perf_counter()
    with registry.cursor() as cr:
        quiet = {
            "tracking_disable": True,
            "mail_create_nolog": True,
            "mail_notrack": True,
            "no_reset_password": True,
        }
        env = api.Environment(cr, SUPERUSER_ID, quiet)
        companies = []
        for index, (code, name, organ_id) in enumerate(COMPANIES[: args.organisations], 1):
            values = {
                "name": f"{name} tỉnh Tuyên Quang",
                "snn_org_code": code,
                "snn_org_full_name": f"{name} tỉnh Tuyên Quang",
                "snn_governing_body": "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
                "snn_place": "Tuyên Quang",
                "snn_organ_id": organ_id,
                "snn_esign_trial_date": "2021-06-01",
                "snn_esign_mandatory_date": str(ESIGN_FROM),
            }
            if index == 1:
                company = env.ref("base.main_company")
                company.write(values)
            else:
                company = env["res.company"].create(values)
            companies.append(_setup_company(env, company, index))
        agencies = env["res.partner"].create(
            [
                {"name": name, "is_company": True, "snn_organ_id": f"000.{i:02d}.00.G{i:02d}"}
                for i, name in enumerate(EXCHANGE_AGENCIES, 1)
            ]
            + [
                {"name": name, "is_company": True, "email": f"vanthu{i}@example.vn"}
                for i, name in enumerate(MAIL_AGENCIES, 1)
            ]
        )
        state = {
            "companies": companies,
            "exchange_agencies": [
                [p.id, p.name, p.snn_organ_id] for p in agencies[: len(EXCHANGE_AGENCIES)]
            ],
            "mail_agencies": [[p.id, p.name, p.email] for p in agencies[len(EXCHANGE_AGENCIES) :]],
            "activity_types": {
                kind: [activity.id, activity.summary]
                for kind in ("review", "fix", "issue")
                for activity in [env.ref(f"snn_docflow.mail_activity_type_{kind}")]
            },
            "model_id": env["ir.model"]._get_id("snn.document"),
            "results": {},
        }
    save_state(args, state)
    users = sum(len(c["users"]) for c in companies)
    print(
        f"setup: {len(companies)} organisations, {users} users, "
        f"{sum(len(c['units']) for c in companies)} units, {len(agencies)} outside agencies "
        f"in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    return 0


def _setup_company(env, company, index) -> dict:
    """One organisation's people (users with employees), units, registers and types."""
    code = company.snn_org_code
    # (login, name, role, unit): heads and drafters in their unit, the others in the office.
    people = [(f"head_{u}", f"Trưởng {unit} ({code})", "head", u) for u, unit in UNITS]
    people += [(f"director{j}", f"Giám đốc {j} ({code})", "director", "VP") for j in (1, 2)]
    people += [(f"clerk{j}", f"Văn thư {j} ({code})", "clerk", "VP") for j in (1, 2)]
    people += [("manager", f"Quản trị ({code})", "manager", "VP")]
    people += [
        (f"drafter_{u}{j}", f"Chuyên viên {u} {j} ({code})", "drafter", u)
        for u, _unit in UNITS
        for j in (1, 2)
    ]
    org = organisation(
        env,
        company,
        people,
        UNITS,
        types=[(name, type_code) for name, type_code, _weight in TYPES],
        secret_register=True,
        login_prefix=f"c{index}_",
        tz="Asia/Ho_Chi_Minh",
    )
    users = org.users
    return {
        "id": company.id,
        "code": code,
        "name": company.name,
        "users": {login: u.id for login, u in users.items()},
        "units": [
            {
                "id": org.units[u].id,
                "code": u,
                "name": org.units[u].name,
                "head": users[f"head_{u}"].id,
                "drafters": [users[f"drafter_{u}{j}"].id for j in (1, 2)],
            }
            for u, _name in UNITS
        ],
        "directors": [users["director1"].id, users["director2"].id],
        "clerks": [users["clerk1"].id, users["clerk2"].id],
        "manager": users["manager"].id,
        "registers": {"normal": org.register.id, "confidential": org.secret_register.id},
        "partner": [company.partner_id.id, company.name, company.snn_organ_id],
        "types": [
            [t.id, t.code or None, w] for t, (_n, _c, w) in zip(org.types, TYPES, strict=True)
        ],
    }


# --------------------------------------------------------------------------- generate (SQL)


def _working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


class ModelRules:
    """The modules' own rules, asked of records in memory (new(), nothing written): the
    notation of a code (snn_docflow's _notation) and a delivery's channel and recipient
    (snn_dispatch's _delivery_values). Memoised: their answers depend on a few values only."""

    def __init__(self, env):
        self.Document = env["snn.document"]
        self.Line = env["snn.document.recipient"]
        self.notations: dict[tuple, str] = {}
        self.deliveries: dict[tuple, dict] = {}

    def notation(self, doc) -> str:
        key = (doc["company_id"], doc["document_type_id"], doc["department_id"])
        if key not in self.notations:
            names = ("company_id", "document_type_id", "department_id")
            self.notations[key] = self.Document.new(dict(zip(names, key, strict=True)))._notation()
        return self.notations[key]

    def delivery(self, doc, line) -> dict:
        """The values the issue step gives the delivery of ``line`` (no ids)."""
        unit, partner = line.get("unit"), line.get("partner")
        key = (
            doc["company_id"], doc["confidentiality"], bool(doc.get("esign")), doc["urgency"],
            unit["id"] if unit else False, partner[0] if partner else False,
        )  # fmt: skip
        if key not in self.deliveries:
            names = ("company_id", "confidentiality", "esign", "urgency")
            document = self.Document.new(dict(zip(names, key, strict=False)))
            recipient = self.Line.new({"department_id": key[4], "partner_id": key[5]})
            values = document._delivery_values(recipient)
            self.deliveries[key] = {
                name: value
                for name, value in values.items()
                if name not in ("document_id", "recipient_id")
            }
        return self.deliveries[key]


class Plan:
    """The documents of one size, with their recipient lines, deliveries and to-dos, as rows
    for COPY. Seeded: the same size gives the same rows."""

    def __init__(self, state: dict, size: int, rules: ModelRules):
        self.state = state
        self.rules = rules
        self.size = size
        self.rng = random.Random(SEED + size)
        self.docs: list[dict] = []
        days = _working_days(FIRST_DAY, RECENT_FROM - datetime.timedelta(days=1))
        self.days = days
        self.days_2025 = [d for d in days if d.year == BLOCK_YEAR]
        self.days_but_2025 = [d for d in days if d.year != BLOCK_YEAR]
        self.recent_days = _working_days(RECENT_FROM, LAST_DAY)
        self.type_weights = [w for _name, _code, w in TYPES]
        self.block = size // BLOCK_SHARE

    # ---------------------------------------------------------------- documents

    def build(self) -> None:
        for company in self.state["companies"]:
            self._queues(company)
            for day in self.recent_days:
                for _ in range(RECENT_PER_DAY):
                    self._archived(company, day, block=False)
        archive = self.size - len(self.docs) - self.block
        if archive < 0:
            raise SystemExit(f"{self.size} documents cannot hold the queues and the register")
        companies = self.state["companies"]
        first = companies[0]
        for _ in range(archive):
            company = self.rng.choice(companies)
            days = self.days_but_2025 if company is first else self.days
            self._archived(company, self.rng.choice(days), block=False)
        for _ in range(self.block):
            self._archived(first, self.rng.choice(self.days_2025), block=True)
        self.docs.sort(key=lambda doc: doc["create_date"])
        self._number()

    def _new(self, company, unit, state, created) -> dict:
        rng = self.rng
        type_id, type_code, _w = rng.choices(company["types"], weights=self.type_weights)[0]
        deputy = rng.random() < 0.6
        topic = rng.choice(TOPICS)
        subject = f"V/v {topic}" if type_code is None else f"{TYPES_BY_CODE[type_code]} về {topic}"
        urgency = rng.choices(("normal", "urgent", "very_urgent", "flash"), weights=(85, 10, 4, 1))[
            0
        ]
        return {
            "company": company,
            "unit": unit,
            "type_code": type_code,
            "subject": f"{subject} (hồ sơ {len(self.docs) + 1})",
            "document_type_id": type_id,
            "company_id": company["id"],
            "department_id": unit["id"],
            "drafter_id": rng.choice(unit["drafters"]),
            "signer_id": company["directors"][1 if deputy else 0],
            "signer_authority": "KT. GIÁM ĐỐC" if deputy else None,
            "signer_position": "PHÓ GIÁM ĐỐC" if deputy else "GIÁM ĐỐC",
            "urgency": urgency,
            "confidentiality": "normal",
            "state": state,
            "create_date": created,
            "write_date": created,
            "todo": [],  # (kind, user id)
        }

    def _queue_time(self) -> datetime.datetime:
        span = (datetime.datetime(2026, 12, 1, 17, 0) - QUEUE_SINCE).total_seconds()
        return QUEUE_SINCE + datetime.timedelta(seconds=int(self.rng.random() * span))

    def _queues(self, company) -> None:
        rng = self.rng
        units = company["units"]
        for unit in units:
            for _ in range(QUEUE_HEAD):
                doc = self._new(company, unit, "head_review", self._queue_time())
                doc["todo"] = [("review", unit["head"])]
                self.docs.append(doc)
            for drafter in unit["drafters"]:
                for returned in [True] * DRAFTS_RETURNED + [False] * DRAFTS_PLAIN:
                    doc = self._new(company, unit, "draft", self._queue_time())
                    doc["drafter_id"] = drafter
                    if returned:
                        doc["return_reason"] = "Đề nghị bổ sung căn cứ pháp lý và nơi nhận."
                        doc["todo"] = [("fix", drafter)]
                    self.docs.append(doc)
        for index, director in enumerate(company["directors"]):
            for _ in range(QUEUE_DIRECTOR):
                doc = self._new(company, rng.choice(units), "director_review", self._queue_time())
                doc["signer_id"] = director
                doc["signer_authority"] = "KT. GIÁM ĐỐC" if index else None
                doc["signer_position"] = "PHÓ GIÁM ĐỐC" if index else "GIÁM ĐỐC"
                doc["todo"] = [("review", director)]
                self.docs.append(doc)
        for _ in range(QUEUE_CLERK):
            doc = self._new(company, rng.choice(units), "approved", self._queue_time())
            doc["approved_sha256"] = hashlib.sha256(doc["subject"].encode()).hexdigest()
            doc["todo"] = [("issue", clerk) for clerk in company["clerks"]]
            self.docs.append(doc)

    def _archived(self, company, day: datetime.date, block: bool) -> None:
        rng = self.rng
        drafted = datetime.datetime.combine(day, datetime.time(8)) - datetime.timedelta(
            days=rng.randint(0, 10), minutes=rng.randint(0, 540)
        )
        doc = self._new(company, rng.choice(company["units"]), "issued", drafted)
        r = rng.random()
        if not block and r < 0.025:
            doc["state"] = "cancelled"  # in review, never numbered
            doc["cancel_reason"] = "Không còn phù hợp: đã có văn bản khác thay thế."
            doc["write_date"] = drafted + datetime.timedelta(days=2)
            self.docs.append(doc)
            return
        if r < 0.04:
            doc["state"] = "cancelled"  # after issue: it keeps its number
            doc["cancel_reason"] = "Ban hành nhầm: hủy, giữ số trong sổ."
        elif r < 0.05:
            doc["state"] = "recalled"
            doc["recall_reason"] = "Thu hồi để sửa đổi nội dung theo chỉ đạo của UBND tỉnh."
        if not block and rng.random() < 0.03:
            doc["confidentiality"] = "secret" if rng.random() < 0.3 else "confidential"
            doc["register"] = "confidential"
            doc["paper_reason"] = "secret"
        else:
            doc["register"] = "normal"
            if day < ESIGN_FROM and rng.random() < 0.3:
                doc["paper_reason"] = "clerk_choice"
            else:
                doc["esign"] = True
        doc["issue_date"] = day
        doc["issued_at"] = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(
            minutes=rng.randint(0, 480)
        )
        doc["write_date"] = doc["issued_at"]
        self.docs.append(doc)

    def _number(self) -> None:
        """Numbers 1..K per register and year in issue order; codes as the issue step writes
        them; ids in drafting order."""
        for index, doc in enumerate(self.docs):
            doc["index"] = index
        numbered: dict[tuple, list] = {}
        for doc in self.docs:
            if doc.get("issue_date"):
                register = doc["company"]["registers"][doc["register"]]
                doc["register_id"] = register
                numbered.setdefault((register, doc["issue_date"].year), []).append(doc)
        for (_register, year), docs in numbered.items():
            docs.sort(key=lambda doc: (doc["issued_at"], doc["index"]))
            for number, doc in enumerate(docs, 1):
                doc["number"], doc["number_year"] = number, year
                doc["code"] = f"{number:02d}/{self.rules.notation(doc)}"  # as _numbering_values
                digest = hashlib.sha256(doc["code"].encode() + str(year).encode()).hexdigest()
                doc["approved_sha256"] = digest
                if doc.get("esign"):
                    doc["signed_sha256"] = digest[::-1]
                    doc["signed_file_name"] = doc["code"].replace("/", "-") + ".pdf"

    # ---------------------------------------------------------------- rows

    DOCUMENT_COLUMNS = (
        "id", "subject", "document_type_id", "company_id", "department_id", "drafter_id",
        "signer_id", "signer_authority", "signer_position", "urgency", "confidentiality",
        "state", "register_id", "number", "number_year", "code", "issue_date", "return_reason",
        "cancel_reason", "recall_reason", "approved_sha256", "esign", "paper_reason",
        "signed_sha256", "signed_file_name", "create_uid", "create_date", "write_uid",
        "write_date",
    )  # fmt: skip

    def document_rows(self, first_id: int):
        for offset, doc in enumerate(self.docs):
            doc["id"] = first_id + offset
            doc["create_uid"] = doc["drafter_id"]
            doc["write_uid"] = doc["drafter_id"]
            yield [doc.get(column) for column in self.DOCUMENT_COLUMNS]

    def lines(self) -> list[dict]:
        """2 or 3 recipient lines per document: an agency on the exchange (for action), a
        unit of this organisation or another organisation of the instance (for information;
        both delivered inside Odoo), half of them an agency by e-mail too."""
        rng = self.rng
        state = self.state
        lines = []
        for doc in self.docs:
            chosen = [{"partner": rng.choice(state["exchange_agencies"]), "purpose": "action"}]
            if rng.random() < 0.5:
                chosen.append({"unit": rng.choice(doc["company"]["units"])})
            else:
                other = rng.choice([c for c in state["companies"] if c is not doc["company"]])
                chosen.append({"partner": other["partner"], "company": other})
            if rng.random() < 0.5:
                chosen.append({"partner": rng.choice(state["mail_agencies"]), "mail": True})
            for sequence, line in enumerate(chosen, 1):
                line.setdefault("purpose", "information")
                lines.append({**line, "doc": doc, "sequence": sequence * 10})
        return lines

    LINE_COLUMNS = (
        "id", "sequence", "document_id", "company_id", "partner_id", "department_id", "purpose",
        "create_uid", "create_date", "write_uid", "write_date",
    )  # fmt: skip

    @staticmethod
    def line_rows(lines, first_id: int):
        for offset, line in enumerate(lines):
            line["id"] = first_id + offset
            doc = line["doc"]
            yield [
                line["id"], line["sequence"], doc["id"], doc["company_id"],
                line["partner"][0] if "partner" in line else None,
                line["unit"]["id"] if "unit" in line else None,
                line["purpose"], doc["create_uid"], doc["create_date"], doc["create_uid"],
                doc["create_date"],
            ]  # fmt: skip

    DELIVERY_COLUMNS = (
        "id", "document_id", "recipient_id", "company_id", "recipient_name", "partner_id",
        "target_company_id", "target_department_id", "organ_id", "email", "channel", "state",
        "urgent", "queued_at", "sent_at", "received_at", "handled_at", "attempts",
        "edxml_document_id", "recall_state", "last_error", "create_uid", "create_date",
        "write_uid", "write_date",
    )  # fmt: skip
    STATES_BY_CHANNEL = {
        "internal": (("done", 50), ("accepted", 20), ("processing", 10), ("received", 20)),
        "exchange": (("done", 50), ("accepted", 15), ("processing", 10), ("received", 15),
                     ("sent", 8), ("refused", 1), ("failed", 1)),
        "email": (("sent", 97), ("failed", 3)),
    }  # fmt: skip

    def delivery_rows(self, lines, first_id: int):
        """One delivery per line of each document that was issued (cancelled and recalled ones
        too), as the issue step queues them and dispatch leaves them."""
        rng = self.rng
        next_id = first_id
        for line in lines:
            doc = line["doc"]
            if not doc.get("issue_date"):
                continue
            values = self.rules.delivery(doc, line)
            channel = values["channel"]
            if channel == "paper":
                state = "paper"
            elif doc["state"] == "recalled":
                state = "recalled"
            else:
                states, weights = zip(*self.STATES_BY_CHANNEL[channel], strict=True)
                state = rng.choices(states, weights=weights)[0]
            queued = doc["issued_at"]
            sent = queued + datetime.timedelta(minutes=rng.randint(1, 15))
            arrived = state in ("received", "accepted", "processing", "done", "recalled")
            received = sent + datetime.timedelta(minutes=rng.randint(1, 120)) if arrived else None
            handled = (
                (received or sent) + datetime.timedelta(hours=rng.randint(1, 72))
                if state in ("accepted", "processing", "done", "refused")
                else None
            )
            company = doc["company"]
            edxml_id = (
                f"{COMPANY_ORGAN[company['code']]},{doc['issue_date']:%Y/%m/%d},{doc['code']}"
                if channel == "exchange"
                else None
            )
            yield [
                next_id, doc["id"], line["id"], company["id"], values["recipient_name"],
                values.get("partner_id") or None, values.get("target_company_id") or None,
                values.get("target_department_id") or None, values.get("organ_id") or None,
                values.get("email") or None, channel, state, values["urgent"], queued,
                sent if channel != "paper" and state != "failed" else None,
                received, handled,
                1 if channel != "paper" else 0,
                edxml_id,
                "agreed" if state == "recalled" and channel != "email" else None,
                values.get("last_error")
                or ("Mất kết nối trục liên thông" if state == "failed" else None),
                SUPERUSER, queued, SUPERUSER, handled or received or sent,
            ]  # fmt: skip
            next_id += 1

    ACTIVITY_COLUMNS = (
        "id", "res_model_id", "res_model", "res_id", "res_name", "activity_type_id",
        "summary", "date_deadline", "user_id", "user_tz", "automated", "active", "create_uid",
        "create_date", "write_uid", "write_date",
    )  # fmt: skip

    def activity_rows(self, first_id: int):
        types = self.state["activity_types"]
        model_id = self.state["model_id"]
        next_id = first_id
        for doc in self.docs:
            for kind, user_id in doc["todo"]:
                type_id, summary = types[kind]
                created = doc["write_date"]
                delay = 0 if kind == "issue" else 1
                yield [
                    next_id, model_id, "snn.document", doc["id"], doc["subject"], type_id,
                    summary, (created + datetime.timedelta(days=delay)).date(), user_id,
                    "Asia/Ho_Chi_Minh", True, True, SUPERUSER, created, SUPERUSER, created,
                ]  # fmt: skip
                next_id += 1

    ATTACHMENT_COLUMNS = (
        "id", "name", "res_model", "res_field", "res_id", "company_id", "type", "public",
        "mimetype", "file_size", "index_content", "create_uid", "create_date", "write_uid",
        "write_date",
    )  # fmt: skip

    def attachment_rows(self, first_id: int):
        """The PDF of 1 document in PDF_TEXT_SHARE, as attachment_indexation leaves it: no
        file (nothing reads it), its text in index_content (pdf_text()); the signed PDF of an
        e-signed document, else the PDF of the draft."""
        rng = self.rng
        next_id = first_id
        for doc in self.docs:
            if rng.randrange(PDF_TEXT_SHARE):
                continue
            field = "signed_file" if doc.get("signed_sha256") else "file"
            text = self.pdf_text(doc)
            yield [
                next_id, doc.get("signed_file_name") or "du-thao.pdf", "snn.document", field,
                doc["id"], doc["company_id"], "binary", False, "application/pdf",
                len(text) * 40, text, doc["create_uid"], doc["write_date"], doc["create_uid"],
                doc["write_date"],
            ]  # fmt: skip
            next_id += 1

    def pdf_text(self, doc) -> str:
        """A document's PDF as pdfminer reads it and snn_report indexes it (NFC, single
        spaces): the heading, number and date, subject, two legal bases, a request, the
        recipients and the signer; some 600 to 900 bytes."""
        rng = self.rng
        company = doc["company"]
        day = doc.get("issue_date") or doc["create_date"].date()
        bases = rng.sample(LEGAL_BASES, 2)
        body = rng.sample(TOPICS, 2)
        parts = [
                "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG", company["name"].upper(),
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
                f"Số: {doc.get('code') or '/'}",
                f"Tuyên Quang, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
                doc["subject"] + ".", f"Căn cứ {bases[0]};", f"Căn cứ {bases[1]};",
                f"{company['name']} đề nghị các cơ quan, đơn vị {body[0]} và {body[1]},",
                f"trước hết tại xã {rng.choice(COMMUNES)}, báo cáo kết quả trước ngày 25",
                "hằng tháng để tổng hợp.",
                "Nơi nhận: - Như trên; - Lưu: VT,", doc["unit"]["code"] + ".",
                doc["signer_authority"] or "", doc["signer_position"],
        ]  # fmt: skip
        return " ".join(part for part in parts if part)


SUPERUSER = 1
TYPES_BY_CODE = {code: name for name, code, _w in TYPES if code}
COMPANY_ORGAN = {code: organ for code, _name, organ in COMPANIES}


_COPY_FORMATS = {  # other types (int, date) as str() writes them
    bool: lambda value: "t" if value else "f",
    datetime.datetime: lambda value: value.isoformat(sep=" "),
}
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": ""})


def _copy_value(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if type(value) is str:
        return value.translate(_COPY_ESCAPES)
    return _COPY_FORMATS.get(type(value), str)(value)


def _copy(cr, table: str, columns, rows) -> int:
    """COPY rows into table; the number of rows."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_copy_value(value) for value in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    cr._obj.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def _reserve_ids(cr, table: str, count: int) -> int:
    """The first of ``count`` ids taken from the table's sequence at once."""
    cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cr.fetchone()[0]
    cr.execute("SELECT nextval(%s)", [sequence])
    first = cr.fetchone()[0]
    cr.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


def generate(args: argparse.Namespace) -> int:
    """Empty what an earlier size made, then COPY this size's rows; ANALYZE."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    registry = registry_of(args)
    state = load_state(args)
    counts = {}
    with registry.cursor() as cr:
        began = time.perf_counter()
        plan = Plan(state, args.size, ModelRules(api.Environment(cr, SUPERUSER_ID, {})))
        plan.build()
        lines = plan.lines()
        built = time.perf_counter() - began
        cr.execute("DELETE FROM mail_activity WHERE res_model = 'snn.document'")
        cr.execute("DELETE FROM ir_attachment WHERE res_model = 'snn.document'")
        cr.execute("TRUNCATE snn_document CASCADE")  # lines, deliveries, trails, incoming
        first = _reserve_ids(cr, "snn_document", len(plan.docs))
        counts["documents"] = _copy(
            cr, "snn_document", Plan.DOCUMENT_COLUMNS, plan.document_rows(first)
        )
        first = _reserve_ids(cr, "snn_document_recipient", len(lines))
        counts["recipient lines"] = _copy(
            cr, "snn_document_recipient", Plan.LINE_COLUMNS, plan.line_rows(lines, first)
        )
        first = _reserve_ids(cr, "snn_delivery", len(lines))
        counts["deliveries"] = _copy(
            cr, "snn_delivery", Plan.DELIVERY_COLUMNS, plan.delivery_rows(lines, first)
        )
        todo = sum(len(doc["todo"]) for doc in plan.docs)
        first = _reserve_ids(cr, "mail_activity", todo)
        counts["to-dos"] = _copy(
            cr, "mail_activity", Plan.ACTIVITY_COLUMNS, plan.activity_rows(first)
        )
        first = _reserve_ids(cr, "ir_attachment", len(plan.docs))  # at most one each
        counts["PDF texts"] = _copy(
            cr, "ir_attachment", Plan.ATTACHMENT_COLUMNS, plan.attachment_rows(first)
        )
        cr.commit()
        copied = time.perf_counter() - began - built
        # VACUUM as autovacuum would have by the time anyone reads them: the visibility map
        # set (index-only scans), the statistics fresh. Outside a transaction block.
        cr._cnx.autocommit = True
        try:
            cr.execute("VACUUM ANALYZE")
        finally:
            cr._cnx.autocommit = False
        elapsed = time.perf_counter() - began
        cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cr.fetchone()[0]
        cr.execute("SELECT state, count(*) FROM snn_document GROUP BY 1 ORDER BY 2 DESC")
        states = cr.fetchall()
        company = state["companies"][0]
        cr.execute(
            "SELECT count(*), min(number), max(number), count(DISTINCT number) FROM snn_document"
            " WHERE register_id = %s AND number_year = %s",
            [company["registers"]["normal"], BLOCK_YEAR],
        )
        block = cr.fetchone()
        cr.execute(
            "SELECT user_id, count(*) FROM mail_activity WHERE res_model = 'snn.document'"
            " GROUP BY 1"
        )
        queue = dict(cr.fetchall())
    print(
        f"generated {args.size:,} documents in {elapsed:.1f} s (rows built in Python "
        f"{built:.1f} s, COPY {copied:.1f} s, VACUUM ANALYZE {elapsed - built - copied:.1f} s): "
        + ", ".join(f"{count:,} {name}" for name, count in counts.items())
        + f"; database {size}"
    )
    print("  states: " + ", ".join(f"{name} {count:,}" for name, count in states))
    print(
        f"  the measured register (company 1, normal register, {BLOCK_YEAR}): {block[0]:,} "
        f"entries, numbers {block[1]}..{block[2]}, {block[3]:,} distinct"
    )
    users = company["users"]
    print(
        "  to-dos in company 1: director1 {}, clerk1 {}, drafter_VP1 {}, head_VP {}".format(
            *(
                queue.get(users[login], 0)
                for login in ("director1", "clerk1", "drafter_VP1", "head_VP")
            )
        ),
        flush=True,
    )
    return 0
