"""Errors raised by the ``casework`` package (records, their lifecycles, staff accounts).

Hierarchy (catch the narrowest one you can handle)::

    CaseworkError                  base of everything below; ``status`` is the HTTP status the workbench answers
    ├── HandoffError               a record cannot be created from a chat hand-off (400)
    │   ├── ConsentRequired        a mediation referral without the person's consent
    │   ├── IncompleteHandoff      required data is missing (``missing`` lists it)
    │   ├── RefilingForbidden      the same dispute was closed by people's mediation and performed
    │   └── ValidationError        an ID or phone number failed validation at capture (``field``)
    ├── RecordNotFound             no record with that id / reference number (404)
    ├── PermissionDenied           the staff member's role may not see or do this (403)
    ├── TransitionRefused          the action is not allowed from the record's current state (409)
    │   └── TransitionInputError   the action is allowed but its form is incomplete (reason missing…) (422)
    ├── AuthenticationFailed       wrong user name or password, or a disabled account (401)
    ├── StaffError                 a staff account cannot be created or changed (400)
    ├── ConfigError                a casework data file (lifecycles, directory) is invalid; stops start-up (500)
    └── DocumentUnavailable        the complaint's PDF cannot be drawn here (no CJK font installed) (503)

Every error has ``user_message``: polite Chinese that may be shown as is (to a litigant for ``HandoffError``
subclasses, to staff for the others). The English ``str(exc)`` is for logs and never holds an ID or phone
number in clear.
"""

from __future__ import annotations


class CaseworkError(Exception):
    """Base of every casework error."""

    status: int = 400
    default_user_message = "操作未能完成，请稍后再试。"

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or self.default_user_message


class HandoffError(CaseworkError):
    """A record cannot be created from a chat hand-off."""

    default_user_message = "抱歉，暂时无法为您办理转交，请稍后再试，或拨打12368热线。"


class ConsentRequired(HandoffError):
    """A people's mediation referral needs the person's consent (人民调解法 art. 17: voluntary)."""

    default_user_message = "人民调解以自愿为原则。只有在您同意后，我们才会把您的纠纷转给调解组织。"


class IncompleteHandoff(HandoffError):
    """Required data is missing. ``missing`` names what, in Chinese, for the person."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message, "还缺少以下信息：" + "、".join(missing) + "。请补充后再提交。")
        self.missing = list(missing)


class RefilingForbidden(HandoffError):
    """The dispute between the same parties on the same cause was closed by people's mediation and performed."""

    def __init__(self, message: str, user_message: str, referral_ref: str) -> None:
        super().__init__(message, user_message)
        self.referral_ref = referral_ref


class ValidationError(HandoffError):
    """An ID number or phone number failed validation. ``field`` is ``"id_number"`` or ``"phone"``.

    Deliberately not a ``ValueError``: raised inside a pydantic validator it propagates unchanged instead of
    being folded into pydantic's own error, so the dialog gets this one type with a polite ``user_message``.
    """

    def __init__(self, message: str, user_message: str, field: str) -> None:
        super().__init__(message, user_message)
        self.field = field


class RecordNotFound(CaseworkError):
    status = 404
    default_user_message = "没有找到这条记录。"


class PermissionDenied(CaseworkError):
    status = 403
    default_user_message = "您的岗位无权查看或办理这项内容。"


class TransitionRefused(CaseworkError):
    status = 409
    default_user_message = "当前状态下不能进行这项操作。"


class TransitionInputError(TransitionRefused):
    status = 422
    default_user_message = "请把表单填写完整后再提交。"


class AuthenticationFailed(CaseworkError):
    status = 401
    default_user_message = "用户名或密码不正确，或账号已停用。"


class StaffError(CaseworkError):
    default_user_message = "无法保存该工作人员账号。"


class ConfigError(CaseworkError):
    status = 500
    default_user_message = "系统配置有误，请联系管理员。"


class DocumentUnavailable(CaseworkError):
    status = 503
    default_user_message = "起诉状的PDF版暂时无法生成，请先下载Word版，或稍后再试。"
