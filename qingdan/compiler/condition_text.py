"""What a condition's text says when it has no expression: no condition, not a condition, or a cut-off list.

Real catalogs put many things in the condition field (受理条件) besides conditions. A
reviewer reads them so, and so do the importer and the condition checks:

- ``says_no_condition``: the text states that there is no condition (无条件受理, 无受理条件,
  社会公众均可提出申请): the matter has no condition, nothing to make decidable;
- ``is_not_a_condition``: an instruction or a topic, not a requirement on the applicant
  (直接申请, 按需查询办证进度, 1.按办事指南，备齐所有材料, 民族政策法规咨询, or the matter's own
  name): it sets nothing to decide. A text with no word of requirement that is no topic either
  (消防设施、器材完好有效) is a condition: it states a requirement without saying how to decide it;
- ``is_truncated``: the text announces a list and stops (申请人应符合以下条件：): the conditions
  themselves are missing, which is a defect of its own (``truncated-condition``).
"""

from __future__ import annotations

import re
import unicodedata

_NUMBERING = r"(?:[（(]?\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）、.．]|[①-⑳]|[a-z]\))"
_LEADING_NUMBER = re.compile(r"^\s*" + _NUMBERING + r"\s*")

_NO_CONDITION = re.compile(
    r"^(?:无|没有|不设)(?:特定|特殊|任何|需|须)?(?:的)?(?:受理|申请|办理)?(?:条件)?(?:限制)?(?:受理|办理|申请)?$"
    r"|^无需(?:任何)?条件$|^无条件(?:受理|办理|申请|限制)?$|^不限$"
    r"|(?:^|[，,])无(?:受理|申请)?条件(?:限制|受理|办理)?$"
    r"|^无[，,]"
    r"|^(?:社会公众|所有公民|所有人|任何(?:人|单位|公民|组织)|公民、法人(?:和|或)其他组织)(?:均|都)?可(?:以)?(?:提出申请|申请|办理|获取此服务|查询)$"
    r"|^符合条件的即可申请$"
)
_INSTRUCTION = re.compile(r"^(?:按需|按照|按办事指南|直接(?:申请|办理)|请(?:按|到|登录|携带)|可直接|详询)")
# Marks of a requirement on the applicant, or of conditions given elsewhere (which should be written out).
_REQUIREMENT = re.compile(
    r"符合|具有|具备|取得|获得|需|须|应|满足|年满|持有|已|必须|不得|不能|未|没有|条件|资格|了|详见|为准|规定|从事|立项|属于|位于"
    r"|的(?=$|[，,。；;：:\s）)]|单位|个人|人员|企业|自然人|公民|申请人|机构|组织|纳税人|律师|项目)"
)
# A topic or a service rather than a requirement: 民族政策法规咨询, 群众或企业查询, 委托代办退税备案.
_TOPIC = re.compile(r"查询|咨询|(?:方面|事项|备案|检疫|办理)[\s。．.；;]*$")
_PUNCT = re.compile(r"[\s。．.；;！!]+$")
_ANNOUNCES_LIST = re.compile(r"以下|下列|如下|所列")
_ITEM = re.compile(r"(?:^|[\s；;：:。])" + _NUMBERING)


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def says_no_condition(text: str) -> bool:
    """Whether ``text`` states that there is no condition (无条件受理, 无受理条件, 社会公众均可提出申请)."""
    t = _PUNCT.sub("", _plain(text)).replace(" ", "")
    return bool(t) and _NO_CONDITION.search(t) is not None


def is_not_a_condition(text: str, names: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` is an instruction or a topic rather than a requirement (直接申请, 按需申请, 民族方面).

    ``names`` are the matter's and its power's names: a text that only repeats one of them
    is a label, not a condition.
    """
    t = _LEADING_NUMBER.sub("", _plain(text))
    bare = re.sub(r"[\W_]+", "", t)
    if not bare:
        return True
    if _INSTRUCTION.match(t):
        return True
    if any(bare and bare in re.sub(r"[\W_]+", "", _plain(n)) for n in names if n):
        return True
    return _REQUIREMENT.search(t) is None and _TOPIC.search(t) is not None


def is_truncated(text: str) -> bool:
    """Whether ``text`` announces a list of conditions and stops before (or after the first of) its items.

    ``申请人应符合以下条件：`` stops at the colon; ``满足以下全部条件即可申请： 1、符合《…》；``
    and ``1、学校举办者决定终止办学；`` stop after the first item of a list.
    """
    t = _plain(text).rstrip()
    if t.endswith((":", "：")):
        return True
    if t.endswith((";", "；")):
        items = len(_ITEM.findall(" " + t))
        starts_list = _LEADING_NUMBER.match(t) is not None
        return items <= 1 and (starts_list or _ANNOUNCES_LIST.search(t) is not None)
    return False
