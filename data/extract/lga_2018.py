"""Build data/observations/lga-2018.csv and the lga-2018 rows of data/tables.csv from the 2018 LGA report's text.

Run from the project root:  python data/extract/lga_2018.py

The 25 body tables survive as text, but the conversion laid many of them out
column by column, with the row labels far from their values. Every table is
rebuilt here from explicit line ranges (LAYOUTS): which lines hold the row
labels, which hold each column, and in which order. Nothing is guessed from
position alone: each layout was checked by hand against the table's own
totals (sample sizes that add up to the All row, counts that give the printed
percentages) and against the report's prose.

The 22 charts are lost; the percentages the prose states about them, the
executive summary's restatements, one prose-only workforce value and the
counted answers of Annex A's short lists are hand-curated in
lga_2018_manual.csv (one note per row says how it was read).

Values always come from the printed token (swsurveys.printed.parse).
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
from swsurveys.printed import parse  # noqa: E402  (the value always comes from the printed token)

SURVEY = "lga-2018"
RAW = ROOT / "data" / "raw" / "lga-2018.txt"
MANUAL = Path(__file__).with_name("lga_2018_manual.csv")
OUTPUT = ROOT / "data" / "observations" / "lga-2018.csv"
TABLES_OUT = ROOT / "data" / "tables.csv"  # the lga-2018 rows only; other surveys' rows are kept
COLUMNS = ["survey", "table", "question", "category", "group", "measure", "value", "printed", "status", "base",
           "line", "order", "note"]
TABLE_COLUMNS = ["survey", "table", "number", "title", "question", "unit", "base", "page", "lines", "quality",
                 "distribution", "themes", "notes"]
GROUPS = {"Shire County": "Shire County", "London Borough": "London Borough",
          "Metropolitan District": "Metropolitan District", "Unitary Authority": "Unitary Authority",
          "All": "All", "Total": "All"}
SAMPLE = "Number of respondents"  # category of the printed 'Sample size' column
_NUMERIC = re.compile(r"^(\d+(?:\.\d+)?|\*)$")

# ---------------------------------------------------------------------------------------------------------------
# Layouts of the body tables. Kinds:
#   rows      label line(s) followed by one value line per column (CLEAN-ROW); labels may wrap over several lines.
#   rows+col  label/value pairs for the first columns, then the remaining columns dumped as blocks (ROW+COL).
#   columns   a block of labels and one block per column, each a (first, last) line range (COL-DUMP).
#   panels    council-type labels once, then for each panel (question) a block of values and a block of sample sizes.
#   pairs     (value, sample size) pairs for each council type, then the labels (PAIR-DUMP).
# 'measures' names the columns in order; a column named SAMPLE holds printed sample sizes (count observations,
# and the base of the values beside them). 'base' is the printed base of the whole table.
LAYOUTS = [
    dict(slug="responses", kind="columns", labels=(305, 309), cols=[("count", (299, 303)), ("percent", (312, 316))],
         by_group=True, base=None,
         note="Column dump: numbers (lines 299-303), labels (305-309) and per cent (312-316) printed as separate "
              "blocks, read in the same row order. Numbers sum to the Total (14+15+22+26=77)."),
    dict(slug="achievements", kind="rows+col", pairs=(340, 367), cols=[("percent", (370, 383))], base=64,
         note="Label/number pairs (lines 340-367), per cent column dumped after them (370-383), read in row order; "
              "every per cent equals number/64 rounded."),
    dict(slug="development-areas", kind="columns", parts=[
        dict(labels=(404, 410), cols=[("count", (396, 402)), ("percent", (414, 420))]),
        dict(labels=(422, 428), cols=[("count", (430, 436)), ("percent", (438, 444))])], base=63,
         note="Column dump split by a page break: rows 1-7 numbers (lines 396-402), labels (404-410), per cent "
              "(414-420); the stray '8' at line 411 is the page-8 footer, not a value; rows 8-14 labels (422-428), "
              "numbers (430-436), per cent (438-444). Every per cent equals number/63 rounded."),
    dict(slug="unfilled-and-agency-posts", kind="panels", labels=(460, 464), panels=[
        ("Proportion of unfilled posts", (468, 472), (474, 478)),
        ("Proportion of posts covered by agency or temporary staff", (485, 489), (491, 495))], measure="percent",
         note="Two panels side by side, dumped as columns: labels (lines 460-464) once, then per cent and sample "
              "size blocks for each panel (468-478; 485-495). Council-type sample sizes sum to All (62; 64)."),
    dict(slug="frozen-and-deleted-posts", kind="panels", labels=(511, 515), panels=[
        ("Proportion of vacant posts with frozen recruitment", (517, 521), (523, 527)),
        ("Proportion of posts deleted in the last 12 months", (535, 539), (541, 545))], measure="percent",
         note="Two panels dumped as columns, the second after a page break (line 530): labels (511-515), then per "
              "cent and sample size blocks (517-527; 535-545). Sample sizes sum to All (65; 57)."),
    dict(slug="long-term-sick-leave", kind="panels", labels=(560, 564), panels=[
        ("Sick leave due to work related stress", (566, 570), (572, 576)),
        ("Planned sick leave", (583, 587), (589, 593))], measure="percent",
         note="Two panels dumped as columns: labels (560-564), then per cent and sample size blocks (566-576; "
              "583-593). Sample sizes sum to All (54; 50)."),
    dict(slug="maternity-and-other-absence", kind="panels", labels=(608, 612), panels=[
        ("Maternity leave", (614, 618), (620, 624)),
        ("Other long term absence", (630, 634), (636, 640))], measure="percent",
         note="Two panels dumped as columns: labels (608-612), then per cent and sample size blocks (614-624; "
              "630-640). Sample sizes sum to All (55; 21)."),
    dict(slug="market-supplements", kind="pairs", pairs=(650, 659), labels=(661, 665), measure="percent",
         note="(per cent, sample size) pairs for each row (lines 650-659) printed before the labels (661-665). "
              "Sample sizes sum to All (10+10+14+21=55); the prose confirms London 42 and Shire 21 (645-646)."),
    dict(slug="caseload", kind="pairs", pairs=(678, 687), labels=(689, 693), measure="mean",
         note="(average, sample size) pairs for each row (lines 678-687) printed before the labels (689-693): "
              "Shire 20 (13), London 17 (13), Met 20 (20), Unitary 19 (26), All 19 (72). Sample sizes sum to All; "
              "the prose confirms Shire and Met 20, London 17 (672-674). Read as a column dump instead, the "
              "sizes would sum to 84, not 72."),
    dict(slug="hours-over-contract", kind="rows", span=(702, 716), cols=["hours", SAMPLE], by_group=True,
         note="Label, value, sample size on successive lines. The column header says 'Per cent' (line 700) but the "
              "values are hours a week: the prose says 'an additional six hours' (line 696). Sample sizes sum to "
              "All (38)."),
    dict(slug="cancelled-meetings", kind="rows+col", pairs=(726, 737), cols=[("percent", (740, 745))], base=70,
         note="Label/number pairs (lines 726-737), base line (738), then the per cent column after a page break "
              "(740-745), read in row order."),
    dict(slug="safe-caseload-assurance", kind="rows", span=(770, 787), cols=["count", "percent"], base=64),
    dict(slug="safety-support", kind="rows", span=(811, 844), cols=["count", "percent"], base=77),
    dict(slug="incidents", kind="rows", span=(856, 870), cols=["count", "percent"], base=55),
    dict(slug="healthy-environment", kind="rows", span=(968, 985), cols=["count", "percent"], base=77),
    dict(slug="cpd-devising", kind="rows", span=(1042, 1055), cols=["count", "percent"], base=77),
    dict(slug="cpd-commissioning", kind="rows", span=(1068, 1082), cols=["count", "percent"], base=77),
    dict(slug="cpd-delivery", kind="rows+col", pairs=(1094, 1110), cols=[("percent", (1113, 1120))], base=77,
         note="Label/number pairs (lines 1094-1110), per cent column dumped after them (1113-1120), read in row "
              "order; every per cent equals number/77 rounded."),
    dict(slug="cpd-feedback", kind="rows+col", pairs=(1131, 1140), cols=[("percent", (1143, 1147))], base=77,
         note="Label/number pairs (lines 1131-1140), per cent column dumped after them (1143-1147), read in row "
              "order; every per cent equals number/77 rounded."),
    dict(slug="regulator-standards-support", kind="rows", span=(1160, 1195), cols=["count", "percent"], base=67),
    dict(slug="career-development", kind="columns", labels=(1218, 1227),
         cols=[("count", (1230, 1239)), ("percent", (1242, 1251))], base=77,
         note="Column dump: labels (lines 1218-1227), numbers (1230-1239), per cent (1242-1251), read in the same "
              "row order; every per cent equals number/77 rounded."),
    dict(slug="performance-systems", kind="rows", span=(1271, 1285), cols=["count", "percent"], base=77),
    dict(slug="fitness-to-practise-process", kind="rows", span=(1297, 1311), cols=["count", "percent"], base=76),
    dict(slug="fitness-to-practise-measures", kind="rows", span=(1322, 1354), cols=["count", "percent"], base=71),
    dict(slug="community-engagement", kind="rows", span=(1398, 1430), cols=["count", "percent"], base=65),
]
# Notes on single cells: (slug, category or group, measure) -> note.
CELL_NOTES = {
    ("safe-caseload-assurance", "AYSE Review process", "count"): "Label printed 'AYSE' [sic], i.e. ASYE.",
    ("safe-caseload-assurance", "AYSE Review process", "percent"): "Label printed 'AYSE' [sic], i.e. ASYE.",
    ("cpd-feedback", "Other", "count"): "Annex A12 lists more counted answers (9+5+2 plus 11 single entries) "
                                        "than this 24.",
}
STAR_NOTE = "Printed '*': less than 0.5 per cent (line 529)."


# ---------------------------------------------------------------------------------------------------------------
# Table metadata for data/tables/lga-2018.csv, in print order.
B = "All respondents"
TABLES = [
    # slug, number, title, question, unit, base, page, lines, quality, distribution, themes, notes
    ("exec-summary", "", "Key findings (executive summary)", "", "% of respondent councils (mixed items)", "", "~3-6",
     "50-289", "prose", "none", "caseload;workload-and-hours;staffing-and-vacancies;supervision;training-and-development;"
     "partnerships;organisational-culture;recording-and-it;retention",
     "Restatements of body values. Five disagree with the body and are stored here as a second reading: market "
     "supplements 33 vs 32 (91 vs 644, 658); safe-caseload assurance quality assurance 46 vs 36 and 'line "
     "management' 35 vs 'management oversight' 33 (114-115 vs 763-764, 775, 778); exit-interview follow-up 78 vs 77 "
     "(198 vs 1004); service-user feedback fair 22 vs 35 (268 vs 1363); local integration fair 30 vs 29 (278 vs "
     "1377). Item wordings are ours, shortened from the summary. 'Seventy-eight 78 per cent' (134) doubles the "
     "number. The summary also merges mobile phones and online calendar into one 96 per cent."),
    ("responses", "Table 1", "Responses by council type", "", "number of councils responding; % response rate",
     "All English county and single tier councils (149, due to a shared service)", "~7", "297-318", "garbled", "none",
     "workforce-profile",
     "Percentages are response rates within each council type; the type denominators are not printed. 77 responses "
     "(one from an organisation serving three councils, lines 293-295). The Total row is stored with group All."),
    ("achievements", "Table 2", "Respondents' positive achievements over the last year",
     "Please list your organisation's 'Positive Achievements' over the last year against the Standards for Employers",
     "number and % of respondent councils", f"{B} (64). Respondents were able to list more than one achievement",
     "~8", "338-385", "garbled", "multi-response",
     "training-and-development;staffing-and-vacancies;supervision;organisational-culture",
     "Open answers post-coded by the LGA. 'Other' answers are listed in Annex A1 (not republished)."),
    ("development-areas", "Table 3", "Key areas for development", "Please list any 'Key areas for development'",
     "number and % of respondent councils", f"{B} (63). Respondents were able to list more than one key area for "
     "development", "~8-9", "394-447", "garbled", "multi-response",
     "training-and-development;staffing-and-vacancies;supervision;organisational-culture",
     "Split by the page-8 footer ('8', line 411), which is not a value. Open answers post-coded."),
    ("unfilled-and-agency-posts", "Table 4", "Unfilled posts and posts covered by agency or temporary staff", "",
     "% of posts (average across councils); number of respondents", f"{B} (62 and 64)", "~9", "456-497", "garbled",
     "none", "staffing-and-vacancies",
     "Rates, not a distribution. How the council rates were averaged is not stated; n-weighted means of the type "
     "values give 12.55 for unfilled posts (printed 12) and 14.38 for agency cover (printed 15): the printed All for agency cover does not follow from the type rows."),
    ("frozen-and-deleted-posts", "Table 5", "Frozen posts and posts deleted in the last 12 months", "",
     "% of vacant posts / of posts; number of respondents", f"{B} (65 and 57) *less than 0.5 per cent", "~9-10",
     "505-545", "garbled", "none", "staffing-and-vacancies",
     "'*' = less than 0.5 per cent (stored empty with status low). The prose gives 0.36 for unitary authorities "
     "(line 501; table prose-workforce). The base line (529) is printed between the panels."),
    ("long-term-sick-leave", "Table 6", "Long-term sick leave (more than 2 weeks)", "",
     "% of staff; number of respondents", f"{B} (54 and 50)", "~10", "554-595", "garbled", "none",
     "staffing-and-vacancies;job-satisfaction-and-morale",
     "The executive summary says 'two weeks or longer' (lines 83-84); the title and form say more than 2 weeks."),
    ("maternity-and-other-absence", "Table 7", "Maternity leave and other long term absence (more than 2 weeks)", "",
     "% of staff; number of respondents", f"{B} (55 and 21)", "~10", "603-642", "garbled", "none",
     "staffing-and-vacancies",
     "Other long term absence rests on 21 councils (Unitary 3, others 6 each)."),
    ("market-supplements", "Table 8", "Posts paid market supplements", "",
     "% of social workers / posts; number of respondents", f"{B} (55)", "~10", "647-666", "garbled", "none",
     "staffing-and-vacancies;retention",
     "The prose calls it a share of social workers (line 644); the form asked for a number of posts (3227). "
     "The executive summary says 33 per cent (line 91), the body 32 (644, 658)."),
    ("caseload", "Table 9", "Average social worker caseload", "What is the average caseload held by a social worker?",
     "mean caseload (average of council averages); number of respondents", f"{B} (72)", "~11", "675-694", "garbled",
     "none", "caseload", "Column header 'Number'. No definition of a case was given."),
    ("hours-over-contract", "Table 10", "Average hours over contracted hours worked a week",
     "How many hours over their contracted hours do social workers work on average a week?",
     "hours per week (average of council averages); number of respondents", f"{B} (38)", "~11", "699-717", "clean",
     "none", "workload-and-hours",
     "MISLABELLED: the column header reads 'Per cent' (line 700) but the values are hours (prose, line 696); "
     "stored as measure hours. Shire County rests on 5 councils."),
    ("cancelled-meetings", "Table 11", "How often Social workers cancel meetings on average",
     "How often are social workers required to cancel meetings with people who use services and other "
     "professionals in an average week due to re-prioritisation of work?", "number and % of respondent councils",
     f"{B} (70)", "~11-12", "724-745", "garbled", "complete", "workload-and-hours",
     "Percentages sum to 101 (rounding). The per cent column follows a page break (line 739). The prose's "
     "'23 times a week' (line 721) is '2-3 times' with the hyphen lost."),
    ("casework-allocation", "Figure 1", "A casework allocation system in place",
     "Is there a system in place for casework allocation to be negotiated according to practitioner knowledge, "
     "skills and professional development needs?", "% of respondent councils", f"{B} (74)", "~12", "747-752", "prose",
     "complete", "caseload", "Chart lost; values from the prose above it (lines 747-749)."),
    ("safe-caseload-process", "Figure 2", "A process of describing / agreeing what a safe caseload is in place",
     "Does the organisation have a process of describing / agreeing what a safe caseload is?",
     "% of respondent councils", f"{B} (72)", "~12", "754-759", "prose", "complete", "caseload",
     "Chart lost; values from the prose above it (lines 754-756)."),
    ("safe-caseload-assurance", "Table 12",
     "Processes for describing / agreeing what a safe caseload is being used in respondent councils",
     "How does the organisation assure itself that this process is followed?", "number and % of respondent councils",
     f"{B} (64). Respondents were able to list more than one process", "~13", "766-788", "clean", "multi-response",
     "caseload;management-support",
     "Base labelled 'All respondents' but the question was asked only of councils with a safe-caseload process "
     "(Figure 2: 82 per cent of 72). Label 'AYSE' [sic] for ASYE. Open answers post-coded. The executive summary "
     "gives quality assurance 46 and 'line management' 35 (lines 114-115)."),
    ("co-working", "Figure 3", "Opportunities for social workers to co-work complex casework",
     "Are there opportunities for social workers to co-work complex casework or casework out of their scope of "
     "knowledge and experience with more experienced practitioners?", "% of respondent councils", f"{B} (74)", "~13",
     "790-796", "prose", "partial", "caseload",
     "Chart lost; the prose states Yes and No only (lines 790-793). Don't know is not stated."),
    ("safety-support", "Table 13", "Support provided for the effective safety of social workers",
     "What support does your organisation provide for the effective safety of social workers?",
     "number and % of respondent councils", f"{B} (77) Respondents were allowed to select more than one option.",
     "~14", "808-845", "clean", "multi-response", "organisational-culture;recording-and-it",
     "One label wraps over two lines (832-833)."),
    ("incidents", "Table 14",
     "Incidents in relation to social workers involving face to face contact with adults and/or carers over the "
     "last 12 months", "How many incidents have occurred in your organisation in the last 12 months in relation to "
     "social workers involving face to face contact with children and/or families/carers?",
     "number and % of respondent councils", f"{B} (55)", "~14", "852-871", "clean", "complete",
     "organisational-culture",
     "MISLABELLED title: 'adults and/or carers' (lines 852-853) where the form asks about 'children and/or "
     "families/carers' (3290-3292). The prose doubles 'Seventy-eight 78 per cent' (849)."),
    ("incident-responses", "Figure 4", "Whether there had been organisational or systems responses to incidents",
     "Has there been any organisational or systems responses to these incidents?", "% of respondent councils",
     f"{B} (63)", "~15", "873-881", "prose", "complete", "organisational-culture",
     "Chart lost; values from the prose (lines 873-875). Base 63 exceeds Table 14's 55 although the question "
     "follows it; 'All respondents' here includes councils reporting no incidents."),
    ("flexible-working", "Figure 5", "Whether respondents facilitated flexible working",
     "Does your organisation facilitate flexible working?", "% of respondent councils", f"{B} (74)", "~15",
     "883-887", "prose", "partial", "workload-and-hours;organisational-culture",
     "Chart lost; the prose states Yes and No only (lines 883-884). Don't know is not stated."),
    ("ict-alignment", "Figure 6", "ICT aligned properly with organisational ways of working",
     "Is the provision of ICT aligned properly with organisational ways of working?", "% of respondent councils",
     f"{B} (72)", "~16", "888-893", "prose", "complete", "recording-and-it",
     "Chart lost; values from the prose (lines 888-890). The comments pointer after it (895-898) names the wrong "
     "section ('safe workloads and case allocation') for Table A7."),
    ("supervision-monitoring", "Figure 7", "System to monitor frequency and quality of supervision",
     "Is there a system in place to monitor frequency and quality of supervision in order to ensure effective "
     "practice is supported?", "% of respondent councils", f"{B} (72)", "~17", "901-911", "prose", "complete",
     "supervision", "Chart lost; values from the prose (lines 901-904)."),
    ("critical-reflection-training", "Figure 8",
     "Whether training for supervision skills for professional staff includes critical reflection models",
     "Does the training for supervision skills include critical reflection models?", "% of respondent councils",
     f"{B} (73)", "~17", "913-919", "prose", "complete", "supervision;training-and-development",
     "Chart lost; values from the prose (lines 913-915)."),
    ("supervision-training-mandatory", "Figure 9", "Whether the training for supervision skills is mandatory",
     "If yes, is this training mandatory?", "% of respondent councils",
     "Respondents whose training included critical reflection models (66)", "~18", "920-926", "prose", "complete",
     "supervision;training-and-development",
     "Chart lost; values from the prose (lines 920-923). Base 66 is below the 69 or so 'yes' answers Figure 8 "
     "implies (94 per cent of 73)."),
    ("wellbeing-in-supervision", "Figure 10", "'Wellbeing' is addressed as an agenda item in supervision",
     "Is 'wellbeing' addressed as an agenda item in supervision?", "% of respondent councils", f"{B} (74)", "~18",
     "928-933", "prose", "partial", "supervision;job-satisfaction-and-morale",
     "Chart lost; the prose states Yes and No only (lines 928-930). Don't know is not stated."),
    ("registered-sw-supervision", "Figure 11",
     "Whether a social worker supervised by a non-social worker has access to professional supervision from a "
     "registered social worker", "Where a social worker is supervised by a non-social worker do they have access "
     "to professional supervision from a registered social worker?", "% of respondent councils", f"{B} (72)", "~19",
     "934-941", "prose", "complete", "supervision", "Chart lost; values from the prose (lines 934-936)."),
    ("supervision-frequency", "Figure 12",
     "Frequency of supervision which is inclusive of professional and reflective supervision",
     "On average, how often do qualified social workers have supervision which is inclusive of professional and "
     "reflective supervision?", "% of respondent councils", f"{B} (74)", "~20", "943-952", "prose", "complete",
     "supervision",
     "Chart lost; values from the prose (lines 943-948). Two options are stated only as 'No respondents' (value "
     "empty, status x). Category names follow the form (3348-3353)."),
    ("peer-reflective-supervision", "Figure 13", "Whether reflective supervision is offered in a peer group setting",
     "Is critical reflective supervision offered in a peer group setting to social workers?",
     "% of respondent councils", f"{B} (74)", "~20", "954-959", "prose", "complete", "supervision",
     "Chart lost; values from the prose (lines 954-956)."),
    ("healthy-environment", "Table 15", "Facilities in place to promote a healthy work environment",
     "Please advise whether social workers have access to the following", "number and % of respondent councils",
     f"{B} (77). Respondents were allowed to select more than one option.", "~21", "965-986", "clean",
     "multi-response", "organisational-culture;job-satisfaction-and-morale", ""),
    ("appraisal", "Figure 14",
     "Percentage of social workers within respondent councils who had a formal appraisal in last 12 months",
     "What percentage of social workers in your organisation have had a formal appraisal within the last 12 "
     "months?", "% of respondent councils", f"{B} (67)", "~21", "988-996", "prose", "complete",
     "management-support;training-and-development",
     "Chart lost; values from the prose (lines 988-992). Categories are bands of the share of social workers "
     "appraised (form, 3372-3375)."),
    ("exit-interviews", "Figure 15", "Exit interviews conducted by staff outside line management",
     "Are exit interviews conducted by a member of staff outside of the leaver's line management?",
     "% of respondent councils", f"{B} (73)", "~22", "997-1002", "prose", "complete", "retention",
     "Chart lost; values from the prose (lines 997-999)."),
    ("exit-interview-follow-up", "Figure 16", "Policy or practice to follow up exit interviews",
     "If yes, does your organisation have a policy or practice to follow up outcomes from these?",
     "% of respondent councils", f"{B} (58)", "~22", "1004-1009", "prose", "complete", "retention",
     "Chart lost; values from the prose (lines 1004-1006). Base labelled 'All respondents' although the question "
     "was filtered (Q9a, asked if yes at Q9). The executive summary says 78 (line 198)."),
    ("career-strategy", "Figure 17", "Written career development strategy in place",
     "Do you have a written career development/strategy in place for social workers?", "% of respondent councils",
     f"{B} (77)", "~23", "1024-1029", "prose", "complete", "training-and-development",
     "Chart lost; values from the prose (lines 1024-1026)."),
    ("cpd-devising", "Table 16", "Methods used to devise the CPD programme for social workers",
     "How does your organisation devise the CPD programme that is provided to social workers?",
     "number and % of respondent councils", f"{B} (77). Respondents were allowed to select more than one option.",
     "~24", "1039-1056", "clean", "multi-response", "training-and-development",
     "The form's 'Don't know' option is not reported. Labels wrap over two lines."),
    ("cpd-commissioning", "Table 17", "How respondents commissioned their CPD programme",
     "How is the CPD programme in your organisation commissioned?", "number and % of respondent councils",
     f"{B} (77). Respondents were allowed to select more than one option.", "~24", "1065-1083", "clean",
     "multi-response", "training-and-development;partnerships", ""),
    ("cpd-delivery", "Table 18", "How respondents delivered their CPD programme",
     "How is CPD delivered within your organisation?", "number and % of respondent councils",
     f"{B} (77). Respondents were allowed to select more than one option.", "~24", "1092-1122", "garbled",
     "multi-response", "training-and-development", "Per cent column dumped after the label/number pairs."),
    ("cpd-feedback", "Table 19", "How feedback on the CPD programme is gathered",
     "How is feedback from social workers regarding the CPD programme gathered", "number and % of respondent "
     "councils", f"{B} (77). Respondents were allowed to select more than one option.", "~25", "1129-1149",
     "garbled", "multi-response", "training-and-development",
     "Per cent column dumped after the label/number pairs. 'Other' 24, but Annex A12 lists 9+5+2 counted answers "
     "plus 11 single ones."),
    ("regulator-standards-support", "Table 20", "Support for social workers to meet all of the standards set by the "
     "regulator", "How does your organisation support social workers to meet all of the standards set by the "
     "regulator?", "number and % of respondent councils", f"{B} (67). Respondents were able to list more than one "
     "type of support", "~25", "1156-1196", "clean", "multi-response", "training-and-development;management-support",
     "Open answers post-coded."),
    ("cpd-attendance", "Figure 18", "Whether social workers attended planned CPD opportunities",
     "Have social workers been able to attend the CPD opportunities planned in their appraisal or development "
     "reviews?", "% of respondent councils", f"{B} (73)", "~26", "1198-1209", "prose", "complete",
     "training-and-development",
     "Chart lost; values from the prose (lines 1198-1203). 'A few' and 'none' are stated only as 'No "
     "respondents' (value empty, status x)."),
    ("career-development", "Table 21", "Opportunities for career development",
     "What type of career development opportunities are in place for social workers?",
     "number and % of respondent councils", f"{B} (77)", "~26", "1217-1253", "garbled", "multi-response",
     "training-and-development", "Column dump (labels, then numbers, then per cent)."),
    ("performance-systems", "Table 22",
     "Effectiveness of management performance systems in maintaining professional standards",
     "How effective are your management performance systems in maintaining professional standards?",
     "number and % of respondent councils", f"{B} (77)", "~27", "1267-1286", "clean", "complete",
     "management-support", ""),
    ("fitness-to-practise-process", "Table 23", "Effectiveness of the process to inform the regulator if there are "
     "concerns that a social worker's fitness to practice is impaired", "How effective is the process to inform the "
     "regulator if there are concerns that a social worker's fitness to practice is impaired?",
     "number and % of respondent councils", f"{B} (76)", "~27", "1293-1312", "clean", "complete",
     "management-support", ""),
    ("fitness-to-practise-measures", "Table 24", "Measures in place to prevent fitness to practice issues",
     "What measures do you have in place to prevent fitness to practice issues?",
     "number and % of respondent councils", f"{B} (71). Respondents were able to list more than one measure.", "~28",
     "1319-1355", "clean", "multi-response", "management-support;training-and-development;supervision",
     "Open answers post-coded."),
    ("service-user-feedback", "Figure 19", "Feedback from service users",
     "Is the feedback from people who use services...", "% of respondent councils", f"{B} (74)", "~28",
     "1362-1368", "prose", "complete", "partnerships",
     "Chart lost; values from the prose (lines 1362-1365). Poor is stated only as 'No respondents'. The "
     "executive summary gives fair 22 (line 268) against 35 here."),
    ("carer-feedback", "Figure 20", "Feedback from carers", "Is the feedback from carers...",
     "% of respondent councils", f"{B} (74)", "~29", "1369-1374", "prose", "complete", "partnerships",
     "Chart lost; values from the prose (lines 1369-1371). Poor is stated only as 'No respondents'."),
    ("local-integration", "Figure 21", "Progress of local integration",
     "How successful is the progression of local integration with partners in your local area?",
     "% of respondent councils", f"{B} (76)", "~29", "1376-1381", "prose", "partial", "partnerships",
     "Chart lost; the prose states Excellent, Good, Fair and Poor (sum 99); Don't know is not stated. The "
     "executive summary gives fair 30 (line 278) against 29 here."),
    ("cross-partner-working", "Figure 22",
     "Whether social workers have the opportunity to work across partner organisations",
     "Do social workers have the opportunity to work across partner organisations?", "% of respondent councils",
     f"{B} (74)", "~30", "1382-1388", "prose", "complete", "partnerships",
     "Chart lost; values from the prose (lines 1382-1384)."),
    ("community-engagement", "Table 25", "How social workers engage with their local communities",
     "How do social workers engage with local communities?", "number and % of respondent councils",
     f"{B} (65). Respondents were able to list more than one method", "~30", "1395-1431", "clean", "multi-response",
     "partnerships", "Open answers post-coded; includes a code 'Area for development'."),
    ("prose-workforce", "", "Frozen and deleted posts stated in the body prose", "", "% of vacant posts / of posts",
     "", "~9", "499-504", "prose", "none", "staffing-and-vacancies",
     "The prose gives the only unrounded workforce value (unitary authorities 0.36) where Table 5 prints '*'. "
     "Its posts-deleted rates restate Table 5."),
    ("body-prose", "", "Findings stated in the body text beside their tables", "",
     "% of respondent councils, % of posts or staff, mean caseload, hours (mixed items)", "", "~7-30", "293-1393",
     "prose", "none", "workforce-profile;training-and-development;staffing-and-vacancies;supervision;caseload;"
     "workload-and-hours;organisational-culture;management-support;partnerships",
     "The report body's running text restating values printed in Tables 1-25 (the charts' prose is stored in the "
     "figure tables). Each note names the table cell it restates; none disagrees with its table. Item wordings "
     "follow the prose."),
    ("annex-a9-cpd-devising-other", "Table A9", "Other methods used to devise social worker CPD programmes", "",
     "number of answers", "", "~49-51", "2244-2300", "clean", "none", "training-and-development",
     "Open-text list, not republished. Only the answer printed with a multiplicity is stored; the other entries "
     "carry no printed count. Table 16 'Other' = 42."),
    ("annex-a10-cpd-commissioning-other", "Table A10", "How the CPD programme is commissioned", "",
     "number of answers", "", "~51", "2301-2312", "clean", "none", "training-and-development",
     "Open-text list, not republished. Only answers printed with a multiplicity are stored. 20 + 3 + 9 single "
     "entries = 32 = Table 17 'Other' (our sum)."),
    ("annex-a11-cpd-delivery-other", "Table A11", "How the CPD programme is delivered", "", "number of answers", "",
     "~51-52", "2313-2332", "clean", "none", "training-and-development",
     "Open-text list, not republished. Only answers printed with a multiplicity are stored. Table 18 'Other' = 22."),
    ("annex-a12-cpd-feedback-other", "Table A12", "How feedback on the CPD programme is gathered", "",
     "number of answers", "", "~52", "2333-2348", "clean", "none", "training-and-development",
     "Open-text list, not republished. Only answers printed with a multiplicity are stored. 9 + 5 + 2 + 11 single "
     "entries = 27 mentions against Table 19 'Other' = 24."),
    ("annex-a14-career-development-other", "Table A14", "Other career development opportunities", "",
     "number of answers", "", "~53", "2366-2377", "clean", "none", "training-and-development",
     "Open-text list, not republished. Only the answer printed with a multiplicity is stored. Table 21 'Other "
     "opportunities' = 13."),
]


# ---------------------------------------------------------------------------------------------------------------
def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


class Source:
    def __init__(self, path: Path):
        self.lines = path.read_text(encoding="utf-8").split("\n")

    def text(self, number: int) -> str:
        return _clean(self.lines[number - 1])

    def block(self, span: tuple[int, int]) -> list[tuple[str, int]]:
        """Non-empty lines of a range, as (text, line)."""
        return [(self.text(n), n) for n in range(span[0], span[1] + 1) if self.text(n)]

    def rows(self, span: tuple[int, int], width: int) -> list[tuple[str, list[tuple[str, int]]]]:
        """Label line(s) each followed by `width` value lines; wrapped labels are joined with a space."""
        out, label, values = [], [], []
        for text, number in self.block(span):
            if _NUMERIC.match(text):
                values.append((text, number))
                if len(values) == width:
                    out.append((" ".join(label), values))
                    label, values = [], []
            else:
                if values:
                    raise ValueError(f"line {number}: label {text!r} interrupts the values of {' '.join(label)!r}")
                label.append(text)
        if label or values:
            raise ValueError(f"lines {span}: unfinished row {label} {values}")
        return out


def _check_values(cells: list[tuple[str, int]], span) -> None:
    for text, number in cells:
        if not _NUMERIC.match(text):
            raise ValueError(f"line {number}: {text!r} in {span} is not a value")


def _body_rows(src: Source, layout: dict) -> list[dict]:
    """Cells of one body table as dicts with question, category, group, measure, printed, line, base."""
    slug, kind, out = layout["slug"], layout["kind"], []

    def cell(question, category, group, measure, printed, line, base):
        out.append(dict(question=question, category=category, group=group, measure=measure, printed=printed,
                        line=line, base=base))

    if kind in ("columns", "rows+col", "rows"):
        # Normalise to (label, [(printed, line) per column], [measures]).
        table: list[tuple[str, list[tuple[str, int]]]] = []
        if kind == "columns":
            measures = [m for m, _ in (layout.get("cols") or layout["parts"][0]["cols"])]
            for part in layout.get("parts", [layout]):
                labels = [t for t, _ in src.block(part["labels"])]
                columns = [src.block(span) for _, span in part["cols"]]
                for column, (_, span) in zip(columns, part["cols"]):
                    _check_values(column, span)
                    if len(column) != len(labels):
                        raise ValueError(f"{slug}: {len(column)} values in {span} for {len(labels)} labels")
                table += [(label, [c[i] for c in columns]) for i, label in enumerate(labels)]
        elif kind == "rows+col":
            pairs = src.rows(layout["pairs"], 1)
            measures = ["count"] + [m for m, _ in layout["cols"]]
            columns = [src.block(span) for _, span in layout["cols"]]
            for column, (_, span) in zip(columns, layout["cols"]):
                _check_values(column, span)
                if len(column) != len(pairs):
                    raise ValueError(f"{slug}: {len(column)} values in {span} for {len(pairs)} rows")
            table = [(label, values + [c[i] for c in columns]) for i, (label, values) in enumerate(pairs)]
        else:
            measures = layout["cols"]
            table = src.rows(layout["span"], len(measures))
        by_group = layout.get("by_group", False)
        for label, values in table:
            if by_group:
                group = GROUPS[label]
                sample = dict(zip(measures, values)).get(SAMPLE)
                for measure, (printed, line) in zip(measures, values):
                    if measure == SAMPLE:
                        cell("", SAMPLE, group, "count", printed, line, None)
                    else:
                        base = sample[0] if sample else (149 if label == "Total" else None)
                        cell("", "", group, measure, printed, line, base)
            else:
                for measure, (printed, line) in zip(measures, values):
                    cell("", label, "All", measure, printed, line, layout.get("base"))
    elif kind == "panels":
        groups = [GROUPS[t] for t, _ in src.block(layout["labels"])]
        for question, value_span, size_span in layout["panels"]:
            values, sizes = src.block(value_span), src.block(size_span)
            _check_values(values, value_span)
            _check_values(sizes, size_span)
            if not len(values) == len(sizes) == len(groups):
                raise ValueError(f"{slug}: panel {question!r} does not have one value per group")
            for group, (printed, line), (size, size_line) in zip(groups, values, sizes):
                cell(question, "", group, layout["measure"], printed, line, size)
            for group, (size, size_line) in zip(groups, sizes):
                cell(question, SAMPLE, group, "count", size, size_line, None)
    elif kind == "pairs":
        groups = [GROUPS[t] for t, _ in src.block(layout["labels"])]
        flat = src.block(layout["pairs"])
        _check_values(flat, layout["pairs"])
        if len(flat) != 2 * len(groups):
            raise ValueError(f"{slug}: {len(flat)} values for {len(groups)} (value, sample size) pairs")
        pairs = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(groups))]
        for group, ((printed, line), (size, _)) in zip(groups, pairs):
            cell("", "", group, layout["measure"], printed, line, size)
        for group, (_, (size, size_line)) in zip(groups, pairs):
            cell("", SAMPLE, group, "count", size, size_line, None)
    else:
        raise ValueError(f"unknown layout kind {kind!r}")
    return out


def _value(printed: str) -> str:
    number = parse(printed)
    if number is None:
        return ""
    return str(int(number)) if number == int(number) else repr(number)


def _order(rows: list[dict]) -> None:
    """Display order: position of each (question, category) within its table, first appearance first."""
    seen: dict[str, dict] = {}
    for row in rows:
        table = seen.setdefault(row["table"], {})
        key = (row["question"], row["category"])
        table.setdefault(key, len(table) + 1)
        row["order"] = table[key]


def build() -> tuple[list[dict], list[dict]]:
    """Observation rows and table rows, in print order."""
    src = Source(RAW)
    rows: list[dict] = []
    for layout in LAYOUTS:
        table_rows = []
        for c in _body_rows(src, layout):
            status, note = "", layout.get("note", "")
            if c["printed"] == "*":
                status, note = "low", (STAR_NOTE + " " + note).strip()
            extra = CELL_NOTES.get((layout["slug"], c["category"] or c["group"], c["measure"]))
            if extra:
                note = (extra + " " + note).strip()
            table_rows.append(dict(survey=SURVEY, table=layout["slug"], question=c["question"],
                                   category=c["category"], group=c["group"], measure=c["measure"],
                                   value=_value(c["printed"]), printed=c["printed"], status=status,
                                   base="" if c["base"] is None else str(c["base"]), line=c["line"], order=0,
                                   note=note))
        _order(table_rows)
        rows += table_rows
    with MANUAL.open(encoding="utf-8", newline="") as handle:
        for m in csv.DictReader(handle):
            rows.append(dict(survey=SURVEY, table=m["table"], question=m["question"], category=m["category"],
                             group=m["group"], measure=m["measure"],
                             value="" if m["status"] in {"x", "low", "c", "z"} else _value(m["printed"]),
                             printed=m["printed"], status=m["status"], base=m["base"], line=int(m["line"]),
                             order=int(m["order"]), note=m["note"]))
    # Print order of tables, then within a table the order the rows were declared.
    position = {t[0]: i for i, t in enumerate(TABLES)}
    missing = {r["table"] for r in rows} - set(position)
    if missing:
        raise ValueError(f"observations for tables not declared in TABLES: {sorted(missing)}")
    rows = [r for _, r in sorted(enumerate(rows), key=lambda p: (position[p[1]["table"]], p[0]))]
    keys = [(r["table"], r["question"], r["category"], r["group"], r["measure"]) for r in rows]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate primary key")
    rows = [{key: str(value) for key, value in row.items()} for row in rows]  # as csv.DictReader reads them back
    tables = [dict(zip(TABLE_COLUMNS, (SURVEY,) + t)) for t in TABLES]
    return rows, tables


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    rows, tables = build()
    _write(OUTPUT, COLUMNS, rows)
    with TABLES_OUT.open(encoding="utf-8", newline="") as handle:
        others = [row for row in csv.DictReader(handle) if row["survey"] != SURVEY]
    _write(TABLES_OUT, TABLE_COLUMNS, others + tables)
    print(f"wrote {len(rows)} observations to {OUTPUT.relative_to(ROOT)} and {len(tables)} table rows to "
          f"{TABLES_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
