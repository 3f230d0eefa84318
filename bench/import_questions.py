"""Import 10,000 generated GIFT questions into the bank and compare with parsing alone.

    .venv/bin/python bench/import_questions.py [--count 10000] [--database-url URL]

The reference is reading the same file with the GIFT parser, no database; the figure
is the whole import (parse, check, categories, questions, versions, tags) committed
to a fresh database built by the migrations (SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate
import sqlalchemy as sa

from lms import create_app
from lms.exams.formats.gift import read_gift
from lms.exams.models import Question
from lms.exams.services import interchange
from lms.extensions import db

TOPICS = ["投诉处理", "沟通技巧", "信息保护", "产品知识", "服务标准", "服务质量"]


def generate(count: int, seed: int = 7) -> str:
    """A GIFT file of ``count`` questions across every type, in six categories."""
    rng = random.Random(seed)
    blocks = []
    for number in range(count):
        if number % 500 == 0:
            blocks.append(
                f"$CATEGORY: 基准题库/{TOPICS[number // 500 % len(TOPICS)]}/第{number // 500}组"
            )
        tags = f"// [tag:{rng.choice(['easy', 'medium', 'hard'])}] [tag:scenario]"
        name = f"::B-{number:05d}::"
        order = rng.randint(10**7, 10**8)
        stem = f"客户：我的订单 {order} 三天还没到\\: 怎么办？\\n哪一句回复最符合规范？"
        kind = number % 6
        if kind == 0:
            body = "{\n=先致歉并马上查询物流#正确\n~这不归我管#推诿\n~请您再等等#没有行动\n}"
        elif kind == 1:
            body = "{\n~%50%表达理解#对\n~%50%说明下一步#对\n~%-100%指责快递#错\n}"
        elif kind == 2:
            body = "{T#错了#对了####回访在 24 小时内}"
        elif kind == 3:
            body = "{=30 秒 =30秒 =%50%半分钟#接近}"
        elif kind == 4:
            body = "{#30:5#接近即可}"
        else:
            body = "{\n=电话 -> 30 秒\n=邮件 -> 10 分钟\n=投诉方案 -> 2 小时\n}"
        blocks.append(f"{tags}\n{name}{stem}{body}")
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    data = generate(args.count).encode("utf-8")

    started = time.perf_counter()
    parsed = read_gift(data.decode("utf-8"), "bench.gift")
    parse_seconds = time.perf_counter() - started
    assert len(parsed.questions) == args.count

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            flask_migrate.upgrade()
            started = time.perf_counter()
            created = interchange.import_questions("bench.gift", data, (), None)
            db.session.commit()
            import_seconds = time.perf_counter() - started
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
            dialect = db.engine.dialect.name
            if args.database_url:
                db.session.remove()
                flask_migrate.downgrade(revision="base")
    assert len(created) == stored == args.count

    print(f"questions:            {args.count:,} ({len(data) / 1e6:.1f} MB of GIFT), {dialect}")
    for label, seconds in (
        ("parse only (no DB):", parse_seconds),
        ("import (committed):", import_seconds),
    ):
        print(f"{label:22}{seconds:6.2f} s   {args.count / seconds:9,.0f} questions/s")
    print(f"ratio import/parse:   {import_seconds / parse_seconds:6.1f}x")
    print(f"under 10 s:           {'yes' if import_seconds < 10 else 'NO'}")


if __name__ == "__main__":
    main()
