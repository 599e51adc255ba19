"""Authoring tool for the demo corpus: (re)writes ``items/<feed_slug>.jsonl``.

The JSONL files are the source of truth that the demo serves; this module is how they were
written (hand-written French and English texts, combined with a seeded random generator for times,
places and the assignment to feeds) and how to write them again after changing a text here::

    .venv/bin/python -m deploy.demo.generate_items

Re-running it overwrites the JSONL files (hand edits made to them directly are lost), and the
output is deterministic for a given Python version. All brands, people, sites and handles are
fictional.

Scenario written (``minutes_ago`` is relative to the serving time):

* Laiterie Bonval crisis: a product recall (listeria) starting 49.5 minutes ago, 48 items,
  mostly negative and French, including posts by two influencers;
* Ferralis volume spike: 60 items about a surprise strike within the last 15 minutes, after a
  baseline of exactly one Ferralis item per hour over the previous 72 hours;
* background: Nuvia Télécom, Laiterie Bonval, Doux Pâturages and off-topic items over 3 days.
"""

# ruff: noqa: E501  (the text tables below are data: one template per line, however long)

from __future__ import annotations

import html
import json
import logging
import random
import re
import unicodedata
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

__all__ = ["build_items", "main", "write_items"]

_LOG = logging.getLogger(__name__)

THREE_DAYS = 72 * 60
SEED = 20_251_122

NEG, NEU, POS = "negative", "neutral", "positive"
FR, EN = "fr", "en"
FER, BON, DOUX, NUV = "ferralis", "bonval", "doux-paturages", "nuvia"


@dataclass
class Draft:
    """An item before guid/link assignment."""

    feed: str
    minutes_ago: float
    title: str
    html: str
    lang: str
    brands: tuple[str, ...]
    sentiment: str
    scenario: str
    author: str | None = None
    categories: tuple[str, ...] = ()
    content_html: str | None = None
    topic: str | None = None


# --------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------

CITY_PAIRS = [
    ("Nantes", "Angers"),
    ("Lyon", "Grenoble"),
    ("Rennes", "Saint-Malo"),
    ("Bordeaux", "Arcachon"),
    ("Lille", "Arras"),
    ("Tours", "Orléans"),
    ("Marseille", "Toulon"),
    ("Strasbourg", "Colmar"),
    ("Dijon", "Besançon"),
    ("Toulouse", "Montauban"),
    ("Caen", "Rouen"),
    ("Clermont-Ferrand", "Vichy"),
    ("Saint-Aubin-du-Val", "Le Mans"),
]
HOURS = ["6h58", "7h12", "7h42", "8h05", "8h31", "12h20", "17h36", "18h14", "18h52", "19h07"]
HOURS_EN = ["6:58", "7:42", "8:05", "12:20", "17:36", "18:14", "19:07"]
DELAYS = [12, 18, 22, 25, 35, 40, 55, 70]
TOWNS = [
    "Montreuil",
    "Villeurbanne",
    "Rennes",
    "Lille",
    "Nantes",
    "Toulouse",
    "Brest",
    "Metz",
    "Pau",
    "Annecy",
]
DURATIONS = ["deux jours", "36 heures", "une semaine", "lundi", "ce matin", "vendredi soir"]
DURATIONS_EN = ["two days", "36 hours", "a week", "Monday", "this morning"]
WAITS = [25, 38, 45, 52, 67, 90]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "septembre", "octobre"]


def _slots(rng: random.Random) -> dict[str, Any]:
    v1, v2 = rng.choice(CITY_PAIRS)
    if rng.random() < 0.4:
        v1, v2 = v2, v1
    return {
        "v1": v1,
        "v2": v2,
        "heure": rng.choice(HOURS),
        "hour": rng.choice(HOURS_EN),
        "retard": rng.choice(DELAYS),
        "num": rng.randint(4100, 8999),
        "ville": rng.choice(TOWNS),
        "duree": rng.choice(DURATIONS),
        "duration": rng.choice(DURATIONS_EN),
        "attente": rng.choice(WAITS),
        "mois": rng.choice(MONTHS),
    }


# --------------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------------

AUTHORS: dict[str, list[str]] = {
    "conso-hebdo": ["Rédaction Conso Hebdo", "Claire Méndez", "Thomas Lefèvre-Arnaud", "Inès Benali"],
    "courrier-du-val": ["Jean-Marc Poulain", "Sophie Kerjean", "Yanis Ferreira", "La rédaction"],
    "forum-rouages": [
        "tchoutchou44",
        "Gégé_du_69",
        "fibre_or_not",
        "mamie_geek",
        "Loulou35",
        "velotaf_nantes",
        "ben-oît",
        "Zébulon",
        "kevin.r",
        "La_Fourmi",
    ],
    "plaintes-express": ["Nathalie P.", "Karim B.", "Élodie M.", "Vincent D.", "Aurélie T.", "Mehdi S."],
    "pouet-social": [
        "@lea_rennes",
        "@velotaf_nantes",
        "@koala_du_83",
        "@juju_lyon",
        "@sam_dev",
        "@nounoursette",
        "@pierrick_bzh",
        "@marion.cuisine",
        "@yannick_t",
        "@fred_quai9",
        "@aurore_pdl",
    ],
    "techpulse": ["Dex Holloway", "Maya Lindqvist", "Oren Patel", "Sam Whitfield"],
    "trustcrate-reviews": ["Priya Castellane", "Tom B.", "Helen W.", "Marco R.", "Ana Sofia L.", "Jake T."],
    "railfans-community": [
        "steamfan1966",
        "anna_on_rails",
        "gricer_pete",
        "loco_lucie",
        "night_owl_travels",
        "mike_in_lyon",
    ],
}


# fmt: off
# --------------------------------------------------------------------------------------------
# Texts. Conventions per feed:
#   pouet-social:        (text, sentiment)                    — title derived from the text
#   forum-rouages:       (section, topic, reply?, html, sentiment) — html "" = title only
#   railfans-community:  (category, topic, reply?, html, sentiment)
#   trustcrate-reviews:  (stars, headline, body, sentiment)
#   others:              (title, html, sentiment); news sites add a closing paragraph as full content
# --------------------------------------------------------------------------------------------

Toot = tuple[str, str]
Post = tuple[str, str, bool, str, str]
Review = tuple[int, str, str, str]
Article = tuple[str, str, str]

# ---- Ferralis baseline (French) ----

FER_BASE_POUET: list[Toot] = [
    ("Encore {retard} minutes de retard sur le Ferralis de {heure} {v1}–{v2}. Merci pour la ponctualité 🙄 #Ferralis", NEG),
    ("Train {num} supprimé « pour raisons techniques ». Troisième fois ce mois-ci. @Ferralis_Info vous comptez faire quelque chose ? #fail", NEG),
    ("L’appli Ferralis plante au moment de payer. Deux fois. J’ai fini par acheter au guichet 😤", NEG),
    ("Pas de chauffage dans le Ferralis {v1}–{v2} ce matin, on se croirait dans un frigo 🥶 #Ferralis", NEG),
    ("Quai changé 2 minutes avant le départ à {v1}, tout le monde qui court avec ses valises… Merci Ferralis 🙃", NEG),
    ("Contrôleur adorable ce matin sur le {v1}–{v2} : il a aidé une dame avec sa poussette et trois valises. Bravo à l'équipe Ferralis 👏 #merci", POS),
    ("Pile à l’heure, Wi-Fi qui marche, café correct : Ferralis, je retire ce que j’ai dit la semaine dernière 😄", POS),
    ("Remboursement Ferralis reçu en 48 h après le retard de mardi. Franchement, rien à redire. #merci", POS),
    ("Le nouveau direct {v1}–{v2} de Ferralis me fait gagner 25 minutes par jour 🚆 merci !", POS),
    ("Quelqu’un sait si les abonnements Ferralis augmentent en janvier ? #Ferralis", NEU),
    ("Dans le Ferralis pour {v2}, la vallée sous la brume ce matin 📷 #train", NEU),
    ("Les toilettes du Ferralis {v1}–{v2} fermées sur tout le trajet (2 h !). Sympa pour les enfants 😑", NEG),
    ("Ferralis a enfin installé des prises USB dans les rames du {v1}–{v2}. Petit bonheur du matin 🔌", POS),
    ("Annonce sonore du Ferralis de {heure} : incompréhensible. On a tous deviné « retard de {retard} minutes » 🙃", NEG),
    ("Premier trajet {v1}–{v2} avec Ferralis depuis des années : propre, à l'heure, personnel souriant. Je suis agréablement surprise ✨", POS),
    ("Le guichet Ferralis de {v2} ferme à 18 h maintenant ? Et les gens qui rentrent du boulot, on fait comment ?", NEG),
    ("@Ferralis_Info votre site affiche le {heure} à l’heure alors qu’il est annoncé avec {retard} min en gare. Faudrait synchroniser 😅", NEG),
]

FER_BASE_FORUM: list[Post] = [
    ("Transports", "Retards à répétition sur {v1}–{v2} (Ferralis)", False, "<p>Troisième semaine que le {heure} arrive avec {retard} minutes de retard. Quelqu'un a réussi à obtenir une compensation chez Ferralis ?</p>", NEG),
    ("Transports", "Remboursement Ferralis : vos délais ?", True, "<p>Chez moi 6 semaines et deux relances. Le formulaire en ligne ne garde même pas les pi&egrave;ces jointes.</p>", NEG),
    ("Transports", "Abonnement annuel Ferralis, ça vaut le coup ?", True, "<p>Pour {v1}–{v2} oui, largement rentabilisé en 4 mois, et les contrôleurs sont sympas.</p>", POS),
    ("Transports", "Vélo dans les trains Ferralis", True, "<p>R&eacute;servation obligatoire depuis avril, 3 places par rame. Pensez-y l&rsquo;&eacute;t&eacute; &amp; les week-ends !</p>", NEU),
    ("Transports", "Ferralis – travaux sur la ligne {v1}–{v2}", True, '<p>Bus de substitution tout le week-end, prévoir 40 minutes de plus. Infos sur <a href="viewtopic.php?t=2210">le sujet travaux</a>.</p>', NEU),
    ("Transports", "Quelqu'un a testé la 1re classe Ferralis ?", True, '<p>Sièges larges, prises qui marchent, calme. Je recommande pour bosser <img src="images/smilies/icon_e_smile.gif" alt=":)"></p>', POS),
    ("Transports", "Retards à répétition sur {v1}–{v2} (Ferralis)", True, "", NEU),
    ("Transports", "Appli Ferralis : paiement refusé", True, "<blockquote><cite>kevin.r a écrit :</cite>Carte refusée trois fois</blockquote><p>Pareil, il faut vider le cache de l’appli. Pas terrible pour une appli de 2025&hellip;</p>", NEG),
    ("Transports", "Contrôleurs Ferralis au top hier soir", False, "<p>Train bloqué 30 minutes à {v1}, mais le contrôleur a fait des annonces toutes les 5 minutes et distribué de l'eau. Respect.</p>", POS),
    ("Transports", "Carte Ferralis Senior : avis ?", False, "<p>Ma mère hésite à la prendre pour aller voir ses petits-enfants à {v2}. Rentable à partir de combien de trajets&nbsp;?</p>", NEU),
    ("Transports", "Carte Ferralis Senior : avis ?", True, "<p>Dès 3 allers-retours par an c'est amorti. Et les réductions marchent aussi le week-end.</p>", POS),
    ("Transports", "Ferralis supprime le train de {heure}", False, "<p>Plus de direct {v1}–{v2} le matin à partir du mois prochain. Je vais devoir prendre la voiture, merci Ferralis&hellip;</p>", NEG),
    ("Transports", "Objets trouvés Ferralis : ça marche ?", False, "<p>Doudou oublié dans le train {num}, récupéré le lendemain en gare de {v2}. Service impeccable&nbsp;!</p>", POS),
    ("Transports", "Ferralis : places PMR toujours occupées", False, "<p>Rampe d’accès en panne à {v1} depuis trois semaines, personne ne répond aux signalements.</p>", NEG),
    ("Transports", "Ferralis : les nouveaux horaires de décembre", False, "<p>Quelqu’un a le PDF des horaires {v1}–{v2} ? Le lien du site Ferralis est cassé.</p>", NEU),
]

FER_BASE_COURRIER: list[Article] = [
    ("{v1} : la ligne Ferralis vers {v2} fermée deux week-ends pour travaux", "<p>Ferralis remplace la voie entre <b>{v1}</b> et <b>{v2}</b>. Des cars assureront la desserte les samedis et dimanches.</p>", NEU),
    ("Ferralis renforce ses dessertes entre {v1} et {v2} dès lundi", "<p>Quatre allers-retours supplémentaires aux heures de pointe, annonce l'opérateur ferroviaire.</p>", POS),
    ("Incident de signalisation : trafic Ferralis perturbé près de {v1}", "<p>Des retards de {retard} minutes en moyenne ont été constatés ce matin. La situation est revenue à la normale vers 10&nbsp;h.</p>", NEG),
    ("Les usagers de la ligne {v1}–{v2} dénoncent des retards chroniques", "<p>L’association des usagers a remis une pétition de 1 200 signatures à la direction régionale de Ferralis.</p>", NEG),
    ("Ferralis : une nouvelle halte ferroviaire inaugurée à {v2}", "<p>La halte, accessible aux personnes à mobilité réduite, sera desservie par 14 trains par jour.</p>", NEU),
    ("Fréquentation record sur les trains régionaux Ferralis cet été", "<p>+11 % de voyageurs en juillet et août : un succès porté par le « billet été » à 10 €.</p>", POS),
    ("Gare de {v1} : Ferralis promet des ascenseurs d’ici 2027", "<p>Les travaux d’accessibilité, estimés à 4 millions d’euros, débuteront au printemps.</p>", NEU),
    ("Ferralis : les contrôleurs de la région reçus par la direction", "<p>Les agents dénoncent le sous-effectif sur la ligne {v1}–{v2}. Une nouvelle réunion est prévue dans quinze jours.</p>", NEU),
    ("Un train Ferralis percute un arbre tombé sur la voie, pas de blessé", "<p>Les 140 passagers ont été évacués vers {v2} par car. Le trafic a repris en fin de matinée.</p>", NEG),
]

FER_BASE_PLAINTES: list[Article] = [
    ("Ferralis — Remboursement jamais reçu après l’annulation du {v1}–{v2}", "<p>Demande déposée il y a deux mois, dossier « en cours de traitement ». J'attends toujours mes 38&nbsp;€.</p>", NEG),
    ("Ferralis — Double prélèvement sur mon abonnement", "<p>Ferralis m’a prélevé deux fois l’abonnement mensuel. Le service client me renvoie vers ma banque.</p>", NEG),
    ("Ferralis — Amende injustifiée malgré un billet valide", "<p>Mon billet électronique ne s’affichait pas (plus de réseau). Amende de 50&nbsp;€ sans discussion.</p>", NEG),
    ("Ferralis — Bagage oublié, aucune réponse des objets trouvés", "<p>Valise bleue oubliée dans le train {num}. Trois mails, zéro réponse.</p>", NEG),
    ("Ferralis — Réclamation traitée rapidement, merci", "<p>Retard de {retard} minutes, bon d’achat reçu en une semaine. Pour une fois, bravo.</p>", POS),
    ("Ferralis — Siège réservé occupé, contrôleur indifférent", "<p>J'ai voyagé debout deux heures avec un billet à place réservée.</p>", NEG),
    ("Ferralis — Compensation retard refusée pour 29 minutes", "<p>Arrivée avec 29 minutes de retard selon Ferralis, 41 selon ma montre et mes collègues.</p>", NEG),
]

FER_BASE_CONSO: list[Article] = [
    ("Retards de train : comment obtenir un dédommagement chez Ferralis", "<p>À partir de 30 minutes de retard, vous pouvez prétendre à une compensation. Notre mode d'emploi&nbsp;:</p><ul><li>garder son billet&nbsp;;</li><li>faire la demande sous 60 jours&nbsp;;</li><li>relancer par écrit.</li></ul>", NEU),
    ("Résultats trimestriels : Ferralis annonce une fréquentation en hausse de 4 %", "<p>L’opérateur ferroviaire affiche aussi une ponctualité de 89,2 %, un chiffre contesté par les associations d’usagers.</p>", NEU),
    ("Ferralis lance un abonnement « Liberté Jeunes » à 19 € par mois", "<p>Réservé aux moins de 27 ans, il donne accès à tous les trains régionaux de l’opérateur hors heures de pointe.</p>", NEU),
    ("Billets de train : Ferralis épinglé pour ses frais de modification", "<p>Jusqu'à 15&nbsp;€ pour changer un billet la veille du départ : une association de consommateurs saisit la DGCCRF.</p>", NEG),
]

# ---- Ferralis baseline (English) ----

FER_BASE_RAILFANS: list[Post] = [
    ("Trip Reports", "Ferralis night train Paris–Nice: trip report", False, "<p>Clean couchettes, a friendly attendant and we arrived 5 minutes early. Would book Ferralis again.</p>", POS),
    ("Trip Reports", "Ferralis night train Paris–Nice: trip report", True, "<p>Thanks, that's reassuring. Did you get breakfast included?</p>", NEU),
    ("France", "How reliable are Ferralis regional trains, really?", False, "<p>Planning a week between {v1} and {v2}. Locals on French forums seem to hate Ferralis — is it that bad?</p>", NEU),
    ("France", "How reliable are Ferralis regional trains, really?", True, "<p>Mostly fine in my experience. Expect the odd 10–20 minute delay at rush hour.</p>", NEU),
    ("France", "Stuck 40 minutes outside {v1} on a Ferralis service again", False, "<p>No announcement for the first half hour. Third time this month on this line. Getting old.</p>", NEG),
    ("Tickets & Fares", "Ferralis refund process for foreign travellers — any tips?", False, "<p>My {hour} train was cancelled. The refund form wants a French IBAN?!</p>", NEU),
    ("Tickets & Fares", "Ferralis refund process for foreign travellers — any tips?", True, "<p>Use the English version of the form, it accepts any IBAN. Took 3 weeks for me.</p>", NEU),
    ("Photos", "Photos: Ferralis' new double-deck units at {v1}", False, '<p>Caught two of them side by side this morning. <img src="https://community.railfans.example/uploads/ferralis-dd.jpg" alt="Ferralis double-deck units"></p>', POS),
    ("Tickets & Fares", "Ferralis app won't accept my UK card", False, "<p>Tried three cards. Ended up queueing 25 minutes at the ticket office.</p>", NEG),
    ("France", "Lovely Ferralis staff at {v1}", False, "<p>Missed my connection because of a late arrival, the staff rebooked me and printed a hotel voucher in 5 minutes. Hats off.</p>", POS),
    ("France", "Bikes on Ferralis trains?", False, "<p>Is a reservation needed for a full-size bike on the {v1}–{v2} line?</p>", NEU),
    ("Photos", "Ferralis regional unit in the snow near {v2}", False, "<p>Minus eight this morning, but the 7:12 was bang on time.</p>", POS),
    ("Trip Reports", "Day trip {v1} to {v2} with Ferralis", False, "<p>Easy booking, scenic route, 20 minutes late on the way back. Fair enough.</p>", NEU),
    ("Tickets & Fares", "Is the Ferralis regional day pass worth it?", False, "<p>Two or more return trips in a day and it pays off.</p>", NEU),
    ("France", "Ferralis announcements only in French?", False, "<p>Last week's platform change at {v1} was never announced in English. We nearly missed the train.</p>", NEG),
    ("Trip Reports", "Ferralis first class on the {v1} line", False, "<p>Quiet, big seats, free water. For €6 more it's a bargain.</p>", POS),
]

FER_BASE_REVIEWS: list[Review] = [
    (2, "Late again, but friendly staff", "<p>Ferralis got me from {v1} to {v2} 35 minutes late. The conductor was lovely, the punctuality is not.</p>", NEG),
    (5, "Smooth ride, fair price", "<p>Booked a Ferralis regional ticket on the app, on time both ways, clean carriages.</p>", POS),
    (1, "Refund still pending after two months", "<p>Ferralis cancelled my train and I'm still waiting for the money. Emails go unanswered.</p>", NEG),
    (4, "Good value rail pass", "<p>The Ferralis weekly pass paid for itself in three days. Trains can be crowded.</p>", POS),
    (3, "OK for short hops", "<p>Nothing special about Ferralis, nothing terrible either. Wi-Fi is patchy.</p>", NEU),
    (1, "Dirty carriages, broken toilets", "<p>Ferralis {v1}–{v2}: no working toilet for two hours.</p>", NEG),
    (5, "Helpful conductor saved our trip", "<p>We boarded the wrong Ferralis train; the conductor sorted everything with a smile.</p>", POS),
    (3, "Fine, but the app is confusing", "<p>Ferralis trains were OK. Buying a ticket in the app took three attempts.</p>", NEU),
]

# ---- Ferralis spike (strike) ----

FER_SPIKE_POUET: list[Toot] = [
    ("Grève surprise chez Ferralis : mon {heure} pour {v2} est annulé 😡 #GrèveFerralis #Ferralis", NEG),
    ("Aucun train Ferralis au départ de {v1} ce soir. AUCUN. Et zéro info sur les écrans. #grève #fail", NEG),
    ("Quai bondé à {v1}, le panneau affiche « supprimé » partout. Merci Ferralis pour le préavis 🙃 #GrèveFerralis", NEG),
    ("@Ferralis_Info il y a des bus de substitution pour {v2} ou on dort en gare ? #grève", NEG),
    ("3e train annulé ce soir. Je vais rater la garde de ma fille. Ferralis, sérieusement ?! #GrèveFerralis", NEG),
    ("Soutien aux agents Ferralis en grève ✊ les conditions de travail se dégradent depuis des années #grève", NEU),
    ("Covoiturage {v1} → {v2} ce soir à cause de la grève Ferralis, 3 places dispo, écrivez-moi 🚗 #GrèveFerralis", NEU),
    ("Info trafic Ferralis : trafic très perturbé sur l’ensemble du réseau régional jusqu’à demain 8 h https://ferralis.example/info-trafic #Ferralis", NEU),
    ("Train annulé, appli Ferralis en panne, guichet fermé. Le combo parfait 🤡 #fail #Ferralis", NEG),
    ("Ferralis parle d’une grève « imprévisible »… les syndicats l’avaient annoncée lundi 🤦 #GrèveFerralis", NEG),
    ("Des centaines de personnes coincées en gare de {v1} et personne de Ferralis pour informer. Honteux. #grève", NEG),
    ("Mon train pour {v2} : annulé. Le suivant : annulé. Le bus : complet. Bravo Ferralis 👏👏 (ironie) #GrèveFerralis", NEG),
    ("Quelqu’un sait si les billets Ferralis annulés ce soir seront remboursés automatiquement ? #grève", NEU),
    ("Ça fait une heure qu’on attend sur le quai à {v1}, toujours aucune annonce. #Ferralis #GrèveFerralis", NEG),
    ("Dernier train Ferralis pour {v2} supprimé, je dors chez ma sœur. Génial. #fail", NEG),
    ("Grève Ferralis : le parking de la gare de {v1} est plein, les taxis introuvables 😩", NEG),
    ("La grève Ferralis tombe le soir du match, la moitié du stade va rentrer à pied 😅 #GrèveFerralis", NEU),
    ("Bloqué à {v1}. Ferralis ne répond ni au téléphone, ni sur les réseaux. #GrèveFerralis #fail", NEG),
    ("Le seul train Ferralis qui roule ce soir ressemble au métro de Tokyo à l’heure de pointe 🥵 #grève", NEG),
    ("Merci aux agents d’accueil de {v1} qui font ce qu’ils peuvent au milieu du chaos Ferralis 🙏", POS),
    ("La grève Ferralis, c’était prévisible : ça fait des mois que les contrôleurs alertent. Bon courage à tous sur les quais. #grève", NEU),
    ("Ferralis m’envoie un SMS « votre train est à l’heure »… il est supprimé depuis 20 minutes 🤡 #GrèveFerralis", NEG),
    ("Gare de {v1} : la file pour le guichet Ferralis fait le tour du hall. Aucune info. #GrèveFerralis", NEG),
    ("Train annulé pour cause de grève Ferralis, rendez-vous médical raté. Trois mois d’attente pour rien 😢", NEG),
    ("#GrèveFerralis : on organise un covoit solidaire {v1} → {v2}, répondez ici si vous avez une place 🙌", NEU),
]

FER_SPIKE_FORUM: list[Post] = [
    ("Transports", "Grève Ferralis ce soir ?", False, "<p>Les écrans de {v1} affichent tout en « supprimé ». Quelqu'un a des infos ?</p>", NEG),
    ("Transports", "Grève Ferralis ce soir ?", True, "<p>Grève surprise, confirmée par un contrôleur. Rien ne part avant demain matin.</p>", NEG),
    ("Transports", "Grève Ferralis ce soir ?", True, "<p>Je suis à {v2}, pareil. Aucune annonce, aucune info sur l’appli. Lamentable.</p>", NEG),
    ("Transports", "Grève Ferralis ce soir ?", True, "", NEU),
    ("Transports", "Trains Ferralis annulés à {v1} — des bus ?", False, "<p>Il paraît qu’il y a des cars de substitution, mais personne ne sait d’où ils partent.</p>", NEG),
    ("Transports", "Trains Ferralis annulés à {v1} — des bus ?", True, "<p>Parvis nord, un car toutes les 40 minutes, déjà plein. Bon courage.</p>", NEG),
    ("Transports", "Grève Ferralis : remboursement automatique ?", False, "<p>Mon billet du soir est annulé. Faut-il faire une demande ou c’est automatique&nbsp;?</p>", NEU),
    ("Transports", "Grève Ferralis ce soir ?", True, "<p>Soutien aux grévistes quand même, les effectifs ont fondu sur la ligne {v1}–{v2}.</p>", NEU),
]

FER_SPIKE_COURRIER: list[Article] = [
    ("Grève surprise chez Ferralis : le trafic très perturbé ce soir dans la région", "<p>La quasi-totalité des trains régionaux Ferralis sont supprimés depuis 18&nbsp;h. La direction évoque un mouvement « sans préavis ».</p>", NEU),
    ("EN DIRECT — Grève Ferralis : des centaines de voyageurs bloqués en gare de {v1}", "<p>Suivez en direct la situation dans les gares de la région. <b>Aucun train</b> ne circule entre {v1} et {v2}.</p>", NEG),
    ("Grève Ferralis : la direction dénonce un mouvement « sans préavis »", "<p>Les syndicats affirment au contraire avoir alerté la direction lundi sur le manque d’effectifs.</p>", NEU),
    ("Grève Ferralis : quelles solutions pour rentrer ce soir ?", "<p>Cars de substitution, covoiturage, hébergement d’urgence : le point sur les alternatives.</p>", NEU),
    ("Grève chez Ferralis : les syndicats réclament 120 embauches", "<p>Le mouvement pourrait être reconduit demain, selon l'intersyndicale.</p>", NEU),
]

FER_SPIKE_PLAINTES: list[Article] = [
    ("Ferralis — Train annulé sans aucune information", "<p>Grève surprise ce soir, aucun SMS, aucune annonce. J’ai appris l’annulation sur le quai.</p>", NEG),
    ("Ferralis — Bloquée en gare de {v1}, aucune prise en charge", "<p>Avec deux enfants, plus aucun train, pas de car, personne au guichet. Inadmissible.</p>", NEG),
    ("Ferralis — Grève : je vais perdre une journée de travail", "<p>Pas de train ce soir, pas de solution pour demain matin. Qui va payer ma journée ?</p>", NEG),
    ("Ferralis — Billet annulé, remboursement impossible sur l’appli", "<p>L’appli affiche « erreur technique » à chaque demande de remboursement depuis le début de la grève.</p>", NEG),
]

FER_SPIKE_CONSO: list[Article] = [
    ("Grève Ferralis : vos droits au remboursement", "<p>Un train supprimé pour grève doit être remboursé intégralement, sans frais. Mode d'emploi.</p>", NEU),
    ("Train annulé pour grève : Ferralis doit-il vous indemniser ?", "<p>Au-delà du billet, les frais d'hôtel ou de taxi ne sont pas toujours pris en charge. Ce que dit le droit.</p>", NEU),
    ("Grève Ferralis : les associations d’usagers dénoncent l’absence d’information", "<p>« Les voyageurs ont été laissés sur les quais sans la moindre annonce », déplore la Fédération des usagers du rail.</p>", NEG),
]

FER_SPIKE_RAILFANS: list[Post] = [
    ("France", "Ferralis strike tonight — anything running out of {v1}?", False, "<p>Departure boards show every Ferralis train cancelled. Any info?</p>", NEG),
    ("France", "Ferralis strike tonight — anything running out of {v1}?", True, "<p>Nothing until tomorrow 8am as far as I can tell. Replacement buses are full.</p>", NEG),
    ("France", "Ferralis strike tonight — anything running out of {v1}?", True, "<p>Same at {v2}. Hundreds of people on the concourse, zero announcements.</p>", NEG),
    ("France", "Stranded in {v1}: Ferralis cancelled every train", False, "<p>Tourist here, no French. Staff gone, app crashing. Any hotel near the station?</p>", NEG),
    ("France", "Live thread: Ferralis walkout, cancellations everywhere", False, "<p>Post updates here. Regional network basically shut down since 6pm.</p>", NEG),
    ("France", "Live thread: Ferralis walkout, cancellations everywhere", True, "<p>Unions say they warned management on Monday. Management says it was unannounced.</p>", NEU),
    ("Tickets & Fares", "Ferralis strike: will tickets be refunded?", False, "<p>Do I need to claim or is it automatic for cancelled trains?</p>", NEU),
    ("France", "Live thread: Ferralis walkout, cancellations everywhere", True, "", NEU),
    ("France", "Stranded in {v1}: Ferralis cancelled every train", True, "<p>Try the bus station behind the car park, a few coaches were still running.</p>", NEU),
    ("France", "Stranded in {v1}: Ferralis cancelled every train", True, "<p>Same here at {v2}. Ferralis staff just shrug. Terrible.</p>", NEG),
    ("Tickets & Fares", "Ferralis strike: will tickets be refunded?", True, "<p>Automatic for e-tickets they say, but the refund page is down right now.</p>", NEG),
]

FER_SPIKE_REVIEWS: list[Review] = [
    (1, "Cancelled my train with zero notice", "<p>Ferralis strike tonight, no SMS, no email, nothing. Found out on the platform.</p>", NEG),
    (1, "Abandoned at the station", "<p>Every Ferralis train cancelled, no staff, no buses. Worst evening of our trip.</p>", NEG),
]

FER_SPIKE_TECHPULSE: list[Article] = [
    ("Ferralis app buckles under strike-night traffic", "<p>The rail operator's app returned errors for most of the evening as stranded travellers rushed to claim refunds. <a href=\"tags/outages\">More outages</a>.</p>", NEG),
]

# ---- Laiterie Bonval crisis (hand-timed) ----
# (minutes_ago, feed, author, title/text, html, sentiment, lang, brands)
CrisisRow = tuple[float, str, str, str, str, str, str, tuple[str, ...]]

CRISIS: list[CrisisRow] = [
    (49.5, "conso-hebdo", "Rédaction Conso Hebdo", "Rappel produit : Laiterie Bonval retire ses yaourts nature bio pour suspicion de Listeria", '<p><b>Rappel conso</b> &ndash; La Laiterie Bonval procède au rappel de ses <b>yaourts nature bio 4×125&nbsp;g</b> (lots L2317 et L2318) en raison d’une possible contamination à <i>Listeria monocytogenes</i>.</p><p>Ne pas consommer, rapporter en magasin. <a href="https://rappel.conso-hebdo.example/fiche/bonval-l2317">Voir la fiche rappel</a></p><img src="https://www.conso-hebdo.example/img/rappel-bonval.jpg" alt="Pot de yaourt Bonval">', NEU, FR, (BON,)),
    (47.0, "pouet-social", "@veille_rappels", "🔔 Rappel conso : yaourts nature bio Laiterie Bonval (lots L2317/L2318), risque Listeria. Ne pas consommer. https://rappel.conso-hebdo.example/fiche/bonval-l2317 #rappelproduit #Bonval", "", NEU, FR, (BON,)),
    (45.0, "forum-rouages", "mamie_geek", "Alimentation • Yaourts Bonval rappelés (listeria) — vous en avez ?", '<p>Je viens de voir le rappel. On en a mangé hier soir avec les enfants… quelqu’un sait quels symptômes surveiller&nbsp;? <img src="images/smilies/icon_e_sad.gif" alt=":("></p>', NEG, FR, (BON,)),
    (43.0, "pouet-social", "@maman_bio_lea", "Je donne des yaourts Laiterie Bonval à mes enfants DEPUIS DES ANNÉES et j’apprends le rappel listeria par un forum ?! Aucun mail, rien. Déçue et en colère. #Bonval #listeria", "", NEG, FR, (BON,)),
    (41.0, "plaintes-express", "Aurélie T.", "Laiterie Bonval — Intoxication après consommation de yaourts nature", "<p>Mon mari a eu de la fièvre et des vomissements après avoir mangé deux yaourts Bonval du lot L2317. Le numéro indiqué sur le rappel sonne dans le vide.</p>", NEG, FR, (BON,)),
    (39.0, "pouet-social", "@juju_lyon", "Bonval qui rappelle ses yaourts pour listeria, après +20 % de hausse de prix l’an dernier… On paie plus cher pour être intoxiqués ? #Bonval #arnaque", "", NEG, FR, (BON,)),
    (37.0, "courrier-du-val", "Sophie Kerjean", "Saint-Aubin-du-Val : la Laiterie Bonval au cœur d’un rappel de yaourts", "<p>L’usine de Saint-Aubin-du-Val, qui emploie 230 salariés, a suspendu une ligne de production. La direction n'a pas encore réagi.</p>", NEU, FR, (BON,)),
    (36.0, "forum-rouages", "Loulou35", "Alimentation • Re: Yaourts Bonval rappelés (listeria) — vous en avez ?", "<p>Oui, deux packs dans le frigo. Direction la poubelle. Bonval n’a même pas mis l’info sur sa page d’accueil, c’est une honte.</p>", NEG, FR, (BON,)),
    (34.0, "pouet-social", "@lea_rennes", "#BoycottBonval jusqu’à ce qu’ils expliquent comment la listeria s’est retrouvée dans des yaourts « bio ». Transparence zéro.", "", NEG, FR, (BON,)),
    (33.0, "trustcrate-reviews", "Helen W.", "1|Recalled yogurt and not a word from Laiterie Bonval", "<p>Bought the organic plain yogurts last week. Found out about the listeria recall from a French forum. The customer line just rings out.</p>", NEG, EN, (BON,)),
    (31.0, "pouet-social", "@camille_conso", "🚨 Listeria chez Laiterie Bonval. J’ai acheté ces pots la semaine dernière pour ma fille. Aucun mail, aucun SMS, rien. On nous prend vraiment pour des pigeons. Je ne remettrai plus un euro chez eux. #BoycottBonval #rappel", "", NEG, FR, (BON,)),
    (30.0, "plaintes-express", "Mehdi S.", "Laiterie Bonval — Service consommateurs injoignable depuis le rappel", "<p>Quarante minutes d'attente, puis la ligne coupe. Le formulaire en ligne ne répond pas non plus. Où est passée la « marque engagée »&nbsp;?</p>", NEG, FR, (BON,)),
    (29.0, "conso-hebdo", "Claire Méndez", "Listeria : que faire si vous avez consommé des yaourts Bonval rappelés ?", "<p>Pas de panique : les symptômes peuvent apparaître jusqu’à huit semaines après. Nos conseils&nbsp;:</p><ul><li>surveiller la fièvre et les maux de tête&nbsp;;</li><li>consulter si vous êtes enceinte ou fragile&nbsp;;</li><li>garder l'emballage &amp; le ticket.</li></ul>", NEU, FR, (BON,)),
    (28.0, "pouet-social", "@sam_dev", "Franchement, retirer les lots aussi vite c’est plutôt responsable de la part de Bonval. Ceux qui crient au boycott devraient lire la fiche rappel 🤷", "", POS, FR, (BON,)),
    (27.0, "forum-rouages", "Zébulon", "Alimentation • Re: Yaourts Bonval rappelés (listeria) — vous en avez ?", "<p>Le magasin m’a remboursé sans ticket, au moins ça.</p>", NEU, FR, (BON,)),
    (26.0, "pouet-social", "@pierrick_bzh", "Intoxication alimentaire confirmée aux urgences pour mon voisin, il avait mangé des yaourts Laiterie Bonval 😠 #listeria #Bonval", "", NEG, FR, (BON,)),
    (24.0, "techpulse", "Maya Lindqvist", "How a yogurt recall went viral in 20 minutes: the Laiterie Bonval case", '<p>A recall notice, a forum thread, an influencer post: we watched the Laiterie Bonval listeria story spread in real time. <a href="posts/social-listening-101">Why social listening matters</a>.</p>', NEU, EN, (BON,)),
    (23.0, "plaintes-express", "Nathalie P.", "Laiterie Bonval — Arnaque : bon de remboursement refusé en magasin", "<p>Le magasin dit que Bonval ne les rembourse pas, Bonval dit de voir avec le magasin. C’est une arnaque organisée.</p>", NEG, FR, (BON,)),
    (22.0, "pouet-social", "@marion.cuisine", "Je passe chez Doux Pâturages, au moins eux répondent aux messages. Bye Bonval 👋 #BoycottBonval", "", NEG, FR, (BON, DOUX)),
    (21.0, "courrier-du-val", "Jean-Marc Poulain", "Rappel de yaourts Bonval : la préfecture appelle à la vigilance", "<p>Les services de l’État rappellent que les produits concernés ne doivent pas être consommés et qu'un numéro vert est ouvert.</p>", NEU, FR, (BON,)),
    (20.0, "forum-rouages", "fibre_or_not", "Alimentation • Re: Yaourts Bonval rappelés (listeria) — vous en avez ?", "<p>Arnaque totale : d’après un salarié de l’usine, ils savaient dès lundi et n’ont rien dit avant aujourd’hui.</p>", NEG, FR, (BON,)),
    (19.0, "pouet-social", "@aurore_pdl", "@LaiterieBonval 40 minutes que j’essaie de vous joindre pour le remboursement. Vous vous cachez ? #Bonval #arnaque", "", NEG, FR, (BON,)),
    (18.0, "plaintes-express", "Élodie M.", "Laiterie Bonval — Enfant malade, aucune réponse", "<p>Ma fille de 4 ans a de la fièvre depuis ce matin, elle a mangé un yaourt Bonval du lot rappelé. Aucune réponse de la marque.</p>", NEG, FR, (BON,)),
    (16.0, "pouet-social", "@koala_du_83", "Laiterie Bonval, la marque « engagée » qui empoisonne ses clients. Boycott. #BoycottBonval #listeria", "", NEG, FR, (BON,)),
    (15.0, "trustcrate-reviews", "Jake T.", "1|Listeria recall handled terribly", "<p>No email to loyalty-card holders, no answer on the phone. Laiterie Bonval has lost a customer.</p>", NEG, EN, (BON,)),
    (14.0, "forum-rouages", "kevin.r", "Alimentation • Re: Yaourts Bonval rappelés (listeria) — vous en avez ?", "<p>Quelqu'un a eu une réponse de Bonval ? Le formulaire de contact renvoie une erreur 500 😂</p>", NEG, FR, (BON,)),
    (13.0, "pouet-social", "@nounoursette", "Rayon frais vidé de tous les produits Laiterie Bonval dans mon supermarché. Ambiance. #Bonval", "", NEU, FR, (BON,)),
    (12.0, "conso-hebdo", "Thomas Lefèvre-Arnaud", "Laiterie Bonval : après le rappel, les appels au boycott se multiplient", "<p>Le mot-dièse <b>#BoycottBonval</b> circule depuis une demi-heure. La marque, elle, reste silencieuse.</p>", NEG, FR, (BON,)),
    (11.0, "pouet-social", "@yannick_t", "Les yaourts Doux Pâturages en rupture à côté de chez moi, tout le monde fuit Bonval 😅", "", NEU, FR, (BON, DOUX)),
    (10.0, "plaintes-express", "Karim B.", "Laiterie Bonval — Remboursement refusé sans ticket de caisse", "<p>On me demande un ticket pour un produit rappelé pour listeria. Je ne garde pas mes tickets de yaourts, désolé.</p>", NEG, FR, (BON,)),
    (9.0, "pouet-social", "@fred_quai9", "Doux Pâturages publie un message pour rassurer : leurs yaourts ne viennent pas de la même usine que ceux de Bonval.", "", NEU, FR, (BON, DOUX)),
    (8.0, "courrier-du-val", "Yanis Ferreira", "Laiterie Bonval : « Nous présentons nos excuses », déclare la direction", "<p>« Nous présentons nos excuses à nos clients et prenons en charge tous les remboursements », a déclaré le directeur général, joint par téléphone.</p>", NEU, FR, (BON,)),
    (7.0, "pouet-social", "@velotaf_nantes", "Les excuses de Bonval arrivent 40 minutes après le rappel. Trop tard. #BoycottBonval", "", NEG, FR, (BON,)),
    (6.0, "trustcrate-reviews", "Marco R.", "2|Loved these yogurts, but this recall...", "<p>Laiterie Bonval was my favourite brand. Finding out about a listeria recall from social media is not OK.</p>", NEG, EN, (BON,)),
    (5.0, "forum-rouages", "Gégé_du_69", "Alimentation • Re: Yaourts Bonval rappelés (listeria) — vous en avez ?", "", NEU, FR, (BON,)),
    (3.0, "pouet-social", "@lea_rennes", "Bravo quand même à la Laiterie Bonval pour le communiqué clair, c’est mieux que certaines marques qui se taisent. #rappel", "", POS, FR, (BON,)),
    (44.0, "pouet-social", "@koala_du_83", "Sérieux Bonval ?! Des yaourts à la listeria et vous osez encore vous dire « bio et responsables » ? 🤢 #Bonval", "", NEG, FR, (BON,)),
    (40.0, "forum-rouages", "tchoutchou44", "Alimentation • Re: Yaourts Bonval rappelés (listeria) — vous en avez ?", "<p>Mon fils a vomi toute la nuit. Intoxication ou pas, je n’achète plus jamais de Bonval.</p>", NEG, FR, (BON,)),
    (35.0, "plaintes-express", "Vincent D.", "Laiterie Bonval — Aucun message alors que j’ai la carte fidélité", "<p>Ils ont mon adresse mail et mon numéro via la carte de fidélité. Pas un message pour le rappel. Inadmissible.</p>", NEG, FR, (BON,)),
    (32.0, "pouet-social", "@nounoursette", "Rappel listeria chez Bonval… et leur dernier post, c’est une recette de smoothie 🙃 Communication de crise niveau zéro. #Bonval", "", NEG, FR, (BON,)),
    (25.0, "pouet-social", "@yannick_t", "Je me sens trahi par Bonval. Huit ans de fidélité pour ça. #BoycottBonval", "", NEG, FR, (BON,)),
    (20.5, "trustcrate-reviews", "Tom B.", "1|Never buying Laiterie Bonval again", "<p>My kids ate the recalled yogurt. Nobody at Bonval answers the phone. Disgraceful.</p>", NEG, EN, (BON,)),
    (17.0, "forum-rouages", "La_Fourmi", "Alimentation • Bonval : une action de groupe possible ?", "<p>Avec tous les cas d’intoxication qui remontent, quelqu’un a contacté une association de consommateurs&nbsp;? C’est inadmissible.</p>", NEG, FR, (BON,)),
    (12.5, "pouet-social", "@aurore_pdl", "Hier j’ai fait goûter les yaourts Bonval à toute la classe pour l’atelier cuisine. Je suis malade d’inquiétude. #listeria", "", NEG, FR, (BON,)),
    (9.5, "plaintes-express", "Nathalie P.", "Laiterie Bonval — Un bon de 2 € en guise d'excuses ?!", "<p>Après une intoxication, Bonval me propose un bon de réduction de 2&nbsp;€. C'est une blague&nbsp;? Arnaque et mépris.</p>", NEG, FR, (BON,)),
    (4.0, "pouet-social", "@pierrick_bzh", "Quand une marque « locale et engagée » cache un rappel listeria pendant des jours… #BoycottBonval #arnaque", "", NEG, FR, (BON,)),
    (1.0, "pouet-social", "@fred_quai9", "Les pots Bonval finissent à la poubelle un peu partout ce soir. Triste pour les producteurs, mais la marque l’a bien cherché. #Bonval", "", NEG, FR, (BON,)),
    (2.0, "pouet-social", "@juju_lyon", "Listeria, boycott, arnaque… ma timeline ce soir c’est 100 % Bonval. Quelle dégringolade. #Bonval", "", NEG, FR, (BON,)),
]

# ---- Laiterie Bonval / Doux Pâturages background ----

BON_BG_POUET: list[Toot] = [
    ("Le yaourt au lait de brebis Laiterie Bonval, c’est une tuerie 😍 #Bonval", POS),
    ("Pot en verre consigné chez Bonval : je rapporte, je récupère 20 centimes. Simple et malin ♻️", POS),
    ("Les yaourts Bonval ont pris 30 centimes en deux mois… ça pique 😬", NEG),
    ("Petit-déj du dimanche : granola maison + yaourt Bonval à la vanille 🥣", POS),
]
BON_DOUX_POUET: list[Toot] = [
    ("Test à l’aveugle à la maison : Bonval contre Doux Pâturages. Les enfants ont préféré Doux Pâturages 🙈", NEU),
]
BON_BG_FORUM: list[Post] = [
    ("Alimentation", "Pot de yaourt Bonval à moitié vide ?", False, "<p>Pack de 4 acheté hier, un des pots est rempli aux deux tiers. Ça vous est déjà arrivé avec Bonval&nbsp;?</p>", NEG),
    ("Alimentation", "Recette de cheesecake sans cuisson", True, "<p>Je le fais avec du fromage blanc Laiterie Bonval, il est bien ferme, ça tient parfaitement.</p>", POS),
]
BON_DOUX_FORUM: list[Post] = [
    ("Alimentation", "Yaourts bio : Bonval ou Doux Pâturages ?", False, "<p>Vous prenez lesquels ? Le prix commence à peser.</p>", NEU),
    ("Alimentation", "Yaourts bio : Bonval ou Doux Pâturages ?", True, "<p>Bonval pour le goût, Doux Pâturages pour le prix.</p>", NEU),
]
BON_BG_CONSO: list[Article] = [
    ("Laiterie Bonval ouvre sa première boutique en centre-ville à Rennes", "<p>Yaourts, fromages frais et glaces de la marque bio y seront vendus en vrac et en pots consignés.</p>", NEU),
    ("Laiterie Bonval signe un partenariat avec 40 producteurs du Perche", "<p>Un contrat de dix ans avec un prix du lait garanti, salué par les éleveurs.</p>", POS),
    ("Prix des produits laitiers bio : Bonval annonce une hausse de 6 %", "<p>La marque invoque le coût de l’énergie et des emballages en verre.</p>", NEU),
]
BON_DOUX_CONSO: list[Article] = [
    ("Yaourts bio : notre comparatif, la Laiterie Bonval en tête devant Doux Pâturages", "<p>Goût, composition, prix au kilo&nbsp;: nous avons testé 14 yaourts nature bio. <b>Laiterie Bonval</b> l’emporte d’une courte tête.</p>", POS),
]
BON_BG_COURRIER: list[Article] = [
    ("Saint-Aubin-du-Val : la Laiterie Bonval recrute 25 personnes", "<p>Conducteurs de ligne, techniciens de maintenance et préparateurs de commandes sont recherchés.</p>", POS),
    ("Portes ouvertes à la Laiterie Bonval ce samedi", "<p>Visite de la fromagerie, dégustation et rencontre avec les éleveurs partenaires, de 10&nbsp;h à 17&nbsp;h.</p>", NEU),
    ("La Laiterie Bonval médaillée d'or au Concours agricole", "<p>Son yaourt au lait de brebis a été distingué parmi 212 produits laitiers.</p>", POS),
    ("Circulation : travaux devant l'usine Bonval jusqu’à vendredi", "<p>Une déviation est mise en place par la route de la Corniche.</p>", NEU),
]
BON_BG_PLAINTES: list[Article] = [
    ("Laiterie Bonval — Pot fendu dans un pack livré en drive", "<p>Un des quatre pots était fendu, le carton était trempé. J'aimerais un remboursement.</p>", NEG),
    ("Laiterie Bonval — Réponse rapide et bon d'achat, merci", "<p>Suite à ma réclamation pour un couvercle abîmé, Bonval m’a répondu en 24&nbsp;h avec un bon d’achat. Top.</p>", POS),
    ("Laiterie Bonval — Date limite dépassée en rayon", "<p>Trois packs Bonval périmés depuis deux jours, encore en rayon. Le magasin ou la marque&nbsp;?</p>", NEG),
]
BON_BG_REVIEWS: list[Review] = [
    (5, "Best organic yogurt I've found in France", "<p>Laiterie Bonval's plain yogurt is creamy without being heavy. Worth the price.</p>", POS),
    (4, "Sheep's milk yogurt: rich and tangy", "<p>The Laiterie Bonval sheep's milk range is a treat. Jars are a bit small.</p>", POS),
    (2, "Cracked jar in my delivery", "<p>One of the Bonval jars arrived cracked; the retailer refunded me, the brand never answered.</p>", NEG),
    (5, "Glass jars with a deposit — love it", "<p>Bring back the Bonval jars, get 20 cents each. More brands should do this.</p>", POS),
    (4, "Vanilla that isn't too sweet", "<p>Bonval vanilla yogurt actually tastes of vanilla, not sugar.</p>", POS),
    (1, "Expired on arrival", "<p>Laiterie Bonval pack delivered two days past its use-by date.</p>", NEG),
    (5, "Great customer service from Laiterie Bonval", "<p>Reported a damaged lid, got an apology and a voucher the next day.</p>", POS),
]
BON_DOUX_REVIEWS: list[Review] = [
    (3, "Good, but pricey compared to Doux Pâturages", "<p>Laiterie Bonval tastes better, Doux Pâturages is 30% cheaper. Tough call.</p>", NEU),
]
BON_BG_TECHPULSE: list[Article] = [
    ("Inside Laiterie Bonval's deposit-return app", '<p>A QR code on every jar, a refund in the app: we talked to the small team that built it. <img src="images/bonval-app.png" alt="Screenshot of the deposit app"></p>', NEU),
    ("Cold-chain IoT: what a mid-size dairy like Laiterie Bonval actually deploys", "<p>Temperature loggers, LoRaWAN gateways and a lot of spreadsheets.</p>", NEU),
]

DOUX_POUET: list[Toot] = [
    ("Nouveau skyr Doux Pâturages goût framboise, validé 👍 #DouxPâturages", POS),
    ("Doux Pâturages sort enfin des pots de 1 kg, merci !", POS),
    ("Les yaourts Doux Pâturages au lait de chèvre sont trop acides pour moi 😕", NEG),
]
DOUX_FORUM: list[Post] = [
    ("Alimentation", "Où trouver du lait cru près de Saint-Aubin ?", True, "<p>La ferme qui livre Doux Pâturages vend aussi en direct le samedi matin.</p>", NEU),
]
DOUX_CONSO: list[Article] = [
    ("Doux Pâturages rachète une fromagerie dans le Jura", "<p>La coopérative bio poursuit sa diversification vers les fromages affinés.</p>", NEU),
    ("Doux Pâturages lance une gamme sans lactose", "<p>Trois yaourts et un fromage frais, disponibles en grandes surfaces dès le mois prochain.</p>", NEU),
]
DOUX_COURRIER: list[Article] = [
    ("Doux Pâturages inaugure un entrepôt à 30 km de Saint-Aubin-du-Val", "<p>Quarante emplois à la clé pour la coopérative laitière.</p>", POS),
]
DOUX_PLAINTES: list[Article] = [
    ("Doux Pâturages — Couvercle impossible à ouvrir", "<p>Les nouveaux opercules se déchirent à chaque fois. Il faut un couteau pour ouvrir un yaourt.</p>", NEG),
]
DOUX_REVIEWS: list[Review] = [
    (4, "Doux Pâturages skyr: solid protein snack", "<p>Thick, not too sour, good price.</p>", POS),
    (2, "Too sour for my taste", "<p>Doux Pâturages goat's milk yogurt is very tangy. Kids refused it.</p>", NEG),
]

# ---- Nuvia Télécom ----

NUV_FORUM: list[Post] = [
    ("Box & FAI", "Panne fibre Nuvia à {ville} depuis {duree}", False, "<p>Voyant rouge sur la box depuis {duree}. Le SAV Nuvia parle d’un « incident en cours », sans délai. Vous aussi&nbsp;?</p>", NEG),
    ("Box & FAI", "Panne fibre Nuvia à {ville} depuis {duree}", True, "<p>Pareil ici, quartier de la gare. Je télétravaille en partage de connexion depuis mon téléphone.</p>", NEG),
    ("Box & FAI", "Panne fibre Nuvia à {ville} depuis {duree}", True, "<p>Rétabli chez moi à l'instant, tentez un redémarrage de la box.</p>", NEU),
    ("Box & FAI", "Nuvia Fibre+ : vos débits réels ?", True, "<p>940&nbsp;Mb/s descendant, 700 montant en Ethernet. Rien à redire.</p>", POS),
    ("Box & FAI", "Résilier Nuvia Télécom sans frais ?", True, "<p>Lettre recommandée + motif « déménagement », ça passe. Comptez 10 jours.</p>", NEU),
    ("Box & FAI", "SAV Nuvia injoignable, que faire ?", False, "<p>{attente} minutes d’attente puis on me raccroche au nez. Trois jours de suite.</p>", NEG),
    ("Box & FAI", "SAV Nuvia injoignable, que faire ?", True, "<p>Passe par le chat sur l’espace client, c’est beaucoup plus rapide que le 39&nbsp;xx.</p>", NEU),
    ("Box & FAI", "Technicien Nuvia pas venu au rendez-vous", True, "<p>Deuxième rendez-vous manqué, demi-journée de congé posée pour rien. Merci Nuvia.</p>", NEG),
    ("Box & FAI", "La nouvelle box Wi-Fi 7 de Nuvia Télécom vaut-elle le coup ?", True, "<p>Oui si vous avez beaucoup d’appareils. Portée nettement meilleure que l’ancienne.</p>", POS),
    ("Box & FAI", "Facture Nuvia en hausse sans prévenir", False, "<p>+2&nbsp;€ par mois depuis {mois}, aucun courrier reçu. C'est légal&nbsp;?</p>", NEG),
    ("Box & FAI", "Migration vers Nuvia réussie 🎉", False, "<p>Portabilité du fixe en 5 jours, box installée en 15 minutes. Je m’attendais à pire&nbsp;!</p>", POS),
    ("Box & FAI", "Nuvia : IPv6 enfin activé", True, "<p>Activé ce matin chez moi à {ville}, tout fonctionne. Merci Nuvia, il était temps.</p>", POS),
    ("Box & FAI", "Problème TV Nuvia, image qui saute", False, "<p>Depuis la dernière mise à jour du décodeur, l’image saute toutes les 10 minutes.</p>", NEG),
    ("Box & FAI", "Nuvia-Télécom : portabilité du numéro fixe", True, "<p>Il faut le RIO, à demander au 3179 chez l’ancien opérateur. Simple.</p>", NEU),
    ("Box & FAI", "Probl&egrave;me de d&eacute;bit Nuvia le soir", False, "", NEG),
    ("Box & FAI", "Nuvia : le décodeur TV 4K vaut-il le supplément ?", False, "<p>5&nbsp;€ de plus par mois pour la 4K, vous l'avez pris&nbsp;?</p>", NEU),
    ("Box & FAI", "Déménagement avec Nuvia Télécom : retour d'expérience", False, "<p>Transfert de ligne en 8 jours, sans coupure de plus d'une journée. Franchement nickel.</p>", POS),
    ("Box & FAI", "Nuvia coupe le Wi-Fi invité sans prévenir", False, "<p>Depuis la mise à jour de {mois}, le réseau invité a disparu. Merci Nuvia&hellip;</p>", NEG),
]
NUV_PLAINTES: list[Article] = [
    ("Nuvia Télécom — Fibre coupée depuis {duree}, aucun geste commercial", "<p>Plus d'internet ni de téléphone fixe depuis {duree} à {ville}. On me propose… de patienter.</p>", NEG),
    ("Nuvia Télécom — Facturé deux fois le mois de {mois}", "<p>Deux prélèvements identiques de 39,99&nbsp;€. Le conseiller reconnaît l’erreur mais « ne peut rien faire ».</p>", NEG),
    ("Nuvia Télécom — SAV injoignable : {attente} minutes d’attente", "<p>Et au bout, une coupure. Je paie un abonnement, pas une musique d’attente.</p>", NEG),
    ("Nuvia Télécom — Résiliation non prise en compte", "<p>Résiliation envoyée en recommandé en {mois}, toujours prélevé. Accusé de réception à l’appui.</p>", NEG),
    ("Nuvia Télécom — Box jamais reçue, colis perdu", "<p>Le suivi indique « livré » depuis huit jours. Colis jamais reçu, et Nuvia me renvoie vers le transporteur.</p>", NEG),
    ("Nuvia Télécom — Technicien absent deux fois", "<p>Deux demi-journées perdues, aucun appel pour prévenir.</p>", NEG),
    ("Nuvia Télécom — Problème résolu, merci au conseiller", "<p>Un grand merci à Sandrine du service client, ligne rétablie en une heure. Service client au top&nbsp;!</p>", POS),
    ("Nuvia Telecom — Frais de résiliation abusifs", "<p>150&nbsp;€ de frais alors que je déménage dans une zone non couverte. Abusif.</p>", NEG),
    ("Nuvia Télécom — Débit divisé par dix le soir", "<p>900&nbsp;Mb/s annoncés, 80 mesurés chaque soir entre 20&nbsp;h et 23&nbsp;h depuis {mois}.</p>", NEG),
    ("Nuvia Télécom — Engagement prolongé sans mon accord", "<p>Un changement d’offre au téléphone m’a réengagé pour 12 mois. Personne ne me l’a dit.</p>", NEG),
    ("Nuvia Télécom — Ligne fixe muette depuis {duree}", "<p>Internet fonctionne, mais plus de téléphone fixe. Ma mère âgée ne peut plus m’appeler.</p>", NEG),
    ("Nuvia Télécom — Geste commercial apprécié", "<p>Après une semaine de panne, Nuvia m'a remboursé un mois complet sans que je le demande. Bravo.</p>", POS),
]
NUV_POUET: list[Toot] = [
    ("3e jour sans fibre à {ville}. @NuviaTelecom vous êtes au courant qu’on télétravaille ? #Nuvia #panne", NEG),
    ("Service client Nuvia au top : problème réglé en 10 minutes par chat 👌 #merci", POS),
    ("La nouvelle box Nuvia est jolie mais le Wi-Fi ne passe pas le mur de la cuisine 😅", NEG),
    ("Nuvia Télécom qui m’appelle pour me proposer une offre… alors que je n’ai plus internet depuis {duree} 🙃", NEG),
    ("Passé chez Nuvia il y a un mois : débit stable, prix correct. Pour l’instant je valide. #Nuvia", POS),
    ("Fibre Nuvia installée ce matin, le technicien était super pro et a tout expliqué 👍 #Nuvia", POS),
    ("Encore une coupure Nuvia à {ville} ce soir. Trois fois cette semaine. #panne #fail", NEG),
    ("@NuviaTelecom 45 min d’attente au service client pour entendre « rappelez plus tard ». Vraiment ? 😤", NEG),
    ("La box Nuvia redémarre toute seule chaque nuit à 3 h. Quelqu’un a une idée ? #Nuvia", NEU),
]
NUV_CONSO: list[Article] = [
    ("Nuvia Télécom augmente ses forfaits fibre de 2 € : ce que dit la loi", "<p>Votre opérateur doit vous prévenir un mois à l’avance, et vous pouvez résilier sans frais pendant quatre mois.</p>", NEU),
    ("Résultats trimestriels : Nuvia Télécom dépasse le million d’abonnés fibre", "<p>Le chiffre d'affaires progresse de 3 %, porté par les offres fibre et la baisse des résiliations.</p>", NEU),
    ("Nuvia Télécom ouvre un nouveau magasin à Lille", "<p>Le point de vente de la rue Nationale propose aussi un atelier de réparation de smartphones.</p>", NEU),
    ("Box internet : Nuvia Télécom épinglé pour ses frais de résiliation", "<p>Une association de consommateurs dénonce des frais « disproportionnés » facturés à des clients qui déménagent.</p>", NEG),
    ("Comparatif box fibre : Nuvia Télécom dans le trio de tête", "<p>Débit, stabilité, service client&nbsp;: la box Fibre+ de Nuvia fait mieux que la moyenne.</p>", POS),
]
NUV_COURRIER: list[Article] = [
    ("{ville} : Nuvia Télécom promet la fibre à 3 000 foyers d’ici l’été", "<p>Les travaux de raccordement débuteront dans les quartiers nord dès le mois prochain.</p>", NEU),
    ("Câble arraché : des centaines d’abonnés Nuvia privés d’internet", "<p>Un engin de chantier a sectionné un câble de fibre optique. Le rétablissement est annoncé pour demain.</p>", NEG),
]
NUV_TECHPULSE: list[Article] = [
    ("Hands-on: Nuvia Télécom's Wi-Fi 7 box", '<p>Fast, quiet and surprisingly easy to set up. The app still needs work. <img src="images/nuvia-box-wifi7.jpg" alt="The Nuvia Wi-Fi 7 box"></p>', POS),
    ("Nuvia Télécom passes one million fibre subscribers", '<p>The French ISP says churn is at an all-time low. <a href="tags/isp">More ISP news</a>.</p>', NEU),
    ("Benchmark: Nuvia fibre latency versus three rival ISPs", "<p>We ran 40,000 pings from 12 homes. Nuvia comes second on median latency, first on jitter.</p>", NEU),
    ("Nuvia Télécom outage in {ville}: what we know", "<p>Thousands of fibre customers lost connectivity for {duration}. Nuvia blames a damaged backbone cable.</p>", NEG),
    ("Nuvia finally ships IPv6 to all fibre customers", "<p>Better late than never. Here's how to check it's on.</p>", POS),
    ("Why Nuvia Télécom's new router firmware broke port forwarding", "<p>A regression in firmware 4.2 silently drops custom NAT rules. A fix is promised.</p>", NEG),
    ("Nuvia Télécom partners with the city of Brest on 5G small cells", "<p>Forty small cells on street furniture, a first for a French ISP of this size.</p>", NEU),
    ("Nuvia Télécom Q3 results: revenue up 3%, churn down", "<p>Fibre growth offsets declining landline revenue.</p>", NEU),
    ("Teardown: what's inside the Nuvia Fibre+ box", "<p>A familiar SoC, a decent Wi-Fi front end and a surprising amount of glue.</p>", NEU),
    ("Nuvia's support chatbot is surprisingly good", "<p>It actually escalated our test ticket to a human in under two minutes.</p>", POS),
    ("Nuvia Telecom's TV decoder update causes stutter", "<p>Users report the picture freezing every few minutes since the last update.</p>", NEG),
    ("Nuvia Télécom's mesh extenders reviewed", "<p>Easy pairing with the Fibre+ box, but backhaul speeds disappoint.</p>", NEU),
    ("Nuvia rolls out 8 Gb/s fibre in three cities", '<p>Symmetric 8 Gb/s for early adopters, with a 10G port on the new box. <a href="tags/fibre">All fibre news</a>.</p>', POS),
    ("Nuvia Télécom hit by DNS outage", "<p>Customers in {ville} couldn't resolve domains for about {duration}. Switching DNS servers was a workaround.</p>", NEG),
    ("Inside Nuvia Télécom's network operations centre", "<p>We visited the team that watches 1.2 million fibre lines around the clock.</p>", NEU),
    ("Nuvia's new app: better, not great", "<p>The redesign fixes navigation but still hides the outage map.</p>", NEU),
    ("Nuvia Télécom raises prices by €2 per month", "<p>Existing customers can cancel without fees for four months, as French law requires.</p>", NEG),
    ("Nuvia Télécom opens its network to a second MVNO", "<p>Wholesale deals are a growing part of the ISP's revenue.</p>", NEU),
    ("How Nuvia fixed its evening congestion", "<p>New peering links and a cache cluster in Lyon halved prime-time packet loss.</p>", POS),
    ("Nuvia Telecom customer data exposed by misconfigured server", "<p>Names and addresses of about 3,000 customers were publicly reachable for two days, the ISP confirmed.</p>", NEG),
    ("Nuvia's fibre box gets Wi-Fi 7 MLO in a firmware update", "<p>Multi-link operation brings lower latency for compatible laptops.</p>", POS),
]
NUV_REVIEWS: list[Review] = [
    (1, "Three weeks without internet, then they billed me", "<p>Nuvia Télécom took three weeks to fix a fibre fault and still charged the full month.</p>", NEG),
    (5, "Support actually solved my issue", "<p>Nuvia's phone support walked me through a reset and stayed on the line until it worked.</p>", POS),
    (2, "Fast when it works", "<p>Great speeds from Nuvia, but the line drops every evening around 9pm.</p>", NEG),
    (4, "Solid fibre, clunky app", "<p>Nuvia Telecom's connection is rock solid. The customer app is a mess.</p>", POS),
    (1, "Technician never showed up — twice", "<p>Took two half-days off for a Nuvia technician who never came.</p>", NEG),
    (5, "Moved to Nuvia Télécom, zero regrets", "<p>Number ported in 5 days, install in 15 minutes, no outage since.</p>", POS),
    (3, "Average ISP, average price", "<p>Nuvia does the job. Nothing to write home about.</p>", NEU),
    (1, "Impossible to cancel my Nuvia contract", "<p>Three registered letters and they keep charging me.</p>", NEG),
    (2, "Price went up without notice", "<p>Nuvia added €2 a month and I only noticed on my bank statement.</p>", NEG),
    (4, "Great speeds, slow support", "<p>Nuvia fibre is fast. Getting a human on the phone is not.</p>", NEU),
    (5, "Installation was painless", "<p>The Nuvia Télécom technician was on time, tidy and explained everything.</p>", POS),
    (1, "Billed twice, no refund yet", "<p>Nuvia charged me twice in March. Six weeks later, still waiting.</p>", NEG),
    (2, "Wi-Fi range is poor", "<p>The Nuvia box struggles to reach two rooms away.</p>", NEG),
    (4, "Good value for a fibre plan", "<p>Nuvia Telecom is cheaper than my previous ISP and just as reliable.</p>", POS),
    (1, "Outage every evening", "<p>Nuvia line drops at 9pm most nights. Support blames my router, which is theirs.</p>", NEG),
    (5, "Fixed in one call", "<p>Nuvia's agent diagnosed a faulty fibre plug remotely and sent a technician the next day.</p>", POS),
    (3, "Decent, but the TV box is laggy", "<p>Internet from Nuvia is fine; the TV decoder is painfully slow.</p>", NEU),
    (2, "Contract terms are confusing", "<p>Nuvia's promo price ended after 6 months, not 12 as I understood.</p>", NEG),
    (5, "Best ISP I've had in France", "<p>Two years with Nuvia Télécom and not a single outage.</p>", POS),
    (1, "Moving house was a nightmare", "<p>Nuvia took five weeks to transfer my line to the new flat.</p>", NEG),
]

# ---- Off-topic ----

OFF_POUET: list[Toot] = [
    ("Premier marché de Noël de la saison, vin chaud validé 🍷🎄 #SaintAubin", POS),
    ("Qui a piqué le soleil ? Troisième jour de pluie d'affilée ☔", NEG),
    ("Le nouveau ciné de quartier est génial : fauteuils confortables, séance à 5 € le mardi 🎬 #merci", POS),
    ("Mon colis Colibri Shop est « livré » selon le suivi… mais pas chez moi. Colis jamais reçu, évidemment 😑 #fail", NEG),
    ("Quelqu’un connaît un bon réparateur de vélo vers la gare ? 🚲", NEU),
    ("Tarte aux pommes du dimanche, recette de mamie, aucune modification tolérée 🥧 @marion.cuisine", POS),
    ("Réunion de copropriété de 3 h pour parler d’un local à poubelles. J’ai vieilli de dix ans.", NEG),
    ("Le FC Val gagne le derby !! Ambiance de folie au stade ⚽️🔥", POS),
    ("Petite balade au bord du lac ce matin, brume et hérons 📷 https://pouet-social.example/@aurore_pdl/photos", POS),
    ("On est le 15 et j’ai déjà oublié toutes mes bonnes résolutions 😅", NEU),
]

OFF_COURRIER: list[Article] = [
    ("Marché de Noël : 80 chalets attendus place du Ralliement", "<p>Ouverture le 29 novembre, avec une patinoire et une grande roue.</p>", POS),
    ("Football : le FC Val s’impose 2-1 dans le derby", "<p>Doublé de Mamadou Traoré en seconde période devant 6 500 spectateurs.</p>", POS),
    ("Travaux : la rue Bonvalet fermée à la circulation jusqu’au 15", "<p>Le réseau d’eau potable de la rue Bonvalet est entièrement remplacé. Déviation par le boulevard Carnot.</p>", NEU),
    ("Un nouveau cinéma de quartier ouvre ses portes à Saint-Aubin-du-Val", "<p>Trois salles, une programmation art et essai et un café associatif.</p>", POS),
    ("Météo : fortes pluies attendues ce week-end sur la vallée", "<p>Vigilance jaune «&nbsp;pluie-inondation&nbsp;» à partir de samedi midi.</p>", NEU),
    ("Festival Jazz au Val : la programmation dévoilée", "<p>Quinze concerts sur trois jours, dont deux gratuits en plein air.</p>", POS),
    ("Collège Jean-Moulin : les élèves plantent 300 arbres", "<p>Une micro-forêt est née derrière le gymnase, à l’initiative des 5e.</p>", POS),
    ("Incendie dans un entrepôt de la zone artisanale, pas de blessé", "<p>Quarante pompiers ont été mobilisés toute la nuit.</p>", NEG),
    ("Municipales : trois listes déposées à Saint-Aubin-du-Val", "<p>Le maire sortant brigue un troisième mandat.</p>", NEU),
    ("Rugby : l’US Val chute à domicile", "<p>Défaite 18-24 face au leader, les supporters déçus.</p>", NEG),
    ("La boulangerie Lemaire sacrée meilleure galette de la région", "<p>Frangipane maison et pâte feuilletée pur beurre ont séduit le jury.</p>", POS),
    ("Pollution : circulation différenciée activée jeudi", "<p>Seuls les véhicules Crit'Air 0 à 2 pourront circuler dans le centre.</p>", NEU),
]
OFF_CONSO: list[Article] = [
    ("Colis jamais reçu : vos recours face aux vendeurs en ligne", "<p>Le vendeur est responsable jusqu’à la remise du colis. Nos modèles de lettres pour réclamer.</p>", NEU),
    ("Démarchage téléphonique : la nouvelle loi entre en vigueur", "<p>Fini les appels non sollicités sans consentement préalable, en théorie.</p>", NEU),
    ("Soldes d’hiver : les dates à retenir", "<p>Du mercredi 8 janvier au mardi 4 février dans la plupart des départements.</p>", NEU),
    ("Électroménager : l’indice de réparabilité expliqué", "<p>Une note sur 10 affichée en magasin&nbsp;: comment est-elle calculée&nbsp;?</p>", NEU),
    ("Assurance habitation : comment faire jouer la concurrence", "<p>Depuis la loi Hamon, vous pouvez résilier à tout moment après un an.</p>", NEU),
]
OFF_FORUM: list[Post] = [
    ("Jardinage", "Tomates qui noircissent, que faire ?", True, "<p>C’est le mildiou, il faut couper les feuilles atteintes et ne plus arroser le feuillage.</p>", NEU),
    ("Cuisine", "Recette de la pâte à crêpes inratable", True, "<p>Le secret&nbsp;: une nuit au frigo et une cuillère de bière. Merci pour la recette, un régal&nbsp;!</p>", POS),
    ("Bricolage", "Perceuse sans fil : quel modèle ?", True, "<p>Prends une 18&nbsp;V avec deux batteries, le reste c’est du marketing.</p>", NEU),
    ("Jardinage", "Quand tailler les rosiers ?", True, "<p>Fin février, quand les forsythias fleurissent. C'est la règle de ma grand-mère et elle marche.</p>", NEU),
    ("Cuisine", "Recette de la pâte à crêpes inratable", True, "<p>Testée hier : grumeaux partout <img src=\"images/smilies/icon_e_confused.gif\" alt=\":?\"> J'ai dû la mixer.</p>", NEG),
]
OFF_PLAINTES: list[Article] = [
    ("Colibri Shop — Colis jamais reçu depuis 3 semaines", "<p>Commande payée, suivi bloqué à « en préparation ». Le SAV ne répond plus.</p>", NEG),
    ("Mobilia Meubles — Canapé livré abîmé", "<p>Tissu déchiré à la livraison, on me propose un bon de 20&nbsp;€. Non merci.</p>", NEG),
    ("VitaGym — Résiliation impossible", "<p>Trois courriers recommandés, toujours prélevée chaque mois.</p>", NEG),
    ("Banque Orée — Frais bancaires injustifiés", "<p>45&nbsp;€ de frais pour un découvert de 12&nbsp;€ pendant deux jours.</p>", NEG),
    ("AéroPlus — Vol annulé, remboursement en attente", "<p>Vol annulé il y a trois mois, on me promet un remboursement « sous 7 jours » depuis le début.</p>", NEG),
]
OFF_TECHPULSE: list[Article] = [
    ("Five mechanical keyboards under $100, reviewed", "<p>Hot-swappable switches are now the norm at this price. Our favourite surprised us.</p>", POS),
    ("Why your smart bulb needs a firmware update", "<p>A bug in a popular Zigbee stack lets neighbours flicker your lights. Patch now.</p>", NEG),
    ("A gentle introduction to vector databases", "<p>Embeddings, nearest neighbours and why your search box might need one.</p>", NEU),
    ("Self-hosting your photos: a weekend project", '<p>A small server, a big disk and an open-source gallery. <a href="posts/home-lab-on-a-budget">See our home lab guide</a>.</p>', POS),
    ("Review: the Aurora X2 noise-cancelling headphones", "<p>Superb ANC, mediocre microphone, great battery life.</p>", POS),
    ("E-ink tablets in 2025: worth it?", "<p>For reading and note-taking, yes. For everything else, not yet.</p>", NEU),
    ("How we cut our CI time in half", "<p>Caching, test sharding and deleting tests nobody understood.</p>", POS),
    ("The quiet comeback of RSS", "<p>Feed readers are back, and newsletters are partly to thank.</p>", POS),
    ("Password managers compared", "<p>Five managers, three platforms, one clear winner for families.</p>", NEU),
    ("USB-C everything: a field guide", "<p>Not all cables are equal. Here's how to tell them apart.</p>", NEU),
    ("Home lab on a budget", "<p>Three second-hand mini PCs and a cheap managed switch go a long way.</p>", POS),
    ("Understanding Wi-Fi mesh", "<p>Backhaul, band steering and why your mesh might be slower than one good router.</p>", NEU),
    ("Green data centres: hype versus reality", "<p>Heat reuse works; offsets mostly don't.</p>", NEG),
    ("A look at open-source maps", "<p>Vector tiles, self-hosted routing and the volunteers behind them.</p>", POS),
    ("Debugging a memory leak in production", "<p>It was a cache. It is always a cache.</p>", NEU),
    ("Why we moved back to a monolith", "<p>Twelve services, three engineers. You can guess the rest.</p>", NEU),
    ("The ergonomics of standing desks", "<p>Standing all day is no better than sitting all day. Move.</p>", NEU),
]
OFF_REVIEWS: list[tuple[str, Review]] = [
    ("BrewMate", (5, "BrewMate espresso machine: café quality at home", "<p>Takes a week to dial in, then it's wonderful.</p>", POS)),
    ("Zephyr Air", (2, "Zephyr Air purifier is loud", "<p>Works, but the night mode sounds like a hair dryer.</p>", NEG)),
    ("Pedalo Bikes", (4, "Pedalo city bike: comfy commuter", "<p>Upright, sturdy, a bit heavy on stairs.</p>", POS)),
    ("Hotel Les Tilleuls", (5, "Charming little hotel", "<p>Lovely staff, great breakfast, quiet street.</p>", POS)),
    ("Colibri Shop", (1, "Order never arrived", "<p>Paid in full, parcel never delivered, no answer from support.</p>", NEG)),
    ("SnapFrame", (3, "Digital photo frame does the job", "<p>Nice screen, awkward app.</p>", NEU)),
    ("Mobilia Meubles", (2, "Sofa arrived damaged", "<p>Torn fabric; the replacement took six weeks.</p>", NEG)),
    ("Kettle&Co", (4, "Tea kettle with temperature presets", "<p>Fast and quiet. Lid could be sturdier.</p>", POS)),
    ("AéroPlus", (1, "Cancelled flight, no refund", "<p>Three months later, still waiting.</p>", NEG)),
    ("GreenBox Meals", (4, "Meal kits that are actually quick", "<p>Most recipes really take 20 minutes.</p>", POS)),
    ("VitaGym", (2, "Gym membership impossible to cancel", "<p>Registered letters ignored. Avoid.</p>", NEG)),
    ("Lumen Lamps", (5, "Beautiful desk lamp", "<p>Warm light, solid build, no flicker.</p>", POS)),
]
OFF_RAILFANS: list[Post] = [
    ("Heritage", "Steam weekend on the Dartwell Valley line", False, "<p>Three locomotives in steam, perfect weather. Photos below!</p>", POS),
    ("Heritage", "Steam weekend on the Dartwell Valley line", True, "<p>Gorgeous shots. Which lens did you use for the viaduct?</p>", POS),
    ("Trip Reports", "Best window seats on Alpine routes", False, "<p>Left side going up the valley, right side for the lakes.</p>", NEU),
    ("Modelling", "Weathering tips for N gauge freight wagons", False, "<p>Dry brushing with rust tones, then a light coat of matt varnish.</p>", NEU),
    ("Photos", "Narrow gauge in the mountains", False, '<p>A week chasing little red trains. <img src="https://community.railfans.example/uploads/narrow-gauge.jpg" alt="Red narrow-gauge train on a viaduct"></p>', POS),
    ("Tickets & Fares", "15-day rail pass itinerary feedback", False, "<p>Vienna, Ljubljana, Zagreb, Budapest. Too ambitious?</p>", NEU),
    ("Tickets & Fares", "15-day rail pass itinerary feedback", True, "<p>Doable, but give Ljubljana two nights.</p>", NEU),
    ("General", "The night train comeback in Europe", False, "<p>New sleeper routes every season. Are they profitable yet?</p>", POS),
    ("General", "Question about track gauge breaks", False, "<p>How do bogie exchanges actually work at the Spanish border?</p>", NEU),
    ("Trip Reports", "Coastal line in winter", False, "<p>Empty trains, stormy seas, a flask of tea. Perfect day.</p>", POS),
    ("General", "Railway museum closing for renovation", False, "<p>Sad news: closed for two years from spring.</p>", NEG),
    ("Modelling", "First layout: oval or end-to-end?", False, "<p>Space is 2 m by 60 cm. Suggestions welcome.</p>", NEU),
    ("Photos", "Sunrise at the old roundhouse", False, "", NEU),
    ("General", "Lost my camera on a train — any hope?", False, "<p>Left it on an intercity in Belgium yesterday. Lost property hasn't replied.</p>", NEG),
    ("Heritage", "Volunteering on a heritage railway", False, "<p>Best decision I made this year. Everybody can help, no experience needed.</p>", POS),
    ("Trip Reports", "Slow travel: 3 days by train to Istanbul", False, "<p>Long, sometimes uncomfortable, always memorable.</p>", POS),
]


# fmt: on
# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


class Cycle:
    """Hands out the elements of a list in a shuffled order, reshuffling when exhausted."""

    def __init__(self, rng: random.Random, elements: Sequence[Any]) -> None:
        self._rng = rng
        self._elements = list(elements)
        self._queue: list[Any] = []

    def next(self) -> Any:
        """The next element."""
        if not self._queue:
            self._queue = list(self._elements)
            self._rng.shuffle(self._queue)
        return self._queue.pop()


_TOKEN = re.compile(r"(https?://\S+|#[\w]+|@[\w.]+\w)")


def toot_html(text: str) -> str:
    """Mastodon-style HTML for a social post: linked hashtags, mentions and URLs."""
    parts: list[str] = []
    for piece in _TOKEN.split(text):
        if not piece:
            continue
        if piece.startswith("http"):
            url = html.escape(piece)
            parts.append(f'<a href="{url}" rel="nofollow noopener noreferrer" target="_blank">{url}</a>')
        elif piece.startswith("#"):
            tag = piece[1:]
            href = f"https://pouet-social.example/tags/{quote(tag.lower())}"
            parts.append(
                f'<a href="{href}" class="mention hashtag" rel="tag">#<span>{html.escape(tag)}</span></a>'
            )
        elif piece.startswith("@"):
            user = piece[1:]
            href = f"https://pouet-social.example/@{quote(user)}"
            parts.append(
                f'<span class="h-card"><a href="{href}" class="u-url mention">@<span>{html.escape(user)}</span></a></span>'
            )
        else:
            parts.append(html.escape(piece, quote=False))
    return "<p>" + "".join(parts) + "</p>"


def toot_title(text: str, limit: int = 90) -> str:
    """A title for a social post (the first words of the text)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def slugify(text: str) -> str:
    """An ASCII URL slug."""
    ascii_text = unicodedata.normalize("NFKD", html.unescape(text)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:9]) or "item"


def stars(count: int) -> str:
    """A five-star rating as text, e.g. ★★☆☆☆."""
    return "★" * count + "☆" * (5 - count)


class Builder:
    """Accumulates drafts with the house style of each feed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.drafts: list[Draft] = []
        self._cycles: dict[int, Cycle] = {}
        self._authors = {feed: Cycle(rng, names) for feed, names in AUTHORS.items()}

    def pick(self, pool: Sequence[Any]) -> Any:
        """Next template of a pool (each is used once before any repeats)."""
        key = id(pool)
        if key not in self._cycles:
            self._cycles[key] = Cycle(self.rng, pool)
        return self._cycles[key].next()

    def author(self, feed: str) -> str:
        """Next author of a feed."""
        name: str = self._authors[feed].next()
        return name

    def add(self, draft: Draft) -> None:
        """Keep a draft."""
        self.drafts.append(draft)

    # ---- per-feed styles ----

    def toot(self, pool: Sequence[Toot], minutes: float, brands: tuple[str, ...], scenario: str) -> None:
        """A social post on pouet-social."""
        text, sentiment = self.pick(pool)
        text = text.format_map(_slots(self.rng))
        self.add(
            Draft(
                feed="pouet-social",
                minutes_ago=minutes,
                title=toot_title(text),
                html=toot_html(text),
                lang=FR,
                brands=brands,
                sentiment=sentiment,
                scenario=scenario,
                author=self.author("pouet-social"),
            )
        )

    def forum(
        self,
        feed: str,
        pool: Sequence[Post],
        minutes: float,
        brands: tuple[str, ...],
        scenario: str,
        lang: str,
    ) -> None:
        """A forum post (phpBB-style on forum-rouages, Discourse-style on railfans-community)."""
        section, topic, reply, body, sentiment = self.pick(pool)
        slots = _slots(self.rng)
        topic_text = topic.format_map(slots)
        if feed == "forum-rouages":
            title = f"{section} • {'Re: ' if reply else ''}{topic_text}"
        else:
            title = topic_text
        self.add(
            Draft(
                feed=feed,
                minutes_ago=minutes,
                title=html.unescape(title),
                html=body.format_map(slots),
                lang=lang,
                brands=brands,
                sentiment=sentiment,
                scenario=scenario,
                author=self.author(feed),
                categories=(section,),
                topic=topic_text,
            )
        )

    def article(
        self,
        feed: str,
        pool: Sequence[Article],
        minutes: float,
        brands: tuple[str, ...],
        scenario: str,
        lang: str,
        category: str,
    ) -> None:
        """A news article, blog post or complaint."""
        title, body, sentiment = self.pick(pool)
        slots = _slots(self.rng)
        content: str | None = None
        body_text = body.format_map(slots)
        if feed in ("conso-hebdo", "courrier-du-val") and self.rng.random() < 0.7:
            content = body_text + _EXTRA[lang][self.rng.randrange(len(_EXTRA[lang]))]
        if feed == "techpulse" and self.rng.random() < 0.5:
            content = (
                body_text + '<p>Read the <a href="about/methodology">methodology</a> behind our tests.</p>'
            )
        self.add(
            Draft(
                feed=feed,
                minutes_ago=minutes,
                title=title.format_map(slots),
                html=body_text,
                content_html=content,
                lang=lang,
                brands=brands,
                sentiment=sentiment,
                scenario=scenario,
                author=self.author(feed),
                categories=(category,),
            )
        )

    def review(
        self,
        pool: Sequence[Review],
        minutes: float,
        brands: tuple[str, ...],
        scenario: str,
        company: str,
    ) -> None:
        """A review on trustcrate-reviews (the next template of ``pool``)."""
        self.review_item(self.pick(pool), minutes, brands, scenario, company)

    def review_item(
        self,
        template: Review,
        minutes: float,
        brands: tuple[str, ...],
        scenario: str,
        company: str,
    ) -> None:
        """A review on trustcrate-reviews, from one template."""
        rating, headline, body, sentiment = template
        slots = _slots(self.rng)
        self.add(
            Draft(
                feed="trustcrate-reviews",
                minutes_ago=minutes,
                title=f"{stars(rating)} {headline.format_map(slots)}",
                html=body.format_map(slots),
                lang=EN,
                brands=brands,
                sentiment=sentiment,
                scenario=scenario,
                author=self.author("trustcrate-reviews"),
                categories=(company,),
            )
        )


_EXTRA: dict[str, list[str]] = {
    FR: [
        "<p>Contactée, l'entreprise n'a pas souhaité faire de commentaire dans l&rsquo;immédiat.</p>",
        "<p>Nous mettrons cet article à jour dès que nous aurons plus d'informations.</p>",
        '<p>Vous avez vécu la même situation&nbsp;? Écrivez-nous à <a href="mailto:redaction@conso-hebdo.example">la rédaction</a>.</p>',
        "<p><i>Article mis à jour à 14&nbsp;h avec la réaction de la direction.</i></p>",
    ],
    EN: ["<p>We will update this story as we learn more.</p>"],
}


def _spread(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """``count`` random times (minutes ago) in ``[low, high]``, rounded to 0.1 minute."""
    return [round(rng.uniform(low, high), 1) for _ in range(count)]


def _plan(rng: random.Random, counts: dict[str, int]) -> list[str]:
    """A shuffled list of feed slugs, each repeated ``counts[slug]`` times."""
    slots = [feed for feed, count in counts.items() for _ in range(count)]
    rng.shuffle(slots)
    return slots


def build_drafts(seed: int = SEED) -> list[Draft]:
    """All drafts of the scenario, before guid/link assignment."""
    rng = random.Random(seed)
    b = Builder(rng)

    # -- Ferralis baseline: exactly one item per hour over the 72 hours before the spike.
    feeds = _plan(
        rng,
        {
            "pouet-social": 16,
            "forum-rouages": 15,
            "courrier-du-val": 9,
            "plaintes-express": 6,
            "conso-hebdo": 4,
            "railfans-community": 15,
            "trustcrate-reviews": 7,
        },
    )
    for hour, feed in enumerate(feeds):
        minutes = round(20 + 60 * hour + rng.uniform(0, 38), 1)
        _ferralis(b, feed, minutes, "baseline", spike=False)

    # -- Ferralis spike: 60 items within the last 15 minutes.
    feeds = _plan(
        rng,
        {
            "pouet-social": 24,
            "forum-rouages": 9,
            "courrier-du-val": 5,
            "plaintes-express": 4,
            "conso-hebdo": 3,
            "railfans-community": 11,
            "trustcrate-reviews": 2,
            "techpulse": 1,
        },
    )
    for feed, minutes in zip(feeds, sorted(_spread(rng, len(feeds), 0.3, 14.8)), strict=True):
        _ferralis(b, feed, minutes, "spike", spike=True)
    # The strike is picked up by a rail influencer too.
    b.add(
        Draft(
            feed="pouet-social",
            minutes_ago=4.2,
            title="⚠️ GRÈVE FERRALIS : tout le réseau régional à l’arrêt ce soir, aucun train avant demain 8 h…",
            html=toot_html(
                "⚠️ GRÈVE FERRALIS : tout le réseau régional à l’arrêt ce soir, aucun train avant demain 8 h. "
                "Gares bondées, zéro info. Partagez pour ceux qui sont sur la route. #GrèveFerralis #Ferralis "
                "https://ferralis.example/info-trafic"
            ),
            lang=FR,
            brands=(FER,),
            sentiment=NEG,
            scenario="spike",
            author="@le_rail_libre",
        )
    )

    # -- Laiterie Bonval crisis (hand-timed).
    for minutes, feed, author, text, body, sentiment, lang, brands in CRISIS:
        _crisis_item(b, minutes, feed, author, text, body, sentiment, lang, brands)

    # -- Laiterie Bonval background (before the crisis), alone or with Doux Pâturages.
    bon_plan: list[tuple[str, Sequence[Any], tuple[str, ...]]] = [
        *[("pouet-social", BON_BG_POUET, (BON,))] * 4,
        ("pouet-social", BON_DOUX_POUET, (BON, DOUX)),
        *[("forum-rouages", BON_BG_FORUM, (BON,))] * 2,
        *[("forum-rouages", BON_DOUX_FORUM, (BON, DOUX))] * 2,
        *[("conso-hebdo", BON_BG_CONSO, (BON,))] * 3,
        ("conso-hebdo", BON_DOUX_CONSO, (BON, DOUX)),
        *[("courrier-du-val", BON_BG_COURRIER, (BON,))] * 4,
        *[("plaintes-express", BON_BG_PLAINTES, (BON,))] * 3,
        *[("trustcrate-reviews", BON_BG_REVIEWS, (BON,))] * 7,
        ("trustcrate-reviews", BON_DOUX_REVIEWS, (BON, DOUX)),
        *[("techpulse", BON_BG_TECHPULSE, (BON,))] * 2,
    ]
    for feed, pool, brands in bon_plan:
        minutes = round(rng.uniform(75, THREE_DAYS - 10), 1)
        _generic(b, feed, pool, minutes, brands, "Laiterie Bonval", "Alimentation", "Food")

    # -- Doux Pâturages alone.
    doux_plan: list[tuple[str, Sequence[Any]]] = [
        *[("pouet-social", DOUX_POUET)] * 3,
        ("forum-rouages", DOUX_FORUM),
        *[("conso-hebdo", DOUX_CONSO)] * 2,
        ("courrier-du-val", DOUX_COURRIER),
        ("plaintes-express", DOUX_PLAINTES),
        *[("trustcrate-reviews", DOUX_REVIEWS)] * 2,
    ]
    for feed, pool in doux_plan:
        minutes = round(rng.uniform(60, THREE_DAYS - 10), 1)
        _generic(b, feed, pool, minutes, (DOUX,), "Doux Pâturages", "Alimentation", "Food")

    # -- Nuvia Télécom, steady over 3 days.
    nuv_plan: list[tuple[str, Sequence[Any], int]] = [
        ("forum-rouages", NUV_FORUM, 18),
        ("plaintes-express", NUV_PLAINTES, 12),
        ("pouet-social", NUV_POUET, 8),
        ("conso-hebdo", NUV_CONSO, 5),
        ("courrier-du-val", NUV_COURRIER, 2),
        ("techpulse", NUV_TECHPULSE, 20),
        ("trustcrate-reviews", NUV_REVIEWS, 20),
    ]
    for feed, pool, count in nuv_plan:
        for minutes in _spread(rng, count, 1, THREE_DAYS - 10):
            _generic(b, feed, pool, minutes, (NUV,), "Nuvia Télécom", "Télécoms", "ISP")

    # -- Off-topic noise.
    off_plan: list[tuple[str, Sequence[Any], int, str]] = [
        ("courrier-du-val", OFF_COURRIER, 12, "Vie locale"),
        ("conso-hebdo", OFF_CONSO, 5, "Vos droits"),
        ("forum-rouages", OFF_FORUM, 5, ""),
        ("pouet-social", OFF_POUET, 10, ""),
        ("plaintes-express", OFF_PLAINTES, 5, "Divers"),
        ("techpulse", OFF_TECHPULSE, 17, "Gadgets"),
        ("trustcrate-reviews", OFF_REVIEWS, 12, ""),
        ("railfans-community", OFF_RAILFANS, 16, ""),
    ]
    for feed, pool, count, category in off_plan:
        for minutes in _spread(rng, count, 1, THREE_DAYS - 5):
            if feed == "trustcrate-reviews":
                company, review = b.pick(pool)
                b.review_item(review, minutes, (), "background", company)
            else:
                _generic(b, feed, pool, minutes, (), category, category, category)
    return b.drafts


def _ferralis(b: Builder, feed: str, minutes: float, scenario: str, *, spike: bool) -> None:
    pools: dict[str, Sequence[Any]] = (
        {
            "pouet-social": FER_SPIKE_POUET,
            "forum-rouages": FER_SPIKE_FORUM,
            "courrier-du-val": FER_SPIKE_COURRIER,
            "plaintes-express": FER_SPIKE_PLAINTES,
            "conso-hebdo": FER_SPIKE_CONSO,
            "railfans-community": FER_SPIKE_RAILFANS,
            "trustcrate-reviews": FER_SPIKE_REVIEWS,
            "techpulse": FER_SPIKE_TECHPULSE,
        }
        if spike
        else {
            "pouet-social": FER_BASE_POUET,
            "forum-rouages": FER_BASE_FORUM,
            "courrier-du-val": FER_BASE_COURRIER,
            "plaintes-express": FER_BASE_PLAINTES,
            "conso-hebdo": FER_BASE_CONSO,
            "railfans-community": FER_BASE_RAILFANS,
            "trustcrate-reviews": FER_BASE_REVIEWS,
        }
    )
    _generic(b, feed, pools[feed], minutes, (FER,), "Ferralis", "Transports", "Travel", scenario)


def _generic(
    b: Builder,
    feed: str,
    pool: Sequence[Any],
    minutes: float,
    brands: tuple[str, ...],
    company: str,
    category_fr: str,
    category_en: str,
    scenario: str = "background",
) -> None:
    if feed == "pouet-social":
        b.toot(pool, minutes, brands, scenario)
    elif feed in ("forum-rouages", "railfans-community"):
        b.forum(feed, pool, minutes, brands, scenario, FR if feed == "forum-rouages" else EN)
    elif feed == "trustcrate-reviews":
        b.review(pool, minutes, brands, scenario, company)
    elif feed == "techpulse":
        b.article(feed, pool, minutes, brands, scenario, EN, category_en)
    else:
        b.article(feed, pool, minutes, brands, scenario, FR, category_fr)


def _crisis_item(
    b: Builder,
    minutes: float,
    feed: str,
    author: str,
    text: str,
    body: str,
    sentiment: str,
    lang: str,
    brands: tuple[str, ...],
) -> None:
    categories: tuple[str, ...]
    if feed == "pouet-social":
        title, body, categories = toot_title(text), toot_html(text), ()
    elif feed == "trustcrate-reviews":
        rating, headline = text.split("|", 1)
        title, categories = f"{stars(int(rating))} {headline}", ("Laiterie Bonval",)
    elif feed == "forum-rouages":
        title, categories = text, ("Alimentation",)
    elif feed == "techpulse":
        title, categories = text, ("Social media",)
    else:
        title, categories = text, ("Rappels",) if feed == "conso-hebdo" else ("Économie",)
    topic = title.split(" • ", 1)[-1].removeprefix("Re: ") if feed == "forum-rouages" else None
    content = None
    if feed == "conso-hebdo":
        content = body + _EXTRA[FR][0]
    b.add(
        Draft(
            feed=feed,
            minutes_ago=minutes,
            title=title,
            html=body,
            content_html=content,
            lang=lang,
            brands=brands,
            sentiment=sentiment,
            scenario="crisis",
            author=author,
            categories=categories,
            topic=topic,
        )
    )


# --------------------------------------------------------------------------------------------
# guids and links
# --------------------------------------------------------------------------------------------


def _topic_id(topic: str) -> int:
    return 1000 + zlib.crc32(topic.encode("utf-8")) % 9000


def _finalize(drafts: list[Draft]) -> dict[str, list[dict[str, Any]]]:
    """Assign guids and links in publication order (older items get smaller ids)."""
    ordered = sorted(drafts, key=lambda d: (-d.minutes_ago, d.feed, d.title))
    counters: dict[str, int] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for draft in ordered:
        n = counters.get(draft.feed, 0) + 1
        counters[draft.feed] = n
        record = _record(draft, n)
        out.setdefault(draft.feed, []).append(record)
    for records in out.values():
        records.sort(key=lambda r: r["minutes_ago"])
    return out


def _record(d: Draft, n: int) -> dict[str, Any]:
    slug = slugify(d.title.split(" • ", 1)[-1])
    xml_base: str | None = None
    if d.feed == "conso-hebdo":
        post = 18_400 + n
        link = f"https://www.conso-hebdo.example/actu/{slug}/"
        guid = f"https://www.conso-hebdo.example/?p={post}"
    elif d.feed == "courrier-du-val":
        section = "economie" if d.brands else "vie-locale"
        link = guid = f"https://www.courrier-du-val.example/{section}/{slug}-{52_100 + n}.html"
    elif d.feed == "forum-rouages":
        post = 98_000 + n * 7
        topic = _topic_id(d.topic or d.title)
        link = f"viewtopic.php?t={topic}&p={post}#p{post}"  # relative: resolved against xml:base
        guid = f"https://forum.les-rouages.example/viewtopic.php?p={post}#p{post}"
    elif d.feed == "plaintes-express":
        link = guid = f"https://www.plaintes-express.example/reclamation/{7_300 + n}-{slug}"
    elif d.feed == "pouet-social":
        handle = (d.author or "@anonyme").lstrip("@")
        status = 113_000_000_000 + n * 7919
        link = guid = f"https://pouet-social.example/@{handle}/{status}"
    elif d.feed == "techpulse":
        guid = f"tag:blog.techpulse.example,2025:post-{400 + n}"
        if n % 5 == 0:
            # An entry with its own xml:base: the link is relative to the archive folder.
            xml_base = "https://blog.techpulse.example/archives/"
            link = f"{slug}.html"
        else:
            link = f"posts/{slug}"
    elif d.feed == "trustcrate-reviews":
        review = 550_000 + n * 13
        guid = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://reviews.trustcrate.example/r/{review}')}"
        link = f"https://reviews.trustcrate.example/review/{review}"
    elif d.feed == "railfans-community":
        topic = _topic_id(d.topic or d.title)
        post = 31_000 + n
        link = f"https://community.railfans.example/t/{slugify(d.topic or d.title)}/{topic}/{post}"
        guid = f"community.railfans.example-post-{post}"
    else:  # pragma: no cover - every feed is handled above
        raise ValueError(d.feed)
    record: dict[str, Any] = {
        "guid": guid,
        "minutes_ago": d.minutes_ago,
        "title": d.title,
        "html": d.html,
    }
    if d.content_html:
        record["content_html"] = d.content_html
    record["author"] = d.author
    record["link"] = link
    if xml_base:
        record["xml_base"] = xml_base
    if d.categories and d.categories != ("",):
        record["categories"] = list(d.categories)
    record.update(lang=d.lang, brands=list(d.brands), sentiment=d.sentiment, scenario=d.scenario)
    return record


def build_items(seed: int = SEED) -> dict[str, list[dict[str, Any]]]:
    """The demo items, as JSON-ready records grouped by feed slug."""
    return _finalize(build_drafts(seed))


def _lines(records: list[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def write_items(folder: Path | None = None, seed: int = SEED) -> dict[str, int]:
    """Write ``items/<feed>.jsonl`` and return the number of items per feed."""
    target = folder or Path(__file__).with_name("items")
    target.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for feed, records in sorted(build_items(seed).items()):
        (target / f"{feed}.jsonl").write_text("".join(_lines(records)), encoding="utf-8")
        counts[feed] = len(records)
    return counts


def main() -> None:
    """Entry point: rewrite the JSONL files and log the counts."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for feed, count in write_items().items():
        _LOG.info("%-20s %4d items", feed, count)


if __name__ == "__main__":
    main()
