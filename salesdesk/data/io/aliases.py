"""The header names each card field is recognised by (normalised before matching: case,
width, spaces and punctuation aside), in English, Chinese, German and French, and as
Google Contacts, Outlook, LinkedIn, HubSpot, Pipedrive, Salesforce and Zoho export them."""

from __future__ import annotations

# Aliases per field, best first: when several columns feed one field (mobile, business
# phone, home phone...), the first non-empty one in this order wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "contact name", "contact", "contact person", "display name",
        "customer name", "customer", "client name", "client", "person", "person name",
        "deal contact person", "nom complet", "姓名", "名字", "联系人", "联系人姓名", "客户姓名",
        "客户名称",
        "客户", "名称",
    ),
    "first_name": ("first name", "given name", "firstname", "vorname", "prénom", "名"),
    "middle_name": ("middle name", "additional name"),
    "last_name": (
        "last name", "family name", "surname", "lastname", "nachname", "nom de famille", "姓"
    ),
    "company": (
        "company", "company name", "organization", "organisation", "organization name",
        "organisation name", "org", "account name", "account", "employer", "business name",
        "deal organization", "company / account", "firma", "société", "entreprise", "公司",
        "公司名称", "单位",
        "单位名称", "企业", "企业名称",
        "工作单位", "所属公司", "机构",
    ),
    "title": (
        "job title", "jobtitle", "position", "role", "job", "designation", "organization title",
        "title", "职务", "职位", "头衔", "岗位",
    ),
    "phone": (
        "mobile", "mobile phone", "mobile phone number", "mobile number", "cell", "cell phone",
        "phone mobile", "phone", "phone number", "telephone", "tel", "primary phone",
        "phone work", "business phone", "work phone", "company main phone", "phone home",
        "home phone", "phone other", "other phone", "mobiltelefon", "handy", "telefon",
        "telefon geschäftlich", "téléphone", "portable", "手机", "手机号", "手机号码", "移动电话",
        "电话", "联系电话", "电话号码", "联系方式", "办公电话", "座机", "固话",
        "business phone 2", "home phone 2", "car phone", "assistant's phone", "callback",
        "radio phone", "other phone 2", "fax", "business fax", "home fax", "other fax",
        "fax number", "传真",
    ),
    "email": (
        "email", "email address", "primary email", "mail", "email work", "work email",
        "email home", "email other", "email 2 address", "email 3 address", "emailadresse",
        "邮箱", "电子邮箱",
        "电子邮件", "邮件", "邮箱地址", "email地址",
    ),
    "wechat": (
        "wechat", "wechat id", "weixin", "微信", "微信号", "微信id", "微信 id", "wx",
    ),
    "address": (
        "address", "full address", "street address", "street", "mailing address",
        "business address", "business street", "home address", "home street",
        "other address", "other street", "organization address", "地址", "详细地址",
        "联系地址", "公司地址", "通讯地址", "单位地址",
    ),
    "area": (
        "area", "district", "region", "territory", "zone", "city", "town", "location",
        "business city", "home city", "other city", "区域", "地区", "片区", "区县", "城区",
        "城市", "所在地区", "所在城市", "所在区域",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "remarks", "remark", "description", "memo",
        "备注", "说明", "描述", "留言", "备注信息",
    ),
    "value": (
        "value", "amount", "deal value", "deal amount", "estimated value", "expected value",
        "opportunity value", "expected revenue", "budget", "betrag", "wert", "montant",
        "金额", "预计金额", "预算",
        "成交金额", "意向金额", "预计成交金额", "预估金额",
    ),
    "grade": (
        "grade", "rating", "abc", "lead grade", "等级", "级别", "客户等级", "客户级别", "分级",
    ),
    "source": (
        "source", "lead source", "original source", "channel", "来源", "客户来源", "渠道",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "categories", "category", "group membership",
        "groups", "标签", "分类", "分组",
    ),
    "birthday": ("birthday", "date of birth", "dob", "birth date", "生日", "出生日期"),
    "product_interest": (
        "product interest", "product", "products", "interested in", "产品", "意向产品",
        "感兴趣产品", "需求产品",
    ),
    "next_date": (
        "next date", "next step date", "next contact", "next follow up", "follow up date",
        "下次联系", "下次联系日期", "下次跟进", "跟进日期", "下次拜访",
    ),
    "next_action": ("next action", "next step", "下一步", "下一步行动", "跟进事项"),
    "size": ("size", "company size", "employees", "规模", "公司规模"),
    "key_account": ("key account", "大客户", "重点客户"),
}
