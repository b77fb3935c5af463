"""The demo site's content: people, campaigns and examples loaded by `manage.py load_demo`.

Plain text only (no HTML or Markdown). Organisations and people are invented; national
programmes such as "Everyone In" are real. Dates are given as days before the load so the
gallery always looks recent.
"""

from __future__ import annotations

from dataclasses import dataclass

from exchange.core.permissions import Role
from exchange.examples.models import ExampleStatus, Permanence, Sector

DEMO_PASSWORD = "exchange-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    organisation: str
    roles: tuple[Role, ...] = ()
    is_admin: bool = False


@dataclass(frozen=True)
class DemoCampaign:
    slug: str
    title: str
    introduction: str
    opened_days_ago: int
    # Negative: closes that many days in the future.
    closed_days_ago: int
    pre_moderation: bool = True


@dataclass(frozen=True)
class DemoExample:
    campaign: str
    author: str
    title: str
    summary: str
    what_changed: str
    enablers: str
    evidence: str
    sector: Sector
    organisation: str
    permanence: Permanence
    risks_of_reverting: str
    tags: tuple[str, ...]
    status: ExampleStatus = ExampleStatus.PUBLISHED
    # For published examples: how long ago they were published; otherwise when submitted/written.
    days_ago: int = 30
    featured: bool = False
    anonymous: bool = False


ROLE_USERS: tuple[DemoUser, ...] = (
    DemoUser("participant@example.org", "Alex Morgan", "Northshire Community Health"),
    DemoUser(
        "moderator@example.org", "Jo Whitfield", "Exchange for Change", roles=(Role.MODERATOR,)
    ),
    DemoUser(
        "facilitator@example.org",
        "Dev Patel",
        "Improvement Collaborative North",
        roles=(Role.FACILITATOR,),
    ),
    DemoUser("organiser@example.org", "Ceri Lloyd", "Exchange for Change", roles=(Role.ORGANISER,)),
    DemoUser(
        "admin@example.org",
        "Site administrator",
        "Exchange for Change",
        roles=(Role.ADMIN,),
        is_admin=True,
    ),
)

AUTHORS: tuple[DemoUser, ...] = (
    DemoUser(
        "priya.natarajan@example.org",
        "Dr Priya Natarajan",
        "Northshire Teaching Hospitals NHS Foundation Trust",
    ),
    DemoUser("tom.ashworth@example.org", "Tom Ashworth", "Hallam Vale City Council"),
    DemoUser("sian.pritchard@example.org", "Siân Pritchard", "Cwm Gwyrdd University Health Board"),
    DemoUser("marcus.okafor@example.org", "Marcus Okafor", "Brindley Precision Engineering"),
    DemoUser("helen.gallagher@example.org", "Helen Gallagher", "Eastmere District Council"),
    DemoUser(
        "rachel.kerr@example.org",
        "Rachel Kerr",
        "Northshire Teaching Hospitals NHS Foundation Trust",
    ),
    DemoUser("nadia.haddad@example.org", "Nadia Haddad", "Pennine Threads Ltd"),
    DemoUser("owen.fletcher@example.org", "Owen Fletcher", "Kestrel Mutual Insurance"),
    DemoUser("grace.mensah@example.org", "Grace Mensah", "Ashdown Borough Council"),
    DemoUser("callum.reid@example.org", "Callum Reid", "Westhaven Community Pharmacy"),
)

COVID = "lessons-from-covid-19"
WINTER = "winter-pressures-2023"

CAMPAIGNS: tuple[DemoCampaign, ...] = (
    DemoCampaign(
        slug=COVID,
        title="Lessons from the COVID-19 emergency",
        introduction=(
            "During the COVID-19 emergency people across health, care, councils, charities and "
            "industry changed how they worked in days rather than years. Some of those changes "
            "were right only for the crisis; many were simply better, and are at risk of quietly "
            "slipping back.\n\n"
            "Tell us about one change you made or saw: what changed, what made it possible, what "
            "difference it made, and whether it should stay. Say honestly what could make it "
            "revert, because that is where others can help. Every example is read by a moderator "
            "before it is published, and you can choose to appear as anonymous."
        ),
        opened_days_ago=240,
        closed_days_ago=-365,
    ),
    DemoCampaign(
        slug=WINTER,
        title="Winter pressures 2023: what kept services going",
        introduction=(
            "Last winter brought flu, COVID-19 and norovirus at once, with snow in January. We "
            "asked frontline teams what kept patients moving and services open, so that the next "
            "winter plan starts from what worked. This call has now closed; the examples remain "
            "open to read."
        ),
        opened_days_ago=520,
        closed_days_ago=400,
    ),
)

P = "participant@example.org"
PRIYA = "priya.natarajan@example.org"
TOM = "tom.ashworth@example.org"
SIAN = "sian.pritchard@example.org"
MARCUS = "marcus.okafor@example.org"
HELEN = "helen.gallagher@example.org"
RACHEL = "rachel.kerr@example.org"
NADIA = "nadia.haddad@example.org"
OWEN = "owen.fletcher@example.org"
GRACE = "grace.mensah@example.org"
CALLUM = "callum.reid@example.org"

NORTHSHIRE = "Northshire Teaching Hospitals NHS Foundation Trust"

EXAMPLES: tuple[DemoExample, ...] = (
    DemoExample(
        campaign=COVID,
        author=MARCUS,
        title="Face shields 3D-printed locally within a fortnight",
        summary=(
            "When national PPE supplies ran short, a network of engineering firms, schools and "
            "hobbyists printed 14,000 face shields for hospitals, GP practices and care homes "
            "across Northshire in six weeks."
        ),
        what_changed=(
            "We published one open design, agreed with the hospital's infection prevention team, "
            "and turned our prototyping room over to production. Forty-two printers in firms, "
            "two secondary schools and people's homes printed headbands; we cut the visors from "
            "PET sheet on our laser cutter, assembled and bagged them, and a courier firm "
            "delivered them free every evening."
        ),
        enablers=(
            "A single design signed off by clinicians in three days, a shared spreadsheet of "
            "printers and stock, and a local business group that paid for the plastic. The "
            "hospital named one contact who could say yes on the day."
        ),
        evidence=(
            "14,200 shields delivered to 3 hospitals, 61 GP practices and 112 care homes. Unit "
            "cost about 90p against £3.50 from the emergency supplier at the time. No batch was "
            "rejected by infection prevention."
        ),
        sector=Sector.INDUSTRY,
        organisation="Brindley Precision Engineering",
        permanence=Permanence.TEMPORARY,
        risks_of_reverting=(
            "The production itself should stop, but the network should not: without a register "
            "of local makers and a pre-agreed approval route, the next shortage would start from "
            "scratch."
        ),
        tags=("PPE", "3D printing", "Local supply"),
        days_ago=170,
        featured=True,
    ),
    DemoExample(
        campaign=COVID,
        author=TOM,
        title="Everyone In: rough sleepers housed in hotels within a week",
        summary=(
            "Under the national Everyone In programme we moved 187 people sleeping rough or in "
            "night shelters into two city-centre hotels in seven days, with health and support "
            "workers on site."
        ),
        what_changed=(
            "Instead of assessing eligibility first, we offered everyone a room and sorted out "
            "the paperwork afterwards. Outreach workers, the council's housing team and a local "
            "GP practice worked from the hotel lobbies, so people saw a nurse, a drugs worker and "
            "a housing officer in the same place."
        ),
        enablers=(
            "Government funding and a clear instruction from ministers, hotels standing empty, "
            "and a housing director who suspended the usual priority-need tests. Daily "
            "10-minute calls between the council, charities and the hotels kept problems small."
        ),
        evidence=(
            "187 people accommodated in the first week. Twelve months on, 121 (65%) were in "
            "settled accommodation. Hospital admissions among the group fell by about a third "
            "compared with the previous year."
        ),
        sector=Sector.LOCAL_GOVERNMENT,
        organisation="Hallam Vale City Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The funding was short term and hotels reopened to paying guests. Without move-on "
            "housing and the return of priority-need tests, numbers sleeping rough are already "
            "rising again."
        ),
        tags=("Homelessness", "Housing", "Partnership working"),
        days_ago=160,
        featured=True,
    ),
    DemoExample(
        campaign=COVID,
        author=RACHEL,
        title="Staff redeployed to critical care after a two-day skills review",
        summary=(
            "A quick online skills review of 4,300 staff found 380 people with recent critical "
            "care, theatre or respiratory experience, who were redeployed within a week with "
            "refresher training."
        ),
        what_changed=(
            "The HR team sent a short form to every clinical and non-clinical member of staff "
            "asking about past roles, registrations and skills. We matched the answers to the "
            "gaps the critical care and respiratory wards had listed, and ran half-day refresher "
            "sessions in the simulation suite."
        ),
        enablers=(
            "An electronic staff record that let us email everyone at once, a form built in an "
            "afternoon, and managers agreeing that redeployment decisions would be made centrally "
            "for eight weeks."
        ),
        evidence=(
            "Response rate 78% in 48 hours. 380 staff redeployed; critical care ran at 210% of "
            "normal capacity for three weeks without agency nurses. 86% of redeployed staff said "
            "they felt prepared."
        ),
        sector=Sector.WORKPLACE,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The skills register is already out of date because nobody owns it. If it is not "
            "refreshed each year as part of appraisal, we would have to start again."
        ),
        tags=("Workforce", "Redeployment", "Skills"),
        days_ago=150,
    ),
    DemoExample(
        campaign=COVID,
        author=NADIA,
        title="A clothing maker switched to making scrubs and gowns in nine days",
        summary=(
            "Our factory stopped making workwear and produced 52,000 scrubs and 30,000 washable "
            "gowns for NHS trusts, keeping 64 machinists in work while orders for our usual "
            "lines had stopped."
        ),
        what_changed=(
            "We took a scrubs pattern from a hospital's own supplier, graded it in our sizes and "
            "tested it with ward staff. Cutting moved to two shifts, and we spaced the sewing "
            "lines two metres apart. Trusts ordered directly from us rather than through the "
            "national framework."
        ),
        enablers=(
            "A fabric merchant who held stock for us on trust, a trust procurement lead who could "
            "sign an order the same day, and the furlough scheme covering the staff we could not "
            "yet use."
        ),
        evidence=(
            "52,000 sets of scrubs and 30,000 gowns delivered in five months. No machinist was "
            "made redundant. Gowns were laundered up to 50 times against single use for the "
            "disposable ones they replaced."
        ),
        sector=Sector.INDUSTRY,
        organisation="Pennine Threads Ltd",
        permanence=Permanence.UNSURE,
        risks_of_reverting=(
            "Trusts went back to the cheapest overseas supplier as soon as the framework "
            "reopened. A small share of local orders would keep the capability warm."
        ),
        tags=("PPE", "Manufacturing", "Local supply"),
        days_ago=140,
        featured=True,
    ),
    DemoExample(
        campaign=COVID,
        author=SIAN,
        title="An online midwife advice service grew from one hospital to all of Wales in weeks",
        summary=(
            "A text and video advice line that three midwives ran for one maternity unit was "
            "taken up by every health board in Wales within seven weeks, answering 9,000 "
            "questions from pregnant women in its first three months."
        ),
        what_changed=(
            "Antenatal classes and drop-in clinics stopped overnight, so we started answering "
            "questions by text chat and short video calls, seven days a week. Other health "
            "boards asked to join; we shared our rota, scripts and safeguarding rules, and each "
            "board put two midwives on a shared national rota."
        ),
        enablers=(
            "A video platform already approved for NHS Wales, a chief midwife who backed it "
            "publicly, and simple written scripts that any midwife could pick up after one "
            "shadow shift."
        ),
        evidence=(
            "9,140 conversations in three months; 71% were resolved without a visit to hospital. "
            "Average reply time 11 minutes. Women rated it 4.8 out of 5, and non-urgent triage "
            "calls to labour wards fell by 23%."
        ),
        sector=Sector.HEALTH,
        organisation="Cwm Gwyrdd University Health Board",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Each board funds its midwives from its own budget. If one or two withdraw, the "
            "evening and weekend rota cannot be covered and the service could shrink back to a "
            "single hospital."
        ),
        tags=("Maternity", "Digital services", "Scaling up"),
        days_ago=130,
        featured=True,
    ),
    DemoExample(
        campaign=COVID,
        author=OWEN,
        title="Video meetings replaced 1.2 million miles of business travel",
        summary=(
            "Moving our regional and client meetings to video cut business mileage by 84% and "
            "gave staff back an average of three hours a week, with client satisfaction "
            "unchanged."
        ),
        what_changed=(
            "Claims assessors, managers and the board stopped travelling between our six offices "
            "and to brokers. Routine meetings became 25-minute video calls; site visits now need "
            "a reason written on the booking."
        ),
        enablers=(
            "Laptops with cameras already rolled out, a travel freeze that forced the habit, and "
            "a board that held its own meetings on video first."
        ),
        evidence=(
            "Business mileage fell from 1.43 million to 230,000 a year; travel spend down "
            "£610,000. Estimated 290 tonnes of CO2e avoided. Client net promoter score was 41 "
            "before and 43 after."
        ),
        sector=Sector.WORKPLACE,
        organisation="Kestrel Mutual Insurance",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Some managers see travel as a sign of commitment, and the new office leases include "
            "large meeting suites that people feel they should fill."
        ),
        tags=("Remote working", "Travel", "Carbon"),
        days_ago=120,
    ),
    DemoExample(
        campaign=COVID,
        author=HELEN,
        title="Cleaner air kept by making pop-up cycle lanes and low-traffic streets permanent",
        summary=(
            "Nitrogen dioxide near our busiest junctions fell by a quarter during lockdown. We "
            "kept most of the gain by turning 14 km of pop-up cycle lanes and three low-traffic "
            "neighbourhoods into permanent schemes."
        ),
        what_changed=(
            "We used emergency traffic orders to put in wands and planters within weeks, then "
            "ran an 18-month trial with monitoring before consulting on making them permanent. "
            "School streets closed to through traffic at drop-off and pick-up times."
        ),
        enablers=(
            "Emergency active travel funding, experimental traffic orders that allowed changes "
            "during the trial, and air quality sensors already in place so we had a baseline."
        ),
        evidence=(
            "Annual mean NO2 at the six monitored junctions is 19% below 2019. Cycling on the "
            "main corridors is up 140%; traffic on boundary roads rose 4%, less than feared. "
            "Casualties on the corridors fell from 23 to 11 a year."
        ),
        sector=Sector.ENVIRONMENT,
        organisation="Eastmere District Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Two schemes were removed after a vocal campaign. Elections and changes to national "
            "guidance could reopen the rest, so we publish the monitoring data every quarter."
        ),
        tags=("Air quality", "Active travel", "Streets"),
        days_ago=110,
        featured=True,
    ),
    DemoExample(
        campaign=COVID,
        author=PRIYA,
        title="Virtual wards let COVID-19 patients recover at home with pulse oximeters",
        summary=(
            "Patients well enough to leave hospital but still needing oxygen checks went home "
            "with a pulse oximeter and daily calls from a nurse, freeing an average of 14 beds "
            "a day at the peak."
        ),
        what_changed=(
            "Patients recorded their oxygen levels three times a day on a simple app or a paper "
            "diary. A nurse-led hub called them each morning and escalated any reading below "
            "the agreed threshold to a consultant the same day."
        ),
        enablers=(
            "A stock of 800 oximeters bought in one order, a clear escalation protocol written "
            "by respiratory consultants, and community nurses who already knew the patients' GPs."
        ),
        evidence=(
            "1,320 patients supported; median stay in hospital fell by 2.4 days. Readmission "
            "within 30 days was 6.8%, similar to patients kept in hospital. 93% said they would "
            "choose it again."
        ),
        sector=Sector.HEALTH,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The virtual ward is funded year by year and depends on six nurses on temporary "
            "contracts. If they leave, the beds it saves will quietly fill again."
        ),
        tags=("Virtual wards", "Hospital flow", "Digital services"),
        days_ago=100,
        featured=True,
    ),
    DemoExample(
        campaign=COVID,
        author=PRIYA,
        title="Remote triage at a GP practice: every request answered the same day",
        summary=(
            "Our practice moved to total triage: every request, by phone or online form, is "
            "read by a clinician the same day and booked as a phone, video or face-to-face "
            "appointment as needed."
        ),
        what_changed=(
            "Receptionists took details rather than booking slots, and a duty GP and an advanced "
            "nurse practitioner triaged the list every two hours. Patients with long-term "
            "conditions kept a named clinician who phoned them."
        ),
        enablers=(
            "An online consultation tool the clinical commissioning group paid for, softphones "
            "so clinicians could call from any room, and training for reception staff in "
            "signposting."
        ),
        evidence=(
            "Time to first clinical contact fell from 6 days to under 1. About 55% of requests "
            "were dealt with without a visit. Complaints about getting through fell from 19 to 4 "
            "a quarter."
        ),
        sector=Sector.HEALTH,
        organisation="Riverside Medical Practice, Northshire",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Some older patients find the online form hard, and a local campaign wants a return "
            "to queuing at 8am. We need to keep a phone route that is as good as the online one."
        ),
        tags=("Primary care", "Triage", "Access"),
        days_ago=95,
    ),
    DemoExample(
        campaign=COVID,
        author=CALLUM,
        title="Pharmacy home deliveries run with volunteer drivers",
        summary=(
            "A community pharmacy and a local volunteer centre delivered 11,600 prescriptions "
            "to people shielding or self-isolating, using 48 checked volunteer drivers and a "
            "shared booking sheet."
        ),
        what_changed=(
            "Patients or their GP told us they needed delivery; we packed and sealed the bag, "
            "logged it, and the volunteer centre matched a driver by postcode. Controlled drugs "
            "stayed with our own driver."
        ),
        enablers=(
            "A volunteer centre that already ran safeguarding and DBS checks, a written "
            "agreement that took one afternoon, and a simple handover log with photo proof of "
            "delivery."
        ),
        evidence=(
            "11,600 deliveries over 14 months with no lost or misdelivered medicines. 92% "
            "delivered the same or next day. Volunteers drove about 19,000 miles between them."
        ),
        sector=Sector.HEALTH,
        organisation="Westhaven Community Pharmacy",
        permanence=Permanence.UNSURE,
        risks_of_reverting=(
            "Many volunteers have returned to work. Without a small fee per delivery we cannot "
            "afford paid drivers, so housebound patients may go back to relying on neighbours."
        ),
        tags=("Pharmacy", "Volunteering", "Shielding"),
        days_ago=90,
    ),
    DemoExample(
        campaign=COVID,
        author=GRACE,
        title="Food parcels reached shielding residents in days because data was shared",
        summary=(
            "By agreeing a data-sharing arrangement with GP practices in 48 hours, the council "
            "contacted all 6,300 residents on the shielding list and delivered food parcels to "
            "the 1,150 who needed them."
        ),
        what_changed=(
            "Rather than waiting for residents to register on the national website, we used the "
            "NHS shielding list, matched it with council tax and social care records, and phoned "
            "everyone. Parcels and prescriptions went out from a depot run by redeployed staff."
        ),
        enablers=(
            "The Control of Patient Information notice that allowed sharing for the emergency, a "
            "data protection officer who drafted the agreement over a weekend, and a "
            "well-maintained address gazetteer."
        ),
        evidence=(
            "All 6,300 residents contacted within 10 days; 1,150 received weekly parcels. We "
            "found 87 people with no support at all, who were referred to adult social care."
        ),
        sector=Sector.LOCAL_GOVERNMENT,
        organisation="Ashdown Borough Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The legal basis for sharing has lapsed. Without a standing agreement we could not "
            "repeat this in a heatwave or a flood."
        ),
        tags=("Data sharing", "Shielding", "Food"),
        days_ago=88,
    ),
    DemoExample(
        campaign=COVID,
        author=GRACE,
        title="Library staff made welfare calls to everyone on the shielding list",
        summary=(
            "With libraries closed, 35 library staff phoned residents who were shielding every "
            "fortnight. They found loneliness, missed medication and unpaid bills that no other "
            "service had spotted."
        ),
        what_changed=(
            "We wrote a short call script with adult social care, trained library staff in one "
            "morning, and logged each call in a shared case system so concerns went straight to "
            "the right team."
        ),
        enablers=(
            "Library staff who know their communities, a social worker on duty each day to take "
            "referrals, and managers willing to lend staff across departments."
        ),
        evidence=(
            "24,800 calls over nine months. 412 referrals, including 96 to social care, 58 for "
            "benefits advice and 31 safeguarding concerns. Residents often asked for the same "
            "caller again."
        ),
        sector=Sector.LOCAL_GOVERNMENT,
        organisation="Ashdown Borough Council",
        permanence=Permanence.UNSURE,
        risks_of_reverting=(
            "Libraries reopened and the calls stopped. A smaller service for the most isolated "
            "residents has no budget yet."
        ),
        tags=("Shielding", "Loneliness", "Redeployment"),
        days_ago=84,
    ),
    DemoExample(
        campaign=COVID,
        author=RACHEL,
        title="Recruitment checks cut from 42 days to 9",
        summary=(
            "Digital identity checks, remote interviews and running reference and DBS checks at "
            "the same time cut the time from offer to start for healthcare support workers from "
            "42 days to 9."
        ),
        what_changed=(
            "Candidates showed their documents on a video call and uploaded them to a secure "
            "portal. We asked for references on the day of the offer and started induction "
            "while checks finished, with supervised duties only until clearance."
        ),
        enablers=(
            "Temporary changes to right-to-work and DBS guidance, a recruitment team working "
            "from one shared tracker, and ward managers who interviewed the same week."
        ),
        evidence=(
            "Median time to start fell from 42 days to 9. Candidate withdrawals after offer fell "
            "from 24% to 7%. No safeguarding incidents were linked to the changes."
        ),
        sector=Sector.WORKPLACE,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Some of the temporary guidance has been withdrawn. If we go back to paper and "
            "in-person checks, we will lose candidates to agencies that are faster."
        ),
        tags=("Recruitment", "Workforce", "Digital services"),
        days_ago=80,
    ),
    DemoExample(
        campaign=COVID,
        author=PRIYA,
        title="Discharge to assess: patients home first, assessed there",
        summary=(
            "Patients medically fit to leave went home or to a short-stay bed the same day, with "
            "their care needs assessed over the next few days in familiar surroundings rather "
            "than on the ward."
        ),
        what_changed=(
            "A single discharge hub of hospital discharge nurses, social workers and therapists "
            "met twice a day. Assessments that used to happen on the ward were done at home "
            "within 72 hours, and care started on a standard package that was adjusted "
            "afterwards."
        ),
        enablers=(
            "National funding for the first six weeks of care, which removed arguments about "
            "who pays, and managers from the trust and county council sitting in one room."
        ),
        evidence=(
            "Patients waiting for discharge fell from about 140 to 55 a day. Average delay after "
            "being medically fit fell from 6.1 to 1.8 days. Assessments at home led to smaller "
            "care packages in 30% of cases."
        ),
        sector=Sector.SOCIAL_CARE,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "When the national funding ended, funding disputes returned and the hub went back "
            "to separate meetings. Delays have crept back up to about three days."
        ),
        tags=("Hospital flow", "Social care", "Partnership working"),
        days_ago=76,
    ),
    DemoExample(
        campaign=COVID,
        author=PRIYA,
        title="Digital consent for planned surgery",
        summary=(
            "Patients now read about their operation and give consent online before they come "
            "in, with a clinician's call for questions, instead of signing a paper form on the "
            "morning of surgery."
        ),
        what_changed=(
            "Surgeons send an online consent pack with plain-English risks and a short video. "
            "Patients can ask questions by phone, sign digitally, and confirm again on the day. "
            "The signed form appears in the electronic record."
        ),
        enablers=(
            "An e-consent product already bought but not rolled out, a surgical lead who "
            "championed it, and the pressure to reduce time patients spent in hospital before "
            "surgery."
        ),
        evidence=(
            "Used for 7,900 operations in its first year. Cancellations on the day because "
            "consent was incomplete fell from 2.1% to 0.4%. Patients understood risks better in "
            "a follow-up survey (81% against 58%)."
        ),
        sector=Sector.HEALTH,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Licences are paid from a one-off innovation fund that ends next March."
        ),
        tags=("Consent", "Digital services", "Surgery"),
        days_ago=70,
    ),
    DemoExample(
        campaign=COVID,
        author=TOM,
        title="Laptops and data for every pupil without a device at home",
        summary=(
            "A multi-academy trust and the council lent 2,450 laptops and 600 mobile data "
            "dongles to pupils who had no device at home, so that no child missed remote lessons."
        ),
        what_changed=(
            "Schools asked families a single question by text message about devices and "
            "internet at home. Laptops from the government scheme and local business donations "
            "were set up centrally and delivered with the school's lunchtime food parcels."
        ),
        enablers=(
            "A council IT team that set up devices in bulk, business donations of 700 used "
            "laptops, and teachers who checked who was not logging in."
        ),
        evidence=(
            "Daily logins among disadvantaged pupils rose from 41% to 88% in four weeks. The "
            "laptops are still used for homework, and none of the schools has gone back to "
            "paper homework packs."
        ),
        sector=Sector.EDUCATION,
        organisation="Hallam Vale Learning Trust",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The laptops are ageing and there is no budget to replace them; data dongle "
            "contracts end this summer."
        ),
        tags=("Schools", "Digital inclusion", "Partnership working"),
        days_ago=66,
    ),
    DemoExample(
        campaign=COVID,
        author=GRACE,
        title="Mutual aid groups and the council worked from one hub",
        summary=(
            "Thirty-one street-level mutual aid groups and the council's community hub shared "
            "one phone line and one list of requests, so help with shopping, prescriptions and "
            "dog walking reached people within a day."
        ),
        what_changed=(
            "Instead of trying to control the new groups, the council offered them a shared "
            "helpline, free DBS checks for lead volunteers and a weekly call. Requests that "
            "needed a professional were passed to council staff."
        ),
        enablers=(
            "Trust between the council's community team and the groups' organisers, a shared "
            "online form and a simple agreement about data protection."
        ),
        evidence=(
            "5,700 requests handled in the first four months; 96% met within 24 hours. Eleven "
            "groups still run as residents' associations or lunch clubs."
        ),
        sector=Sector.VOLUNTARY,
        organisation="Ashdown Borough Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The community team has shrunk, and without the weekly call the groups have drifted "
            "apart from council services."
        ),
        tags=("Mutual aid", "Volunteering", "Communities"),
        days_ago=62,
    ),
    DemoExample(
        campaign=COVID,
        author=RACHEL,
        title="Furloughed cabin crew volunteered as hospital support staff",
        summary=(
            "Sixty furloughed airline cabin crew, trained in first aid and calm under pressure, "
            "volunteered in our hospitals: running staff rest areas, guiding visitors and "
            "supporting families on the phone."
        ),
        what_changed=(
            "Crew joined through a national scheme. We gave them a day's induction, an honorary "
            "contract and a uniform, and placed them where their skills fitted: wellbeing rooms, "
            "front doors and the family liaison line."
        ),
        enablers=(
            "A national agreement with the airlines, our voluntary services team processing "
            "checks quickly, and ward managers who asked for help rather than waiting."
        ),
        evidence=(
            "About 9,000 volunteer hours in six months. Staff use of rest areas tripled. Nine "
            "crew members later joined the trust as healthcare support workers."
        ),
        sector=Sector.VOLUNTARY,
        organisation=NORTHSHIRE,
        permanence=Permanence.TEMPORARY,
        risks_of_reverting=(
            "The volunteers rightly returned to flying. What should stay is the fast route for "
            "volunteers with transferable skills, which has already slowed down again."
        ),
        tags=("Volunteering", "Staff wellbeing", "Furlough"),
        days_ago=58,
    ),
    DemoExample(
        campaign=COVID,
        author=GRACE,
        title="Emergency purchases approved in 48 hours, with the paperwork kept",
        summary=(
            "A small procurement panel with delegated authority approved urgent purchases "
            "within 48 hours while keeping a full audit trail, instead of the usual six-week "
            "route to committee."
        ),
        what_changed=(
            "Three officers (finance, legal and procurement) met online every day and could "
            "approve up to £250,000 using the emergency regulations. Every decision was logged "
            "with a short reason and published monthly."
        ),
        enablers=(
            "Regulation 32 of the Public Contracts Regulations for genuine urgency, councillors "
            "who agreed the delegation in one meeting, and a simple decision log template."
        ),
        evidence=(
            "214 decisions in six months; average approval time 31 hours. External audit found "
            "no material issues and praised the published log."
        ),
        sector=Sector.PUBLIC_SERVICES,
        organisation="Ashdown Borough Council",
        permanence=Permanence.UNSURE,
        risks_of_reverting=(
            "Urgency rules cannot be used for routine purchases, but the daily panel and "
            "published log could be. Without a decision soon, we will drift back to the "
            "six-week cycle."
        ),
        tags=("Procurement", "Governance", "Speed"),
        days_ago=54,
    ),
    DemoExample(
        campaign=COVID,
        author=HELEN,
        title="Pavement licences for outdoor dining issued in seven days",
        summary=(
            "A short online form and a fixed seven-day decision let 140 cafés, pubs and "
            "restaurants put tables outside, helping them reopen safely and bringing life back "
            "to the high street."
        ),
        what_changed=(
            "We replaced a 28-day process with a one-page online form, a fixed fee of £100 and a "
            "decision within seven days. Highways officers checked pavement widths using street "
            "view and visited only when needed."
        ),
        enablers=(
            "The Business and Planning Act 2020, which created the fast-track licence, and one "
            "licensing officer given authority to approve standard applications."
        ),
        evidence=(
            "142 licences issued, 131 within seven days. Two complaints about blocked pavements, "
            "both fixed within a day. Footfall in the town centre recovered faster than in "
            "neighbouring towns."
        ),
        sector=Sector.LOCAL_GOVERNMENT,
        organisation="Eastmere District Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The fast-track regime is now permanent in law, but our licensing team still "
            "defaults to the old, longer checklist for renewals."
        ),
        tags=("High streets", "Licensing", "Speed"),
        days_ago=50,
    ),
    DemoExample(
        campaign=COVID,
        author=PRIYA,
        title="Video follow-up appointments halved missed outpatient visits",
        summary=(
            "Routine follow-ups in dermatology, diabetes and orthopaedics moved to video or "
            "phone, cutting missed appointments from 11% to 5% and saving patients about 40 "
            "minutes of travel each."
        ),
        what_changed=(
            "Clinicians chose which follow-ups could be virtual using a simple checklist. "
            "Patients received a link by text and could switch to face to face at any point."
        ),
        enablers=(
            "A video consultation platform paid for nationally, laptops with webcams in each "
            "clinic room, and administrative staff who phoned first-time users to test the link."
        ),
        evidence=(
            "About 38% of follow-ups are now virtual. Missed appointments fell from 11% to 5%. "
            "Patients saved an estimated 210,000 miles of travel in a year."
        ),
        sector=Sector.HEALTH,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Clinic templates have been reset to face-to-face slots by default, so virtual "
            "appointments now depend on each clinician remembering to choose them."
        ),
        tags=("Outpatients", "Digital services", "Travel"),
        days_ago=46,
    ),
    DemoExample(
        campaign=COVID,
        author=MARCUS,
        title="A gin distillery made hand sanitiser for local services",
        summary=(
            "A small distillery switched its still to make 38,000 litres of hand sanitiser to "
            "the World Health Organization formula for GP practices, care homes and the council."
        ),
        what_changed=(
            "We followed the WHO formula, bought glycerol and hydrogen peroxide through a "
            "chemicals supplier, and filled refill containers that services returned to us."
        ),
        enablers=(
            "HMRC relaxing duty rules for alcohol used in sanitiser, Trading Standards checking "
            "our labelling in one visit, and local firms sharing bottle stocks."
        ),
        evidence=(
            "38,000 litres supplied over four months, 70% in refillable containers. Price to "
            "services was about a third of the market rate at the peak."
        ),
        sector=Sector.INDUSTRY,
        organisation="Brindley Valley Distillery",
        permanence=Permanence.TEMPORARY,
        risks_of_reverting=(
            "The product should not continue, but the refill-and-return model could work for "
            "cleaning supplies in the long term."
        ),
        tags=("Manufacturing", "Local supply", "Reuse"),
        days_ago=42,
    ),
    DemoExample(
        campaign=COVID,
        author=MARCUS,
        title="Fixed shift teams on the factory floor cut absence and improved quality",
        summary=(
            "Splitting the workforce into fixed teams that always worked together, with "
            "staggered breaks, cut absence by a third and reduced defects because each team "
            "owned its line."
        ),
        what_changed=(
            "Teams of eight kept the same members, line and shift for months. Handovers moved "
            "to a whiteboard and a five-minute call instead of a crowded briefing room."
        ),
        enablers=(
            "A union rep and the operations manager designing the rota together, and a "
            "willingness to accept slightly lower utilisation for resilience."
        ),
        evidence=(
            "Sickness absence fell from 5.9% to 3.8%. First-pass yield rose from 94.2% to "
            "96.7%. Staff survey scores for teamwork rose by 14 points."
        ),
        sector=Sector.INDUSTRY,
        organisation="Brindley Precision Engineering",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Pressure to maximise machine hours could break the teams up, and new managers may "
            "not know why the rota looks the way it does."
        ),
        tags=("Manufacturing", "Teams", "Staff wellbeing"),
        days_ago=38,
    ),
    DemoExample(
        campaign=COVID,
        author=OWEN,
        title="Our contact centre moved to home working in ten days",
        summary=(
            "We moved 280 contact centre staff to home working in ten days with cloud "
            "telephony and loaned equipment, and kept it: call answer times and staff turnover "
            "are both better than before."
        ),
        what_changed=(
            "Staff took their monitors and headsets home; calls moved to a cloud telephony "
            "system; team leaders ran short video huddles at the start of every shift. Desks in "
            "the office are now booked for training and team days."
        ),
        enablers=(
            "A telephony contract that was up for renewal anyway, an IT team working weekends, "
            "and a simple home workstation checklist instead of a full assessment."
        ),
        evidence=(
            "Average time to answer fell from 96 to 58 seconds. Annual staff turnover dropped "
            "from 34% to 19%. We now recruit from a 60-mile radius rather than 15."
        ),
        sector=Sector.WORKPLACE,
        organisation="Kestrel Mutual Insurance",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "A push to fill the new office three days a week could undo the recruitment gains, "
            "especially for staff with caring responsibilities."
        ),
        tags=("Remote working", "Contact centres", "Recruitment"),
        days_ago=34,
    ),
    DemoExample(
        campaign=COVID,
        author=HELEN,
        title="Electronic signatures ended 400,000 pages of printing a year",
        summary=(
            "Moving planning decisions, contracts and HR letters to electronic signatures "
            "removed the need to print, post and scan about 400,000 pages a year."
        ),
        what_changed=(
            "With offices closed, we adopted the e-signature tool already included in our "
            "office software licence. Legal services wrote one page of guidance on which "
            "documents still need wet ink."
        ),
        enablers=(
            "A licence we already paid for, a solicitor who confirmed what the law allows, and "
            "closing the print room, which removed the choice."
        ),
        evidence=(
            "Printing fell by 78% and postage by £46,000 a year. Contracts are signed in a median "
            "of 2 days instead of 11."
        ),
        sector=Sector.ENVIRONMENT,
        organisation="Eastmere District Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The print room has reopened and some teams have gone back to printing out of habit."
        ),
        tags=("Paperless", "Carbon", "Digital services"),
        days_ago=30,
    ),
    DemoExample(
        campaign=COVID,
        author=CALLUM,
        title="Weekly video ward rounds for care homes with a named GP",
        summary=(
            "Each care home in the primary care network has a named GP and a weekly video ward "
            "round, so residents are reviewed before problems become emergencies."
        ),
        what_changed=(
            "Care home staff prepare a short list of residents to discuss with observations "
            "taken that morning. The GP, a practice pharmacist and sometimes a community "
            "matron join by tablet."
        ),
        enablers=(
            "Tablets given to every care home, the national enhanced health in care homes "
            "service, and care home managers who asked to keep the video rounds."
        ),
        evidence=(
            "Emergency admissions from the 17 homes fell by 27% year on year. Medicines reviews "
            "stopped an average of 1.6 medicines per resident."
        ),
        sector=Sector.SOCIAL_CARE,
        organisation="Westhaven Primary Care Network",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "High turnover of care home staff means the people who know how to run the round "
            "keep leaving."
        ),
        tags=("Care homes", "Primary care", "Digital services"),
        days_ago=26,
    ),
    DemoExample(
        campaign=COVID,
        author=TOM,
        title="Online parents' evenings doubled attendance",
        summary=(
            "Ten-minute video appointments booked online let parents meet teachers from work or "
            "home; attendance rose from 48% to 91% of families."
        ),
        what_changed=(
            "Parents choose slots through a booking system and join by phone or laptop. "
            "Interpreters can join the same call. Teachers work from their classrooms."
        ),
        enablers=(
            "A booking system the school already used for trips, and a trial during lockdown "
            "that showed parents preferred it."
        ),
        evidence=(
            "Attendance rose from 48% to 91%, and from 31% to 84% among families eligible for "
            "free school meals. Requests for interpreters were met every time."
        ),
        sector=Sector.EDUCATION,
        organisation="Hallam Vale Learning Trust",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Some staff miss meeting parents in person; a mix of in-person and online evenings "
            "could keep both."
        ),
        tags=("Schools", "Families", "Digital inclusion"),
        days_ago=22,
    ),
    DemoExample(
        campaign=COVID,
        author=RACHEL,
        title="A staff wellbeing hub open around the clock",
        summary=(
            "A quiet room with food, a psychologist on call and peer supporters gave staff "
            "somewhere to decompress during and after shifts; we have kept a smaller version."
        ),
        what_changed=(
            "We turned a seminar room next to critical care into a wellbeing hub open 24 hours, "
            "with donated food, a psychologist available by phone and trained peer supporters "
            "from each ward."
        ),
        enablers=(
            "Charity funding, a clinical psychologist who set up the peer support training, and "
            "ward managers who released staff for breaks."
        ),
        evidence=(
            "Around 1,100 visits a week at the peak. 240 staff received psychological support; "
            "sickness absence for stress in critical care was lower than the previous winter."
        ),
        sector=Sector.WORKPLACE,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The charity grant has ended and the room is wanted back for teaching."
        ),
        tags=("Staff wellbeing", "Mental health", "Workforce"),
        days_ago=18,
        anonymous=True,
    ),
    DemoExample(
        campaign=COVID,
        author=CALLUM,
        title="Electronic repeat prescriptions sent straight to the pharmacy",
        summary=(
            "Moving all repeat prescriptions to the electronic prescription service meant "
            "patients no longer collected paper slips from the surgery, saving two trips per "
            "prescription."
        ),
        what_changed=(
            "Practices set every patient's nominated pharmacy during phone calls and sent repeat "
            "prescriptions electronically. The pharmacy texts patients when medicines are ready."
        ),
        enablers=(
            "A national push to use the electronic service, and practice staff who set "
            "nominations while already on the phone."
        ),
        evidence=(
            "Electronic prescriptions rose from 62% to 96% of items. Queues at the practice "
            "reception fell noticeably, and the pharmacy cut its paper filing by half."
        ),
        sector=Sector.HEALTH,
        organisation="Westhaven Community Pharmacy",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Little risk: patients and staff prefer it. Keep nominations up to date when "
            "patients move."
        ),
        tags=("Pharmacy", "Prescriptions", "Digital services"),
        days_ago=14,
    ),
    # Awaiting moderation, so the demo moderator has a queue.
    DemoExample(
        campaign=COVID,
        author=HELEN,
        title="Council meetings streamed online: five times as many residents watched",
        summary=(
            "Holding council and planning committee meetings online, and streaming them, drew "
            "an average of 260 viewers instead of the 50 who used to come to the chamber."
        ),
        what_changed=(
            "Meetings moved to video under temporary regulations, with a public stream. Now "
            "they are held in the chamber again but still streamed and recorded."
        ),
        enablers=(
            "The Coronavirus Act 2020 regulations for remote meetings, and democratic services "
            "officers who learnt to run streams in a fortnight."
        ),
        evidence=(
            "Average live audience of 260, and recordings watched about 1,900 times a month. "
            "Public speaking requests at planning doubled."
        ),
        sector=Sector.LOCAL_GOVERNMENT,
        organisation="Eastmere District Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The law no longer allows fully remote decision-making, and the streaming budget is "
            "reviewed every year."
        ),
        tags=("Democracy", "Transparency", "Digital services"),
        status=ExampleStatus.SUBMITTED,
        days_ago=3,
    ),
    DemoExample(
        campaign=COVID,
        author=GRACE,
        title="Registering a death by telephone spared families a trip",
        summary=(
            "Temporary rules let families register a death by phone, with documents sent "
            "electronically by doctors, ending a trip to the register office at a hard time."
        ),
        what_changed=(
            "Registrars interviewed informants by phone, doctors emailed the medical "
            "certificate, and certificates were posted. Appointments were offered within two "
            "working days."
        ),
        enablers=(
            "Emergency legislation, a secure email route from GP practices and hospitals, and "
            "registrars who adapted the interview script."
        ),
        evidence=(
            "Average wait for an appointment fell from 4.5 to 1.6 working days. In a survey of "
            "310 families, 88% preferred the phone."
        ),
        sector=Sector.PUBLIC_SERVICES,
        organisation="Ashdown Borough Council",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The temporary rules have ended, and only a change in the law can bring them back."
        ),
        tags=("Registration", "Bereavement", "Access"),
        status=ExampleStatus.SUBMITTED,
        days_ago=2,
    ),
    DemoExample(
        campaign=COVID,
        author=OWEN,
        title="Home working let us close one of three office buildings",
        summary=(
            "With most staff working from home two or three days a week, we closed one of "
            "three offices, cutting energy use by 29% and rent by £380,000 a year."
        ),
        what_changed=(
            "Desk booking showed peak occupancy of 45%. We consolidated into two buildings, "
            "turned the freed space into meeting rooms and sublet one floor."
        ),
        enablers=(
            "A lease break that fell at the right time, and occupancy data from the booking "
            "system that ended arguments."
        ),
        evidence=(
            "Electricity and gas use down 29% year on year; rent and service charges down "
            "£380,000. Staff survey satisfaction with the office rose from 58% to 71%."
        ),
        sector=Sector.ENVIRONMENT,
        organisation="Kestrel Mutual Insurance",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "A return-to-office policy could make the remaining offices too small."
        ),
        tags=("Remote working", "Energy", "Carbon"),
        status=ExampleStatus.SUBMITTED,
        days_ago=1,
    ),
    # The demo participant's own draft.
    DemoExample(
        campaign=COVID,
        author=P,
        title="A shared online rota for district nurses",
        summary=(
            "District nurses swapped a paper diary for a shared online rota, so visits could be "
            "reallocated within minutes when a nurse was isolating."
        ),
        what_changed=(
            "The team moved its paper diary to a shared calendar that every nurse can see on "
            "their phone. The coordinator reallocates visits by postcode each morning."
        ),
        enablers=(
            "Work phones that all nurses already had, and a team leader who set up the calendar "
            "over a weekend."
        ),
        evidence=(
            "Missed visits fell from about 9 a month to 2. Coordinators spend 40 minutes less "
            "each morning on the rota."
        ),
        sector=Sector.HEALTH,
        organisation="Northshire Community Health",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "The calendar is not an approved system, and IT may ask us to stop using it."
        ),
        tags=("Community nursing", "Rotas"),
        status=ExampleStatus.DRAFT,
        days_ago=5,
    ),
    # The earlier, closed campaign.
    DemoExample(
        campaign=WINTER,
        author=PRIYA,
        title="Same-day emergency care kept 40 patients a day off trolleys",
        summary=(
            "A same-day emergency care unit staffed by acute physicians saw patients referred "
            "straight from the GP or triage, treating and discharging most of them without an "
            "overnight stay."
        ),
        what_changed=(
            "We opened the unit 12 hours a day, seven days a week, with direct booking for GPs "
            "and paramedics, and agreed pathways for chest pain, cellulitis and pulmonary "
            "embolism."
        ),
        enablers=(
            "Funding from the winter plan, a consultant rota protected from ward cover, and "
            "rapid access to scans."
        ),
        evidence=(
            "An average of 42 patients a day; 78% went home the same day. Patients waiting more "
            "than 12 hours in the emergency department fell by 18%."
        ),
        sector=Sector.HEALTH,
        organisation=NORTHSHIRE,
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "When beds run short, the unit is used for overnight patients and stops working as "
            "a same-day service."
        ),
        tags=("Hospital flow", "Urgent care", "Winter"),
        days_ago=420,
    ),
    DemoExample(
        campaign=WINTER,
        author=GRACE,
        title="Pooled home care rotas during the January snow",
        summary=(
            "Four home care agencies shared rotas and four-wheel-drive volunteers during a week "
            "of snow, so no one who relied on care visits was missed."
        ),
        what_changed=(
            "The council's brokerage team held a combined list of every visit. Agencies swapped "
            "visits so carers stayed near home, and a 4x4 volunteer group took carers to rural "
            "addresses."
        ),
        enablers=(
            "A council brokerage team trusted by the agencies, and an existing list of "
            "volunteers with four-wheel-drive vehicles from previous floods."
        ),
        evidence=(
            "3,900 visits in the week; none missed and 31 delayed by more than two hours. No "
            "hospital admissions were linked to missed care."
        ),
        sector=Sector.SOCIAL_CARE,
        organisation="Ashdown Borough Council",
        permanence=Permanence.UNSURE,
        risks_of_reverting=(
            "Agencies compete for contracts, so sharing rotas outside an emergency is hard."
        ),
        tags=("Social care", "Severe weather", "Winter"),
        days_ago=410,
    ),
    DemoExample(
        campaign=WINTER,
        author=CALLUM,
        title="Pharmacists treated minor illness so GPs could see sicker patients",
        summary=(
            "GP practices referred sore throats, earaches and urinary infections to local "
            "pharmacies, freeing about 600 appointments a month over the winter."
        ),
        what_changed=(
            "Receptionists used a short script to offer a pharmacy consultation the same day. "
            "Pharmacists followed agreed protocols and sent a note back to the practice."
        ),
        enablers=(
            "A national minor illness referral service, and a pharmacist and a GP who agreed "
            "the local protocols together."
        ),
        evidence=(
            "About 600 GP appointments a month freed; 85% of referred patients needed no GP "
            "follow-up. Pharmacies saw referrals within three hours on average."
        ),
        sector=Sector.HEALTH,
        organisation="Westhaven Community Pharmacy",
        permanence=Permanence.SHOULD_STAY,
        risks_of_reverting=(
            "Referrals drop when practice receptionists change and the script is forgotten."
        ),
        tags=("Pharmacy", "Primary care", "Winter"),
        days_ago=405,
    ),
)
