"""Publicly reported incidents, answered as the team would have on the day, and the verdict we expect.

Each case gives the public facts and why the expected outcome follows from DESIGN.md's rules
(read as today's APPI applies, whatever the incident's year or country: the question is what
leakdesk would tell a Japanese company in the same position).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.triage.support import verdict


@dataclass(frozen=True)
class Case:
    name: str
    answers: dict[str, Any]
    severity: str
    report: bool | str
    categories: list[str]
    press: bool | str
    police: str
    gdpr: bool | str
    also: dict[str, Any] = field(default_factory=dict)  # dotted path -> expected value


CASES = [
    # Benesse Corporation, July 2014. A systems engineer at a subcontractor of the group's
    # database company copied about 35 million customer records (children's and guardians' names,
    # addresses, phone numbers, birth dates) to his smartphone and sold them to list brokers;
    # customers noticed direct mail from other firms. He was arrested under the Unfair
    # Competition Prevention Act. Insider theft -> C3; far more than 1,000 -> C4; >=100,000 with
    # contact data and C3 -> S1-c -> SEV1 and a press conference; a crime -> police yes; Japanese
    # families only -> GDPR false. Listed holding company -> timely disclosure review.
    Case(
        "benesse_2014_insider_theft",
        dict(data_categories=["identity", "contact"], affected_count=35_040_000,
             subject_regions=["JP"], leak_mode="insider_theft", encryption="none",
             access="confirmed", secondary_damage=True, police_involved=True,
             listed_company=True, controls_missing=["device_policy", "vendor_oversight"]),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-c"], "actions.timely_disclosure_review": True},
    ),
    # Japan Pension Service, June 2015. Targeted e-mails infected staff PCs; about 1.25 million
    # records (basic pension number, name, birth date, some addresses) were taken. The police
    # alerted the service. Public body; malware -> C3; far above 100 -> C4; >=100,000 with
    # identity data -> S1-c -> SEV1, press conference (one was held); police yes.
    Case(
        "japan_pension_service_2015",
        dict(data_categories=["identity"], affected_count=1_250_000, subject_regions=["JP"],
             leak_mode="unauthorized_access", encryption="none", access="confirmed",
             police_involved=True, public_body=True, controls_missing=["training", "access_control"]),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-c"]},
    ),
    # KADOKAWA / Dwango, June 2024. BlackSuit ransomware; the group published stolen data on its
    # leak site; 254,241 people's data confirmed leaked (students, parents, creators, employees:
    # names, addresses, contact details, bank account numbers, HR data). Card data was not held.
    # Account numbers alone are not C2 (PPC Q&A 14-8), so they are "other_personal". Ransomware
    # -> C3; C4; >=100,000, confirmed and contact data -> S1-c -> SEV1 and press conference;
    # police investigating -> yes. Listed -> timely disclosure.
    Case(
        "kadokawa_2024_ransomware",
        dict(data_categories=["identity", "contact", "other_personal"], affected_count=254_241,
             subject_regions=["JP"], leak_mode="ransomware", encryption="none",
             access="confirmed", published=True, police_involved=True, listed_company=True),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-c"], "actions.timely_disclosure_review": True},
    ),
    # Toyota Motor / Toyota Connected (T-Connect, G-Link), May 2023. A cloud environment was set
    # to public from 2013 to 2023: vehicle IDs, chassis numbers and time-stamped locations of
    # about 2.15 million customers in Japan. No evidence of copying or misuse, but access could not
    # be ruled out. No wrongful act -> not C3; more than 1,000 -> C4 -> S2-a; >=100,000 exposed
    # by misconfiguration without evidence of access -> S2-d too. No identity data -> not S1-c.
    # Outsiders may have looked at mis-exposed data -> police consult.
    Case(
        "toyota_tconnect_2023_misconfiguration",
        dict(data_categories=["other_personal"], affected_count=2_150_000, subject_regions=["JP"],
             leak_mode="misconfiguration", encryption="none", access="suspected",
             listed_company=True, controls_missing=["access_control"]),
        severity="SEV2", report=True, categories=["C4"], press=False, police="consult", gdpr=False,
        also={"rules": ["S2-a", "S2-d"], "actions.timely_disclosure_review": True},
    ),
    # Amagasaki City, June 2022. A subcontractor's employee lost a bag with a USB stick holding
    # all 460,517 residents' data (names, addresses, tax and benefit data). The city held a press
    # conference while it was missing. At awareness the stick was missing, its protection was a
    # password, and nothing was known of access: lost device -> no C3; a public body with >100
    # people -> C4; the duty exists only under the worse reading of access -> "conditional";
    # SEV2 (S2-a); loss -> police no.
    Case(
        "amagasaki_2022_usb_lost_at_awareness",
        dict(data_categories=["identity", "other_personal"], affected_count=460_517,
             subject_regions=["JP"], leak_mode="lost_device", encryption="weak",
             public_body=True, controls_missing=["device_policy", "vendor_oversight"]),
        severity="SEV2", report="conditional", categories=["C4"], press=False, police="no", gdpr=False,
        also={"appi.notify_individuals": "conditional"},
    ),
    # The same, three days later: the stick was found in the bag, and forensics showed nobody had
    # opened it. Recovered unviewed -> not a leak -> S4-a, nothing to report.
    Case(
        "amagasaki_2022_usb_recovered",
        dict(data_categories=["identity", "other_personal"], affected_count=460_517,
             subject_regions=["JP"], leak_mode="lost_device", encryption="weak",
             access="ruled_out", contained=True, public_body=True),
        severity="SEV4", report=False, categories=[], press=False, police="no", gdpr=False,
        also={"rules": ["S4-a"]},
    ),
    # NTT West / NTT Marketing Act ProCX, October 2023. A temporary worker at the call-centre
    # subsidiary took about 9.28 million records of 69 client organisations over ten years and
    # sold them to a list broker. The subsidiary processed the data for its clients (processor).
    # Insider theft -> C3, C4; S1-c -> SEV1, press conference (the president resigned); arrest
    # -> police yes; as processor it keeps report_required and notifies its principals.
    Case(
        "ntt_west_2023_insider_processor",
        dict(data_categories=["identity", "contact"], affected_count=9_280_000,
             subject_regions=["JP"], leak_mode="insider_theft", encryption="none",
             access="confirmed", secondary_damage=True, police_involved=True, role="processor",
             controls_missing=["logging", "device_policy"]),
        # 2026-12: a processor speaks through its principals (no press conference of its own).
        severity="SEV1", report=True, categories=["C3", "C4"], press=False, police="yes", gdpr=False,
        also={"actions.notify_principal": True, "rules": ["S1-c"],
              "actions.announcement": "via_principals"},
    ),
    # LINE Yahoo, November 2023. Malware on a PC of a NAVER Cloud subcontractor gave attackers
    # access to LINE Yahoo's systems through shared authentication: about 440,000 records (users'
    # age, gender, usage history; partners' and employees' names and e-mail addresses). Unauthorized
    # access -> C3; C4; contact data and >=100,000 -> S1-c -> SEV1, press conference.
    Case(
        "line_yahoo_2023_unauthorized_access",
        dict(data_categories=["other_personal", "identity", "contact"], affected_count=440_000,
             subject_regions=["JP"], leak_mode="unauthorized_access", access="confirmed",
             encryption="none", listed_company=True, controls_missing=["vendor_oversight"]),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-c"]},
    ),
    # Capital One, July 2019. A former cloud engineer used an SSRF through a misconfigured WAF to
    # read S3 buckets: about 106 million US and Canadian applicants (names, addresses, income,
    # credit scores; 140,000 SSNs, 80,000 bank account numbers) and posted it on GitHub; the FBI
    # arrested her. Unauthorized access -> C3; C4; no card numbers or credentials -> no C2.
    # S1-c -> SEV1; police yes; no EU/UK -> GDPR false.
    Case(
        "capital_one_2019",
        dict(data_categories=["identity", "contact", "other_personal"], affected_count=106_000_000,
             subject_regions=["US", "OTHER"], leak_mode="unauthorized_access", access="confirmed",
             published=True, police_involved=True, listed_company=True,
             controls_missing=["access_control"]),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=False,
    ),
    # Equifax, 2017. An unpatched Apache Struts flaw (CVE-2017-5638) let attackers take data of
    # 147.9 million people (names, SSNs, birth dates, addresses), 209,000 card numbers, and UK
    # and Canadian consumers' records. Card numbers -> C2; C3; C4; S1-b and S1-c -> SEV1.
    # UK residents -> GDPR true.
    Case(
        "equifax_2017",
        dict(data_categories=["identity", "contact", "financial"], affected_count=147_900_000,
             subject_regions=["US", "UK", "OTHER"], leak_mode="unauthorized_access",
             access="confirmed", listed_company=True, controls_missing=["patching", "logging"]),
        severity="SEV1", report=True, categories=["C2", "C3", "C4"], press=True, police="yes", gdpr=True,
        also={"rules": ["S1-b", "S1-c"]},
    ),
    # British Airways, September 2018. Magecart script on ba.com and the app skimmed about 429,612
    # customers' and staff's names, addresses and full card details (with CVV). Skimming -> C3;
    # card numbers -> C2; C4; S1-b and S1-c -> SEV1; UK/EU customers -> GDPR true (the ICO fined
    # BA GBP 20 million).
    Case(
        "british_airways_2018_skimming",
        dict(data_categories=["identity", "contact", "financial"], affected_count=429_612,
             subject_regions=["UK", "EU", "OTHER"], leak_mode="skimming", access="confirmed",
             listed_company=True, controls_missing=["access_control", "logging"]),
        severity="SEV1", report=True, categories=["C2", "C3", "C4"], press=True, police="yes", gdpr=True,
        also={"gdpr.authority_due": "2024-04-04T10:00:00+09:00", "gdpr.notify_individuals": "required"},
    ),
    # Marriott (Starwood reservation database), November 2018. Attackers present since 2014 took
    # up to 339 million guest records (names, contact details, passport numbers); card numbers
    # were AES-128 encrypted but both components needed to decrypt may have been taken. Strong
    # encryption with the key compromised -> no exception. C2, C3, C4; SEV1; GDPR true.
    Case(
        "marriott_starwood_2018",
        dict(data_categories=["identity", "contact", "financial", "other_personal"],
             affected_count=339_000_000, subject_regions=["US", "EU", "UK", "OTHER"],
             leak_mode="unauthorized_access", encryption="strong", key_compromised=True,
             access="confirmed", listed_company=True,
             controls_missing=["logging", "vendor_oversight"]),
        severity="SEV1", report=True, categories=["C2", "C3", "C4"], press=True, police="yes", gdpr=True,
    ),
    # Satsumasendai City fire department (as secretariat of a hazardous-materials association),
    # 25 August 2025. A course notice went out with 85 addresses of member companies' contact
    # persons in To instead of Bcc; eight minutes later a Bcc apology asked for deletion. Only
    # business contact data, a small group, deletion requested -> S4-b (SEV4). Public body, but
    # 85 <= 100 -> no C4; plain error -> police no.
    Case(
        "satsumasendai_2025_to_instead_of_bcc",
        dict(discovered_at="2025-08-25T18:09:00+09:00", data_categories=["business_contact"],
             affected_count=85, subject_regions=["JP"], leak_mode="misdelivery",
             access="confirmed", contained=True, public_body=True, controls_missing=["training"]),
        severity="SEV4", report=False, categories=[], press=False, police="no", gdpr=False,
        also={"rules": ["S4-b"]},
    ),
    # 56 Dean Street (HIV clinic, London), September 2015. A newsletter to about 780 patients
    # went out with every address in the To field: recipients saw each other as HIV-clinic
    # patients. Health data -> C1 (any count) -> reportable. 780 < 1,000, and recipients reading
    # a misdirected e-mail is not exfiltration or publication -> not S1-a -> S2-a, SEV2, no press
    # conference (the clinic apologised to each patient). A mistake -> police no; UK -> GDPR true,
    # individuals to be told (health data, high risk).
    Case(
        "56_dean_street_2015_misdirected_email",
        dict(data_categories=["special_care", "contact"], affected_count=780,
             subject_regions=["UK"], leak_mode="misdelivery", access="confirmed",
             controls_missing=["training"]),
        severity="SEV2", report=True, categories=["C1"], press=False, police="no", gdpr=True,
        also={"rules": ["S2-a"], "gdpr.notify_individuals": "required"},
    ),
    # Twitter, May 2018. A bug wrote users' passwords unmasked to an internal log before hashing;
    # Twitter found no indication of a breach or misuse and asked all ~330 million users to
    # change passwords. Data stayed inside the company -> not a leak under the APPI (S4-a would
    # apply), but a misconfiguration exposing >=100,000 people with no evidence of access is
    # S2-d, which is checked first -> SEV2, nothing to report to the PPC. EU/UK users -> GDPR true.
    Case(
        "twitter_2018_passwords_in_logs",
        dict(data_categories=["credentials"], affected_count=330_000_000,
             subject_regions=["US", "EU", "UK", "JP", "OTHER"], leak_mode="misconfiguration",
             encryption="none", access="ruled_out", contained=True, listed_company=True,
             controls_missing=["encryption", "logging"]),
        severity="SEV2", report=False, categories=[], press=False, police="no", gdpr=True,
        also={"rules": ["S2-d"]},
    ),
    # Facebook, March 2019. Hundreds of millions of passwords (up to 600 million) were stored in
    # plaintext in internal logs searchable by employees; no evidence of abuse. Same reading as
    # Twitter: SEV2 via S2-d, no APPI report. The Irish DPC later (2024) fined Meta for not
    # notifying it, so the GDPR clock is shown even though the APPI sees no leak.
    Case(
        "facebook_2019_plaintext_passwords",
        dict(data_categories=["credentials"], affected_count=600_000_000,
             subject_regions=["US", "EU", "UK", "JP", "OTHER"], leak_mode="misconfiguration",
             encryption="none", access="ruled_out", listed_company=True,
             controls_missing=["encryption", "access_control"]),
        severity="SEV2", report=False, categories=[], press=False, police="no", gdpr=True,
        also={"gdpr.authority_due": "2024-04-04T10:00:00+09:00"},
    ),
    # Sekisui Chemical, October 2020. A former employee had sent conductive-particle technology to
    # a Chinese company; he was indicted under the Unfair Competition Prevention Act. Trade secret,
    # no personal data -> no APPI duty, GDPR not relevant; insider misappropriation -> S2-b (SEV2);
    # police yes (the article: agree disclosure timing with investigators); listed -> timely
    # disclosure review for trade-secret impact.
    Case(
        "sekisui_2020_trade_secret_to_rival",
        dict(data_categories=["trade_secret"], leak_mode="insider_theft", access="confirmed",
             police_involved=True, listed_company=True),
        severity="SEV2", report=False, categories=[], press=False, police="yes", gdpr=False,
        also={"rules": ["S2-b"], "actions.timely_disclosure_review": True},
    ),
    # SoftBank -> Rakuten Mobile, January 2021. An engineer took 5G base-station trade secrets
    # when he moved to Rakuten Mobile and was arrested; SoftBank sued. No sign they were published
    # or used -> not "core, materially affecting" (S1-d) -> S2-b, SEV2; police yes.
    Case(
        "softbank_rakuten_2021_5g_secrets",
        dict(data_categories=["trade_secret"], subject_regions=["JP"], leak_mode="insider_theft",
             access="confirmed", police_involved=True, listed_company=True),
        severity="SEV2", report=False, categories=[], press=False, police="yes", gdpr=False,
        also={"rules": ["S2-b"]},
    ),
    # Mitsubishi Electric, January 2020. A targeted attack (attributed to the Tick group) reached
    # internal networks: personal data of 8,122 employees, former employees and applicants, and
    # possibly defense-related information. Defense data -> S1-d -> SEV1 and press conference;
    # C3 and C4 for the personal data; police yes.
    Case(
        "mitsubishi_electric_2020_defense",
        dict(data_categories=["identity", "contact", "trade_secret", "national_security"],
             affected_count=8_122, subject_regions=["JP"], leak_mode="unauthorized_access",
             access="suspected", listed_company=True),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-d"]},
    ),
    # Tsurugi Town Handa Hospital, October 2021. LockBit ransomware encrypted the electronic
    # medical records of about 85,000 patients; no exfiltration was found. Medical data -> C1;
    # ransomware damage -> C3 even without exfiltration (so access cannot make it conditional);
    # >=1,000 with C1 -> S1-a -> SEV1, press conference. A municipal hospital follows the private
    # rule for leak reports (APPI art. 58(2)) -> public_body false.
    Case(
        "handa_hospital_2021_ransomware",
        dict(data_categories=["special_care", "identity"], affected_count=85_000,
             subject_regions=["JP"], leak_mode="ransomware", encryption="none",
             police_involved=True, public_body=False, controls_missing=["patching"]),
        severity="SEV1", report=True, categories=["C1", "C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-a"]},
    ),
    # Kanagawa Prefecture, December 2019. An employee of the disposal vendor stole hard disks
    # that still held prefectural tax data and sold them online; a buyer recovered the files.
    # The number of people was unknown at first -> read as above every threshold. Vendor incident
    # with a wrongful act -> C3; C4; S1-c -> SEV1 and press conference (the governor held one).
    Case(
        "kanagawa_2019_disposed_hard_disks",
        dict(data_categories=["identity", "other_personal"], subject_regions=["JP"],
             leak_mode="vendor_incident", wrongful_act=True, access="confirmed",
             police_involved=True, public_body=True, controls_missing=["vendor_oversight", "deletion"]),
        # The count was not known at first: the press conference waits on it (2026-12).
        severity="SEV1", report=True, categories=["C3", "C4"], press="conditional", police="yes",
        gdpr=False, also={"rules": ["S1-c"], "actions.announcement": "website"},
    ),
    # Uber, 2016 (disclosed November 2017). Attackers used credentials found in a private GitHub
    # repository to download 57 million riders' and drivers' names, e-mails and phone numbers;
    # Uber paid them to delete it instead of reporting. C3, C4, S1-c -> SEV1; police yes; UK
    # riders -> GDPR true (the ICO fined Uber).
    Case(
        "uber_2016",
        dict(data_categories=["identity", "contact"], affected_count=57_000_000,
             subject_regions=["US", "UK", "EU", "OTHER"], leak_mode="unauthorized_access",
             access="confirmed", controls_missing=["access_control"]),
        severity="SEV1", report=True, categories=["C3", "C4"], press=True, police="yes", gdpr=True,
    ),
    # Medibank, October 2022. Attackers took 9.7 million current and former customers' data,
    # including health-claims data, and published it on a leak site when no ransom was paid.
    # Health data confirmed published -> C1 -> S1-a; also S1-c -> SEV1; police yes; Australians.
    Case(
        "medibank_2022_health_data_published",
        dict(data_categories=["special_care", "identity", "contact", "other_personal"],
             affected_count=9_700_000, subject_regions=["AU", "OTHER"],
             leak_mode="unauthorized_access", access="confirmed", published=True,
             listed_company=True),
        severity="SEV1", report=True, categories=["C1", "C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-a", "S1-c"]},
    ),
    # Facebook / Cambridge Analytica, March 2018. Facebook's platform let a researcher's app
    # collect profile data of up to 87 million users (about 100,000 in Japan; the PPC gave
    # Facebook administrative guidance). Intentional provision -> not a leak, no APPI report; a
    # third-party-provision problem affecting >1,000 -> S2-c, SEV2; no crime by the company ->
    # police no; EU/UK users -> GDPR true, but no breach clock.
    Case(
        "facebook_cambridge_analytica_2018",
        dict(data_categories=["identity", "other_personal"], affected_count=87_000_000,
             subject_regions=["US", "UK", "EU", "JP", "OTHER"], leak_mode="intentional_provision",
             listed_company=True),
        severity="SEV2", report=False, categories=[], press=False, police="no", gdpr=True,
        also={"rules": ["S2-c"], "gdpr.authority_due": None},
    ),
    # Recruit Career (Rikunabi), August 2019. It sold predicted job-offer decline rates of
    # students to client companies; 7,983 of them had not consented. The PPC issued a
    # recommendation. Intentional provision -> not a leak; >1,000 -> S2-c, SEV2.
    Case(
        "rikunabi_2019_decline_rates",
        dict(data_categories=["identity", "other_personal"], affected_count=7_983,
             subject_regions=["JP"], leak_mode="intentional_provision"),
        severity="SEV2", report=False, categories=[], press=False, police="no", gdpr=False,
        also={"rules": ["S2-c"]},
    ),
    # Target, December 2013. POS malware, entered through an HVAC vendor's credentials, took 40
    # million card numbers and 70 million customers' contact data; cards were sold on carding
    # sites. C2, C3, C4; S1-b and S1-c -> SEV1; police yes (the Secret Service alerted Target).
    Case(
        "target_2013_pos_malware",
        dict(data_categories=["financial", "identity", "contact"], affected_count=110_000_000,
             subject_regions=["US"], leak_mode="unauthorized_access", access="confirmed",
             secondary_damage=True, listed_company=True,
             controls_missing=["vendor_oversight", "access_control"]),
        severity="SEV1", report=True, categories=["C2", "C3", "C4"], press=True, police="yes", gdpr=False,
        also={"rules": ["S1-b", "S1-c"]},
    ),
]  # fmt: skip


def _at(data: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[part]
    return data


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_real_incident(case: Case) -> None:
    result = verdict(**case.answers)
    outcome = {
        "severity": result["severity"],
        "report": result["appi"]["report_required"],
        "categories": result["appi"]["categories"],
        "press": result["actions"]["press_conference"],
        "police": result["actions"]["coordinate_with_police"],
        "gdpr": result["gdpr"]["relevant"],
    }
    expected = {
        "severity": case.severity,
        "report": case.report,
        "categories": case.categories,
        "press": case.press,
        "police": case.police,
        "gdpr": case.gdpr,
    }
    assert outcome == expected
    for path, value in case.also.items():
        assert _at(result, path) == value, path


def test_the_table_covers_at_least_twenty_incidents() -> None:
    assert len({c.name.rsplit("_at_", 1)[0].split("_recovered")[0] for c in CASES}) >= 20
