"""Obstacles the demo partnerships noted on their steps, most of them linked to the register.

The first note is the one the Co-sharing demo writes itself (`partnerships.demo`); the obstacle
demo only links it. The others are written here through the partnership service, by people
who work on each partnership.
"""

from ..specs import NoteSpec
from .mitigations import COPD, HEART_FAILURE, PRESSURE_ULCERS, STROKE
from .titles import (
    CLOUD_STOPPED,
    IP_UNCLEAR,
    NO_EHR_IMPORT,
    NO_STAFF_TIME,
    OUTCOMES,
    RULE_11,
    TWO_YEARS,
)

DERMATOLOGY = "Digital hudmottagning med AI-stöd i inlandet"
WOUNDS = "Sårdokumentation med foto i hemsjukvården"
MEDICINE_ROBOT = "Läkemedelsrobot i hemtjänsten"

NOTES: list[NoteSpec] = [
    NoteSpec(
        partnership=HEART_FAILURE,
        step="test",
        author="ost",
        text=(
            "Mätvärdena kan inte föras in i journalen automatiskt: journalsystemet saknar "
            "ett öppet gränssnitt, så sjuksköterskan skriver av värdena för hand."
        ),
        links_to=NO_EHR_IMPORT,
    ),
    NoteSpec(
        partnership=HEART_FAILURE,
        step="agreement",
        author="ost",
        text=(
            "Informationssäkerhetsfunktionen godkände inte lagringen av mätvärden hos en "
            "molnleverantör med amerikanskt moderbolag; lagringen flyttades och "
            "riskbedömningen gjordes om."
        ),
        links_to=CLOUD_STOPPED,
    ),
    NoteSpec(
        partnership=DERMATOLOGY,
        step="entry",
        author="vb",
        text=(
            "AI-modellen som prioriterar remisserna kan vara en medicinteknisk produkt i klass "
            "IIa eller högre. Triageforumet väntar på företagets klassning enligt MDR."
        ),
        links_to=RULE_11,
    ),
    NoteSpec(
        partnership=PRESSURE_ULCERS,
        step="needs",
        author="upp",
        text=(
            "Avdelningen har ingen avsatt tid för personalen att delta i testet. "
            "Enhetschefen kan inte frigöra sjuksköterskor utan ersättning."
        ),
        links_to=NO_STAFF_TIME,
    ),
    NoteSpec(
        partnership=PRESSURE_ULCERS,
        step="needs",
        author="caresense",
        text=(
            "Korttidsboendet saknar trådlöst nätverk i patientrummen. Sensormattorna kan "
            "inte skicka larm förrän kommunen har byggt ut nätet."
        ),
    ),
    NoteSpec(
        partnership=STROKE,
        step="agreement",
        author="nordic",
        text=(
            "Parterna är inte överens om vem som äger resultatet av den gemensamma "
            "utvecklingen av träningsprogrammen."
        ),
        links_to=IP_UNCLEAR,
    ),
    NoteSpec(
        partnership=COPD,
        step="evaluation",
        author="uu",
        text=(
            "Utfallsmåtten bestämdes inte före testet. Vi saknar uppgifter om antalet akuta "
            "besök före och under testet."
        ),
        links_to=OUTCOMES,
    ),
    NoteSpec(
        partnership=WOUNDS,
        step="dissemination",
        author="ost",
        text=(
            "Upphandlingsenheten räknar med ungefär två år från avslutat test till avtal. "
            "Hemsjukvården går tillbaka till det gamla arbetssättet under tiden."
        ),
        links_to=TWO_YEARS,
    ),
    NoteSpec(
        partnership=MEDICINE_ROBOT,
        step="needs",
        author="upp",
        text=(
            "Kommunen och regionen har olika personuppgiftsansvar och olika syn på vem som "
            "får se larmen från roboten."
        ),
    ),
]
