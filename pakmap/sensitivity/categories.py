"""The kinds of sensitive data detection reports: the first words of every reason the officer reads
in `pakmap info`, `pakmap check`, the layers panel and the export record."""

PERSON_NAME = "person name"
PHONE = "phone number"
ID_CARD = "CNIC / ID card number"
POR_CARD = "PoR / PoC / ACC card number"
CASE_ID = "case or registration ID"
BIRTH = "date of birth"
ADDRESS = "address"
EMAIL = "e-mail address"
COORDINATES = "exact household coordinates"
# UNHCR's specific needs (proGres codes SV, SC, DS, SM, LP, WR, ER, CR, TR): special-category data,
# withheld like personal data although they do not identify anyone by themselves.
SPECIFIC_NEEDS = "specific needs (special category)"

__all__ = [
    "PERSON_NAME",
    "PHONE",
    "ID_CARD",
    "POR_CARD",
    "CASE_ID",
    "BIRTH",
    "ADDRESS",
    "EMAIL",
    "COORDINATES",
    "SPECIFIC_NEEDS",
]
