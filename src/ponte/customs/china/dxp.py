"""The DxpMsg envelope of the e-port's terminal node (海关跨境传输/终端节点报文, 202205): how a CEB message
travels to and from the exchange platform, through the e-port client's folders or over MQ.

``TransInfo``: ``CopMsgId`` (the sender's id of this transmission, 1-255: Ponte uses the message guid,
so customs' CEB900 names it back as ``oriCopMsgId``), ``SenderId`` (the sender's DXP id), ``ReceiverIds``
(1-5; customs' import node ``DXPEDCCEB0000002``, export node ``DXPEDCCEB0000003``), ``CreatTime``
(xs:dateTime) and ``MsgType`` (the root name, e.g. ``CEB311Message``); ``Data`` is the base64 of the UTF-8
message; ``AddInfo/FileName`` optional. Receipts come back the same way, from the customs node to the
enterprise's DXP id. Sources: ceb-messages.md §10 and the official ``ceb-terminal-202205.xsd``; a genuine
2017 receipt envelope (``realworld_DxpMsgSv_CEB312Message_2017.xml``) writes the default namespace
without a prefix, as Ponte does.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from ponte.customs.china.lexical import escape
from ponte.customs.china.parse import DXP_NS, load_xml
from ponte.customs.china.spec import NS, get_spec
from ponte.customs.errors import CustomsCode
from ponte.kernel.errors import ValidationError

__all__ = ["CUSTOMS_NODE", "Envelope", "open_envelope", "receiver_for", "wrap", "wrap_message"]

#: The customs nodes of the exchange platform, by direction of the message.
CUSTOMS_NODE = {"import": "DXPEDCCEB0000002", "export": "DXPEDCCEB0000003"}


@dataclass(frozen=True)
class Envelope:
    cop_msg_id: str
    sender: str
    receivers: tuple[str, ...]
    created: str
    msg_type: str
    data: bytes  # the CEB message
    file_name: str | None = None


def wrap(
    message: bytes,
    *,
    cop_msg_id: str,
    sender: str,
    receivers: tuple[str, ...],
    msg_type: str,
    created: datetime,
    file_name: str | None = None,
) -> bytes:
    """The DxpMsg of one message."""
    if not 1 <= len(receivers) <= 5:
        raise ValidationError("a DxpMsg names 1 to 5 receivers", field="ReceiverIds", rule="dxp-envelope")
    for name, value, hi in (("CopMsgId", cop_msg_id, 255), ("SenderId", sender, 16)):
        if not 1 <= len(value) <= hi:
            raise ValidationError(f"{name} must have 1 to {hi} characters", field=name, rule="dxp-envelope")
    ids = "".join(f"<ReceiverId>{escape(r)}</ReceiverId>" for r in receivers)
    add = f"<AddInfo><FileName>{escape(file_name)}</FileName></AddInfo>" if file_name else ""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<DxpMsg xmlns="{DXP_NS}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ver="1.0">'
        f"<TransInfo><CopMsgId>{escape(cop_msg_id)}</CopMsgId><SenderId>{escape(sender)}</SenderId>"
        f"<ReceiverIds>{ids}</ReceiverIds><CreatTime>{created.strftime('%Y-%m-%dT%H:%M:%S')}</CreatTime>"
        f"<MsgType>{escape(msg_type)}</MsgType></TransInfo>"
        f"<Data>{base64.b64encode(message).decode('ascii')}</Data>{add}</DxpMsg>"
    )
    return text.encode("utf-8")


def receiver_for(msg_type: str) -> str:
    """The customs node a declaration of this type goes to."""
    return CUSTOMS_NODE[get_spec(msg_type).direction]


def _sender_of(root: etree._Element) -> str:
    found = root.find(f"{{{NS}}}BaseTransfer/{{{NS}}}dxpId")
    if found is None or not (found.text or "").strip():
        raise ValidationError(
            "the message names no BaseTransfer/dxpId to send it under", field="dxpId", rule=CustomsCode.DXP_ID
        )
    return (found.text or "").strip()


_ROOT = re.compile(rb"<(?:[\w.-]+:)?(CEB\d{3}Message)[\s>]")
_DXP_ID = re.compile(rb"<(?:[\w.-]+:)?dxpId>\s*([^<\s]+)\s*</")


def wrap_message(message: bytes, cop_msg_id: str, created: datetime) -> bytes:
    """The DxpMsg of a declaration: sent by the DXP id its BaseTransfer names (the enterprise that
    really sends it), to the customs node of its direction. Messages Ponte wrote are read by pattern
    (their root and their one dxpId); anything else is parsed."""
    root_m, dxp_m = _ROOT.search(message, 0, 400), _DXP_ID.search(message)
    if root_m and dxp_m:
        msg_type, sender = root_m.group(1).decode(), dxp_m.group(1).decode()
    else:
        root = load_xml(message)
        msg_type, sender = etree.QName(root).localname, _sender_of(root)
    return wrap(
        message,
        cop_msg_id=cop_msg_id,
        sender=sender,
        receivers=(receiver_for(msg_type),),
        msg_type=msg_type,
        created=created,
        file_name=f"{msg_type}_{cop_msg_id}.xml",
    )


def _t(el: etree._Element, name: str) -> str:
    found = el.find(f"{{{DXP_NS}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def open_envelope(raw: bytes) -> Envelope | None:
    """The envelope of a DxpMsg (or a DxpMsgSv around one); None when ``raw`` is a bare CEB message."""
    root = load_xml(raw)
    if etree.QName(root).namespace != DXP_NS:
        return None
    if etree.QName(root).localname == "DxpMsgSv":
        inner = root.find(f"{{{DXP_NS}}}DxpMsg")
        if inner is None:
            raise ValidationError("DxpMsgSv without DxpMsg", field="DxpMsgSv", rule="dxp-envelope")
        root = inner
    info = root.find(f"{{{DXP_NS}}}TransInfo")
    if info is None:
        raise ValidationError("DxpMsg without TransInfo", field="DxpMsg/TransInfo", rule="dxp-envelope")
    ids = info.find(f"{{{DXP_NS}}}ReceiverIds")
    receivers = tuple((r.text or "").strip() for r in ids) if ids is not None else ()
    try:
        data = base64.b64decode("".join(_t(root, "Data").split()), validate=True)
    except ValueError:
        raise ValidationError("DxpMsg/Data is not base64", field="DxpMsg/Data", rule="base64") from None
    add = root.find(f"{{{DXP_NS}}}AddInfo")
    return Envelope(
        _t(info, "CopMsgId"),
        _t(info, "SenderId"),
        receivers,
        _t(info, "CreatTime"),
        _t(info, "MsgType"),
        data,
        _t(add, "FileName") or None if add is not None else None,
    )
