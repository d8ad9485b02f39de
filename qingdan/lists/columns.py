"""Standard Chinese column headings of the three lists, shared by export and import.

The headings follow the columns used in published Chinese power lists (权力清单),
responsibility lists (责任清单) and the market-access negative list (市场准入负面清单).
``标识`` carries the qingdan identifier so a table can be read back without guessing.
Multiple values in one cell are separated by ``SEPARATOR``.
"""

from __future__ import annotations

SEPARATOR = "；"

# column headings, one constant each, so code never repeats the Chinese strings
NO = "序号"
NAME = "事项名称"
CODE = "事项编码"
CATEGORY = "权力类型"
BASIS = "实施依据"
BODY = "实施主体"
LEVEL = "行使层级"
STATUS = "权力状态"
EFFECTIVE_FROM = "生效日期"
EFFECTIVE_TO = "失效日期"
DIVISION = "层级分工"
NOTE = "备注"
DUTIES = "责任事项"
ACCEPT = "受理责任"
REVIEW = "审查责任"
DECIDE = "决定责任"
DELIVER = "送达责任"
SUPERVISE = "事后监管责任"
SUPERVISOR = "监管部门"
ACCOUNTABILITY = "追责情形"
ENTRY = "禁止或许可事项"
ENTRY_TYPE = "准入类型"
MEASURE = "禁止或许可准入措施描述"
AUTHORITY = "主管部门"
IMPLEMENTED_BY = "实施事项"
ACTIVITIES = "涉及活动"
SET_BASIS = "设定依据"
ID = "标识"
POWER_ID = "权力标识"

POWER_COLUMNS: tuple[str, ...] = (
    NO, NAME, CODE, CATEGORY, BASIS, BODY, LEVEL, STATUS, EFFECTIVE_FROM, EFFECTIVE_TO, DIVISION, NOTE, ID,
)

RESPONSIBILITY_COLUMNS: tuple[str, ...] = (
    NO, NAME, CODE, CATEGORY, BODY, DUTIES, ACCEPT, REVIEW, DECIDE, DELIVER, SUPERVISE, SUPERVISOR,
    ACCOUNTABILITY, BASIS, ID, POWER_ID,
)

NEGATIVE_COLUMNS: tuple[str, ...] = (
    NO, CODE, ENTRY, ENTRY_TYPE, MEASURE, AUTHORITY, IMPLEMENTED_BY, ACTIVITIES, SET_BASIS, ID,
)

# stage key of the model -> its column
STAGE_COLUMNS = {"accept": ACCEPT, "review": REVIEW, "decide": DECIDE, "deliver": DELIVER, "supervise": SUPERVISE}

LISTS = {
    "power": ("权力清单", POWER_COLUMNS),
    "responsibility": ("责任清单", RESPONSIBILITY_COLUMNS),
    "negative": ("负面清单", NEGATIVE_COLUMNS),
}

# file stems under lists/ in the build output
FILE_STEMS = {"power": "power-list", "responsibility": "responsibility-list", "negative": "negative-list"}
