"""Sample member spreadsheets for the import tests and the benchmark (fictional people with
check-digit-valid ID numbers)."""

import datetime
import random

from gonghui.core.excel import XlsxStream
from gonghui.core.testing.identifiers import make_id_number, make_mobile
from gonghui.members.importing import HEADERS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅晓东丹玉兰春梅宇浩然子涵雨欣"
EDUCATION = ["PRIMARY", "JUNIOR", "SENIOR", "COLLEGE", "BACHELOR", ""]
SKILLS = ["NONE", "LEVEL5", "LEVEL4", "LEVEL3", ""]
PROVINCES = ["浙江省", "安徽省", "河南省", "四川省", "江西省", "贵州省", "湖南省", ""]


def sample_rows(n, *, seed=1, union_codes=(), uscc_by_code=None, start=datetime.date(2015, 1, 1)):
    """n valid member rows (header first). `union_codes` cycles through the rows' union codes
    (empty: the column is left empty); `uscc_by_code` gives an employer USCC per union code."""
    rng = random.Random(seed)
    seen = set()
    rows = [list(HEADERS)]
    codes = list(union_codes) or [""]
    for i in range(n):
        while True:
            number = make_id_number(rng)
            if number not in seen:
                seen.add(number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        code = codes[i % len(codes)]
        uscc = (uscc_by_code or {}).get(code, "")
        joined = start + datetime.timedelta(days=rng.randrange(0, 3000))
        rows.append([name, number, make_mobile(rng), code, uscc, rng.choice(PROVINCES),
                     rng.choice(["是", "否", ""]), rng.choice(EDUCATION), rng.choice(SKILLS), joined])
    return rows


def write_xlsx(path_or_file, rows, *, sheet="会员", raw_ids_as_numbers=False):
    """Write rows (header first) to an .xlsx. Dates become date cells, everything else text."""
    with XlsxStream(path_or_file) as book:
        ws = book.sheet(sheet, headers=rows[0])
        for row in rows[1:]:
            if raw_ids_as_numbers:
                row = [float(v) if i == 1 and isinstance(v, str) and v.isdigit() else v for i, v in enumerate(row)]
            ws.append(row)
    return path_or_file


def xlsx_bytes(rows, **kwargs):
    import io

    buffer = io.BytesIO()
    write_xlsx(buffer, rows, **kwargs)
    return buffer.getvalue()


def upload_file(rows=None, *, name="members.xlsx", content=None, **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = content if content is not None else xlsx_bytes(rows, **kwargs)
    from gonghui.core.excel import XLSX_CONTENT_TYPE

    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


def row(name="李四", id_number="", phone="13812345678", org_code="", uscc="", province="", migrant="", education="",
        skill="", joined_on="2024-03-01"):
    """One member row in template column order."""
    return [name, id_number, phone, org_code, uscc, province, migrant, education, skill, joined_on]
