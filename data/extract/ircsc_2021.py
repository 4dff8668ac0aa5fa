"""Build data/observations/ircsc-2021.csv: every value the 2021 poll report states in its prose.

Run from the project root:  python data/extract/ircsc_2021.py

All charts of the report were lost, so every value is hand-read from the
prose. Each row below gives the item (in our words, close to the report's),
the answer, the token exactly as printed and its line; `value` is parsed from
the token by swsurveys.printed, never typed. Hedged quantities get status x.
"""
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
OUTPUT = ROOT / "data" / "observations" / "ircsc-2021.csv"
S = "ircsc-2021"
COLS = "survey,table,question,category,group,measure,value,printed,status,base,line,order,note".split(",")
rows = []


def add(table,question,category,measure,printed,line,value=None,status="",base="",note=""):
    from swsurveys.printed import parse  # the value always comes from the printed token
    v = parse(printed) if value is None else value
    n = sum(1 for r in rows if r["table"] == table) + 1
    rows.append(dict(survey=S, table=table, question=question, category=category, group="All", measure=measure,
                     value="" if v is None else f"{v:g}", printed=printed, status="" if v is not None else (status or "x"),
                     base=str(base), line=str(line), order=str(n), note=note))
# About the poll (line 6)
add("about-the-poll","","Participants","count","298",6)
add("about-the-poll","","Questions asked","count","8",6)
add("about-the-poll","","Participants in the previous poll","count","186",6,note="The first poll of the series, open for a week.")
# Q1
T="q1-children-in-care"
add(T,"","Respondents","count","298",10)
add(T,"","Yes","percent","83%",10,base=298)
add(T,"","No","percent","17%",10,base=298)
add(T,"","Chart base as printed","count","298",17,note="The chart's note (line 17) prints 'Base: 298 Social Workers'; for this question it agrees with the prose.")
def scores(T, base_line, base, items, chart_line=None):
    add(T,"","Respondents","count",str(base),base_line,note="Number answering this question, as the prose states it.")
    if chart_line:
        add(T,"","Chart base as printed","count","298",chart_line,note=f"The chart note prints 'Base: 298 Social Workers', but the prose says {base} answered (line {base_line}); both are kept.")
    for item,printed,line in items:
        add(T,item,"","score",printed,line,base=base)
scores("q2-placements",25,197,[
 ("Availability of a specific type of placement","8.1",25),
 ("Geography: the placement being in the right place","7.5",25),
 ("Availability of any placement","7.1",25),
 ("Specialist provisions","7.0",25),
 ("Placements decided on what is affordable, not what will best meet the child's needs","5.4",27),
 ("Getting internal approval","5.0",27),
 ("Placement teams or commissioners understanding what you want","4.2",27)])
scores("q3-services",40,187,[
 ("Access to mental health services","7.9",36),
 ("Lack of time to spend directly with children","6.9",38),
 ("Children's relationships with social workers interrupted when they move between teams","6.3",38),
 ("Moving between different homes","6.2",38),
 ("Challenging relationships between children and birth families","6.1",38),
 ("Access to education","5.2",40),
 ("Children not able to spend enough time with birth families","5.0",40),
 ("Coordinating support with foster carers, residential staff or other carers","4.9",40)], chart_line=47)
scores("q4-harms-outside-home",54,215,[
 ("Not enough social care resources available","7.7",54),
 ("Seeing young people when they are already in crisis","7.3",54),
 ("Limited response or resources from other agencies","7.3",54),
 ("Not enough time with young people","7.1",54),
 ("The child protection framework is not effective for harms outside the home","7.0",54),
 ("Lack of effective multi-agency initiatives","6.4",56),
 ("Unclear roles and responsibilities across agencies for a vulnerable young person","6.1",56),
 ("Lack of specialist training on this topic","6.0",56),
 ("Young people will not engage with you","5.4",58),
 ("Families will not engage with you","4.6",58),
 ("No local authority strategy to tackle harms outside the home","4.4",58)], chart_line=65)
add("q4-harms-outside-home","","More respondents than the previous question","count","28",54,note="'215 social workers responded, 28 more than the previous answer' (187 answered the previous question, line 40).")
scores("q5-other-agencies",71,209,[
 ("Partner agencies' lack of resources","6.9",71),
 ("Too much time meeting professionals, not enough working together directly with children and families","6.1",73),
 ("Services having different cultures and values","6.0",73),
 ("Lack of multi-disciplinary teams","5.7",73),
 ("Technical and legal barriers to information sharing","5.0",75),
 ("Difficulties sharing information when teams are not co-located","5.0",75),
 ("Poor relationships between front-line individuals","3.5",75)])
scores("q6-value-added",84,196,[
 ("Supervision","7.2",84),
 ("Speaking to professionals from other services","7.1",84),
 ("Attending multi-agency meetings","6.3",86),
 ("Referrals to services","6.1",86),
 ("Case recording","5.9",88),
 ("Writing reports and assessments (child in need, child protection, looked after children)","5.9",88),
 ("Completing court documents","5.8",88),
 ("Continuing professional development (CPD)","5.8",88),
 ("Public law outline meetings and court hearings","5.7",88),
 ("Line management responsibilities","5.4",90),
 ("Non-statutory internal meetings","5.0",90),
 ("Travelling","3.8",90),
 ("Completing administrative tasks","3.2",90),
 ("Preparation for Ofsted inspections","2.7",90)])
T="q7-time-spent"
add(T,"","Respondents","count","196",98)
TM,AR,NE,NP="Too much time","About the right amount of time","Not enough time","Not part of my role"
for item,cat,printed,line in [
 ("Preparing for Ofsted inspections",TM,"68.9%",98),("Completing administrative tasks",TM,"64.3%",98),
 ("Writing reports and assessments",TM,"53.1%",98),("Completing court documents",TM,"42.9%",98),
 ("Travelling",TM,"46.4%",101),("Travelling",AR,"42.3%",101),
 ("Case recording",TM,"39.8%",101),("Case recording",AR,"43.9%",101),
 ("Non-statutory meetings",AR,"66.3%",103),("Attending multi-agency meetings",AR,"61.7%",103),
 ("Public law outline meetings and court hearings",AR,"53.1%",103),("Referrals to services",AR,"49%",103),
 ("Line management responsibilities",AR,"44.9%",103),
 ("Referrals to services",NP,"26%",103),("Line management responsibilities",NP,"37.2%",103),
 ("Continuing professional development (CPD)",AR,"46.9%",105),("Continuing professional development (CPD)",NE,"41.8%",105),
 ("Speaking with professionals from other services",AR,"68.4%",105),("Supervision",AR,"62.2%",105),
 ("Speaking with professionals from other services",NE,"30.61%",105),("Supervision",NE,"19.9%",105)]:
    note = "Printed to two decimals, unlike the rest." if printed=="30.61%" else ("'for the last two tasks there were (26%) and (37.2%) that reported that this was not a part of their role': read in the order referrals, line management." if cat==NP else "")
    add(T,item,cat,"percent",printed,line,base=196,note=note)
add(T,"The four activities named at line 98 (preparing for Ofsted inspections, administrative tasks, writing reports and assessments, court documents)",TM,"percent","The majority",98,value=None,status="x",base=196,note="'The majority of the 196 respondents ... responded that they spend too much time' on four activities: no exact value. Restates 68.9%, 64.3%, 53.1% and 42.9% (line 98); DISAGREES for court documents, whose 42.9% is not a majority.")
T="q8-training"
add(T,"","Respondents","count","195",116)
RL,NT="Right level of knowledge and training","Not enough knowledge and training"
for item,cat,printed,line in [
 ("Physical abuse",RL,"86.2%",116),("Neglect",RL,"85.1%",116),("Emotional abuse",RL,"83.6%",116),
 ("Drug and alcohol abuse (by parents)",RL,"82.6%",116),("Domestic abuse (adult to adult)",RL,"79%",116),
 ("Drug and alcohol abuse (by young people)",RL,"67.2%",118),("Child criminal exploitation",RL,"67.2%",118),
 ("Child mental health",RL,"63.6%",118),("Extra-familial child sexual abuse and exploitation",RL,"63.6%",118),
 ("Adult mental health",RL,"51.3%",120),("Harmful sexual behaviour",RL,"56.9%",120),
 ("Intrafamilial child sexual abuse",RL,"54.9%",120),
 ("Child to adult domestic abuse",NT,"50.3%",122),("Abuse linked to faith or belief",NT,"61%",122)]:
    add(T,item,cat,"percent",printed,line,base=195)
add(T,"The four risk factors named at line 118 (drug and alcohol abuse by young people, child criminal exploitation, child mental health, extra-familial child sexual abuse and exploitation)",NT,"percent","1/3",118,value=None,status="x",base=195,note="'approximately 1/3 of participants felt that they didn't have enough training in these areas': an approximate share for the group, no exact value.")


def build() -> list[dict]:
    """All ircsc-2021 observations in output order."""
    return rows


def main() -> None:
    with OUTPUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(build())
    print(f"wrote {len(rows)} rows to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
