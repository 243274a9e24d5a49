"""Posts with numbers that look like identifiers and are none (order and tracking numbers, a
company's SIRET and SIREN, timestamps, versions, bad NIR keys and Luhn digits, product codes,
hashes, one public support e-mail quoted in a forum post...): the negatives of a blind probe of
leak samples (a held-out set written apart from the code). None may give an identifier, on the
engine VIGIE_ENGINE names, also with the probe's changes (born lines, two-digit years, emoji
labels, glued headers). All values are synthetic."""

from __future__ import annotations

import pytest

from indexer.detect import detect
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x61" * 32, version=1)

NEGATIVES = {
    'order_numbers': 'Bonjour, votre commande n° 4970123456789014 a été expédiée le 12/03/2024. Numéro '
                     'de suivi Colissimo : 6A12345678901. Merci de votre confiance.',
    'siret_siren': 'Société EXEMPLE SAS au capital de 10 000 €, SIRET 73282932000074, SIREN '
                   '404833048, RCS Paris B 404 833 048, TVA FR32404833048.',
    'tracking': 'Colis UPS 1Z999AA10123456784 en transit, Chronopost XY123456789FR livré, DHL '
                '1234567890.',
    'log_timestamps': '2024-03-15 10:22:33,123 INFO request_id=1710498153 user_agent=curl/8.4.0 took '
                      '612ms\n2024-03-15 10:22:34,456 WARN request_id=1710498154 retry=2 status=503\n'
                      '2024-03-15 10:22:35,789 INFO request_id=1710498155 status=200 bytes=61234567',
    'version_strings': 'Changelog: v6.12.34 (build 0612345678) released on 15.03.2024; kernel '
                       '6.1.0-18-amd64; firmware 07.81.23.45.67-rc2 hotfix.',
    'invalid_nir_key': 'Exemple de numéro de sécu pour les tests : 1 85 03 75 115 123 33 (clé fausse), ou '
                       '185037511512399.',
    'invalid_luhn_cards': 'Carte de test refusée : 4970 1234 5678 9014, et 5132-1234-5678-9016 aussi.',
    'product_codes': 'Réf. article 0612-3456-78A, EAN 3017620422003, lot n° 2024031512, code 33612-B.',
    'forum_support_email': 'Si vous êtes concerné par la fuite, écrivez à dpo@exemple-hebergeur.fr pour '
                           "demander la suppression. Le site a confirmé l'incident hier.",
    'prices_quantities': 'Vente: 1 234 567 lignes, prix 0,5 BTC, soit 12 000 € le lot. 42 000 patients, 75 '
                         '002 fichiers.',
    'ip_addresses': 'Serveurs: 192.168.101.120:8080, 10.0.61.23:5432, 172.16.33.61 (VPN), 2001:db8::1.',
    'hash_list': '5f4dcc3b5aa765d61d8327deb882cf99\ne10adc3949ba59abbe56e057f20f883e\n'
                 '25d55ad283aa400af464c76d713c07ad\n'
                 '$2y$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUV',
    'dates_prose': 'La fuite date du 15/03/2024, mise en ligne le 2024-03-20 puis retirée le 21.03.24.',
    'cve_kb': 'Exploit pour CVE-2024-12345 et CVE-2023-46604, patch KB5034441 ; voir aussi '
              'ZDI-24-1085.',
    'crypto': 'BTC: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\ntx '
              '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b',
    'invalid_iban': 'RIB fourni: FR76 3000 4008 2300 0123 4567 818 (rejeté par la banque).',
    'dossier_refs': 'Dossier 2024-000123-45, ticket #0612345678901234, facture F-85037511512.',
    'drug_catalogue_sql': "INSERT INTO produits (id, libelle, cip13, prix) VALUES (1,'Doliprane "
                          "1000mg','3400930000000',2.18),(2,'Spasfon','3400930000017',3.50),(3,'Smecta','3400930000024',4.10);",
    'gps_coords': 'Point de RDV: 48.856613, 2.352222 puis 45.764043, 4.835659 (Lyon).',
    'metrics_csv': 'id;created_at;amount;status\n1;1710498153;12.50;ok\n2;1710498154;7.80;ok\n'
                   '3;1710498155;101.00;refund\n4;1710498156;33.33;ok',
    'sport_scores': 'Classement: 1. PSG 61 pts, 2. OM 56 pts, 3. OL 53 pts; score 06-12-34 au '
                    'tie-break.',
    'iso_timestamps_table': 'event,ts,duration\nlogin,2024-03-15T10:22:33Z,0612\n'
                            'logout,2024-03-15T11:02:13Z,2400\nlogin,2024-03-16T08:01:07Z,0033',
    'uuid_list': 'd3b07384-d9a0-4c9b-8b1a-06123456789a\n1b4e28ba-2fa1-11d2-883f-0016d3cca427',
    'two_digit_dates_in_prose': 'Fuite du 15.03.24, relayée le 16.03.24 ; 2e vague le 02/04/24 à 10:22.\nTaille : '
                                '12 Go, 1 234 567 lignes.',
    'emoji_sale_post': '🔥 BASE CLINIQUE 🔥\n📦 Taille : 12 Go\n📅 Date : 15/03/2024\n📍 France\n💰 Prix : 0,5 '
                       'BTC\n📞 Contact : @vendeur_fr\n',
    'glued_headers_no_values': 'NOMPAT;PRENOMPAT;DTNAIS;NUMSECU;TELPORT\nXXX;XXX;JJ/MM/AAAA;X XX XX XX XXX XXX '
                               'XX;06 XX XX XX XX',
}


@pytest.mark.parametrize("name", NEGATIVES)
def test_no_identifier(name: str) -> None:
    frags = detect(NEGATIVES[name], key=KEY)
    assert [(i.type, i.value) for f in frags for i in f.identifiers] == []
