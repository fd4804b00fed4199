"""Passive replies: the text-reply XML that answers WeChat's POST, and the "no reply" string.

We render the XML ourselves instead of ``wechatpy.replies.TextReply``: wechatpy wraps values in CDATA without
splitting a ``]]>`` inside them, so an answer that quotes ``]]>`` would break (or inject into) the XML.
"""

from __future__ import annotations

import re

# WeChat's documented "no reply": answer the literal string "success" (or an empty body) and WeChat neither
# retries nor shows "该公众号暂时无法提供服务" (被动回复用户消息 doc).
SUCCESS = "success"

# Characters XML 1.0 cannot carry at all (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without characters that XML 1.0 forbids."""
    return _XML_INVALID.sub("", text)


def cdata(text: str) -> str:
    """A CDATA section holding ``text`` exactly, even when it contains ``]]>``."""
    return "<![CDATA[" + xml_safe(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_text_reply(*, to_user: str, from_user: str, content: str, create_time: int) -> str:
    """The passive text reply. ``to_user`` is the user's openid (the request's FromUserName) and
    ``from_user`` our account (the request's ToUserName)."""
    return (
        "<xml>"
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )
