"""Blind probe: a dox written as prose ("il s'appelle Julien Moreau, né le 14/02/1988, il habite
au 23 rue des Lilas, 69003 Lyon. Son tel c'est le 06 45 12 78 90 ...") gave nothing on either
engine. The samples below were written from the domain before the recognisers were read (39
doxes in French and English, forum and Telegram style, one paragraph or several; 40 texts that
must not become a dox: contact blocks, press, bios, signatures, ads, events, phishing templates,
tutorials). Before `indexer.detect.prose`: 0 of 39 found, 38 of 40 negatives clean (the two
others were labelled templates, `Mail : xxx@xxx.com`, taken for a labelled dox). After: 38 of 39
found with exactly their identifiers, 40 of 40 negatives clean. Exact identifier sets (a Gmail address also
gives its dotless form), on the engine VIGIE_ENGINE names. All values are synthetic: made-up
names, reserved or made-up domains, NIR and IBAN with computed keys.

Not found (`test_missed` says so): `fr_two_phones_no_email`, a dox on one line between blank
lines that holds neither an "@" nor a ":" is no candidate start at all (`seeds._SPECIAL`, in
both engines and both prefilters), and even as a start it has no cue, birth or home (two phones
and an address: what a shop's or a plumber's ad gives too)."""

from __future__ import annotations

import pytest

from indexer import identifiers as ids
from indexer.detect import detect, detect_text
from indexer.detect import prefilter as P
from indexer.models import Fragment
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x07" * 32, version=1)
_CANON = {"email": ids.canon_email, "phone": ids.canon_phone, "nir": ids.canon_nir, "iban": ids.canon_iban,
          "card": ids.canon_card, "name": ids.canon_name, "address": ids.canon_address}

# (text, expected identifiers as (type, raw value)); raw values canonicalised by the test.
POSITIVES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "fr_balance": (
        "Voici le dox de ce balance : il s'appelle Julien Moreau, né le 14/02/1988 à Lyon, il habite au "
        "23 rue des Lilas, 69003 Lyon. Son tel c'est le 06 45 12 78 90 et son mail julien.moreau88@gmail.com.",
        [("name", "julien moreau"), ("dob", "1988-02-14"), ("address", "23 rue des lilas 69003 lyon"),
         ("phone", "06 45 12 78 90"), ("email", "julien.moreau88@gmail.com")]),
    "en_sarah": (
        "Dox: Sarah Benali. DOB 03/07/1992. Lives at 8 avenue Jean Jaurès 93200 Saint-Denis. "
        "Phone +33 7 81 22 33 44, email sarah.benali92@hotmail.fr.",
        [("name", "sarah benali"), ("dob", "1992-07-03"), ("phone", "+33 7 81 22 33 44"),
         ("email", "sarah.benali92@hotmail.fr"), ("address", "8 avenue jean jaurès 93200 saint-denis")]),
    "fr_no_cue_mobile_dots": (
        "Le mec qui m'a arnaqué sur le forum c'est Kevin Lambert, il a 31 ans, son numéro 06.12.98.45.33 "
        "et il traîne sur kevin.lambert.93@laposte.net. Il vit au 4 allée des Tilleuls 93140 Bondy.",
        [("name", "kevin lambert"), ("phone", "06.12.98.45.33"), ("email", "kevin.lambert.93@laposte.net"),
         ("address", "4 allée des tilleuls 93140 bondy")]),
    "fr_nir_iban": (
        "Dox complet de Thomas Garnier (né le 14 février 1988) : NIR 1 88 02 69 123 045 63, "
        "IBAN FR76 3000 4008 2300 0123 4567 819, portable 0645127890.",
        [("name", "thomas garnier"), ("dob", "1988-02-14"), ("nir", "188026912304563"),
         ("iban", "FR7630004008230001234567819"), ("phone", "0645127890")]),
    "fr_multi_paragraph": (
        "Bon les gars, j'ai retrouvé la meuf qui nous a signalés.\n\n"
        "Elle s'appelle Camille Roux, née le 3 mars 1995. Elle bosse chez Decathlon à Villeneuve.\n\n"
        "Son 06 : 06 78 45 12 03. Son mail perso : camille.roux95@orange.fr\n\n"
        "Adresse : elle vit chez ses parents, 17 rue Victor Hugo, 59650 Villeneuve-d'Ascq.",
        [("name", "camille roux"), ("dob", "1995-03-03"), ("phone", "06 78 45 12 03"),
         ("email", "camille.roux95@orange.fr"), ("address", "17 rue victor hugo 59650 villeneuve-d'ascq")]),
    "tg_style_lower": (
        "dox de ce fdp de nicolas petit\nné le 22/11/1990\nil habite 9 impasse des Roses 31200 toulouse\n"
        "tel 07 52 33 91 04\nmail nico.petit31@gmail.com\nsa mère martine petit 06 33 87 21 90",
        [("dob", "1990-11-22"), ("phone", "07 52 33 91 04"), ("email", "nico.petit31@gmail.com"),
         ("phone", "06 33 87 21 90"), ("address", "9 impasse des roses 31200 toulouse")]),
    "en_forum_born_words": (
        "Found him. Name is Daniel Whitaker, born March 3rd, 1990, phone +44 7911 123456, "
        "email dan.whitaker90@example.co.uk. Works at a garage in Leeds.",
        [("name", "daniel whitaker"), ("dob", "1990-03-03"), ("phone", "+44 7911 123456"),
         ("email", "dan.whitaker90@example.co.uk")]),
    "fr_intl_0033": (
        "Infos sur Mélanie Fabre : née le 07/06/2000, numéro 0033 6 21 43 65 87, "
        "adresse mail melanie.fabre@free.fr, NIR 2 00 06 92 050 118 65.",
        [("name", "mélanie fabre"), ("dob", "2000-06-07"), ("phone", "0033 6 21 43 65 87"),
         ("email", "melanie.fabre@free.fr"), ("nir", "200069205011865")]),
    "fr_plus33_paren": (
        "Pour ceux qui veulent s'amuser avec Romain Dupuis : +33 (0)6 14 25 36 47 / romain.dupuis@sfr.fr, "
        "né le 12.05.1985, habite 56 boulevard Voltaire 75011 Paris.",
        [("name", "romain dupuis"), ("phone", "+33 (0)6 14 25 36 47"), ("email", "romain.dupuis@sfr.fr"),
         ("dob", "1985-05-12"), ("address", "56 boulevard voltaire 75011 paris")]),
    "fr_relatives": (
        "DOX Léa Marchand\nElle a 23 ans (née le 09/09/2001), habite à Bordeaux, 12 cours de l'Yser 33800 Bordeaux.\n"
        "Son numéro : 06 98 76 54 32. Sa mère, Sylvie Marchand : 06 11 22 33 45. Son père Patrick au 05 56 91 22 10.\n"
        "Insta : @lea.mrchd",
        [("name", "léa marchand"), ("dob", "2001-09-09"), ("phone", "06 98 76 54 32"), ("phone", "06 11 22 33 45"),
         ("phone", "05 56 91 22 10"), ("address", "12 cours de l'yser 33800 bordeaux")]),
    "en_several_paragraphs": (
        "This is the guy who's been doxxing people in the discord.\n\n"
        "Real name: Marcus Lindqvist. He was born on 14 August 1997.\n\n"
        "You can reach him at marcus.lindqvist97@example.se or call +46 70 123 45 67.\n\n"
        "Have fun.",
        [("name", "marcus lindqvist"), ("dob", "1997-08-14"), ("email", "marcus.lindqvist97@example.se"),
         ("phone", "+46 70 123 45 67")]),
    "fr_dash_phone_order": (
        "06-45-88-12-30, c'est le numéro de Yanis Belkacem. Mail : yanis.belkacem@outlook.fr. "
        "Né en 2003, il habite 3 rue Pasteur 69100 Villeurbanne.",
        [("name", "yanis belkacem"), ("phone", "06-45-88-12-30"), ("email", "yanis.belkacem@outlook.fr"),
         ("address", "3 rue pasteur 69100 villeurbanne")]),
    "fr_employer_plate": (
        "Il s'appelle Olivier Bernard, 45 ans, il travaille à la mairie de Nantes. Il roule en Clio grise "
        "immatriculée AB-123-CD. Tél : 07 81 45 96 32, mail o.bernard@wanadoo.fr.",
        [("name", "olivier bernard"), ("phone", "07 81 45 96 32"), ("email", "o.bernard@wanadoo.fr")]),
    "fr_health_religion": (
        "Dox de Nadia Haddad, née le 21/11/1986 : elle est suivie pour une dépression, elle est musulmane "
        "pratiquante. Tél 06 47 25 81 36, nadia.haddad86@yahoo.fr, NIR 2 86 11 31 555 042 61.",
        [("name", "nadia haddad"), ("dob", "1986-11-21"), ("phone", "06 47 25 81 36"),
         ("email", "nadia.haddad86@yahoo.fr"), ("nir", "286113155504261")]),
    "fr_two_phones_no_email": (
        "Le proprio du chien c'est Gérard Lemoine, 8 rue du Moulin 59000 Lille. Fixe 03 20 45 67 89, "
        "portable 06 52 41 30 99.",
        [("name", "gérard lemoine"), ("address", "8 rue du moulin 59000 lille"), ("phone", "03 20 45 67 89"),
         ("phone", "06 52 41 30 99")]),
    "en_telegram_short": (
        "🔥 dox 🔥 Tyler Brooks, 19/04/1999, tyler.brooks99@example.com, +44 7400 123456",
        [("name", "tyler brooks"), ("dob", "1999-04-19"), ("email", "tyler.brooks99@example.com"),
         ("phone", "+44 7400 123456")]),
    "fr_nospace_phone_plus": (
        "Sa gueule on la connaît, maintenant son nom : Antoine Girard. +33612457893. "
        "antoine.girard@gmail.com. né le 30/01/1992.",
        [("name", "antoine girard"), ("phone", "+33612457893"), ("email", "antoine.girard@gmail.com"),
         ("dob", "1992-01-30")]),
    "fr_iban_only_bank": (
        "Voilà les coordonnées bancaires de cet escroc, Frédéric Caron : FR76 1010 7001 7500 0198 7654 306, "
        "il habite 14 rue Nationale 37000 Tours, son téléphone 02 47 66 12 34.",
        [("name", "frédéric caron"), ("iban", "FR7610107001750001987654306"),
         ("address", "14 rue nationale 37000 tours"), ("phone", "02 47 66 12 34")]),
    "fr_date_iso": (
        "identité : Aurélie Blanc / date de naissance 1977-01-13 / 6 place Bellecour 69002 Lyon / "
        "06 33 44 55 12 / aurelie.blanc@gmx.fr",
        [("name", "aurélie blanc"), ("dob", "1977-01-13"), ("address", "6 place bellecour 69002 lyon"),
         ("phone", "06 33 44 55 12"), ("email", "aurelie.blanc@gmx.fr")]),
    "fr_quote_style": (
        "Pour info, la personne derrière le compte @justice_pour_tous c'est Pauline Mercier, née le 5 juin 1993. "
        "Son adresse : 27 avenue de la République 13001 Marseille. Elle répond au 07 66 55 44 33.",
        [("name", "pauline mercier"), ("dob", "1993-06-05"), ("address", "27 avenue de la république 13001 marseille"),
         ("phone", "07 66 55 44 33")]),
    "en_belgian": (
        "Dox of Pieter Janssens: born 02/12/1984, lives in Antwerp, mobile +32 470 12 34 56, "
        "mail pieter.janssens@example.be.",
        [("name", "pieter janssens"), ("dob", "1984-12-02"), ("phone", "+32 470 12 34 56"),
         ("email", "pieter.janssens@example.be")]),
    "fr_swiss": (
        "Le gars s'appelle Luca Bianchi, né le 18/10/1991, il vit à Genève. Son natel : +41 79 123 45 67, "
        "son mail luca.bianchi@example.ch.",
        [("name", "luca bianchi"), ("dob", "1991-10-18"), ("phone", "+41 79 123 45 67"),
         ("email", "luca.bianchi@example.ch")]),
    "fr_sister_email": (
        "Dox Hugo Perrin : 06 23 45 67 81, hugo.perrin@free.fr. Sa sœur Chloé Perrin : chloe.perrin@free.fr, "
        "07 45 23 11 98. Ils habitent tous les deux au 2 rue des Écoles 21000 Dijon.",
        [("name", "hugo perrin"), ("phone", "06 23 45 67 81"), ("email", "hugo.perrin@free.fr"),
         ("email", "chloe.perrin@free.fr"), ("phone", "07 45 23 11 98"),
         ("address", "2 rue des écoles 21000 dijon")]),
    "en_address_first": (
        "42 Baker Road, flat 3, that's where Emily Carter lives. DOB 11/05/1996. "
        "Call her on +44 7900 112233 or mail emily.carter96@example.org.",
        [("name", "emily carter"), ("dob", "1996-05-11"), ("phone", "+44 7900 112233"),
         ("email", "emily.carter96@example.org")]),
    "fr_long_story": (
        "Je vous raconte : ce type, Mathieu Fontaine, m'a vendu une PS5 qu'il n'a jamais envoyée. "
        "Après des semaines j'ai trouvé qui c'est vraiment. Mathieu Fontaine, né le 08/08/1994, "
        "habite 11 rue Jean Moulin 44000 Nantes. Son numéro : 06 89 12 34 56. "
        "Son mail : mathieu.fontaine94@hotmail.com. Faites-vous plaisir.",
        [("name", "mathieu fontaine"), ("dob", "1994-08-08"), ("address", "11 rue jean moulin 44000 nantes"),
         ("phone", "06 89 12 34 56"), ("email", "mathieu.fontaine94@hotmail.com")]),
    "fr_nir_spaced_key_only": (
        "Info sur la cible : Vincent Lefort, sécu 1 85 05 75 056 234 74, tél 06 71 82 93 04.",
        [("name", "vincent lefort"), ("nir", "185057505623474"), ("phone", "06 71 82 93 04")]),
    "fr_email_phone_only_cue": (
        "dox de la pute qui m'a ban : jessica.morel@laposte.net / 06 55 12 89 74",
        [("email", "jessica.morel@laposte.net"), ("phone", "06 55 12 89 74")]),
    "en_handles": (
        "Doxxed: Ryan Mitchell. Twitter @ryanm_88, Insta ryan.mitch88, "
        "email ryan.mitchell88@example.net, phone +1 415 555 2671, born 1988-06-21.",
        [("name", "ryan mitchell"), ("email", "ryan.mitchell88@example.net"), ("phone", "+1 415 555 2671"),
         ("dob", "1988-06-21")]),
    "fr_words_date_1er": (
        "Elle s'appelle Inès Bouvier, née le 1er avril 2001 à Marseille, elle habite 30 rue de Rome "
        "13006 Marseille, tel 06 01 02 03 98, mail ines.bouvier@gmail.com",
        [("name", "inès bouvier"), ("dob", "2001-04-01"), ("address", "30 rue de rome 13006 marseille"),
         ("phone", "06 01 02 03 98"), ("email", "ines.bouvier@gmail.com")]),
    "fr_card": (
        "Le mec a posté sa propre CB lol : Bastien Riviere, 4970 1012 3456 7893 exp 09/27, "
        "tel 06 42 42 13 37, bastien.riviere@orange.fr",
        [("name", "bastien riviere"), ("card", "4970101234567893"), ("phone", "06 42 42 13 37"),
         ("email", "bastien.riviere@orange.fr")]),
    "fr_husband": (
        "Voilà ce que j'ai sur Christine Vidal : née le 15/09/1973, 19 chemin des Vignes 34000 Montpellier, "
        "06 31 74 85 96. Son mari Alain Vidal bosse chez Airbus, son portable 06 32 75 86 97, "
        "alain.vidal@example.fr",
        [("name", "christine vidal"), ("dob", "1973-09-15"), ("address", "19 chemin des vignes 34000 montpellier"),
         ("phone", "06 31 74 85 96"), ("phone", "06 32 75 86 97"), ("email", "alain.vidal@example.fr")]),
    "en_born_words_day_first": (
        "Name's Oliver Grant, born 7 July 1989, lives at 15 Mill Lane, Bristol BS1 4QT. "
        "Mobile +44 7400 654321, email oliver.grant89@example.co.uk",
        [("name", "oliver grant"), ("dob", "1989-07-07"), ("phone", "+44 7400 654321"),
         ("email", "oliver.grant89@example.co.uk")]),
    "fr_one_line_commas": (
        "Elodie Renaud, 12/12/1987, 5 rue Gambetta 76000 Rouen, 06 28 39 40 51, elodie.renaud@sfr.fr, "
        "FR76 3006 6100 2100 0102 0304 009",
        [("name", "elodie renaud"), ("dob", "1987-12-12"), ("address", "5 rue gambetta 76000 rouen"),
         ("phone", "06 28 39 40 51"), ("email", "elodie.renaud@sfr.fr"), ("iban", "FR7630066100210001020304009")]),
    "fr_teacher": (
        "Le prof qui m'a collé c'est M. Stéphane Guérin, il habite 8 rue des Acacias 87000 Limoges, "
        "son fixe 05 55 34 12 90 et son mail perso stephane.guerin@laposte.net. Né le 02/03/1979.",
        [("name", "stéphane guérin"), ("address", "8 rue des acacias 87000 limoges"), ("phone", "05 55 34 12 90"),
         ("email", "stephane.guerin@laposte.net"), ("dob", "1979-03-02")]),
    "en_ex": (
        "My ex Jessica Palmer cheated and stole from me. Her number is +44 7911 223344 and her email is "
        "jess.palmer@example.com. Her birthday is 25/12/1995. Spam her.",
        [("name", "jessica palmer"), ("phone", "+44 7911 223344"), ("email", "jess.palmer@example.com"),
         ("dob", "1995-12-25")]),
    "fr_dob_sans_le": (
        "cible: Maxime Colin, né 17/06/1998, habite 22 rue Carnot 38000 Grenoble, 06 87 65 43 21",
        [("name", "maxime colin"), ("dob", "1998-06-17"), ("address", "22 rue carnot 38000 grenoble"),
         ("phone", "06 87 65 43 21")]),
    "fr_slash_phone": (
        "Elle c'est Manon Lefebvre, 06/12/34/56/78, manon.lefebvre@gmail.com, née le 29/02/2000.",
        [("name", "manon lefebvre"), ("phone", "06/12/34/56/78"), ("email", "manon.lefebvre@gmail.com"),
         ("dob", "2000-02-29")]),
    "en_no_cue_plain": (
        "Anyone know Jordan Hayes? He lives at 221 Elm Street, phone +44 7900 445566, email "
        "jordan.hayes@example.com, DOB 04/04/1993. He owes me money.",
        [("name", "jordan hayes"), ("phone", "+44 7900 445566"), ("email", "jordan.hayes@example.com"),
         ("dob", "1993-04-04")]),
    "fr_nir_dob_only": (
        "Nom : Rachid Amrani (je l'ai trouvé), né le 13/01/1977, sa sécu c'est 177011305508722 "
        "et il habite 4 rue Paradis 13001 Marseille.",
        [("name", "rachid amrani"), ("dob", "1977-01-13"), ("nir", "177011305508722"),
         ("address", "4 rue paradis 13001 marseille")]),
}

NEGATIVES: dict[str, str] = {
    "company_contact": (
        "Contactez-nous\nSiège social : 12 rue de la Paix, 75002 Paris\nStandard : 01 44 55 66 77\n"
        "Service client : contact@exemple-sa.fr\nPresse : presse@exemple-sa.fr\nFax : 01 44 55 66 78"),
    "company_contact_prose": (
        "Pour toute question, notre service client est joignable au 09 70 80 90 00 du lundi au vendredi, "
        "par mail à support@exemple-boutique.fr, ou par courrier au 5 avenue des Champs 75008 Paris."),
    "press_article": (
        "Le maire de Valmont, Jean-Luc Perrot, a annoncé hier la fermeture de l'usine. "
        "« C'est une catastrophe », a réagi Marie Dubois, déléguée syndicale. Contacté, le porte-parole "
        "de la préfecture, Paul Renard, joignable au 01 23 45 67 89, n'a pas souhaité commenter."),
    "press_article_en": (
        "Mayor Jane Holloway said on Tuesday that the bridge will reopen in May. "
        "For press enquiries contact the council's media office at press@example-council.gov.uk "
        "or +44 20 7946 0000."),
    "public_bio": (
        "Emmanuel Fictif, né le 21 décembre 1977 à Amiens, est un homme politique français. "
        "Il est élu député de la Somme en 2017. Il habite Paris."),
    "public_bio_en": (
        "John Example (born 4 August 1961) is an American politician who served as governor. "
        "He was born in Honolulu, Hawaii. Contact: office@example.gov"),
    "forum_signature": (
        "Merci pour le partage !\n--\nKevin | Admin du forum | kevin@exemple-forum.fr | Discord: kev#1234"),
    "signature_with_phone": (
        "Cordialement,\nJean Martin\nResponsable commercial\nExemple SARL\nTél : 01 23 45 67 80\n"
        "j.martin@exemple-sarl.fr\nwww.exemple-sarl.fr"),
    "classified_ad": (
        "Vends vélo VTT Rockrider taille L, très bon état, 150 €. À récupérer sur Lyon 3e. "
        "Appelez-moi au 06 12 34 56 70 après 18h."),
    "classified_ad_email": (
        "Loue appartement T2 meublé, 45 m², 12 rue des Fleurs 69003 Lyon, 850 € CC. "
        "Contact : location.t2@exemple.fr ou 06 98 76 54 10. Visites le samedi."),
    "event": (
        "Soirée jeux de société le samedi 12/10/2024 à 19h, salle des fêtes, 3 place de la Mairie 44000 Nantes. "
        "Inscriptions : jeux.nantes@exemple-asso.fr"),
    "event_en": (
        "Join us on 12/10/2024 at 7pm at the Community Hall, 10 High Street. RSVP to events@example.org "
        "or call 020 7946 0123."),
    "phishing_template": (
        "Bonjour {prenom} {nom},\nVotre colis est bloqué. Merci de confirmer vos infos :\n"
        "Nom : xxxx\nDate de naissance : JJ/MM/AAAA\nTél : 06 XX XX XX XX\nMail : xxx@xxx.com\n"
        "Lien : http://colis-exemple.invalid/confirm"),
    "phishing_template_en": (
        "Dear customer, your account has been suspended. Please reply with your full name, date of birth "
        "(DD/MM/YYYY), phone number (+44 7XXX XXXXXX) and email (name@example.com) to restore access."),
    "tutorial_dox": (
        "Tuto : comment faire un dox. 1) Cherchez le pseudo sur Google. 2) Regardez les comptes Insta. "
        "3) Trouvez le nom, la date de naissance, le numéro et l'adresse. Ne postez jamais de vraies infos ici."),
    "tutorial_regex": (
        "Pour valider un numéro français utilisez ^0[1-9](\\d{2}){4}$, par exemple 01 23 45 67 89, et pour "
        "un mail ^[\\w.]+@[\\w.]+$, par exemple prenom.nom@example.com."),
    "dox_request": (
        "Quelqu'un peut me dox ce mec ? Il s'appelle Thomas, il a 25 ans, il vit à Lyon. Je paie en BTC. "
        "Contactez-moi sur Telegram."),
    "news_with_dates": (
        "Le 14/07/2024, le défilé a réuni 20 000 personnes. Le 15/08/2024, la fête a été annulée. "
        "Information au 01 45 67 89 00."),
    "support_reply": (
        "Bonjour Monsieur Durand,\nNous avons bien reçu votre demande du 03/05/2024. Notre équipe vous "
        "recontactera sous 48h.\nService client Exemple – 09 69 32 15 15 – sav@exemple.fr"),
    "shop_footer": (
        "Exemple Boutique – 45 rue du Commerce 75015 Paris – SIRET 732 829 320 00074 – "
        "contact@exemple-boutique.fr – 01 40 50 60 70"),
    "recruitment": (
        "Nous recrutons un développeur Python à Lyon. Envoyez CV et lettre à recrutement@exemple-tech.fr. "
        "Renseignements : Claire Martin, RH, 04 72 00 11 22."),
    "obituary": (
        "Nous avons la tristesse de vous annoncer le décès de Marcel Dupont, né le 2 janvier 1931, "
        "survenu le 14 mars 2024. Les obsèques auront lieu en l'église Saint-Pierre."),
    "birthday_post": (
        "Joyeux anniversaire à ma sœur Julie née le 12/03/1995 ! Vive les 30 ans !"),
    "mailing_list": (
        "Pour vous désinscrire écrivez à unsubscribe@exemple-list.org. Pour toute question : "
        "webmaster@exemple-list.org. Archives : http://lists.exemple-list.org"),
    "doctor_office": (
        "Cabinet du Dr Lucie Fictive, médecin généraliste, 7 rue Pasteur 69007 Lyon. "
        "Consultations sur rendez-vous au 04 78 00 00 12. Doctolib ou secretariat@cabinet-exemple.fr."),
    "scam_warning": (
        "Attention, arnaque en cours : des gens appellent depuis le 01 86 76 00 00 en se faisant passer "
        "pour la banque. Ne donnez jamais vos codes. Signalez sur signal-arnaques@exemple.gouv.fr."),
    "seller_contact": (
        "Vendeur de base de données fiable, contactez-moi : seller_fr@exemple.onion ou Telegram @dbseller. "
        "Prix 0.01 BTC la ligne."),
    "wedding": (
        "Mariage de Julie et Thomas le 21/06/2025 à 15h, mairie de Tours, 1 place Jean Jaurès 37000 Tours. "
        "RSVP julie.thomas.mariage@exemple.fr"),
    "hotline_list": (
        "Numéros utiles : SAMU 15, Police 17, Pompiers 18, SOS Médecins 36 24, "
        "Centre antipoison 04 72 11 69 11, Allô enfance 119."),
    "author_bio_en": (
        "About the author: Sarah Example was born in 1980 in Manchester. She writes about technology. "
        "Follow her on Twitter @sarahexample or email sarah@example-blog.com."),
    "forum_rules": (
        "Règle 4 : interdit de poster des infos personnelles (nom, adresse, téléphone, mail, date de "
        "naissance). Tout dox sera supprimé et son auteur banni. Contact modération : modo@exemple-forum.fr"),
    "two_colleagues": (
        "Réunion de service : Paul Girard (p.girard@exemple-corp.fr) et Anne Lemaire "
        "(a.lemaire@exemple-corp.fr) présenteront le budget. Salle B, poste 4521."),
    "team_page": (
        "Notre équipe : Marc Henry, directeur, marc.henry@exemple-agence.fr ; Sophie Lenoir, "
        "chargée de projet, sophie.lenoir@exemple-agence.fr ; accueil 01 55 66 77 88."),
    "order_confirmation": (
        "Commande n° 458712 du 12/03/2024 livrée au point relais, 18 avenue Foch 54000 Nancy. "
        "Questions : commandes@exemple-shop.fr ou 03 83 00 11 22."),
    "lost_cat": (
        "Chat perdu quartier Croix-Rousse, tigré, répond au nom de Moustache. Si vous le voyez appelez "
        "le 06 77 88 99 01. Merci !"),
    "association": (
        "L'association Les Amis du Parc, 2 rue des Jardins 35000 Rennes, présidée par Hélène Morvan, "
        "organise son assemblée générale. Contact : amisduparc@exemple-asso.fr, 02 99 00 11 22."),
    "leak_announcement": (
        "[SELL] Base clients Exemple Telecom 2024, 1,2M lignes : nom, prénom, date de naissance, adresse, "
        "téléphone, mail, IBAN. Échantillon sur demande. Contact : @leakseller, leakseller@exemple.onion"),
    "placeholder_dox_format": (
        "Format d'un bon dox :\nNom : Prénom NOM\nNé le : JJ/MM/AAAA\nAdresse : numéro rue CP ville\n"
        "Tel : 06 XX XX XX XX\nMail : xxx@xxx.com"),
    "conference_speakers": (
        "Conférence du 05/11/2024 à la Sorbonne, 1 rue Victor Cousin 75005 Paris. Intervenants : "
        "Pr Alain Dufour (né en 1950) et Dr Nora Belaid. Inscriptions : colloque@exemple-univ.fr"),
    "bank_notice": (
        "Votre nouvel IBAN pour les virements vers Exemple Assurances : FR76 1660 6100 2000 1239 8765 048. "
        "Service clients : 09 72 72 00 00, clients@exemple-assurances.fr"),
}


MISSED = {"fr_two_phones_no_email"}  # see the module docstring


def _expected(name: str) -> set[tuple[str, str]]:
    out = set()
    for t, v in POSITIVES[name][1]:
        c = _CANON[t](v) if t in _CANON else v
        assert c is not None, (name, t, v)
        out.add((t, c))
        if t == "email":
            out.add((t, ids.canon_email_gmail(c)))
    return out


def _found(frags: list[Fragment]) -> set[tuple[str, str]]:
    return {(i.type, i.value) for f in frags for i in f.identifiers}


@pytest.mark.parametrize("name", sorted(set(POSITIVES) - MISSED))
def test_prose_dox_is_one_dox_fragment(name: str) -> None:
    text = POSITIVES[name][0]
    frags = detect(text, key=KEY)
    assert [f.kind for f in frags] == ["dox"]
    assert _found(frags) == _expected(name)
    # nothing of the person is left readable in the excerpt: identifiers and names masked,
    # and the words between them that hold no identifier
    ex = frags[0].excerpt
    for t, v in POSITIVES[name][1]:
        if t in ("email", "nir", "iban", "card"):
            assert v not in ex


@pytest.mark.parametrize("name", sorted(MISSED))
def test_missed(name: str) -> None:
    """Left as found (see the module docstring): no candidate start on one line; on two lines
    it is a start, but without a cue, a birth or a home it reads as a contact block."""
    assert detect(POSITIVES[name][0], key=KEY) == []
    assert detect(POSITIVES[name][0].replace(". Fixe", ".\nFixe"), key=KEY) == []


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative_is_no_dox(name: str) -> None:
    """(`phishing_template` and `placeholder_dox_format` were labelled doxes before: a labelled
    template's blanks, `Mail : xxx@xxx.com`, `Nom : Prénom NOM`, are no one's values now,
    `shapes._placeholder`)"""
    assert detect(NEGATIVES[name], key=KEY) == []


def test_all_paths_agree() -> None:
    """The paths other than `detect(str)` see the same fragments: `detect_many` (the crawler's,
    whose compiled prefilter hands a lone line with two identifiers back to Python) and the
    windowed prefilter of a big input (a prose dox read across a blank line next to a
    `key: value` line stays inside one window)."""
    texts = [t for t, _ in POSITIVES.values()] + list(NEGATIVES.values())
    items = [t.encode() for t in texts]
    assert P.detect_many(items, key=KEY) == [detect(b, key=KEY) for b in items]
    filler = "Merci pour le partage, je regarde ça ce soir.\n\nQuelqu'un a la suite ?\n\n"
    big = ("\n\n" + filler * 4).join(texts)
    while len(big.encode()) < P.WINDOWED_MIN_BYTES + 1024:
        big += "\n\n" + filler
    whole = detect_text(big, key=KEY)
    assert sum(f.kind == "dox" for f in whole) >= len(POSITIVES) - len(MISSED)
    assert detect(big.encode(), key=KEY) == whole


# ------------------------------------------------------------------ second batch, never tuned on
# Written after the fix, run once, and recorded as it came out (the lead's report has the
# figures). Missed: the name after words the recogniser does not know ("he goes by Liam
# Foster"); a name four lines above the contact line, across a blank line next to no `key:
# value` line (`b2_en_paragraphs`, whose UK number is also not a valid one); doxes whose person
# is named where no cue is known ("Le fdp Jordan Baptiste a ...", "Le proprio du resto, Didier
# Faure, c'est lui ..."): with no name read and no dox word, descriptive cues do not count.

BATCH2_POSITIVES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "b2_fr_revenge": (
        "Cette grosse balance de Samuel Texier a porté plainte contre nous. Il est né le 4 avril 1996, "
        "son numéro c'est 07.61.42.88.19 et son adresse mail samuel.texier96@orange.fr, il crèche au "
        "41 rue des Tanneurs 67000 Strasbourg.",
        [("name", "samuel texier"), ("dob", "1996-04-04"), ("phone", "07.61.42.88.19"),
         ("email", "samuel.texier96@orange.fr"), ("address", "41 rue des tanneurs 67000 strasbourg")]),
    "b2_en_two_lines": (
        "doxxing this clown\nhe goes by Liam Foster irl, dob 22/09/2001, reach him on +44 7400 987654 "
        "or liam.foster01@example.com",
        [("name", "liam foster"), ("dob", "2001-09-22"), ("phone", "+44 7400 987654"),
         ("email", "liam.foster01@example.com")]),
    "b2_fr_nir_mother": (
        "Infos complètes sur Kevin Marchal : sécu 1 96 04 75 112 233 71, sa mère Nathalie au "
        "06 71 20 30 40, lui au 06 71 20 30 41.",
        [("name", "kevin marchal"), ("nir", "196047511223371"), ("phone", "06 71 20 30 40"),
         ("phone", "06 71 20 30 41")]),
    "b2_fr_iban_scammer": (
        "ATTENTION arnaqueur sur leboncoin : il s'appelle Hervé Lemaitre, il demande des virements sur "
        "FR76 1254 8029 9800 4561 2378 994, tel 06 22 10 98 76.",
        [("name", "hervé lemaitre"), ("iban", "FR7612548029980045612378994"), ("phone", "06 22 10 98 76")]),
    "b2_en_paragraphs": (
        "Her name is Chloe Dawson.\n\nShe was born 30/03/1998 and lives in Manchester.\n\n"
        "Contact: chloe.dawson98@example.co.uk / +44 7911 445566",
        [("name", "chloe dawson"), ("dob", "1998-03-30"), ("email", "chloe.dawson98@example.co.uk"),
         ("phone", "+44 7911 445566")]),
    "b2_fr_tg_emoji": (
        "🚨 DOX 🚨 Ophélie Garnier née le 10/10/2003 habite 3 impasse du Lavoir 49000 Angers "
        "📞 06 19 28 37 46 📧 ophelie.garnier@gmail.com",
        [("name", "ophélie garnier"), ("dob", "2003-10-10"), ("address", "3 impasse du lavoir 49000 angers"),
         ("phone", "06 19 28 37 46"), ("email", "ophelie.garnier@gmail.com")]),
    "b2_fr_card_nir": (
        "Le fdp Jordan Baptiste a laissé traîner sa CB 5132 4567 8901 2345 et sa carte vitale "
        "2 03 10 78 004 021 91, mail jordan.baptiste@free.fr",
        [("name", "jordan baptiste"), ("card", "5132456789012345"), ("nir", "203107800402191"),
         ("email", "jordan.baptiste@free.fr")]),
    "b2_en_no_cue_list": (
        "Nathan Price, born 12 January 1994, 0044 7400 112200, nathan.price94@example.com, works at Tesco Leeds",
        [("name", "nathan price"), ("dob", "1994-01-12"), ("phone", "+44 7400 112200"),
         ("email", "nathan.price94@example.com")]),
    "b2_fr_wife_intl": (
        "Le proprio du resto, Didier Faure, c'est lui qui nous a virés. Sa femme : +33 6 55 44 33 21. "
        "Lui : didier.faure@laposte.net. Ils vivent au 9 chemin des Crêtes 06000 Nice.",
        [("name", "didier faure"), ("phone", "+33 6 55 44 33 21"), ("email", "didier.faure@laposte.net"),
         ("address", "9 chemin des crêtes 06000 nice")]),
    "b2_fr_no_accent_lower": (
        "voila le dox de la meuf : lucie bernard, nee le 05/05/2005, 06 43 21 09 87, lucie.b05@hotmail.fr",
        [("dob", "2005-05-05"), ("phone", "06 43 21 09 87"), ("email", "lucie.b05@hotmail.fr")]),
}

BATCH2_NEGATIVES: dict[str, str] = {
    "b2_hotel": (
        "Hôtel du Parc ★★★, 15 avenue de la Gare 74000 Annecy. Réservations : reservation@hotel-exemple.fr "
        "ou 04 50 00 12 34. Ouvert depuis le 01/06/1998."),
    "b2_court_news": (
        "Le tribunal de Lyon a condamné hier un homme de 34 ans, né le 12/04/1990. Renseignements auprès du "
        "greffe au 04 72 00 00 00 ou greffe@exemple-justice.fr."),
    "b2_plumber_ad": (
        "Plombier chauffagiste à votre service 7j/7 ! Devis gratuit : 06 10 20 30 40 ou "
        "plombier.dupont@exemple.fr. Intervention rapide sur Lyon et environs."),
    "b2_en_newsletter": (
        "Thanks for subscribing! Questions? Email hello@example-news.com or call +44 20 7946 0999. "
        "Our office: 1 Example Street, London."),
    "b2_sales_team": (
        "Pour toute commande, contactez Marie Lefort (marie.lefort@exemple-pro.fr, 01 42 00 11 22) ou "
        "Julien Roy (julien.roy@exemple-pro.fr, 01 42 00 11 23)."),
    "b2_school": (
        "École primaire Jean Moulin, 4 rue des Écoles 59000 Lille. Directrice : Mme Catherine Blanc. "
        "Tél : 03 20 00 44 55. Mail : ce.0590000x@ac-exemple.fr"),
    "b2_birthday_invite": (
        "Venez fêter les 40 ans de Marc le 14/06/2025 ! Rendez-vous au 12 rue des Vignes 69000 Lyon. "
        "RSVP au 06 00 11 22 33."),
    "b2_template_en": (
        "Fill in: Full name: ________ DOB: __/__/____ Phone: +44 ______ Email: ______@____.com"),
    "b2_wiki_bio": (
        "Jean Exemple (né le 3 mai 1950 à Nantes) est un écrivain français. Il vit à Paris depuis 1980. "
        "Son éditeur peut être joint à droits@editions-exemple.fr."),
    "b2_support_thread": (
        "Bonjour, j'ai un souci avec ma commande 784512. Mon mail est client.exemple@exemple.fr. "
        "Merci de me rappeler au 06 98 00 11 22."),
}


BATCH2_NAME_MISSED = {"b2_en_two_lines"}
BATCH2_MISSED = {"b2_en_paragraphs", "b2_fr_wife_intl"}
# read since wave 25 as one person's record alone on its line (`lone_record`: the card, the NIR and
# the e-mail), not yet as a dox that names Jordan Baptiste
BATCH2_LONE = {"b2_fr_card_nir"}


def _expected2(name: str) -> set[tuple[str, str]]:
    out = set()
    for t, v in BATCH2_POSITIVES[name][1]:
        c = _CANON[t](v) if t in _CANON else v
        if c is not None and not (t == "name" and name in BATCH2_NAME_MISSED):
            out.add((t, c))
            if t == "email":
                out.add((t, ids.canon_email_gmail(c)))
    return out


@pytest.mark.parametrize("name", sorted(BATCH2_POSITIVES))
def test_second_batch_positive(name: str) -> None:
    frags = detect(BATCH2_POSITIVES[name][0], key=KEY)
    if name in BATCH2_MISSED:
        assert frags == []
    elif name in BATCH2_LONE:
        assert [f.kind for f in frags] == ["lone_record"]
        assert _found(frags) == {(t, v) for t, v in _expected2(name) if t != "name"}
    else:
        assert [f.kind for f in frags] == ["dox"] and _found(frags) == _expected2(name)


@pytest.mark.parametrize("name", sorted(BATCH2_NEGATIVES))
def test_second_batch_negative(name: str) -> None:
    assert detect(BATCH2_NEGATIVES[name], key=KEY) == []
