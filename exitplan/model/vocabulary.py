"""The closed vocabularies of the estate format (DESIGN.md §2).

Each is a ``StrEnum`` so a value prints as the word the architect wrote in the file.
"""

from __future__ import annotations

from enum import StrEnum


class Strength(StrEnum):
    """``hard``: the dependent stops working; ``soft``: it keeps working, degraded."""

    HARD = "hard"
    SOFT = "soft"


class VendorRole(StrEnum):
    """What a vendor does for a component (DORA register vocabulary where it has one)."""

    OPERATOR = "operator"
    LICENSOR = "licensor"
    SUPPORT_ACCESS = "support_access"
    SUBPROCESSOR = "subprocessor"


class Delivery(StrEnum):
    SAAS = "saas"
    PAAS = "paas"
    IAAS = "iaas"
    SELF_HOSTED = "self_hosted"
    CLIENT = "client"


class Licence(StrEnum):
    """How the right to run a component is held. In a cut-off of its vendor, software the
    organisation runs itself stops at the end of a subscription, and keeps running
    without updates under a perpetual or open-source licence."""

    SUBSCRIPTION = "subscription"
    PERPETUAL = "perpetual"
    OPEN_SOURCE = "open_source"


class Lifecycle(StrEnum):
    ACTIVE = "active"
    PHASING_OUT = "phasing_out"
    CANDIDATE = "candidate"
    RETIRED = "retired"


class Criticality(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class PersonalData(StrEnum):
    """GDPR categories: none, ordinary personal data, special categories (Art. 9), and
    data on criminal convictions and offences (Art. 10)."""

    NONE = "none"
    ORDINARY = "ordinary"
    SPECIAL_CATEGORY = "special_category"
    CRIMINAL_OFFENCE = "criminal_offence"


class LegalProfile(StrEnum):
    """The law the policy rules read an estate by: ``eu`` is the GDPR for any EU/EEA
    organisation; ``se`` adds the Swedish information classification (K levels) and the
    secrecy rules of the Public Access to Information and Secrecy Act (OSL)."""

    EU = "eu"
    SE = "se"


class Classification(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    SECRET = "secret"  # noqa: S105  # a classification level, not a password


class TransferBasis(StrEnum):
    """The legal basis of a transfer of personal data (GDPR chapter V).

    ``adequacy_dpf`` is the EU-US Data Privacy Framework, kept apart from other adequacy
    decisions (``adequacy``, e.g. the United Kingdom) because scenarios strike it down alone.
    """

    INTRA_EEA = "intra_eea"
    ADEQUACY = "adequacy"
    ADEQUACY_DPF = "adequacy_dpf"
    SCC = "scc"
    BCR = "bcr"
    ART49 = "art49"
    NOT_ASSESSED = "not_assessed"


class Readiness(StrEnum):
    """How far an alternative has come, from nothing identified to running here."""

    R0 = "R0"  # none identified
    R1 = "R1"  # market scan
    R2 = "R2"  # lab-tested
    R3 = "R3"  # piloted here
    R4 = "R4"  # in production at a comparable organisation
    R5 = "R5"  # running here in parallel

    @property
    def level(self) -> int:
        return int(self.value[1:])


class Coverage(StrEnum):
    FULL = "full"
    PARTIAL = "partial"


class Substitutability(StrEnum):
    """DORA register of information: substitutability of the ICT third-party provider."""

    NOT_SUBSTITUTABLE = "not_substitutable"
    HIGHLY_COMPLEX = "highly_complex"
    MEDIUM = "medium"
    EASY = "easy"


class Reintegration(StrEnum):
    """DORA register of information: possibility of reintegrating the contracted service."""

    EASY = "easy"
    DIFFICULT = "difficult"
    HIGHLY_COMPLEX = "highly_complex"


class DataExport(StrEnum):
    """Who can get our data out of a component when we leave it."""

    SELF_SERVICE = "self_service"
    VENDOR_ONLY = "vendor_only"
    NOT_POSSIBLE = "not_possible"


class Exposure(StrEnum):
    """Foreign laws under which a vendor can be ordered to hand over customer data."""

    US_CLOUD_ACT = "US_CLOUD_ACT"
    US_FISA702 = "US_FISA702"
    UK_IPA = "UK_IPA"
    CN_NATIONAL_INTELLIGENCE_LAW = "CN_NATIONAL_INTELLIGENCE_LAW"


class OrganisationKind(StrEnum):
    COMMITTEE = "committee"
    ADMINISTRATION = "administration"
    COMPANY = "company"
    PROVIDER = "provider"
    EXTERNAL = "external"


class SuitabilityOutcome(StrEnum):
    """Outcome of the suitability assessment required before handing secret data to a
    provider for technical processing or storage."""

    PASSED = "passed"
    FAILED = "failed"
