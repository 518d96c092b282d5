"""Calibration targets and code lists for the demo population.

What belongs here: the figures of the Ballerup 2017 note that the demo delivery `2017-06` must
reproduce (`../../../shared`-independent copies, so the generator is self-contained), the reference
dates of that delivery, and the small code lists the stories draw from (countries with their CPR
`landekode`, municipalities, benefit codes, industry codes, street names).

What does not belong here: how people are built (`population.py`), how files are written
(`render.py`). The pipeline's own reference tables live in `integration_pipeline/reference/`; the
names below are checked against `cpr_landekoder.csv` by the tests when that table is present.
"""

from __future__ import annotations

from datetime import date

# --- the delivery and its reference dates --------------------------------------------------------

HOME = "0151"  # Ballerup
PERIOD_START = date(2013, 1, 1)
RESIDENCE_DATE = date(2017, 6, 30)  # PRODDTO of the 2017-06 delivery
STATUS_DATE = date(2017, 4, 3)  # Monday of 2017-W14
STATUS_WEEK_END = date(2017, 4, 9)
WORLD_END = date(2017, 7, 31)  # PRODDTO of the 2017-07 delivery (last day the stories cover)
CPR_START = date(1968, 4, 2)  # the CPR register starts; older addresses are not in it

DELIVERIES = {
    # month: (PRODDTO, PRODDTOFORRIG, last DREAM week (ISO year, week), last DREAM month (y, m))
    "2017-06": (date(2017, 6, 30), date(2017, 5, 31), (2017, 17), (2017, 4)),
    "2017-07": (date(2017, 7, 31), date(2017, 6, 30), (2017, 21), (2017, 5)),
}
DREAM_FIRST_WEEK = (2012, 1)
DREAM_FIRST_MONTH = (2012, 1)

NEIGHBOURS = ["0101", "0147", "0153", "0159", "0161", "0163", "0165", "0167", "0169", "0173",
              "0175", "0190", "0240"]
FAR_AWAY = ["0751", "0461", "0851", "0265", "0219", "0259", "0630"]  # Aarhus, Odense, Aalborg, ...
# municipalities merged in 2007: addresses that ended before 2007 carry the old code
PRE_2007_CODE = {"0190": "0189", "0240": "0171"}

# --- the note's figures (report.md, "note's figures for 2017-06") -------------------------------

REFUGEES_TOTAL = 86
REFUGEES_MEN = 57
REFUGEES_WOMEN = 29
REFUGEES_ADULTS = 73
# citizenship on the residence date -> persons (Syrien 43, Iran 18, Eritrea 11, Afghanistan 8,
# the other 6 spread so that no country is named in the note)
REFUGEE_CITIZENSHIP = {"5486": 43, "5438": 18, "5216": 11, "5404": 8,
                       "5289": 2, "5436": 2, "5103": 1, "5214": 1}
# arrival year -> (persons, children, dead before the status date); adults = the rest
REFUGEE_YEARS = {2013: (8, 1, 0), 2014: (16, 2, 1), 2015: (26, 4, 0), 2016: (24, 4, 0),
                 2017: (12, 1, 0)}
# arrival year -> adults' status at 2017-W14 (public_support, education, job, self_supporting_no_income)
# 2016: 7 of the 20 adults in job or education (the note: "7 ud af de 24 ... modtog i 2016")
REFUGEE_STATUS = {2013: (2, 1, 3, 1), 2014: (7, 1, 1, 4), 2015: (16, 1, 1, 4),
                  2016: (10, 2, 5, 3), 2017: (7, 0, 0, 4)}
REFUGEES_ARRIVING_AFTER_STATUS_WEEK = 4  # 2017 adults received after W14: no code that week

IMMIGRANTS_TOTAL = 1792
IMMIGRANTS_RESIDENT = 760
IMMIGRANTS_DIRECT = 1256
RESIDENTS_DIRECT = 467
IMMIGRANTS_FAMILY = 167
RESIDENTS_FAMILY = 95  # how the 167 split is not in the note; 95 of them still live here

AGE_BANDS = [("0-17", 0, 17), ("18-24", 18, 24), ("25-29", 25, 29), ("30-39", 30, 39),
             ("40-49", 40, 49), ("50-59", 50, 59), ("60-65", 60, 65), ("66+", 66, 74)]
# band -> (women, men), age on the residence date
RESIDENTS_AGE_SEX = {"0-17": (47, 58), "18-24": (58, 57), "25-29": (105, 71),
                     "30-39": (115, 133), "40-49": (39, 41), "50-59": (12, 14),
                     "60-65": (3, 5), "66+": (0, 2)}
# the one resident who turns 18 after the status date (so 655 are 18+ in June, 654 in April)
TURNS_18_BIRTH = date(1999, 5, 17)

RESIDENTS_TOP15 = {"5128": 60, "5154": 55, "5432": 39, "5120": 36, "5172": 35, "5158": 34,
                   "5448": 28, "5756": 28, "5474": 25, "5464": 25, "5438": 21, "5404": 20,
                   "5472": 18, "5486": 18, "5180": 18}
# the remaining 300 residents: at most 17 per country so the top 15 above stay the top 15
RESIDENTS_OTHER = {
    "5704": 15, "5611": 14, "5700": 12, "5488": 12, "5170": 11, "5150": 10, "5436": 10,
    "5164": 9, "5492": 10, "5609": 9, "5174": 8, "5130": 8, "5110": 7, "5390": 7,
    "5216": 6, "5140": 5, "5306": 5, "5289": 5, "5757": 6, "5456": 6, "5410": 6, "5134": 6,
    "5754": 5, "5761": 5, "5418": 5, "5156": 5, "5106": 5, "5104": 4, "5607": 4, "5750": 4,
    "5776": 4, "5778": 4, "5214": 4, "5246": 4, "5228": 3, "5234": 3, "5244": 3, "5272": 3,
    "5444": 3, "5484": 3, "5434": 3, "5458": 3, "5314": 3, "5502": 3, "5354": 3, "5142": 3,
    "5318": 2, "5316": 2, "5182": 2, "5126": 2, "5724": 2, "5103": 2, "5446": 2, "5302": 2,
    "5269": 2, "5706": 2, "5366": 1, "5712": 1, "5122": 1, "5324": 1,
}

# status of the 654 adult residents at W14: public_support, education, job, self_supporting_no_income
RESIDENTS_STATUS = (50, 58, 301, 245)
STATUSES = ("public_support", "education", "job", "self_supporting_no_income")

# --- countries -------------------------------------------------------------------------------------

# landekode -> (name_da as in cpr_landekoder.csv, profile)
# profiles: eu_worker, eu_skilled, nordic, skilled, family, care, student, refugee
COUNTRIES: dict[str, tuple[str, str]] = {
    "5100": ("Danmark", "dk"),
    "5103": ("Statsløs", "refugee"),
    "5104": ("Finland", "nordic"),
    "5106": ("Island", "nordic"),
    "5110": ("Norge", "nordic"),
    "5120": ("Sverige", "nordic"),
    "5122": ("Albanien", "family"),
    "5126": ("Belgien", "eu_skilled"),
    "5128": ("Bulgarien", "eu_worker"),
    "5130": ("Frankrig", "eu_skilled"),
    "5134": ("Grækenland", "eu_skilled"),
    "5140": ("Nederlandene", "eu_skilled"),
    "5142": ("Irland", "eu_skilled"),
    "5150": ("Italien", "eu_skilled"),
    "5154": ("Polen", "eu_worker"),
    "5156": ("Portugal", "eu_worker"),
    "5158": ("Rumænien", "eu_worker"),
    "5164": ("Spanien", "eu_skilled"),
    "5170": ("Storbritannien", "eu_skilled"),
    "5172": ("Tyrkiet", "family"),
    "5174": ("Ungarn", "eu_worker"),
    "5180": ("Tyskland,Forb.Rep", "eu_skilled"),
    "5182": ("Østrig", "eu_skilled"),
    "5214": ("Etiopien", "refugee"),
    "5216": ("Eritrea", "refugee"),
    "5228": ("Ghana", "student"),
    "5234": ("Kenya", "student"),
    "5244": ("Marokko", "family"),
    "5246": ("Nigeria", "student"),
    "5269": ("Uganda", "student"),
    "5272": ("Egypten", "skilled"),
    "5289": ("Somalia", "refugee"),
    "5302": ("Argentina", "skilled"),
    "5306": ("Brasilien", "skilled"),
    "5314": ("Canada", "skilled"),
    "5316": ("Chile", "skilled"),
    "5318": ("Colombia", "skilled"),
    "5324": ("Cuba", "family"),
    "5354": ("Mexico", "skilled"),
    "5366": ("Peru", "skilled"),
    "5390": ("USA", "skilled"),
    "5404": ("Afghanistan", "refugee"),
    "5410": ("Bangladesh", "student"),
    "5418": ("Sri Lanka", "student"),
    "5432": ("Indien", "skilled"),
    "5434": ("Indonesien", "student"),
    "5436": ("Irak", "refugee"),
    "5438": ("Iran", "refugee"),
    "5444": ("Japan", "skilled"),
    "5446": ("Jordan", "family"),
    "5448": ("Kina", "skilled"),
    "5456": ("Libanon", "family"),
    "5458": ("Malaysia", "student"),
    "5464": ("Nepal", "student"),
    "5472": ("Pakistan", "family"),
    "5474": ("Filippinerne", "care"),
    "5484": ("Korea,Republik", "skilled"),
    "5486": ("Syrien", "refugee"),
    "5488": ("Vietnam", "care"),
    "5492": ("Thailand", "care"),
    "5502": ("Australien", "skilled"),
    "5607": ("Estland", "eu_worker"),
    "5609": ("Letland", "eu_worker"),
    "5611": ("Litauen", "eu_worker"),
    "5700": ("Rusland", "skilled"),
    "5704": ("Ukraine", "skilled"),
    "5706": ("Belarus", "skilled"),
    "5712": ("Moldova", "family"),
    "5724": ("Georgien", "family"),
    "5750": ("Kroatien", "eu_worker"),
    "5754": ("Bosnien-Hercegovina", "family"),
    "5756": ("Makedonien", "family"),
    "5757": ("Serbien", "family"),
    "5761": ("Kosovo", "family"),
    "5776": ("Tjekkiske Republik", "eu_worker"),
    "5778": ("Slovakiet", "eu_worker"),
    "5999": ("Land Ukendt", "refugee"),
}
EU_PROFILES = ("eu_worker", "eu_skilled")

# citizenships of immigrants who moved away again (weights; not calibrated)
MOVED_AWAY_WEIGHTS = {
    "5154": 90, "5158": 80, "5128": 70, "5120": 45, "5180": 45, "5611": 40, "5609": 25,
    "5432": 60, "5448": 45, "5174": 30, "5150": 30, "5164": 30, "5170": 25, "5130": 20,
    "5390": 20, "5464": 25, "5474": 25, "5172": 20, "5756": 10, "5704": 20, "5700": 15,
    "5488": 10, "5492": 10, "5472": 10, "5438": 8, "5404": 6, "5486": 8, "5110": 12,
    "5104": 6, "5106": 4, "5140": 12, "5156": 10, "5134": 10, "5750": 8, "5776": 8,
    "5778": 8, "5607": 6, "5410": 10, "5418": 6, "5246": 6, "5228": 5, "5306": 10,
    "5354": 6, "5484": 8, "5444": 8, "5314": 6, "5502": 6, "5142": 5, "5182": 4, "5126": 4,
    "5272": 4, "5244": 3, "5754": 3, "5757": 3, "5761": 3, "5436": 3, "5289": 2, "5216": 3,
}
# immigrants before 2013 and refugees received before 2013 (Ballerup's established minorities)
EARLY_IMMIGRANT_WEIGHTS = {
    "5172": 40, "5472": 20, "5436": 18, "5456": 12, "5754": 15, "5488": 12, "5154": 20,
    "5432": 10, "5448": 10, "5120": 10, "5180": 10, "5170": 6, "5756": 10, "5757": 6,
    "5244": 6, "5474": 8, "5492": 8, "5700": 6, "5704": 4, "5390": 4, "5128": 4, "5158": 4,
}
EARLY_REFUGEE_WEIGHTS = {"5436": 10, "5754": 10, "5404": 8, "5289": 6, "5438": 6,
                         "5456": 4, "5486": 2, "5103": 3, "5757": 3}

# --- DREAM codes (all in extracts.md "Benefit code groups") ------------------------------------

CODE_GROUP = {
    "111": "public_support", "113": "public_support", "121": "other", "130": "public_support",
    "131": "public_support", "140": "public_support", "141": "public_support",
    "213": "public_support", "231": "public_support", "412": "public_support",
    "521": "public_support", "611": "public_support", "651": "education", "652": "education",
    "661": "education", "735": "public_support", "783": "public_support",
    "813": "public_support", "881": "other", "890": "public_support", "893": "public_support",
    "997": "censored", "998": "censored", "999": "public_support",
}

INDUSTRIES = ["471100", "561010", "620100", "851000", "862100", "493100", "812100", "464600",
              "410000", "522900", "881000", "282900", "212000", "711200", "855900", "869090",
              "252900", "467300", "801000", "960100"]

STILLINGER = ["", "", "", "Tømrer", "Sygeplejerske", "Ingeniør", "Studerende", "Pædagog", "Læge",
              "Lærer", "Chauffør", "Kok", "Rengøringsassistent", "Programmør", "Elektriker",
              "Social- og sundhedsassistent", "Lagerarbejder", "Butiksassistent", "Konsulent"]

# municipality -> (street names, postcode + town lines)
STREETS = {
    "0151": (["Hold-An Vej", "Lautrupvang", "Malmparken", "Baltorpvej", "Magleparken",
              "Grantoften", "Rugvænget", "Egebjerg Bygade", "Skovlunde Byvej",
              "Måløv Hovedgade", "Ballerup Byvej", "Kildedal", "Hedegårdsvej",
              "Sønderhaven", "Lindehaven", "Ågerupvej", "Æblehaven", "Præstehusene"],
             ["2750Ballerup", "2750Ballerup", "2740Skovlunde", "2760Måløv"]),
    "0101": (["Nørrebrogade", "Amagerbrogade", "Istedgade", "Tagensvej", "Frederikssundsvej",
              "Valby Langgade", "Husumvej", "Sønderbrogade"],
             ["2200København N", "2300København S", "2400København NV", "2500Valby",
              "2700Brønshøj"]),
    "0147": (["Gammel Kongevej", "Falkoner Allé", "Godthåbsvej", "Nordre Fasanvej"],
             ["2000Frederiksberg"]),
    "0153": (["Brøndbyvester Boulevard", "Nygårds Plads", "Kirkebjerg Parkvej"],
             ["2605Brøndby", "2660Brøndby Strand"]),
    "0159": (["Søborg Hovedgade", "Gladsaxe Møllevej", "Vandtårnsvej"],
             ["2860Søborg", "2880Bagsværd"]),
    "0161": (["Hovedvejen", "Sydvestvej", "Ejbydalsvej"], ["2600Glostrup"]),
    "0163": (["Herlev Hovedgade", "Hjortespringvej", "Tvedvangen"], ["2730Herlev"]),
    "0165": (["Hyldagerparken", "Galgebakken", "Kanalens Kvarter"], ["2620Albertslund"]),
    "0167": (["Hvidovrevej", "Avedøre Havnevej", "Friheden"], ["2650Hvidovre"]),
    "0169": (["Taastrupgårdsvej", "Gadehavegårdsvej", "Hedehusene Hovedgade"],
             ["2630Taastrup", "2640Hedehusene"]),
    "0173": (["Lyngby Hovedgade", "Klampenborgvej", "Kongevejen"], ["2800Kongens Lyngby"]),
    "0175": (["Rødovrevej", "Islevbrovej", "Tårnvej"], ["2610Rødovre"]),
    "0190": (["Farum Hovedgade", "Paltholmvej", "Værløse Bygade"], ["3520Farum", "3500Værløse"]),
    "0240": (["Smørumvej", "Stenløse Bygade", "Ølstykke Stationsvej"],
             ["2765Smørum", "3660Stenløse"]),
}
FAR_STREETS = (["Vestergade", "Østergade", "Søndergade", "Nørregade", "Jernbanegade"],
               {"0751": "8000Aarhus C", "0461": "5000Odense C", "0851": "9000Aalborg",
                "0265": "4000Roskilde", "0219": "3400Hillerød", "0259": "4600Køge",
                "0630": "7100Vejle"})

# a plausible foreign address per country (UDLANDADR1, UDLANDADR2); others get a generic one
FOREIGN_ADDRESS = {
    "5154": ("Ulica Kwiatowa 3", "Kraków"),
    "5180": ("Hauptstraße 12", "10115 Berlin"),
    "5120": ("Storgatan 7", "211 34 Malmö"),
    "5128": ("ul. Vitosha 15", "1000 Sofia"),
    "5158": ("Strada Lipscani 20", "030031 Bucuresti"),
    "5110": ("Karl Johans gate 2", "0154 Oslo"),
    "5170": ("12 High Street", "London"),
}
