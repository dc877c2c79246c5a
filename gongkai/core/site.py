"""Who runs this site and how to reach them: the disclosure office's contact details (the
政府信息公开指南's block, settings.GONGKAI_GUIDE) and the footer every public page shows.

It sits in core so that every public page — the portal's, search results, the open API's
documentation — gets the same footer through the `public_footer` context processor
(`gongkai.core.context_processors`) without importing the portal.
"""

from __future__ import annotations

from django.conf import settings

#: The disclosure guide's defaults; override any key with settings.GONGKAI_GUIDE (Art. 12: the
#: 工作机构's name, office address, office hours, phone, fax and internet contact).
GUIDE_DEFAULTS = {
    "office": "",  # empty: the site owner (SITE_OWNER)
    "address": "",
    "postcode": "",
    "hours": "工作日上午9:00—12:00，下午14:30—17:30（法定节假日除外）",
    "phone": "",
    "fax": "",
    "email": "",
    "website": "",  # empty: this portal's address
}

#: Identifiers for the footer (国办发〔2017〕47号: 网站标识码, ICP备案编号, 公安机关备案号).
FOOTER_DEFAULTS = {"site_code": "", "icp": "", "police_record": ""}


def guide_settings() -> dict:
    """settings.GONGKAI_GUIDE over the defaults (the same block the 依申请公开 guide reads);
    empty values keep the defaults, and the office defaults to the site owner."""
    guide = {**GUIDE_DEFAULTS, "office": settings.SITE_OWNER}
    guide.update({k: v for k, v in (settings.GONGKAI_GUIDE or {}).items() if v})
    return guide


def footer() -> dict:
    """What every public page shows in its frame: the site owner, the office's contact and the
    site's identifiers (settings.GONGKAI_PORTAL_FOOTER over the defaults)."""
    guide = guide_settings()
    identifiers = {**FOOTER_DEFAULTS, **(settings.GONGKAI_PORTAL_FOOTER or {})}
    return {
        "owner": settings.SITE_OWNER,
        "office": guide["office"],
        "address": guide["address"],
        "postcode": guide["postcode"],
        "phone": guide["phone"],
        "email": guide["email"],
        **identifiers,
    }
