"""The facts a verdict is decided on (the answers, unknown as None) and what they mean under the
worse reading of every unknown (`Context`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

from app.triage.models import (
    Access,
    Answers,
    AppiCategory,
    DataCategory,
    Encryption,
    LeakMode,
    Region,
    Role,
)

if TYPE_CHECKING:
    from app.triage.compiled import Compiled

D = DataCategory
PERSONAL = frozenset({D.SPECIAL_CARE, D.FINANCIAL, D.CREDENTIALS, D.IDENTITY, D.CONTACT,
                      D.OTHER_PERSONAL, D.MY_NUMBER, D.BUSINESS_CONTACT})  # fmt: skip
SECRETS = frozenset({D.TRADE_SECRET, D.NATIONAL_SECURITY})
# Credentials count as C2 only where they can pay or transfer (credentials_can_pay; unknown is
# read the worse way): PPC guidelines 通則編 3-5-3-1 (2), example: "送金や決済機能のあるウェブサービス
# のログインIDとパスワードの組み合わせ".
# S1-c's "identity/contact data or usable credentials". Business contact data alone never counts:
# a business-card list is not what makes a press conference (DESIGN.md, 2026-12).
IDENTIFYING = frozenset({D.IDENTITY, D.CONTACT, D.MY_NUMBER, D.CREDENTIALS})
HIGH_RISK = frozenset({D.SPECIAL_CARE, D.FINANCIAL, D.CREDENTIALS, D.MY_NUMBER})
# Unknown categories: ordinary personal data with names, the commonest case. Special-care or
# card data is not presumed: that would make every first report a SEV1.
ASSUMED_CATEGORIES = frozenset({D.IDENTITY})
UNBOUNDED = 10**18  # an unknown count is read as more than every threshold
GDPR_REGIONS = frozenset({Region.EU, Region.UK})
# Outsiders hold the data and its reach is unknown: people must hear it publicly, not one by one.
ATTACK_MODES = frozenset({LeakMode.UNAUTHORIZED_ACCESS, LeakMode.RANSOMWARE, LeakMode.SKIMMING})
WRONGFUL_MODES = frozenset({LeakMode.UNAUTHORIZED_ACCESS, LeakMode.RANSOMWARE,
                            LeakMode.INSIDER_THEFT, LeakMode.SKIMMING, LeakMode.STOLEN_DEVICE})  # fmt: skip
INNOCENT_MODES = frozenset({LeakMode.MISDELIVERY, LeakMode.MISCONFIGURATION,
                            LeakMode.LOST_DEVICE, LeakMode.INTENTIONAL_PROVISION})  # fmt: skip

NotALeak = Literal["encryption", "no_access", "provision"] | None
GdprRelevance = bool | Literal["unknown"]


class Facts(NamedTuple):
    """The answers that decide the outcome; `None` is unknown (also for the value `unknown`)."""

    data_categories: frozenset[DataCategory] | None
    affected_count: int | None
    subject_regions: frozenset[Region] | None
    leak_mode: LeakMode | None
    wrongful_act: bool | None
    encryption: Encryption | None
    key_compromised: bool | None
    access: Access | None
    published: bool | None
    secondary_damage: bool | None
    contained: bool | None
    police_involved: bool | None
    role: Role | None
    listed_company: bool | None
    public_body: bool | None
    police_disclosure_hold: bool | None
    credentials_can_pay: bool | None
    media_aware: bool | None
    controls_missing: int

    @classmethod
    def of(cls, a: Answers) -> Facts:
        return cls(
            data_categories=None if a.data_categories is None else frozenset(a.data_categories),
            affected_count=a.affected_count,
            subject_regions=None if a.subject_regions is None else frozenset(a.subject_regions),
            leak_mode=None if a.leak_mode == LeakMode.UNKNOWN else a.leak_mode,
            wrongful_act=a.wrongful_act,
            encryption=None if a.encryption == Encryption.UNKNOWN else a.encryption,
            key_compromised=a.key_compromised,
            access=a.access,
            published=a.published,
            secondary_damage=a.secondary_damage,
            contained=a.contained,
            police_involved=a.police_involved,
            role=a.role,
            listed_company=a.listed_company,
            public_body=a.public_body,
            police_disclosure_hold=a.police_disclosure_hold,
            credentials_can_pay=a.credentials_can_pay,
            media_aware=a.media_aware,
            controls_missing=len(set(a.controls_missing or ())),
        )


def derived_wrongful(mode: LeakMode | None) -> bool | None:
    """C3 from the leak mode; None where the mode alone cannot tell (vendor, unknown)."""
    if mode in WRONGFUL_MODES:
        return True
    if mode in INNOCENT_MODES:
        return False
    return None


class Context:
    """What the facts mean under the worse reading of every unknown (the APPI's "おそれ")."""

    __slots__ = ("f", "p", "cats", "count", "personal", "wrongful", "observed", "encrypted_safe",
                 "no_access", "exception", "leaked", "personal_at_risk", "secrets_at_risk",
                 "confirmed", "categories", "my_number_duty")  # fmt: skip

    def __init__(self, f: Facts, p: Compiled) -> None:
        self.f, self.p = f, p
        cats = (ASSUMED_CATEGORIES if f.data_categories is None else f.data_categories) - {D.NONE}
        self.cats = cats
        self.count = UNBOUNDED if f.affected_count is None else f.affected_count
        self.personal = bool(cats & PERSONAL)
        wrongful = f.wrongful_act if f.wrongful_act is not None else derived_wrongful(f.leak_mode)
        self.wrongful = wrongful is not False
        # What was seen outside outweighs logs that say nobody looked.
        self.observed = f.published is True or f.secondary_damage is True
        # Data posted or misused was evidently readable, whatever encryption it was said to have.
        self.encrypted_safe = (
            f.encryption == Encryption.STRONG
            and f.key_compromised is not True
            and not self.observed
        )
        self.no_access = f.access == Access.RULED_OUT and not self.observed
        self.exception = self._exception()
        self.leaked = self.exception is None
        self.personal_at_risk = self.leaked and self.personal
        # Ransomware damage is not a secret's exposure: secrets need a confidentiality risk.
        self.secrets_at_risk = self.leaked and not self.no_access and bool(cats & SECRETS)
        # Confirmed exfiltration: taken, posted or misused. A misdirected recipient reading it is a
        # leak to one known party who can be asked to delete, not an exfiltration.
        taken = f.access == Access.CONFIRMED and f.leak_mode != LeakMode.MISDELIVERY
        self.confirmed = self.leaked and (taken or self.observed)
        self.categories = self._categories()
        self.my_number_duty = self._my_number_duty()

    def _exception(self) -> NotALeak:
        if self.f.leak_mode == LeakMode.INTENTIONAL_PROVISION:
            return "provision"
        if self.encrypted_safe:
            return "encryption"
        # Ransomware damages (毀損) the data even when logs show nothing was taken.
        if self.no_access and self.f.leak_mode != LeakMode.RANSOMWARE:
            return "no_access"
        return None

    def _categories(self) -> tuple[AppiCategory, ...]:
        if not self.personal_at_risk:
            return ()
        cats = self.cats
        found = (
            (AppiCategory.C1, D.SPECIAL_CARE in cats),
            (AppiCategory.C2, self.property_damage),
            (AppiCategory.C3, self.wrongful),
            (AppiCategory.C4, self.count > self.p.c4_threshold(self.f.public_body)),
        )
        return tuple(category for category, applies in found if applies)

    @property
    def property_damage(self) -> bool:
        """C2's data: card or banking data, or credentials that can (or may) pay or transfer."""
        if D.FINANCIAL in self.cats:
            return True
        return D.CREDENTIALS in self.cats and self.f.credentials_can_pay is not False

    def _my_number_duty(self) -> bool:
        """My Number Act reporting rule art. 2: more than 100 people, a possibly wrongful act, or
        published and viewed; an unlawful provision of more than 100 people's numbers counts too."""
        if D.MY_NUMBER not in self.cats:
            return False
        many = self.count > self.p.my_number_more_than
        if self.exception == "provision":
            return many
        return self.personal_at_risk and (many or self.wrongful or self.f.published is True)

    @property
    def reportable(self) -> bool:
        return bool(self.categories) or self.my_number_duty
