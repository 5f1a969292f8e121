#!/usr/bin/env python3
"""Deterministic generator of realistic, valid briefs for benchmarks and tests.

Every brief follows ``schemas/brief.schema.json`` plus the cross-reference rules
``brief validate`` checks (references resolve, local ids unique, one position per
(actor, issue), ``updated`` >= ``date``, brief ids unique across the corpus).
Themes are Sahel / West Africa security topics. Exactly ``round(count * 0.2)``
briefs (chosen deterministically) mention "Wagner"; no other brief mentions it in
any case or accented form.

Usage::

    python bench/corpus.py OUT_DIR --count 10000 --seed 1 [--formats yaml,json,md] [--verify 200]

Importable: ``generate(out_dir, count, seed, formats)`` returns a :class:`CorpusStats`.
Nothing here reads the clock or the network: the same arguments always give the
same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

# Bump when the output changes, so cached corpora are regenerated (bench/run.py).
GENERATOR_VERSION = 1

WAGNER_SHARE = 0.2
DEFAULT_WEIGHTS = {"yaml": 70, "json": 15, "md": 15}
EXTENSIONS = {"yaml": ".yaml", "json": ".json", "md": ".md"}
MIN_BYTES, MAX_BYTES = 2000, 5000

# ---------------------------------------------------------------------------
# Actors: id, name, kind, country, aliases, description, affiliations
# (affiliations: (actor id, role, status); kept only if the target is in the brief)
# ---------------------------------------------------------------------------

A = {}


def _actor(aid, name, kind, country=None, aliases=(), desc=None, aff=()):
    A[aid] = {
        "id": aid,
        "name": name,
        "kind": kind,
        "country": country,
        "aliases": list(aliases),
        "description": desc,
        "aff": list(aff),
    }


# States
_actor("mali", "Mali", "state", "ML", ["Republic of Mali", "République du Mali"])
_actor("burkina-faso", "Burkina Faso", "state", "BF", ["Burkina"])
_actor("niger", "Niger", "state", "NE", ["Republic of Niger", "République du Niger"])
_actor("chad", "Chad", "state", "TD", ["Tchad"])
_actor("mauritania", "Mauritania", "state", "MR", ["Mauritanie"])
_actor("senegal", "Senegal", "state", "SN", ["Sénégal"])
_actor("cote-divoire", "Côte d’Ivoire", "state", "CI", ["Ivory Coast"])
_actor("nigeria", "Nigeria", "state", "NG", ["Federal Republic of Nigeria"])
_actor("benin", "Benin", "state", "BJ", ["Bénin"])
_actor("togo", "Togo", "state", "TG")
_actor("ghana", "Ghana", "state", "GH")
_actor("cameroon", "Cameroon", "state", "CM", ["Cameroun"])
_actor("algeria", "Algeria", "state", "DZ", ["Algérie"])
_actor("morocco", "Morocco", "state", "MA", ["Maroc"])
_actor("france", "France", "state", "FR", ["French Republic"])
_actor("russia", "Russia", "state", "RU", ["Russian Federation", "Russie"])
_actor("united-states", "United States", "state", "US", ["USA", "États-Unis"])
_actor("china", "China", "state", "CN", ["People’s Republic of China", "Chine"])
_actor("turkey", "Türkiye", "state", "TR", ["Turkey", "Turquie"])
_actor("ukraine", "Ukraine", "state", "UA")
# Governments
_actor(
    "gov-mali",
    "Transitional government of Mali",
    "government",
    "ML",
    ["Malian transitional authorities", "Bamako"],
    "Military-led transitional authorities in power since the August 2020 and May 2021 coups.",
)
_actor(
    "gov-bf",
    "Transitional government of Burkina Faso",
    "government",
    "BF",
    ["Ouagadougou authorities"],
    "Military-led authorities in power since the September 2022 coup.",
)
_actor(
    "gov-niger",
    "Conseil national pour la sauvegarde de la patrie",
    "government",
    "NE",
    ["CNSP", "Niger junta", "Niamey authorities"],
    "Military council that seized power in Niamey on 26 July 2023.",
)
_actor("gov-france", "French government", "government", "FR", ["Paris"])
_actor("gov-nigeria", "Federal Government of Nigeria", "government", "NG", ["Abuja"])
# Armed forces
_actor("fama", "Malian Armed Forces", "armed-forces", "ML", ["FAMa", "Forces armées maliennes"])
_actor(
    "fds-bf", "Burkinabè Defence and Security Forces", "armed-forces", "BF", ["FDS", "Forces de défense et de sécurité"]
)
_actor(
    "vdp",
    "Volontaires pour la défense de la patrie",
    "armed-forces",
    "BF",
    ["VDP", "Volunteers for the Defence of the Homeland"],
    "Civilian auxiliaries armed and trained by the Burkinabè army.",
)
_actor("fan", "Niger Armed Forces", "armed-forces", "NE", ["FAN", "Forces armées nigériennes"])
_actor(
    "barkhane",
    "Operation Barkhane",
    "armed-forces",
    "FR",
    ["Opération Barkhane", "Barkhane"],
    "French counter-terrorism operation in the Sahel, 2014–2022.",
)
_actor("nigerian-army", "Nigerian Army", "armed-forces", "NG")
# Persons
_actor(
    "goita",
    "Assimi Goïta",
    "person",
    "ML",
    ["Colonel Goïta", "General Goïta"],
    aff=[("gov-mali", "President of the Transition", "confirmed"), ("fama", "Officer", "confirmed")],
)
_actor(
    "maiga", "Choguel Kokalla Maïga", "person", "ML", ["Choguel Maïga"], aff=[("gov-mali", "Prime Minister", "former")]
)
_actor("camara", "Sadio Camara", "person", "ML", [], aff=[("gov-mali", "Minister of Defence", "confirmed")])
_actor("diop", "Abdoulaye Diop", "person", "ML", [], aff=[("gov-mali", "Minister of Foreign Affairs", "confirmed")])
_actor(
    "traore",
    "Ibrahim Traoré",
    "person",
    "BF",
    ["Captain Traoré", "IB"],
    aff=[("gov-bf", "President of the Transition", "confirmed")],
)
_actor(
    "kyelem",
    "Apollinaire Joachim Kyélem de Tambèla",
    "person",
    "BF",
    ["Kyélem de Tambèla"],
    aff=[("gov-bf", "Prime Minister", "former")],
)
_actor(
    "ouedraogo",
    "Jean-Emmanuel Ouédraogo",
    "person",
    "BF",
    [],
    aff=[("gov-bf", "Minister of Communication", "confirmed")],
)
_actor(
    "tchiani",
    "Abdourahamane Tchiani",
    "person",
    "NE",
    ["Abdourahamane Tiani", "General Tiani"],
    aff=[("gov-niger", "President of the CNSP", "confirmed")],
)
_actor(
    "bazoum",
    "Mohamed Bazoum",
    "person",
    "NE",
    ["President Bazoum"],
    "Elected president of Niger, detained since the July 2023 coup.",
    aff=[("pnds", "Chairman", "former")],
)
_actor(
    "zeine",
    "Ali Mahaman Lamine Zeine",
    "person",
    "NE",
    ["Lamine Zeine"],
    aff=[("gov-niger", "Prime Minister", "confirmed")],
)
_actor(
    "sangare",
    "Bakary Yaou Sangaré",
    "person",
    "NE",
    [],
    aff=[("gov-niger", "Minister of Foreign Affairs", "confirmed")],
)
_actor(
    "tinubu",
    "Bola Ahmed Tinubu",
    "person",
    "NG",
    ["Bola Tinubu"],
    aff=[("gov-nigeria", "President", "confirmed"), ("ecowas", "Chair of the Authority", "former")],
)
_actor("touray", "Omar Alieu Touray", "person", "GM", [], aff=[("ecowas", "President of the Commission", "confirmed")])
_actor("deby", "Mahamat Idriss Déby Itno", "person", "TD", ["Mahamat Déby"])
_actor("macron", "Emmanuel Macron", "person", "FR", [], aff=[("gov-france", "President", "confirmed")])
_actor("wane", "El-Ghassim Wane", "person", "MR", [], aff=[("minusma", "Special Representative", "former")])
_actor(
    "yevkurov",
    "Yunus-Bek Yevkurov",
    "person",
    "RU",
    [],
    "Russian deputy defence minister who led delegations to the Sahel capitals.",
)
_actor("ag-ghaly", "Iyad Ag Ghaly", "person", "ML", ["Abou Fadl"], aff=[("jnim", "Emir", "confirmed")])
_actor(
    "koufa",
    "Amadou Koufa",
    "person",
    "ML",
    ["Amadou Diallo"],
    aff=[("katiba-macina", "Leader", "confirmed"), ("jnim", "Deputy", "alleged")],
)
_actor(
    "sahraoui",
    "Adnan Abou Walid al-Sahraoui",
    "person",
    "EH",
    [],
    "Founder of the Islamic State in the Greater Sahara, killed in 2021.",
    aff=[("isgs", "Founder", "former")],
)
_actor("ag-bibi", "Ahmada Ag Bibi", "person", "ML", [], aff=[("csp", "Negotiator", "alleged")])
# PMCs (the Wagner ones are below, used only in Wagner briefs)
_actor(
    "africa-corps",
    "Africa Corps",
    "private-military-company",
    "RU",
    ["Afrikansky Korpus", "Russian Expeditionary Corps"],
    "Expeditionary formation placed under the Russian Ministry of Defence.",
    aff=[("russia", "Proxy", "alleged")],
)
_actor(
    "sadat",
    "SADAT International Defence Consultancy",
    "private-military-company",
    "TR",
    ["SADAT"],
    aff=[("turkey", "Contractor", "alleged")],
)
_actor("bancroft", "Bancroft Global Development", "private-military-company", "US", ["Bancroft"])
# Armed groups
_actor(
    "jnim",
    "JNIM",
    "armed-group",
    "ML",
    ["Jama’at Nusrat al-Islam wal-Muslimin", "GSIM", "Groupe de soutien à l’islam et aux musulmans"],
    "Al-Qaeda’s Sahel affiliate, formed in 2017 from a merger of four groups.",
)
_actor(
    "isgs",
    "Islamic State Sahel Province",
    "armed-group",
    "NE",
    ["ISGS", "EIGS", "État islamique au Grand Sahara", "IS Sahel"],
    "Islamic State branch active in the Liptako-Gourma tri-border area.",
)
_actor(
    "katiba-macina",
    "Katiba Macina",
    "armed-group",
    "ML",
    ["Front de libération du Macina"],
    aff=[("jnim", "Component", "confirmed")],
)
_actor("ansarul", "Ansarul Islam", "armed-group", "BF", [], aff=[("jnim", "Ally", "alleged")])
_actor(
    "csp",
    "Cadre stratégique permanent",
    "armed-group",
    "ML",
    ["CSP-PSD", "CSP-DPA"],
    "Coalition of northern armed movements, signatories of the 2015 Algiers Accord.",
)
_actor("fla", "Front de libération de l’Azawad", "armed-group", "ML", ["FLA", "Azawad Liberation Front"])
_actor("iswap", "Islamic State West Africa Province", "armed-group", "NG", ["ISWAP"])
_actor("boko-haram", "Boko Haram", "armed-group", "NG", ["JAS", "Jama’atu Ahlis Sunna Lidda’awati wal-Jihad"])
_actor("dan-na", "Dan Na Ambassagou", "armed-group", "ML", [], "Dogon self-defence militia in central Mali.")
_actor("lakurawa", "Lakurawa", "armed-group", "NG", [], "Armed group active along the Niger–Nigeria border.")
# Organisations, coalitions, parties, other
_actor("ecowas", "ECOWAS", "international-organisation", None, ["CEDEAO", "Economic Community of West African States"])
_actor(
    "minusma",
    "MINUSMA",
    "international-organisation",
    None,
    ["United Nations Multidimensional Integrated Stabilization Mission in Mali"],
    "UN peacekeeping mission in Mali, 2013–2023.",
)
_actor("au", "African Union", "international-organisation", None, ["AU", "Union africaine"])
_actor("unsc", "UN Security Council", "international-organisation", None, ["Security Council"])
_actor("ohchr", "UN Human Rights Office", "international-organisation", None, ["OHCHR"])
_actor("eu", "European Union", "international-organisation", None, ["EU", "UE"])
_actor("eutm", "EUTM Mali", "international-organisation", None, ["European Union Training Mission in Mali"])
_actor(
    "aes",
    "Alliance of Sahel States",
    "coalition",
    None,
    ["AES", "Alliance des États du Sahel", "Confédération des États du Sahel"],
    "Mutual-defence pact signed by Mali, Burkina Faso and Niger on 16 September 2023.",
)
_actor("mnjtf", "Multinational Joint Task Force", "coalition", None, ["MNJTF"])
_actor("takuba", "Task Force Takuba", "coalition", None, ["Takuba"])
_actor("accra", "Accra Initiative", "coalition", None, [])
_actor("pnds", "PNDS-Tarayya", "party", "NE", ["Parti nigérien pour la démocratie et le socialisme"])
_actor("m5", "M5-RFP", "party", "ML", ["Mouvement du 5 juin"])
_actor("orano", "Orano", "other", "FR", ["Areva"], "French state-owned nuclear fuel company.")
_actor("barrick", "Barrick Gold", "other", "CA", ["Barrick Mining"])
_actor("cnpc", "China National Petroleum Corporation", "other", "CN", ["CNPC"])

# Wagner-only actors (never used outside the Wagner share)
_actor(
    "wagner",
    "Wagner Group",
    "private-military-company",
    "RU",
    ["PMC Wagner", "groupe Wagner", "ЧВК Вагнер"],
    "Russian private military company deployed in Mali from late 2021.",
    aff=[("russia", "Proxy", "alleged")],
)
_actor(
    "prigozhin",
    "Yevgeny Prigozhin",
    "person",
    "RU",
    ["Evgueni Prigojine"],
    "Founder of the Wagner Group, killed in August 2023.",
    aff=[("wagner", "Founder", "former")],
)
_actor("utkin", "Dmitry Utkin", "person", "RU", [], aff=[("wagner", "Commander", "former")])

WAGNER_ONLY = {"wagner", "prigozhin", "utkin"}

# ---------------------------------------------------------------------------
# Themes
# ---------------------------------------------------------------------------


@dataclass
class Theme:
    key: str
    regions: list
    nations: list
    domains: list
    core: list
    optional: list
    issues: list  # (id, en, fr)
    titles: list  # (en, fr) templates
    context: list  # (en, fr) sentences
    figures: list  # (label en, label fr, lo, hi, unit, status)
    tags: list
    wagner: bool = False


THEMES = [
    Theme(
        "niger-coup",
        ["sahel", "west-africa"],
        ["NE", "NG", "FR", "US"],
        ["politics-governance", "diplomacy", "defence-security"],
        ["niger", "gov-niger", "tchiani", "bazoum", "ecowas"],
        [
            "tinubu",
            "france",
            "united-states",
            "zeine",
            "nigeria",
            "benin",
            "au",
            "sangare",
            "pnds",
            "fan",
            "mali",
            "burkina-faso",
            "touray",
            "aes",
        ],
        [
            (
                "restore-bazoum",
                "Release and reinstatement of Mohamed Bazoum",
                "Libération et rétablissement de Mohamed Bazoum dans ses fonctions",
            ),
            (
                "ecowas-force",
                "ECOWAS military intervention in Niger to restore constitutional order",
                "Intervention militaire de la CEDEAO au Niger pour rétablir l’ordre constitutionnel",
            ),
            (
                "ecowas-sanctions",
                "Maintaining ECOWAS economic sanctions on Niger",
                "Maintien des sanctions économiques de la CEDEAO contre le Niger",
            ),
            (
                "transition-3y",
                "A transition of up to three years before elections in Niger",
                "Une transition de trois ans au plus avant des élections au Niger",
            ),
            ("fr-exit-ne", "Withdrawal of French forces from Niger", "Retrait des forces françaises du Niger"),
        ],
        [
            (
                "Niger: the CNSP digs in as ECOWAS weighs its options",
                "Niger : le CNSP s’installe, la CEDEAO pèse ses options",
            ),
            (
                "After the coup in Niamey: sanctions, mediation and the question of force",
                "Après le coup d’État à Niamey : sanctions, médiation et usage de la force",
            ),
            (
                "Niger’s transition timetable and the regional response",
                "Le calendrier de la transition nigérienne et la réponse régionale",
            ),
            ("{month}: Tchiani’s junta tests ECOWAS resolve", "{month} : la junte de Tchiani teste la CEDEAO"),
        ],
        [
            (
                "The CNSP has framed the July 2023 takeover as a response to the “continuing deterioration of the "
                "security situation”, a claim Bazoum’s allies reject.",
                "Le CNSP présente la prise du pouvoir de juillet 2023 comme une réponse à « la dégradation continue "
                "de la situation sécuritaire », ce que contestent les proches de Bazoum.",
            ),
            (
                "Border closures with Benin and Nigeria have pushed up food prices in Niamey and Zinder.",
                "La fermeture des frontières avec le Bénin et le Nigeria a fait grimper les prix à Niamey et Zinder.",
            ),
            (
                "General Tchiani’s address of 19 August proposed a transition « n’excédant pas trois ans ».",
                "Le discours du général Tchiani du 19 août évoquait une transition « n’excédant pas trois ans ».",
            ),
            (
                "Mohamed Bazoum remains held in the presidential residence with his wife and son.",
                "Mohamed Bazoum reste détenu à la résidence présidentielle avec son épouse et son fils.",
            ),
        ],
        [
            (
                "French troops deployed in Niger",
                "Militaires français déployés au Niger",
                1000,
                1500,
                "troops",
                "reported",
            ),
            (
                "Share of Niger’s electricity imported from Nigeria",
                "Part de l’électricité nigérienne importée du Nigeria",
                60,
                75,
                "%",
                "estimated",
            ),
            (
                "Trucks stranded at the Malanville crossing",
                "Camions bloqués au poste de Malanville",
                300,
                1200,
                "trucks",
                "claimed",
            ),
        ],
        ["coup", "sanctions", "mediation", "constitutional-order", "niamey"],
    ),
    Theme(
        "minusma-exit",
        ["sahel", "west-africa"],
        ["ML"],
        ["defence-security", "diplomacy", "humanitarian"],
        ["mali", "gov-mali", "minusma", "unsc"],
        ["wane", "diop", "fama", "csp", "france", "goita", "ag-bibi", "algeria", "jnim", "camara"],
        [
            (
                "minusma-exit",
                "Withdrawal of MINUSMA from Mali by 31 December 2023",
                "Retrait de la MINUSMA du Mali avant le 31 décembre 2023",
            ),
            (
                "camp-handover",
                "Handover of MINUSMA camps in the north to the Malian Armed Forces",
                "Rétrocession des camps de la MINUSMA du Nord aux Forces armées maliennes",
            ),
            (
                "algiers-accord",
                "Continued implementation of the 2015 Algiers Accord",
                "Poursuite de la mise en œuvre de l’Accord d’Alger de 2015",
            ),
            (
                "un-monitoring",
                "A residual UN human-rights monitoring presence in Mali",
                "Une présence résiduelle de l’ONU pour le suivi des droits humains au Mali",
            ),
        ],
        [
            (
                "MINUSMA’s exit and the scramble for the northern camps",
                "Le départ de la MINUSMA et la course aux camps du Nord",
            ),
            ("Mali after MINUSMA: who fills the gap?", "Le Mali après la MINUSMA : qui comble le vide ?"),
            ("Mali: the {month} handover of UN bases", "Mali : la rétrocession des bases de l’ONU en {month}"),
        ],
        [
            (
                "Foreign minister Abdoulaye Diop told the Security Council the mission had “failed” and asked for "
                "its withdrawal « sans délai ».",
                "Le ministre Abdoulaye Diop a déclaré au Conseil de sécurité que la mission avait « échoué » et a "
                "demandé son retrait « sans délai ».",
            ),
            (
                "Resolution 2690 ended the mandate on 30 June 2023 and set a six-month drawdown.",
                "La résolution 2690 a mis fin au mandat le 30 juin 2023 et fixé un retrait en six mois.",
            ),
            (
                "The handover of Ber, Tessalit and Aguelhok triggered clashes between the army and the CSP.",
                "La rétrocession de Ber, Tessalit et Aguelhok a provoqué des combats entre l’armée et le CSP.",
            ),
        ],
        [
            (
                "MINUSMA uniformed personnel",
                "Personnel en uniforme de la MINUSMA",
                11000,
                13300,
                "personnel",
                "reported",
            ),
            (
                "Camps handed over to Malian authorities",
                "Camps remis aux autorités maliennes",
                8,
                13,
                "camps",
                "reported",
            ),
            ("Peacekeepers killed since 2013", "Casques bleus tués depuis 2013", 300, 311, "personnel", "reported"),
        ],
        ["peacekeeping", "drawdown", "un", "northern-mali"],
    ),
    Theme(
        "aes-ecowas",
        ["sahel", "west-africa"],
        ["ML", "BF", "NE"],
        ["diplomacy", "politics-governance", "economy-trade"],
        ["aes", "ecowas", "mali", "burkina-faso", "niger"],
        ["togo", "senegal", "touray", "goita", "traore", "tchiani", "au", "nigeria", "ghana", "diop"],
        [
            (
                "aes-exit",
                "Withdrawal of Mali, Burkina Faso and Niger from ECOWAS",
                "Retrait du Mali, du Burkina Faso et du Niger de la CEDEAO",
            ),
            (
                "aes-confed",
                "A confederation of Sahel states with joint institutions",
                "Une confédération des États du Sahel dotée d’institutions communes",
            ),
            (
                "free-movement",
                "Preserving free movement of people and goods between AES and ECOWAS states",
                "Maintien de la libre circulation des personnes et des biens entre l’AES et la CEDEAO",
            ),
            ("aes-force", "A joint AES force of 5,000 troops", "Une force unifiée de l’AES de 5 000 hommes"),
            (
                "aes-currency",
                "A common AES currency replacing the CFA franc",
                "Une monnaie commune de l’AES remplaçant le franc CFA",
            ),
        ],
        [
            (
                "The Sahel’s break with ECOWAS: what changes on the ground",
                "La rupture du Sahel avec la CEDEAO : ce qui change sur le terrain",
            ),
            (
                "AES confederation: institutions, money and a joint force",
                "Confédération de l’AES : institutions, monnaie et force unifiée",
            ),
            ("ECOWAS and the AES in {month}: managing the divorce", "CEDEAO et AES en {month} : gérer le divorce"),
        ],
        [
            (
                "The three juntas announced on 28 January 2024 their « retrait sans délai » from ECOWAS.",
                "Les trois juntes ont annoncé le 28 janvier 2024 leur « retrait sans délai » de la CEDEAO.",
            ),
            (
                "The Niamey summit of July 2024 turned the Liptako-Gourma Charter into a confederation.",
                "Le sommet de Niamey de juillet 2024 a transformé la charte du Liptako-Gourma en confédération.",
            ),
            (
                "Togo’s foreign minister has said Lomé would “consider” joining the AES.",
                "Le ministre togolais des Affaires étrangères a dit que Lomé « envisagerait » de rejoindre l’AES.",
            ),
        ],
        [
            (
                "Combined population of the AES states",
                "Population cumulée des États de l’AES",
                70,
                74,
                "million people",
                "estimated",
            ),
            (
                "Share of Sahel trade transiting coastal ECOWAS ports",
                "Part du commerce sahélien transitant par les ports côtiers",
                55,
                80,
                "%",
                "estimated",
            ),
            (
                "Planned strength of the AES joint force",
                "Effectif prévu de la force unifiée de l’AES",
                5000,
                5000,
                "troops",
                "projected",
            ),
        ],
        ["regional-integration", "aes", "sovereignty", "trade"],
    ),
    Theme(
        "jnim-pressure",
        ["sahel", "west-africa"],
        ["ML"],
        ["terrorism-extremism", "defence-security", "humanitarian"],
        ["jnim", "fama", "gov-mali", "mali"],
        ["ag-ghaly", "koufa", "katiba-macina", "dan-na", "isgs", "goita", "camara", "m5", "algeria", "africa-corps"],
        [
            (
                "jnim-talks",
                "Negotiations between the Malian authorities and JNIM",
                "Négociations entre les autorités maliennes et le JNIM",
            ),
            (
                "fuel-blockade",
                "JNIM’s blockade of fuel supply routes to Bamako",
                "Le blocus du JNIM sur les routes d’approvisionnement en carburant de Bamako",
            ),
            (
                "dozo-militias",
                "Use of community militias in counter-insurgency operations",
                "Recours aux milices communautaires dans la contre-insurrection",
            ),
            (
                "local-truces",
                "Local truces between communities and jihadist groups",
                "Trêves locales entre communautés et groupes djihadistes",
            ),
        ],
        [
            ("JNIM tightens the noose around central Mali", "Le JNIM resserre l’étau sur le centre du Mali"),
            ("Mali: convoys, blockades and the economics of siege", "Mali : convois, blocus et économie du siège"),
            (
                "Talking to JNIM? Bamako’s options in {month}",
                "Négocier avec le JNIM ? Les options de Bamako en {month}",
            ),
        ],
        [
            (
                "JNIM fighters torched fuel tankers on the Kayes and Sikasso axes, according to local sources.",
                "Des combattants du JNIM ont incendié des camions-citernes sur les axes de Kayes et Sikasso, selon "
                "des sources locales.",
            ),
            (
                "Iyad Ag Ghaly’s messages insist on “jihad until the departure of the occupiers”.",
                "Les messages d’Iyad Ag Ghaly insistent sur « le djihad jusqu’au départ des occupants ».",
            ),
            (
                "Katiba Macina remains the group’s most active unit in the Ségou and Mopti regions.",
                "La katiba Macina reste l’unité la plus active du groupe dans les régions de Ségou et Mopti.",
            ),
        ],
        [
            ("Attacks attributed to JNIM", "Attaques attribuées au JNIM", 80, 260, "events", "reported"),
            ("Fuel tankers destroyed", "Camions-citernes détruits", 40, 150, "vehicles", "claimed"),
            (
                "Civilians displaced in central Mali",
                "Civils déplacés dans le centre du Mali",
                90000,
                380000,
                "people",
                "estimated",
            ),
        ],
        ["jihadism", "blockade", "central-mali", "counter-insurgency"],
    ),
    Theme(
        "burkina-mobilisation",
        ["sahel", "west-africa"],
        ["BF"],
        ["defence-security", "human-rights", "information-influence"],
        ["burkina-faso", "gov-bf", "traore", "vdp"],
        ["fds-bf", "ansarul", "jnim", "kyelem", "ouedraogo", "isgs", "russia", "cote-divoire", "africa-corps"],
        [
            (
                "general-mobilisation",
                "General mobilisation decree for national defence",
                "Décret de mobilisation générale pour la défense nationale",
            ),
            (
                "vdp-recruit",
                "Recruitment of 50,000 additional VDP auxiliaries",
                "Recrutement de 50 000 VDP supplémentaires",
            ),
            ("media-suspension", "Suspension of foreign media outlets", "Suspension des médias étrangers"),
            ("djibo-siege", "Lifting of the blockade of Djibo", "Levée du blocus de Djibo"),
        ],
        [
            (
                "Burkina Faso: mobilisation, VDP and the cost of total war",
                "Burkina Faso : mobilisation, VDP et coût de la guerre totale",
            ),
            ("Ouagadougou’s war effort in {month}", "L’effort de guerre de Ouagadougou en {month}"),
            ("Captain Traoré’s gamble on the VDP", "Le pari du capitaine Traoré sur les VDP"),
        ],
        [
            (
                "The government claims control of « plus de 70 % » of the territory; independent estimates are far "
                "lower.",
                "Le gouvernement revendique le contrôle de « plus de 70 % » du territoire ; les estimations "
                "indépendantes sont bien inférieures.",
            ),
            (
                "Conscription notices have reportedly targeted journalists and magistrates critical of the junta.",
                "Des ordres de réquisition auraient visé des journalistes et des magistrats critiques de la junte.",
            ),
            (
                "The massacre at Barsalogho in August 2024 exposed the risks of arming civilians to dig trenches.",
                "Le massacre de Barsalogho en août 2024 a montré les risques de l’enrôlement de civils.",
            ),
        ],
        [
            ("VDP auxiliaries recruited", "VDP recrutés", 50000, 90000, "people", "claimed"),
            ("Internally displaced people", "Personnes déplacées internes", 1.8, 2.1, "million people", "reported"),
            (
                "Schools closed by insecurity",
                "Écoles fermées pour cause d’insécurité",
                5000,
                6200,
                "schools",
                "reported",
            ),
        ],
        ["mobilisation", "auxiliaries", "press-freedom", "displacement"],
    ),
    Theme(
        "northern-mali",
        ["sahel", "north-africa"],
        ["ML", "DZ"],
        ["defence-security", "politics-governance", "diplomacy"],
        ["csp", "fama", "gov-mali", "mali"],
        ["fla", "algeria", "minusma", "ag-bibi", "goita", "camara", "jnim", "africa-corps", "mauritania"],
        [
            ("kidal-recapture", "Military recapture of Kidal", "Reprise militaire de Kidal"),
            (
                "algiers-accord",
                "Continued implementation of the 2015 Algiers Accord",
                "Poursuite de la mise en œuvre de l’Accord d’Alger de 2015",
            ),
            ("azawad-autonomy", "Autonomy for the northern regions of Mali", "Autonomie des régions du Nord du Mali"),
            (
                "drone-strikes",
                "Use of armed drones against northern armed movements",
                "Recours aux drones armés contre les mouvements armés du Nord",
            ),
        ],
        [
            ("Kidal and after: the northern front in {month}", "Kidal et après : le front nord en {month}"),
            ("Mali’s north: the end of the Algiers Accord", "Le Nord du Mali : la fin de l’Accord d’Alger"),
            ("The CSP, the FLA and Bamako’s drone war", "Le CSP, le FLA et la guerre des drones de Bamako"),
        ],
        [
            (
                "The army entered Kidal on 14 November 2023 for the first time since 2014.",
                "L’armée est entrée à Kidal le 14 novembre 2023 pour la première fois depuis 2014.",
            ),
            (
                "Bamako declared the Algiers Accord void in January 2024, citing Algeria’s « actes inamicaux ».",
                "Bamako a déclaré caduc l’Accord d’Alger en janvier 2024, invoquant des « actes inamicaux » d’Alger.",
            ),
            (
                "Turkish-made drones have changed the balance along the Anéfis–Tessalit axis.",
                "Les drones turcs ont modifié le rapport de force sur l’axe Anéfis–Tessalit.",
            ),
        ],
        [
            (
                "Drone strikes recorded in the Kidal region",
                "Frappes de drones recensées dans la région de Kidal",
                20,
                90,
                "strikes",
                "reported",
            ),
            (
                "Civilians killed in drone strikes",
                "Civils tués par des frappes de drones",
                15,
                120,
                "people",
                "estimated",
            ),
        ],
        ["azawad", "kidal", "drones", "peace-process"],
    ),
    Theme(
        "russia-partnership",
        ["sahel", "eastern-europe"],
        ["ML", "BF", "NE", "RU"],
        ["defence-security", "diplomacy", "information-influence"],
        ["russia", "africa-corps", "mali", "burkina-faso"],
        [
            "yevkurov",
            "niger",
            "france",
            "united-states",
            "ukraine",
            "goita",
            "traore",
            "tchiani",
            "camara",
            "china",
            "turkey",
        ],
        [
            (
                "russian-security",
                "Russian state security assistance to the AES states",
                "Assistance sécuritaire de l’État russe aux États de l’AES",
            ),
            (
                "africa-corps-bf",
                "Deployment of the Africa Corps to Burkina Faso",
                "Déploiement de l’Africa Corps au Burkina Faso",
            ),
            (
                "mali-ukraine",
                "Severance of diplomatic relations between Mali and Ukraine",
                "Rupture des relations diplomatiques entre le Mali et l’Ukraine",
            ),
            (
                "nuclear-coop",
                "Civil nuclear cooperation between Russia and the Sahel states",
                "Coopération nucléaire civile entre la Russie et les États du Sahel",
            ),
        ],
        [
            (
                "Moscow’s Sahel bet: from instructors to the Africa Corps",
                "Le pari sahélien de Moscou : des instructeurs à l’Africa Corps",
            ),
            (
                "Russia in the Sahel, {month}: arms, grain and information",
                "La Russie au Sahel, {month} : armes, céréales et information",
            ),
            ("Yevkurov’s tour and the new Russian offer", "La tournée de Yevkurov et la nouvelle offre russe"),
        ],
        [
            (
                "Deputy defence minister Yevkurov visited Bamako, Ouagadougou and Niamey in quick succession.",
                "Le vice-ministre de la Défense Yevkurov s’est rendu coup sur coup à Bamako, Ouagadougou et Niamey.",
            ),
            (
                "A Russian Il-76 delivered air-defence equipment to Niamey in April 2024.",
                "Un Il-76 russe a livré du matériel de défense aérienne à Niamey en avril 2024.",
            ),
            (
                "Pro-Russian networks amplify the « souveraineté » narrative across francophone social media.",
                "Les réseaux prorusses amplifient le récit de la « souveraineté » sur les réseaux sociaux "
                "francophones.",
            ),
        ],
        [
            (
                "Russian military personnel in the AES states",
                "Militaires russes dans les États de l’AES",
                1500,
                2500,
                "personnel",
                "estimated",
            ),
            ("Grain donated by Russia", "Céréales données par la Russie", 25000, 50000, "tonnes", "reported"),
        ],
        ["russia", "security-assistance", "disinformation", "great-power-competition"],
    ),
    Theme(
        "lake-chad",
        ["lake-chad-basin", "central-africa", "west-africa"],
        ["TD", "NG", "NE", "CM"],
        ["terrorism-extremism", "defence-security", "humanitarian"],
        ["chad", "nigeria", "iswap", "boko-haram"],
        ["deby", "niger", "cameroon", "mnjtf", "nigerian-army", "tinubu", "lakurawa", "france", "au"],
        [
            (
                "mnjtf-chad",
                "Chad’s continued participation in the MNJTF",
                "Maintien de la participation du Tchad à la FMM",
            ),
            (
                "defector-amnesty",
                "Amnesty and reintegration programme for Boko Haram defectors",
                "Programme d’amnistie et de réinsertion pour les repentis de Boko Haram",
            ),
            ("fr-exit-td", "Withdrawal of French forces from Chad", "Retrait des forces françaises du Tchad"),
        ],
        [
            (
                "Lake Chad: ISWAP’s resilience and a fraying coalition",
                "Lac Tchad : la résilience de l’ISWAP et une coalition qui s’effiloche",
            ),
            ("Déby’s threat to leave the MNJTF, {month}", "La menace de Déby de quitter la FMM, {month}"),
        ],
        [
            (
                "After the Barkaram attack, Mahamat Déby threatened to pull Chad out of the MNJTF.",
                "Après l’attaque de Barkaram, Mahamat Déby a menacé de retirer le Tchad de la FMM.",
            ),
            (
                "ISWAP taxes fishing and farming on the islands of the lake.",
                "L’ISWAP prélève des taxes sur la pêche et l’agriculture dans les îles du lac.",
            ),
        ],
        [
            (
                "Chadian soldiers killed at Barkaram",
                "Soldats tchadiens tués à Barkaram",
                40,
                40,
                "soldiers",
                "reported",
            ),
            (
                "Boko Haram defectors registered",
                "Repentis de Boko Haram enregistrés",
                100000,
                160000,
                "people",
                "claimed",
            ),
        ],
        ["lake-chad", "iswap", "defectors", "coalition"],
    ),
    Theme(
        "coastal-spillover",
        ["gulf-of-guinea", "west-africa", "sahel"],
        ["BJ", "TG", "GH", "CI"],
        ["terrorism-extremism", "defence-security", "organised-crime"],
        ["benin", "togo", "jnim"],
        ["ghana", "cote-divoire", "isgs", "ecowas", "accra", "niger", "burkina-faso", "france", "united-states"],
        [
            (
                "accra-ops",
                "Joint operations under the Accra Initiative",
                "Opérations conjointes dans le cadre de l’Initiative d’Accra",
            ),
            ("border-reopen", "Reopening of the Benin–Niger border", "Réouverture de la frontière Bénin–Niger"),
            ("pipeline-ops", "Operation of the Niger–Benin oil pipeline", "Exploitation de l’oléoduc Niger–Bénin"),
            (
                "w-park",
                "A joint security plan for the W–Arly–Pendjari park complex",
                "Un plan de sécurité commun pour le complexe W–Arly–Pendjari",
            ),
        ],
        [
            ("JNIM’s push towards the Gulf of Guinea", "La poussée du JNIM vers le golfe de Guinée"),
            ("Northern Benin and Togo: the spillover in {month}", "Nord du Bénin et du Togo : la contagion en {month}"),
            (
                "Parks, pipelines and borders: coastal states under pressure",
                "Parcs, oléoduc et frontières : les États côtiers sous pression",
            ),
        ],
        [
            (
                "Attacks in Benin’s Alibori and Atacora departments have risen every year since 2021.",
                "Les attaques dans l’Alibori et l’Atacora béninois augmentent chaque année depuis 2021.",
            ),
            (
                "Togo has extended its state of emergency in the Savanes region.",
                "Le Togo a prolongé l’état d’urgence dans la région des Savanes.",
            ),
            (
                "Niamey accuses Cotonou of hosting « bases » used to destabilise Niger, which Benin denies.",
                "Niamey accuse Cotonou d’abriter des « bases » destinées à déstabiliser le Niger, ce que dément le "
                "Bénin.",
            ),
        ],
        [
            ("Soldiers killed in northern Benin", "Soldats tués dans le nord du Bénin", 20, 80, "soldiers", "reported"),
            (
                "Capacity of the Niger–Benin pipeline",
                "Capacité de l’oléoduc Niger–Bénin",
                90000,
                90000,
                "barrels per day",
                "reported",
            ),
        ],
        ["spillover", "coastal-states", "pipeline", "border"],
    ),
    Theme(
        "resources",
        ["sahel", "west-africa"],
        ["ML", "NE", "FR", "CN"],
        ["energy-resources", "economy-trade", "politics-governance"],
        ["gov-mali", "gov-niger", "barrick", "orano"],
        ["mali", "niger", "china", "cnpc", "russia", "france", "goita", "tchiani", "burkina-faso", "gov-bf"],
        [
            (
                "mining-code",
                "Application of Mali’s 2023 mining code to existing permits",
                "Application du code minier malien de 2023 aux permis existants",
            ),
            (
                "imouraren",
                "Revocation of Orano’s Imouraren uranium licence",
                "Retrait du permis d’uranium d’Orano à Imouraren",
            ),
            (
                "gold-nationalisation",
                "Nationalisation of industrial gold mines",
                "Nationalisation des mines d’or industrielles",
            ),
            (
                "chinese-oil",
                "Expansion of Chinese oil investment in Niger",
                "Extension des investissements pétroliers chinois au Niger",
            ),
        ],
        [
            (
                "Gold, uranium and sovereignty: the Sahel’s resource nationalism",
                "Or, uranium et souveraineté : le nationalisme des ressources au Sahel",
            ),
            ("Barrick, Orano and the juntas, {month}", "Barrick, Orano et les juntes, {month}"),
            ("Mali’s mining code: revenue first", "Le code minier malien : les recettes d’abord"),
        ],
        [
            (
                "Bamako detained four Barrick employees in late 2024 in a tax dispute.",
                "Bamako a détenu quatre employés de Barrick fin 2024 dans un litige fiscal.",
            ),
            (
                "Niamey withdrew Orano’s operating permit for Imouraren in June 2024.",
                "Niamey a retiré à Orano son permis d’exploitation d’Imouraren en juin 2024.",
            ),
            (
                "The new code raises the state’s stake in mines to as much as 35 %.",
                "Le nouveau code porte la participation de l’État dans les mines jusqu’à 35 %.",
            ),
        ],
        [
            ("Gold exports of Mali", "Exportations d’or du Mali", 60, 72, "tonnes", "reported"),
            (
                "Tax arrears claimed from Barrick",
                "Arriérés fiscaux réclamés à Barrick",
                500,
                512,
                "million USD",
                "claimed",
            ),
            ("Uranium reserves at Imouraren", "Réserves d’uranium d’Imouraren", 200000, 200000, "tonnes", "estimated"),
        ],
        ["mining", "gold", "uranium", "resource-nationalism"],
    ),
    Theme(
        "france-exit",
        ["sahel", "europe"],
        ["FR", "ML", "BF", "NE", "TD", "SN"],
        ["defence-security", "diplomacy", "information-influence"],
        ["france", "gov-france", "gov-mali", "barkhane"],
        ["macron", "takuba", "eu", "eutm", "gov-bf", "gov-niger", "chad", "senegal", "cote-divoire", "goita", "maiga"],
        [
            ("fr-presence", "French military presence in the Sahel", "Présence militaire française au Sahel"),
            (
                "media-ban",
                "Suspension of RFI and France 24 broadcasts",
                "Suspension de la diffusion de RFI et France 24",
            ),
            (
                "eutm-mali",
                "Continuation of the EU training mission in Mali",
                "Poursuite de la mission de formation de l’UE au Mali",
            ),
            (
                "fr-bases-west",
                "Retention of French bases in coastal West Africa",
                "Maintien de bases françaises en Afrique de l’Ouest côtière",
            ),
        ],
        [
            (
                "The end of Barkhane and France’s shrinking footprint",
                "La fin de Barkhane et le recul de l’empreinte française",
            ),
            ("Paris and the Sahel juntas, {month}", "Paris et les juntes sahéliennes, {month}"),
            (
                "After Barkhane: what remains of French influence?",
                "Après Barkhane : que reste-t-il de l’influence française ?",
            ),
        ],
        [
            (
                "Choguel Maïga accused France of « abandon en plein vol » at the UN General Assembly in 2021.",
                "Choguel Maïga a accusé la France d’un « abandon en plein vol » à l’Assemblée générale de l’ONU en "
                "2021.",
            ),
            (
                "The last Barkhane soldiers left Gao on 15 August 2022.",
                "Les derniers soldats de Barkhane ont quitté Gao le 15 août 2022.",
            ),
            (
                "Emmanuel Macron has spoken of a “new partnership” built on fewer, smaller bases.",
                "Emmanuel Macron a évoqué un « nouveau partenariat » fondé sur des bases moins nombreuses.",
            ),
        ],
        [
            (
                "French troops in the Sahel at peak",
                "Militaires français au Sahel au plus fort",
                5100,
                5500,
                "troops",
                "reported",
            ),
            (
                "French soldiers killed in the Sahel since 2013",
                "Soldats français tués au Sahel depuis 2013",
                58,
                58,
                "soldiers",
                "reported",
            ),
        ],
        ["france", "withdrawal", "media", "influence"],
    ),
]

WAGNER_THEMES = [
    Theme(
        "moura",
        ["sahel", "west-africa"],
        ["ML", "RU"],
        ["human-rights", "defence-security"],
        ["fama", "wagner", "gov-mali", "ohchr"],
        ["mali", "jnim", "katiba-macina", "unsc", "eu", "russia", "camara", "diop", "minusma"],
        [
            (
                "moura-inquiry",
                "An independent international inquiry into the Moura killings",
                "Une enquête internationale indépendante sur les tueries de Moura",
            ),
            (
                "wagner-partnership",
                "A Mali–Wagner security partnership",
                "Un partenariat sécuritaire entre le Mali et Wagner",
            ),
            (
                "eu-sanctions",
                "EU sanctions on individuals linked to the Moura operation",
                "Sanctions de l’UE contre des personnes liées à l’opération de Moura",
            ),
        ],
        [
            ("Moura, March 2022: the evidence and the denials", "Moura, mars 2022 : les preuves et les démentis"),
            (
                "Wagner and the FAMa at Moura: accountability in {month}",
                "Wagner et les FAMa à Moura : la question des responsabilités en {month}",
            ),
        ],
        [
            (
                "The UN Human Rights Office found that at least 500 people were killed at Moura between 27 and 31 "
                "March 2022.",
                "Le Haut-Commissariat aux droits de l’homme a établi qu’au moins 500 personnes avaient été tuées à "
                "Moura du 27 au 31 mars 2022.",
            ),
            (
                "Witnesses describe “white soldiers speaking a foreign language” alongside Malian troops.",
                "Des témoins décrivent des « soldats blancs parlant une langue étrangère » aux côtés des troupes "
                "maliennes.",
            ),
            (
                "Bamako maintains that the operation « neutralised » 203 terrorists.",
                "Bamako maintient que l’opération a « neutralisé » 203 terroristes.",
            ),
        ],
        [
            ("People killed at Moura", "Personnes tuées à Moura", 500, 500, "people", "reported"),
            (
                "Fighters the army says were killed",
                "Combattants que l’armée dit avoir tués",
                203,
                203,
                "people",
                "claimed",
            ),
        ],
        ["wagner", "moura", "accountability", "mass-atrocity"],
        wagner=True,
    ),
    Theme(
        "tinzaouaten",
        ["sahel", "west-africa"],
        ["ML", "RU", "UA"],
        ["defence-security", "information-influence"],
        ["wagner", "fama", "csp", "gov-mali"],
        ["jnim", "ukraine", "mali", "russia", "fla", "algeria", "camara", "africa-corps"],
        [
            (
                "wagner-north",
                "Continued deployment of Wagner personnel in northern Mali",
                "Maintien du déploiement de Wagner dans le Nord du Mali",
            ),
            (
                "mali-ukraine",
                "Severance of diplomatic relations between Mali and Ukraine",
                "Rupture des relations diplomatiques entre le Mali et l’Ukraine",
            ),
            ("kidal-recapture", "Military recapture of Kidal", "Reprise militaire de Kidal"),
        ],
        [
            ("Tinzaouaten: Wagner’s worst defeat in Africa", "Tinzaouaten : la pire défaite de Wagner en Afrique"),
            (
                "After Tinzaouaten, {month}: Wagner, the CSP and Kyiv",
                "Après Tinzaouaten, {month} : Wagner, le CSP et Kyiv",
            ),
        ],
        [
            (
                "Wagner-affiliated Telegram channels acknowledged heavy losses near the Algerian border in July 2024.",
                "Des chaînes Telegram proches de Wagner ont reconnu de lourdes pertes près de la frontière "
                "algérienne en juillet 2024.",
            ),
            (
                "Remarks by a Ukrainian intelligence spokesman led Bamako to cut ties with Kyiv.",
                "Les propos d’un porte-parole du renseignement ukrainien ont conduit Bamako à rompre avec Kyiv.",
            ),
            (
                "The CSP claimed to have captured several fighters and vehicles.",
                "Le CSP a affirmé avoir capturé plusieurs combattants et véhicules.",
            ),
        ],
        [
            (
                "Wagner personnel killed at Tinzaouaten",
                "Personnels de Wagner tués à Tinzaouaten",
                20,
                80,
                "people",
                "claimed",
            ),
            (
                "Malian soldiers killed at Tinzaouaten",
                "Soldats maliens tués à Tinzaouaten",
                10,
                47,
                "soldiers",
                "estimated",
            ),
        ],
        ["wagner", "tinzaouaten", "northern-mali", "ukraine"],
        wagner=True,
    ),
    Theme(
        "wagner-succession",
        ["sahel", "eastern-europe", "central-africa"],
        ["RU", "ML", "CF"],
        ["defence-security", "politics-governance"],
        ["wagner", "africa-corps", "russia", "prigozhin"],
        ["utkin", "yevkurov", "mali", "burkina-faso", "niger", "gov-mali", "fama", "united-states"],
        [
            (
                "wagner-transfer",
                "Transfer of Wagner’s Sahel operations to the Russian Ministry of Defence",
                "Transfert des opérations sahéliennes de Wagner au ministère russe de la Défense",
            ),
            (
                "wagner-partnership",
                "A Mali–Wagner security partnership",
                "Un partenariat sécuritaire entre le Mali et Wagner",
            ),
            (
                "russian-security",
                "Russian state security assistance to the AES states",
                "Assistance sécuritaire de l’État russe aux États de l’AES",
            ),
        ],
        [
            (
                "After Prigozhin: who runs Wagner’s African business?",
                "Après Prigojine : qui dirige les affaires africaines de Wagner ?",
            ),
            ("From Wagner to the Africa Corps, {month}", "De Wagner à l’Africa Corps, {month}"),
        ],
        [
            (
                "Yevgeny Prigozhin and Dmitry Utkin died in a plane crash north of Moscow on 23 August 2023.",
                "Evgueni Prigojine et Dmitri Outkine sont morts dans un accident d’avion au nord de Moscou le 23 "
                "août 2023.",
            ),
            (
                "Wagner-linked Telegram channels present the Africa Corps as a « continuité ».",
                "Les chaînes Telegram liées à Wagner présentent l’Africa Corps comme une « continuité ».",
            ),
            (
                "Many Africa Corps recruits are former Wagner contractors.",
                "Beaucoup de recrues de l’Africa Corps sont d’anciens contractuels de Wagner.",
            ),
        ],
        [
            ("Wagner personnel in Mali", "Personnels de Wagner au Mali", 1500, 2000, "personnel", "estimated"),
            (
                "Monthly fee reportedly paid by Bamako",
                "Montant mensuel qui serait versé par Bamako",
                10,
                10.8,
                "million USD",
                "claimed",
            ),
        ],
        ["wagner", "russia", "pmc", "succession"],
        wagner=True,
    ),
]

# Injected into an ordinary theme to make a Wagner brief.
WAGNER_ISSUE = (
    "wagner-partnership",
    "A Mali–Wagner security partnership",
    "Un partenariat sécuritaire entre le Mali et Wagner",
)
WAGNER_SENTENCES = [
    (
        "Wagner Group instructors have accompanied FAMa units on operations around {place}.",
        "Des instructeurs du groupe Wagner accompagnent les unités des FAMa dans leurs opérations autour de {place}.",
    ),
    (
        "Officials in Bamako still call the Wagner contractors « instructeurs russes ».",
        "À Bamako, les responsables qualifient toujours les hommes de Wagner d’« instructeurs russes ».",
    ),
    (
        "The role of Wagner in {place} remains disputed: Moscow speaks only of “state-to-state” cooperation.",
        "Le rôle de Wagner à {place} reste contesté : Moscou ne parle que de coopération « d’État à État ».",
    ),
    (
        "Reports of abuses by Wagner personnel have strained {a}’s relations with its partners.",
        "Les exactions attribuées aux hommes de Wagner tendent les relations de {a} avec ses partenaires.",
    ),
]
WAGNER_TITLE_SUFFIX = (" — the Wagner factor", " — le facteur Wagner")

# ---------------------------------------------------------------------------
# Prose pools (English, French): {a} {b} actor names, {place}, {n}, {month}, {pub}
# ---------------------------------------------------------------------------

PLACES = [
    "Ménaka",
    "Gao",
    "Timbuktu",
    "Kidal",
    "Mopti",
    "Ségou",
    "Djibo",
    "Dori",
    "Fada N’Gourma",
    "Tillabéri",
    "Niamey",
    "Agadez",
    "Diffa",
    "Ouagadougou",
    "Bamako",
    "Tessalit",
    "Anéfis",
    "Boulkessi",
    "Léré",
    "Nampala",
    "Arbinda",
    "Kaya",
    "Téra",
    "Ayorou",
    "Ansongo",
    "Kayes",
    "Sikasso",
    "Nioro du Sahel",
    "Tahoua",
    "Malanville",
    "Kandi",
    "Dapaong",
    "Bawku",
    "Maiduguri",
    "Bol",
]

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

SENTENCES = [
    (
        "The line taken by {a} has hardened since {month}; officials call the question « non négociable ».",
        "{a} a durci sa position depuis {month} ; ses responsables jugent la question « non négociable ».",
    ),
    (
        "According to {pub}, at least {n} incidents were recorded around {place} over the period.",
        "Selon {pub}, au moins {n} incidents ont été recensés autour de {place} sur la période.",
    ),
    (
        "“We will not be dictated to,” a senior official close to {a} said, a line {b} has quietly contested.",
        "« On ne nous dictera rien », a déclaré un haut responsable proche de {a}, ce que {b} conteste discrètement.",
    ),
    (
        "{b}’s room for manoeuvre is narrower than its rhetoric suggests.",
        "La marge de manœuvre de {b} est plus étroite que ne le laisse croire son discours.",
    ),
    (
        "Local sources in {place} report that traders now avoid the main road after dark.",
        "À {place}, des sources locales rapportent que les commerçants évitent désormais la route principale la nuit.",
    ),
    (
        "The communiqué issued in {month} speaks of a “shared responsibility” but sets no deadline.",
        "Le communiqué publié en {month} évoque une « responsabilité partagée » mais ne fixe aucune échéance.",
    ),
    (
        "{a} and {b} have exchanged delegations twice since {month}, without a public agreement.",
        "{a} et {b} ont échangé des délégations à deux reprises depuis {month}, sans accord public.",
    ),
    (
        "Humanitarian access around {place} has shrunk: aid convoys need an escort and a {n}-day notice.",
        "L’accès humanitaire autour de {place} s’est réduit : les convois doivent être escortés et annoncés {n} "
        "jours à l’avance.",
    ),
    (
        "We assess that {a}’s priority is regime security rather than territorial control.",
        "Nous estimons que la priorité de {a} est la survie du régime plutôt que le contrôle du territoire.",
    ),
    (
        "Diplomats in Dakar and Abuja say {b} is “waiting for the dust to settle”.",
        "À Dakar et Abuja, des diplomates disent que {b} « attend que la poussière retombe ».",
    ),
    (
        "State television has described critics of {a} as « apatrides », a term that chills debate.",
        "La télévision d’État qualifie les critiques de {a} d’« apatrides », un terme qui refroidit le débat.",
    ),
    (
        "The figures published by {pub} are partial and probably understate the toll.",
        "Les chiffres publiés par {pub} sont partiels et sous-estiment probablement le bilan.",
    ),
    (
        "Fighting near {place} displaced about {n} families in a single week.",
        "Les combats près de {place} ont déplacé environ {n} familles en une seule semaine.",
    ),
    (
        "{a}’s spokesperson called the allegations “baseless” and promised an internal review.",
        "Le porte-parole de {a} a qualifié les accusations de « sans fondement » et promis une enquête interne.",
    ),
]

KEY_JUDGMENTS = [
    (
        "{a} will maintain its current position over the next six months.",
        "{a} maintiendra sa position actuelle au cours des six prochains mois.",
    ),
    (
        "{b} will seek a negotiated arrangement rather than escalate.",
        "{b} cherchera un arrangement négocié plutôt que l’escalade.",
    ),
    (
        "Violence around {place} will increase before the rainy season.",
        "Les violences autour de {place} augmenteront avant la saison des pluies.",
    ),
    (
        "Regional mediation will not produce a binding agreement this year.",
        "La médiation régionale ne débouchera pas sur un accord contraignant cette année.",
    ),
    (
        "{a} will face growing internal pressure from within the security forces.",
        "{a} fera face à une pression interne croissante au sein des forces de sécurité.",
    ),
    (
        "External partners will condition support on a credible transition timetable.",
        "Les partenaires extérieurs conditionneront leur soutien à un calendrier de transition crédible.",
    ),
]

RATIONALES = [
    ("Regime security", "Sécurité du régime"),
    ("Domestic legitimacy and popular support", "Légitimité intérieure et soutien populaire"),
    ("Access to revenue from mining and customs", "Accès aux recettes minières et douanières"),
    ("Fear of regional contagion", "Crainte d’une contagion régionale"),
    (
        "Pressure from partners in Paris, Washington and Brussels",
        "Pressions des partenaires à Paris, Washington et Bruxelles",
    ),
    (
        "Sovereignty narrative: « la souveraineté n’est pas négociable »",
        "Récit souverainiste : « la souveraineté n’est pas négociable »",
    ),
    ("Military setbacks on the ground", "Revers militaires sur le terrain"),
    ("Humanitarian cost of the status quo", "Coût humanitaire du statu quo"),
]

FACTORS = [
    ("Competing claims over border areas", "Revendications concurrentes sur les zones frontalières"),
    ("Intelligence sharing", "Partage de renseignement"),
    ("Public accusations of interference", "Accusations publiques d’ingérence"),
    ("Arms deliveries", "Livraisons d’armes"),
    ("Shared hostility to jihadist groups", "Hostilité commune envers les groupes djihadistes"),
    ("Trade and transit dependence", "Dépendance commerciale et de transit"),
    ("Personal ties between leaders", "Liens personnels entre dirigeants"),
    ("Disputed control of smuggling routes", "Contrôle disputé des routes de contrebande"),
]

CHANGES = [
    ("Hardened after the {month} attacks.", "Durcissement après les attaques de {month}."),
    ("Softened following mediation by Lomé.", "Assouplissement après la médiation de Lomé."),
    (
        "Public statements now contradict earlier private assurances.",
        "Les déclarations publiques contredisent désormais les assurances données en privé.",
    ),
]

PUBLISHERS = [
    ("ACLED", "acleddata.com", "B"),
    ("Reuters", "www.reuters.com", "A"),
    ("RFI", "www.rfi.fr", "B"),
    ("Jeune Afrique", "www.jeuneafrique.com", "B"),
    ("AFP", "www.afp.com", "A"),
    ("UN OCHA", "www.unocha.org", "A"),
    ("International Crisis Group", "www.crisisgroup.org", "B"),
    ("Le Monde", "www.lemonde.fr", "B"),
    ("Studio Tamani", "www.studiotamani.org", "C"),
    ("Human Rights Watch", "www.hrw.org", "B"),
    ("Amnesty International", "www.amnesty.org", "B"),
    ("Telegram channel", "t.me", "E"),
    ("Local informant", None, "F"),
    ("Wamaps", "www.wamaps.news", "C"),
    ("The Sahel Observer", "sahel-observer.example.org", "D"),
    ("ECOWAS Commission", "ecowas.int", "B"),
    ("Agence d’information du Burkina", "www.aib.media", "D"),
    ("ORTM", "www.ortm.ml", "D"),
]

SOURCE_TITLES = [
    ("Sahel weekly: {place} and surrounding areas", "Hebdomadaire Sahel : {place} et ses environs"),
    ("Situation update, {month}", "Point de situation, {month}"),
    ("Interview with a security official in {place}", "Entretien avec un responsable sécuritaire à {place}"),
    ("Communiqué on the situation in the Sahel", "Communiqué sur la situation au Sahel"),
    ("« Nous irons jusqu’au bout » — statement of {month}", "« Nous irons jusqu’au bout » — déclaration de {month}"),
    ("Field report: displacement around {place}", "Rapport de terrain : déplacements autour de {place}"),
]

AUTHORS = [
    "Aminata Traoré-Diallo",
    "Moussa Ag Acharatoumane",
    "Hélène Lavoix",
    "Seydou Ouédraogo",
    "Fatoumata Maïga",
    "Ousmane Diarra",
    "Clémence Thiébaut",
    "Ibrahim Yahaya Ibrahim",
    "Nadia Benzaïd",
    "Jean-Hervé Jézéquel",
    "Aïssata Coulibaly",
    "Daniel Eizenga",
    "Mariam Sow",
    "Rinaldo Depagne",
    "Sahel desk",
    "Cellule Sahel",
]

BODY_HEADINGS = [
    ("Background", "Contexte"),
    ("Assessment", "Analyse"),
    ("Outlook", "Perspectives"),
    ("What to watch", "À surveiller"),
    ("Implications", "Conséquences"),
]

STANCES = [
    "strongly-supports",
    "supports",
    "leans-supports",
    "neutral",
    "leans-opposes",
    "opposes",
    "strongly-opposes",
    "unknown",
]
RELATION_KINDS = [
    "alliance",
    "partnership",
    "cooperation",
    "neutral",
    "competition",
    "tension",
    "hostility",
    "armed-conflict",
]
LIKELIHOODS = [
    "almost-no-chance",
    "very-unlikely",
    "unlikely",
    "roughly-even-chance",
    "likely",
    "very-likely",
    "almost-certain",
]

_WAGNER_RE = re.compile("wagner")


def _fold(text: str) -> str:
    """Lower-case and strip accents (what a forgiving search would match on); drops other non-ASCII."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")


# Sanity: the non-Wagner pools never mention Wagner.
def _pool_text(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=lambda o: [v for k, v in vars(o).items() if k != "wagner"])


assert not _WAGNER_RE.search(
    _fold(
        _pool_text(
            [
                THEMES,
                SENTENCES,
                KEY_JUDGMENTS,
                RATIONALES,
                FACTORS,
                CHANGES,
                PUBLISHERS,
                SOURCE_TITLES,
                AUTHORS,
                PLACES,
                [a for k, a in A.items() if k not in WAGNER_ONLY],
            ]
        )
    )
)

# ---------------------------------------------------------------------------
# Brief construction
# ---------------------------------------------------------------------------

_END = date(2025, 9, 30)
THEME_WINDOWS = {  # plausible publication dates for each theme
    "niger-coup": (date(2023, 7, 27), date(2024, 12, 31)),
    "minusma-exit": (date(2023, 6, 1), date(2024, 3, 31)),
    "aes-ecowas": (date(2024, 7, 7), _END),
    "jnim-pressure": (date(2022, 1, 1), _END),
    "burkina-mobilisation": (date(2024, 8, 26), _END),
    "northern-mali": (date(2024, 1, 26), _END),
    "russia-partnership": (date(2024, 4, 15), _END),
    "lake-chad": (date(2024, 10, 28), _END),
    "coastal-spillover": (date(2024, 5, 1), _END),
    "resources": (date(2024, 12, 1), _END),
    "france-exit": (date(2022, 8, 15), date(2025, 2, 28)),
    "moura": (date(2023, 5, 12), date(2024, 12, 31)),
    "tinzaouaten": (date(2024, 7, 28), date(2025, 6, 30)),
    "wagner-succession": (date(2023, 8, 24), _END),
}


def _fmt(template: str, ctx: dict) -> str:
    return template.format(**ctx)


def _build(i: int, seed: int, wagner: bool) -> dict:
    rng = Random(f"brief:{seed}:{i}")
    lang = "fr" if rng.random() < 0.15 else "en"
    li = 1 if lang == "fr" else 0
    months = MONTHS_FR if lang == "fr" else MONTHS_EN

    if wagner and rng.random() < 0.5:
        theme = rng.choice(WAGNER_THEMES)
        inject = False
    else:
        theme = rng.choice(THEMES)
        inject = wagner

    lo, hi = THEME_WINDOWS[theme.key]
    d = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
    month = f"{months[d.month - 1]} {d.year}"

    # Actors
    ids = list(theme.core)
    opt = [a for a in theme.optional if a not in ids]
    ids += rng.sample(opt, min(len(opt), rng.randint(1, 3)))
    if inject:
        ids.append("wagner")
        if rng.random() < 0.3:
            ids.append("prigozhin")
    present = set(ids)
    actors = []
    for aid in ids:
        src = A[aid]
        act = {"id": aid, "name": src["name"], "kind": src["kind"]}
        if src["country"]:
            act["country"] = src["country"]
        if src["aliases"] and rng.random() < 0.7:
            act["aliases"] = list(src["aliases"])
        if src["description"] and rng.random() < 0.6:
            act["description"] = src["description"]
        affs = []
        for target, role, status in src["aff"]:
            if target in present:
                aff = {"actor": target, "role": role}
                if rng.random() < 0.8:
                    aff["status"] = status
                affs.append(aff)
        if affs:
            act["affiliations"] = affs
        actors.append(act)

    # Sources
    pubs = rng.sample(PUBLISHERS, rng.randint(2, 4))
    sources = []
    for k, (pub, host, rel) in enumerate(pubs, 1):
        sd = d - timedelta(days=rng.randrange(1, 60))
        smonth = f"{months[sd.month - 1]} {sd.year}"
        src = {
            "id": f"s{k}",
            "title": _fmt(rng.choice(SOURCE_TITLES)[li], {"place": rng.choice(PLACES), "month": smonth}),
            "publisher": pub,
        }
        if host:
            slug = f"{sd.year}{sd.month:02d}{sd.day:02d}-{theme.key}-{rng.randrange(1000, 99999)}"
            src["url"] = f"https://{host}/{'fr' if li else 'en'}/{slug}"
        src["date"] = sd
        src["reliability"] = rel if rng.random() < 0.8 else rng.choice("ABCDEF")
        src["credibility"] = rng.randint(1, 6)
        sources.append(src)
    sids = [s["id"] for s in sources]

    def pick_sources():
        return sorted(rng.sample(sids, rng.randint(1, min(2, len(sids)))))

    names = [a["name"] for a in actors]

    def ctx():
        a, b = rng.sample(names, 2)
        return {
            "a": a,
            "b": b,
            "place": rng.choice(PLACES),
            "n": rng.randint(3, 240),
            "month": month,
            "pub": rng.choice(pubs)[0],
        }

    # Issues
    pool = list(theme.issues)
    issues_src = rng.sample(pool, min(len(pool), rng.randint(2, 3)))
    if inject and all(x[0] != WAGNER_ISSUE[0] for x in issues_src):
        issues_src[-1] = WAGNER_ISSUE
    issues = [{"id": iid, "statement": (en, fr)[li]} for iid, en, fr in issues_src]

    # Positions: distinct (actor, issue) pairs
    pairs = [
        (a["id"], iss["id"]) for a in actors if a["kind"] not in ("person",) or rng.random() < 0.5 for iss in issues
    ]
    rng.shuffle(pairs)
    positions = []
    for aid, iid in pairs[: rng.randint(2, 5)]:
        pos = {"actor": aid, "issue": iid, "stance": rng.choice(STANCES)}
        if rng.random() < 0.8:
            pos["basis"] = rng.choice(["stated", "inferred"])
        pos["confidence"] = rng.choice(["low", "moderate", "high"])
        if rng.random() < 0.7:
            pos["salience"] = rng.randrange(10, 101, 5)
            pos["power"] = rng.randrange(5, 101, 5)
        if rng.random() < 0.6:
            pos["rationale"] = [r[li] for r in rng.sample(RATIONALES, rng.randint(1, 2))]
        if rng.random() < 0.15:
            pos["change"] = _fmt(rng.choice(CHANGES)[li], {"month": month})
        if rng.random() < 0.6:
            pos["sources"] = pick_sources()
        if rng.random() < 0.4:
            pos["as_of"] = d - timedelta(days=rng.randrange(0, 20))
        positions.append(pos)
    positions.sort(key=lambda p: (p["issue"], p["actor"]))

    # Relations: distinct unordered pairs
    relations = []
    seen = set()
    for _ in range(rng.randint(1, 3)):
        x, y = rng.sample([a["id"] for a in actors], 2)
        if frozenset((x, y)) in seen:
            continue
        seen.add(frozenset((x, y)))
        rel = {"actors": [x, y], "kind": rng.choice(RELATION_KINDS)}
        if rng.random() < 0.8:
            rel["trend"] = rng.choice(["improving", "stable", "deteriorating"])
        if rng.random() < 0.6:
            rel["factors"] = [f[li] for f in rng.sample(FACTORS, rng.randint(1, 2))]
        if rng.random() < 0.5:
            rel["sources"] = pick_sources()
        if rng.random() < 0.3:
            rel["as_of"] = d
        relations.append(rel)
    if inject and not any("wagner" in r["actors"] for r in relations):
        partner = "fama" if "fama" in present else rng.choice([a for a in ids if a != "wagner"])
        relations.append({"actors": [partner, "wagner"], "kind": "partnership", "trend": "stable"})

    # Key judgments
    kjs = []
    for tpl in rng.sample(KEY_JUDGMENTS, rng.randint(1, 3)):
        kj = {
            "statement": _fmt(tpl[li], ctx()),
            "likelihood": rng.choice(LIKELIHOODS),
            "confidence": rng.choice(["low", "moderate", "high"]),
        }
        if rng.random() < 0.5:
            kj["sources"] = pick_sources()
        kjs.append(kj)

    # Figures
    figures = []
    for en, fr, lo, hi, unit, status in rng.sample(theme.figures, rng.randint(1, len(theme.figures))):
        as_float = isinstance(lo, float) or isinstance(hi, float)
        value = round(rng.uniform(lo, hi), 1) if as_float else rng.randint(lo, hi)
        fig = {"label": (en, fr)[li], "value": value, "unit": unit}
        r = rng.random()
        fig["date"] = f"{d.year}" if r < 0.2 else f"{d.year}-{d.month:02d}" if r < 0.6 else d.isoformat()
        fig["status"] = status
        if rng.random() < 0.6:
            fig["sources"] = pick_sources()
        figures.append(fig)

    # Title, summary
    ttl = _fmt(rng.choice(theme.titles)[li], {"month": month})
    if inject and rng.random() < 0.5:
        ttl += WAGNER_TITLE_SUFFIX[li]
    c = ctx()
    summary = " ".join([rng.choice(theme.context)[li], _fmt(rng.choice(SENTENCES)[li], c)])

    # Body: headed sections of sentences, a bullet list, maybe a quote
    paragraphs = []
    ctx_sents = [s[li] for s in theme.context]
    rng.shuffle(ctx_sents)
    for h in rng.sample(BODY_HEADINGS, 3):
        sents = [ctx_sents.pop()] if ctx_sents else []
        sents += [_fmt(s[li], ctx()) for s in rng.sample(SENTENCES, rng.randint(2, 3))]
        paragraphs.append(f"## {h[li]}\n\n" + " ".join(sents))
    if wagner:
        ws = _fmt(rng.choice(WAGNER_SENTENCES)[li], ctx())
        k = rng.randrange(len(paragraphs))
        paragraphs[k] += " " + ws
    bullets = [f"- {_fmt(s[li], ctx())}" for s in rng.sample(SENTENCES, rng.randint(2, 3))]
    paragraphs.append("\n".join(bullets))
    if rng.random() < 0.4:
        q = rng.choice(
            [
                "« La patrie ou la mort, nous vaincrons. »",
                "“The transition will last as long as necessary.”",
                "« Nous ne sommes pas des apatrides. »",
            ]
        )
        paragraphs.insert(1, f"> {q}")

    nations = list(theme.nations)
    for a in actors:
        if a.get("country") and a["country"] not in nations and a["kind"] in ("state", "government"):
            nations.append(a["country"])

    tags = rng.sample(theme.tags, rng.randint(2, len(theme.tags)))
    if wagner and "wagner" not in tags and rng.random() < 0.5:
        tags.append("wagner")

    brief = {
        "schema_version": "1.0",
        "id": f"{theme.key}-{d.year}-{d.month:02d}-{i:06d}",
        "title": ttl,
        "date": d,
    }
    if rng.random() < 0.4:
        brief["updated"] = d + timedelta(days=rng.randrange(0, 90))
    brief["language"] = lang
    if lang == "en" and rng.random() < 0.06:
        brief["original_language"] = "fr"
    brief["authors"] = rng.sample(AUTHORS, rng.randint(1, 2))
    brief["domains"] = list(theme.domains)
    brief["regions"] = list(theme.regions)
    brief["nations"] = nations
    brief["tags"] = tags
    brief["summary"] = summary
    brief["actors"] = actors
    brief["issues"] = issues
    brief["positions"] = positions
    brief["relations"] = relations
    brief["key_judgments"] = kjs
    brief["figures"] = figures
    brief["sources"] = sources
    if rng.random() < 0.1:
        brief["x-desk"] = rng.choice(["sahel", "west-africa", "russia-watch"])
    brief["body"] = "\n\n".join(paragraphs) + "\n"
    brief["_sections"] = paragraphs
    brief["_target"] = int(rng.triangular(MIN_BYTES + 150, MAX_BYTES - 100, 3300))
    brief["_rng"] = rng
    return brief


def _referenced_actors(b: dict) -> set:
    refs = {p["actor"] for p in b["positions"]}
    for r in b["relations"]:
        refs.update(r["actors"])
    for a in b["actors"]:
        for aff in a.get("affiliations", ()):
            refs.add(aff["actor"])
    return refs


def _size(obj) -> int:
    return len(json.dumps(obj, ensure_ascii=False, default=str).encode())


def _last_wagner(sections: list, k: int) -> bool:
    """Whether section k is the only one of the body that mentions Wagner (it must stay)."""
    return "Wagner" in sections[k] and sum("Wagner" in x for x in sections) == 1


def _shrink(b: dict, wagner: bool) -> int:
    """Remove one optional element; return its approximate size in bytes (0: nothing more can go)."""
    body = b["_sections"]
    if len(b["positions"]) > 2:
        return _size(b["positions"].pop())
    if len(b["figures"]) > 1:
        return _size(b["figures"].pop())
    if len(b["key_judgments"]) > 1:
        return _size(b["key_judgments"].pop())
    if len(b["relations"]) > 1:
        return _size(b["relations"].pop())
    if len(body) > 3:
        # drop a section that does not carry the Wagner mention
        for k in range(len(body) - 1, -1, -1):
            if not body[k].startswith("## ") or _last_wagner(body, k):
                continue
            n = len(body[k].encode()) + 2
            del body[k]
            b["body"] = "\n\n".join(body) + "\n"
            return n
    for a in b["actors"]:
        if len(a.get("aliases", ())) > 1:
            return _size(a["aliases"].pop())
    refs = _referenced_actors(b)
    for k in range(len(b["actors"]) - 1, -1, -1):
        a = b["actors"][k]
        if a["id"] not in refs and len(b["actors"]) > 3 and not (wagner and a["id"] == "wagner"):
            return _size(b["actors"].pop(k))
    for a in b["actors"]:
        if "description" in a:
            return _size(a.pop("description"))
    for p in b["positions"]:
        if "rationale" in p:
            return _size(p.pop("rationale"))
    for r in b["relations"]:
        if "factors" in r:
            return _size(r.pop("factors"))
    used = {
        s
        for sec in ("positions", "relations", "key_judgments", "figures")
        for x in b[sec]
        for s in x.get("sources", ())
    }
    for k in range(len(b["sources"]) - 1, 0, -1):
        if b["sources"][k]["id"] not in used:
            return _size(b["sources"].pop(k))
    if len(body) > 2:
        # then quotes, lists and sections, down to two blocks
        order = sorted(range(len(body)), key=lambda k: (not body[k].startswith("> "), not body[k].startswith("- "), -k))
        for k in order:
            if _last_wagner(body, k):
                continue
            n = len(body[k].encode()) + 2
            del body[k]
            b["body"] = "\n\n".join(body) + "\n"
            return n
    for p in b["positions"]:
        for key in ("as_of", "salience", "power", "basis"):
            if key in p:
                return _size(p.pop(key)) + len(key) + 4
    # last resort: thinner actors, fewer positions (frees actors for removal above)
    for a in b["actors"]:
        if "aliases" in a:
            return _size(a.pop("aliases")) + 10
        if "affiliations" in a:
            return _size(a.pop("affiliations")) + 15
    if len(b["positions"]) > 1:
        return _size(b["positions"].pop())
    return 0


def _grow(b: dict) -> int:
    rng = b["_rng"]
    li = 1 if b["language"] == "fr" else 0
    names = [a["name"] for a in b["actors"]]
    a, bb = rng.sample(names, 2)
    c = {
        "a": a,
        "b": bb,
        "place": rng.choice(PLACES),
        "n": rng.randint(3, 240),
        "month": str(b["date"].year),
        "pub": b["sources"][0]["publisher"],
    }
    b["_sections"].append(" ".join(_fmt(s[li], c) for s in rng.sample(SENTENCES, 3)))
    b["body"] = "\n\n".join(b["_sections"]) + "\n"
    return len(b["_sections"][-1].encode()) + 2


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ][^:#\[\]{},\"'\n\t\\|>&*!%@`]*$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}
_ID_RE = re.compile(r"^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$")


_SCALARS: dict = {}


def _scalar(v) -> str:
    if type(v) is str:
        r = _SCALARS.get(v)
        if r is None:
            r = _str_scalar(v)
            if len(_SCALARS) < 200_000:
                _SCALARS[v] = r
        return r
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, date):
        return v.isoformat()  # unquoted: a YAML timestamp, read back as a string by brief
    return _str_scalar(str(v))


def _str_scalar(s: str) -> str:
    if _PLAIN_RE.match(s) and s == s.strip() and s.lower() not in _RESERVED and "  " not in s:
        return s
    return json.dumps(s, ensure_ascii=False)


def _flow(items) -> str:
    if all(isinstance(x, str) and _ID_RE.match(x) and x.lower() not in _RESERVED for x in items):
        return "[" + ", ".join(items) + "]"
    return None


def _yaml_lines(obj, indent: int, out: list) -> None:
    pad = " " * indent
    for k, v in obj.items():
        if isinstance(v, dict):
            out.append(f"{pad}{k}:")
            _yaml_lines(v, indent + 2, out)
        elif isinstance(v, list):
            fl = _flow(v) if k in ("tags", "nations", "sources", "actors", "domains", "regions") else None
            if fl is not None and all(isinstance(x, str) for x in v):
                out.append(f"{pad}{k}: {fl}")
                continue
            out.append(f"{pad}{k}:")
            for item in v:
                if isinstance(item, dict):
                    sub: list = []
                    _yaml_lines(item, indent + 4, sub)
                    first = sub[0][indent + 4 :]
                    out.append(f"{pad}  - {first}")
                    out.extend(sub[1:])
                else:
                    out.append(f"{pad}  - {_scalar(item)}")
        elif isinstance(v, str) and "\n" in v:
            out.append(f"{pad}{k}: |")
            for line in v.rstrip("\n").split("\n"):
                out.append(f"{pad}  {line}" if line else "")
        else:
            out.append(f"{pad}{k}: {_scalar(v)}")


def _public(b: dict) -> dict:
    return {k: v for k, v in b.items() if not k.startswith("_")}


def to_yaml(b: dict, *, with_body: bool = True) -> str:
    d = _public(b)
    if not with_body:
        d.pop("body", None)
    out: list = []
    _yaml_lines(d, 0, out)
    return "\n".join(out) + "\n"


def _jsonable(v):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def render(b: dict, fmt: str) -> str:
    if fmt == "yaml":
        return to_yaml(b)
    if fmt == "json":
        return json.dumps(_jsonable(_public(b)), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return "---\n" + to_yaml(b, with_body=False) + "---\n\n" + b["body"]
    raise ValueError(f"unknown format {fmt!r}")


def make_brief(i: int, seed: int, wagner: bool, fmt: str) -> tuple[dict, str]:
    """Build brief number ``i`` and render it in ``fmt``, sized within 2–5 KB."""
    b = _build(i, seed, wagner)
    target = min(b["_target"], MAX_BYTES)
    # Rendering is the costly part: shrink/grow on estimates, then re-render to check.
    text = render(b, fmt)
    for _ in range(10):
        size = len(text.encode())
        if size > target + 200:
            est = size
            while est > target:
                removed = _shrink(b, wagner)
                if not removed:
                    break
                est -= removed
            if est == size:  # nothing left to remove
                break
        elif size < MIN_BYTES:
            est = size
            while est < max(target - 200, MIN_BYTES + 100):
                est += _grow(b)
        else:
            break
        text = render(b, fmt)
    return b, text


# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------


def source_digest() -> str:
    """Digest of this file, so caches of generated corpora notice any change to the generator."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def parse_formats(spec: str) -> dict:
    """``"yaml,json"`` (default weights) or ``"yaml=80,json=20"`` -> {fmt: weight}."""
    weights = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, w = part.partition("=")
        name = name.strip().lower()
        if name not in EXTENSIONS:
            raise ValueError(f"unknown format {name!r} (expected one of {', '.join(EXTENSIONS)})")
        weights[name] = float(w) if w else DEFAULT_WEIGHTS[name]
    if not weights or sum(weights.values()) <= 0:
        raise ValueError("no formats selected")
    return weights


def _plan(count: int, seed: int, weights: dict) -> tuple[list, list]:
    rng = Random(f"plan:{seed}")
    # Exact format counts (largest remainder), then shuffled.
    total = sum(weights.values())
    quotas = {f: count * w / total for f, w in weights.items()}
    counts = {f: int(q) for f, q in quotas.items()}
    for f in sorted(quotas, key=lambda f: (-(quotas[f] - counts[f]), f))[: count - sum(counts.values())]:
        counts[f] += 1
    fmts = [f for f in weights for _ in range(counts[f])]
    rng.shuffle(fmts)
    # Exactly round(count * share) Wagner briefs.
    n_wagner = round(count * WAGNER_SHARE)
    wagner = [False] * count
    for k in rng.sample(range(count), n_wagner):
        wagner[k] = True
    return fmts, wagner


@dataclass
class CorpusStats:
    out_dir: Path
    count: int = 0
    total_bytes: int = 0
    min_bytes: int = 0
    max_bytes: int = 0
    formats: dict = field(default_factory=dict)
    wagner: int = 0  # files containing "Wagner" (exact case)
    wagner_folded: int = 0  # files matching "wagner" ignoring case and accents
    files: list = field(default_factory=list)

    @property
    def mean_bytes(self) -> float:
        return self.total_bytes / self.count if self.count else 0.0

    def summary(self) -> str:
        fm = ", ".join(f"{k} {v}" for k, v in sorted(self.formats.items()))
        return (
            f"{self.count} briefs in {self.out_dir} ({fm}); total {self.total_bytes:,} bytes, "
            f"mean {self.mean_bytes:,.0f} B (min {self.min_bytes:,}, max {self.max_bytes:,}); "
            f"Wagner: {self.wagner} ({100 * self.wagner / max(self.count, 1):.1f} %), "
            f"case/accent-insensitive: {self.wagner_folded}"
        )


def generate(out_dir, count: int, seed: int = 1, formats="yaml,json,md", *, force: bool = False) -> CorpusStats:
    """Write ``count`` briefs into ``out_dir`` (flat) and return statistics.

    ``formats`` is a spec string (see :func:`parse_formats`) or a {format: weight} dict.
    ``out_dir`` must be empty or absent; with ``force``, existing .yaml/.json/.md files are removed first.
    """
    out = Path(out_dir)
    weights = parse_formats(formats) if isinstance(formats, str) else dict(formats)
    out.mkdir(parents=True, exist_ok=True)
    existing = [p for p in out.iterdir()]
    if existing:
        if not force:
            raise FileExistsError(f"{out} is not empty (use force=True / --force)")
        for p in existing:
            if p.is_file() and p.suffix in EXTENSIONS.values():
                p.unlink()
    fmts, wagner = _plan(count, seed, weights)
    stats = CorpusStats(out_dir=out, min_bytes=sys.maxsize)
    for i in range(count):
        b, text = make_brief(i, seed, wagner[i], fmts[i])
        data = text.encode()
        folded = _fold(text)
        has_exact = "Wagner" in text
        has_folded = "wagner" in folded
        if has_folded != wagner[i] or has_exact != wagner[i]:
            raise AssertionError(f"brief {i}: Wagner mention {has_exact}/{has_folded}, planned {wagner[i]}")
        path = out / f"{b['id']}{EXTENSIONS[fmts[i]]}"
        with open(path, "wb") as fh:
            fh.write(data)
        stats.count += 1
        stats.total_bytes += len(data)
        stats.min_bytes = min(stats.min_bytes, len(data))
        stats.max_bytes = max(stats.max_bytes, len(data))
        stats.formats[fmts[i]] = stats.formats.get(fmts[i], 0) + 1
        stats.wagner += has_exact
        stats.wagner_folded += has_folded
        stats.files.append(path)
    if not count:
        stats.min_bytes = 0
    return stats


# ---------------------------------------------------------------------------
# Scratch verification (independent of brief): schema + cross-reference rules
# ---------------------------------------------------------------------------

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "brief.schema.json"


def _loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # timestamps stay strings, as in brief and check-jsonschema
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str)
    return yaml, Loader


def load_file(path) -> dict:
    yaml, Loader = _loader()
    text = Path(path).read_text(encoding="utf-8")
    suffix = Path(path).suffix
    if suffix == ".json":
        return json.loads(text)
    if suffix == ".md":
        if not text.startswith("---\n"):
            raise ValueError("no front matter")
        end = text.index("\n---\n", 3)
        data = yaml.load(text[4 : end + 1], Loader=Loader)
        data["body"] = text[end + 5 :].lstrip("\n")
        return data
    return yaml.load(text, Loader=Loader)


def check_rules(data: dict) -> list:
    """The cross-reference rules the schema cannot express."""
    errs = []
    seen = {}
    for section in ("actors", "issues", "sources"):
        for item in data.get(section, ()):
            if item["id"] in seen:
                errs.append(f"duplicate id {item['id']!r} ({seen[item['id']]} and {section})")
            seen[item["id"]] = section
    actors = {a["id"] for a in data.get("actors", ())}
    issues = {x["id"] for x in data.get("issues", ())}
    sources = {s["id"] for s in data.get("sources", ())}
    for a in data.get("actors", ()):
        for aff in a.get("affiliations", ()):
            if aff["actor"] not in actors:
                errs.append(f"affiliation of {a['id']} to unknown actor {aff['actor']!r}")
    pairs = set()
    for p in data.get("positions", ()):
        if p["actor"] not in actors:
            errs.append(f"position: unknown actor {p['actor']!r}")
        if p["issue"] not in issues:
            errs.append(f"position: unknown issue {p['issue']!r}")
        if (p["actor"], p["issue"]) in pairs:
            errs.append(f"two positions for {p['actor']}/{p['issue']}")
        pairs.add((p["actor"], p["issue"]))
    for r in data.get("relations", ()):
        for x in r["actors"]:
            if x not in actors:
                errs.append(f"relation: unknown actor {x!r}")
    for section in ("positions", "relations", "key_judgments", "figures"):
        for item in data.get(section, ()):
            for s in item.get("sources", ()):
                if s not in sources:
                    errs.append(f"{section}: unknown source {s!r}")
    if "updated" in data and str(data["updated"]) < str(data["date"]):
        errs.append("updated before date")
    return errs


def verify(paths, schema_path=SCHEMA_PATH) -> list:
    """Validate files with jsonschema (2020-12 + formats) and the extra rules; return error strings."""
    from jsonschema import Draft202012Validator

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = []
    ids = {}
    for path in paths:
        try:
            data = load_file(path)
        except Exception as exc:  # report, don't stop
            errors.append(f"{path}: cannot load: {exc}")
            continue
        for e in validator.iter_errors(data):
            errors.append(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        errors.extend(f"{path}: {msg}" for msg in check_rules(data))
        bid = data.get("id")
        if bid in ids:
            errors.append(f"{path}: brief id {bid!r} also in {ids[bid]}")
        ids[bid] = path
    return errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--formats",
        default="yaml,json,md",
        help="comma-separated formats, optionally weighted: yaml=70,json=15,md=15 (default weights 70/15/15)",
    )
    ap.add_argument("--force", action="store_true", help="remove existing briefs in OUT_DIR first")
    ap.add_argument(
        "--verify",
        type=int,
        default=0,
        metavar="N",
        help="check N files spread over the corpus (-1: all) with jsonschema and the extra rules",
    )
    args = ap.parse_args(argv)
    try:
        stats = generate(args.out_dir, args.count, args.seed, args.formats, force=args.force)
    except (ValueError, FileExistsError) as exc:
        print(f"corpus.py: {exc}", file=sys.stderr)
        return 2
    print(stats.summary())
    if args.verify:
        files = stats.files
        if args.verify > 0 and args.verify < len(files):
            step = len(files) / args.verify
            files = [files[int(k * step)] for k in range(args.verify)]
        errs = verify(files)
        for e in errs[:50]:
            print(e, file=sys.stderr)
        print(f"verified {len(files)} files: {len(errs)} errors")
        return 1 if errs else 0
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
