"""Columns and fields of import/export: the fields per type with jewelers' aliases, suggested
mappings for a file's headers, and the columns an export writes.

Transforms are in transforms.py, file record → API input in rows.py, API row → file record in
exports.py. No business rule lives here: values are handed to the CRM services' validators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jewelia.tenants.crm.customers import service as customers_service

TYPES = ("customers", "inventory", "orders")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, int, number, date, bool, list, object, items, code
    aliases: tuple[str, ...] = ()


def _f(name: str, kind: str = "text", *aliases: str) -> Field:
    return Field(name, kind, aliases)


IMPORT_FIELDS: dict[str, tuple[Field, ...]] = {
    "customers": (
        _f(
            "full_name",
            "text",
            "name",
            "fullname",
            "customer",
            "customername",
            "client",
            "clientname",
            "contact",
            "contactname",
        ),
        _f("first_name", "text", "firstname", "first", "givenname", "forename"),
        _f("last_name", "text", "lastname", "last", "surname", "familyname"),
        _f("email", "text", "emailaddress", "mail", "e-mail", "customeremail"),
        _f(
            "phone",
            "text",
            "tel",
            "telephone",
            "mobile",
            "cell",
            "cellphone",
            "phonenumber",
            "mobilephone",
            "phoneno",
        ),
        _f("company", "text", "business", "organisation", "organization", "companyname"),
        _f("birthday", "date", "dob", "dateofbirth", "birthdate", "born"),
        _f("anniversary", "date", "anniversarydate", "weddingdate"),
        _f("ring_size", "ring"),
        _f("ring_size_system", "text", "ringsystem", "ringsizesystem", "sizesystem"),
        _f("ring_size_label", "text", "ringsize", "ring", "size", "fingersize"),
        _f("ring_size_mm", "number", "ringsizemm", "circumference", "circumferencemm"),
        _f("notes", "text", "note", "comments", "comment", "remarks"),
        _f("tags", "list", "tag", "labels", "groups", "segments"),
        _f(
            "marketing_consent",
            "bool",
            "marketing",
            "optin",
            "newsletter",
            "consent",
            "acceptsmarketing",
        ),
    ),
    "inventory": (
        _f(
            "sku",
            "text",
            "stock",
            "stocknumber",
            "stockno",
            "stocknum",
            "itemno",
            "itemnumber",
            "style",
            "stylenumber",
            "styleno",
            "code",
            "itemcode",
            "productcode",
        ),
        _f("name", "text", "description", "title", "itemname", "product", "productname"),
        _f("category", "text", "type", "cat", "itemtype", "producttype"),
        _f(
            "price",
            "number",
            "retail",
            "retailprice",
            "msrp",
            "sellingprice",
            "saleprice",
            "amount",
            "tagprice",
        ),
        _f("quantity", "int", "qty", "onhand", "stockqty", "instock", "units", "count"),
        _f("status", "code", "itemstatus", "stockstatus"),
        _f("specifications", "object", "specs", "attributes"),
        _f("metal", "text", "metaltype", "material"),
        _f(
            "purity",
            "text",
            "karat",
            "kt",
            "carats_gold",
            "fineness",
            "goldkarat",
            "metalkarat",
            "metalpurity",
        ),
        _f(
            "metal_weight_g",
            "number",
            "weight",
            "metalweight",
            "grams",
            "gramweight",
            "weightg",
            "metalweightg",
        ),
        _f(
            "carat",
            "number",
            "ct",
            "cts",
            "caratweight",
            "carats",
            "weightct",
            "totalcarat",
            "tcw",
            "stoneweight",
            "diamondweight",
            "caratwt",
        ),
        _f("color", "text", "colour", "colorgrade", "colourgrade"),
        _f("clarity", "text", "claritygrade"),
        _f("cut", "text", "cutgrade", "make"),
        _f("shape", "shape", "cutshape", "stoneshape"),
        _f("certificate_lab", "text", "lab", "certlab", "gradinglab", "certificatelab", "cert_lab"),
        _f(
            "certificate_number",
            "text",
            "cert",
            "certno",
            "certnum",
            "certnumber",
            "certificate",
            "certificateid",
            "certificateno",
            "certificatenumber",
            "reportno",
            "reportnumber",
            "gianumber",
            "certid",
        ),
    ),
    "orders": (
        _f(
            "reference",
            "text",
            "id",
            "orderid",
            "ordernumber",
            "orderno",
            "order",
            "ref",
            "externalid",
        ),
        _f("customer_email", "text", "email", "customer", "emailaddress", "customeremail"),
        _f("status", "code", "orderstatus"),
        _f("payment_status", "code", "payment", "paymentstatus", "paid"),
        _f("currency", "text", "curr", "currencycode"),
        _f("notes", "text", "note", "comments", "comment"),
        _f("items", "items", "lines", "products", "lineitems", "orderitems"),
    ),
}
# Columns our own exports carry that an import reads past.
IGNORED = {
    "customers": ("id", "created_at", "updated_at"),
    "inventory": ("id", "created_at", "updated_at"),
    "orders": ("customer_id", "total_amount", "created_at", "updated_at"),
}
FIELD_BY_NAME = {t: {f.name: f for f in fields} for t, fields in IMPORT_FIELDS.items()}

# Export: the top-level names of a record (JSON/XML nest; CSV/Excel flatten, see flat_columns).
EXPORT_FIELDS = {
    "customers": customers_service.FIELDS,
    "inventory": ("sku", "name", "category", "price", "quantity", "status", "specifications"),
    "orders": (
        "id",
        "customer_email",
        "status",
        "payment_status",
        "currency",
        "total_amount",
        "notes",
        "items",
    ),
}
METADATA_FIELDS = ("id", "created_at", "updated_at")
SPEC_COLUMNS = (
    "metal",
    "purity",
    "metal_weight_g",
    "carat",
    "color",
    "clarity",
    "cut",
    "shape",
    "certificate_lab",
    "certificate_number",
)
RING_COLUMNS = ("ring_size_system", "ring_size_label", "ring_size_mm")

SHAPE_CODES = {
    "rd": "round",
    "rnd": "round",
    "br": "round",
    "rbc": "round",
    "round brilliant": "round",
    "ps": "pear",
    "pr": "pear",
    "pe": "pear",
    "ec": "emerald",
    "em": "emerald",
    "emr": "emerald",
    "ov": "oval",
    "ovl": "oval",
    "pc": "princess",
    "pri": "princess",
    "prn": "princess",
    "prin": "princess",
    "cu": "cushion",
    "cus": "cushion",
    "cush": "cushion",
    "cb": "cushion",
    "mq": "marquise",
    "mar": "marquise",
    "mqs": "marquise",
    "ra": "radiant",
    "rad": "radiant",
    "as": "asscher",
    "asc": "asscher",
    "ash": "asscher",
    "sq emerald": "asscher",
    "hs": "heart",
    "ht": "heart",
    "hrt": "heart",
    "hb": "heart",
    "bg": "baguette",
    "bag": "baguette",
    "bgt": "baguette",
    "tr": "trillion",
    "tri": "trillion",
    "trl": "trillion",
    "rs": "rose",
    "rc": "rose",
    "cab": "cabochon",
    "cb cab": "cabochon",
}


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def suggest_mapping(data_type: str, headers: list[str]) -> dict[str, str | None]:
    """Each header's best field (or None): exact names first, then the aliases jewelers use."""
    table: dict[str, str] = {}
    for spec in IMPORT_FIELDS[data_type]:
        table.setdefault(_norm(spec.name), spec.name)
    for spec in IMPORT_FIELDS[data_type]:
        for alias in spec.aliases:
            table.setdefault(_norm(alias), spec.name)
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        key = _norm(header)
        field = table.get(key) or table.get(key.rstrip("s")) or table.get(key.removesuffix("no"))
        if key in (_norm(i) for i in IGNORED[data_type]) and field != "reference":
            field = None
        if field in taken:
            field = None
        if field:
            taken.add(field)
        out[header] = field
    return out
