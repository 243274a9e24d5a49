# ruff: noqa: E501, E741  (a log's or a post's line is kept whole, as it is written)
"""Blind probe, set 6: PRECISION, what a grader checks second: ordinary texts that hold no one.

Written apart from the detector (wave 26, helper H) from what a user reads only (README.md, the docs,
the identifiers reference) and the public API. Sets 1-5 hunted evasions; this set weighs the other
half of a grader's score: forum chatter about leaks, tech-support threads, logs (nginx, syslog, stack
traces, git logs, lockfiles), SQL schemas without rows, crypto addresses and hashes, order, tracking,
invoice and product numbers (EAN, ISBN, VAT, plates, IMEI), IPs, MACs, UUIDs, versions, timestamps,
numbers that fail their check (phones, NIR keys, Luhn, IBAN mod-97), test cards of payment docs,
`x@y` that is no address (ssh, git, npm scopes, decorators, handles, `@2x.png`), and article 9 words
about no one (news, a pharmacy's ads and catalogue, a union's press release, a parish's schedule).
Each must give NO identifier and NO article 9 flag, or exactly those it holds (`maybe`: a business's
own switchboard or its SIREN may be read or not). Many were found by running `detect()` over ordinary
files of this machine (Debian changelogs, site-packages code and JSON, gettext .po files, C headers,
READMEs) and over generated data tables, then rewritten small and synthetic: GNU changelogs read as
doxes, code lines (dicts, regex alternatives, decorators, `use` blocks, Perl arrays, doxygen) and
two-column pipe tables read as combo lists, negative floats read as US SSNs, MISP/ISO/SBOM JSON,
/etc/passwd, textbook IBAN examples, directories of wards, unions and parties flagged with no person. Sets 6b (identifiers written the many ways people
write them) and 6c (leak posts end to end) import nothing from here. `python -m
tests.test_detect_blind_probe_set6` prints all three.
"""

from __future__ import annotations

from tests.blind_probe_harness import Probe, e164, gmail, iban, luhn, make_tests, nir

__all__ = ["SET"]

SET = Probe("6")
neg = SET.negative


def _bad_luhn(v: str) -> str:
    return v[:-1] + str((int(v[-1]) + 3) % 10)


def _bad_key(v: str) -> str:
    return v[:-2] + f"{(int(v[-2:]) + 11) % 97:02d}"


def _bad_iban(v: str) -> str:
    return v[:2] + f"{(int(v[2:4]) + 7) % 97:02d}" + v[4:]


# ---------------------------------------------------------------- logs and machine output

neg(
    "nginx_access",
    "\n".join(
        [
            '203.0.113.42 - - [15/Mar/2024:10:22:33 +0100] "GET /index.php?id=1710498153&page=2 HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Safari/537.36"',
            '198.51.100.7 - - [15/Mar/2024:10:22:35 +0100] "POST /wp-login.php HTTP/1.1" 302 0 "https://blog.exemple.fr/wp-login.php" "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"',
            '192.0.2.200 - - [15/Mar/2024:10:22:41 +0100] "GET /static/img/logo@2x.png HTTP/1.1" 304 0 "-" "curl/8.5.0"',
            '203.0.113.42 - - [15/Mar/2024:10:23:02 +0100] "GET /api/v2/orders/4021234567123 HTTP/1.1" 404 162 "-" "python-requests/2.31.0"',
            '10.12.34.56 - - [15/Mar/2024:10:23:09 +0100] "GET /health HTTP/1.1" 200 2 "-" "kube-probe/1.28"',
        ]
    ),
)
neg(
    "syslog_auth",
    "\n".join(
        [
            "Mar 15 10:22:33 web01 sshd[23145]: Accepted publickey for deploy from 203.0.113.42 port 52144 ssh2: ED25519 SHA256:Xx3kq9P0b7n1VwR2mYc8tL5zH4aJ6eUo0iG1sD2fK3Q",
            "Mar 15 10:22:40 web01 sshd[23160]: Invalid user admin from 198.51.100.7 port 40112",
            "Mar 15 10:22:40 web01 sshd[23160]: Failed password for invalid user admin from 198.51.100.7 port 40112 ssh2",
            "Mar 15 10:22:41 web01 sudo:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx",
            "Mar 15 10:23:00 web01 CRON[23201]: (root) CMD (/usr/local/bin/backup.sh >> /var/log/backup.log 2>&1)",
            "Mar 15 10:23:05 web01 postfix/smtpd[23210]: connect from mail-yw1-f170.google.com[209.85.128.170]",
            "Mar 15 10:23:06 web01 kernel: [1234567.891011] e1000e 0000:00:1f.6 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None",
        ]
    ),
)
neg(
    "python_traceback",
    """Traceback (most recent call last):
  File "/srv/app/venv/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner
    response = get_response(request)
  File "/srv/app/shop/views.py", line 212, in checkout
    order = Order.objects.get(pk=order_id, customer__email=request.user.email)
  File "/srv/app/venv/lib/python3.11/site-packages/django/db/models/query.py", line 649, in get
    raise self.model.DoesNotExist(
shop.models.Order.DoesNotExist: Order matching query does not exist.
[15/Mar/2024 10:22:33] "POST /checkout/ HTTP/1.1" 500 145""",
)
neg(
    "java_trace",
    """@Override
public void onReceive(Context context, Intent intent) {
    Log.d(TAG, "received " + intent.getAction());
}
Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null
	at com.acme.billing.InvoiceService.format(InvoiceService.java:142)
	at com.acme.billing.InvoiceService.lambda$run$0(InvoiceService.java:88)
	at java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)
	at java.base/java.lang.Thread.run(Thread.java:833)""",
)
neg(
    "git_log_noreply",
    """commit 3f2a9c1e8b7d6054a1f2e3d4c5b6a79881726354
Author: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>
Date:   Fri Mar 15 10:22:33 2024 +0100

    Bump lodash from 4.17.20 to 4.17.21 (#1432)

commit 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807
Merge: 1a2b3c4 5d6e7f8
Author: GitHub <noreply@github.com>
Date:   Thu Mar 14 18:01:12 2024 +0100

    Merge pull request #1431 from acme/fix/invoice-rounding
    git clone git@github.com:acme/billing.git && cd billing && npm ci""",
)
neg(
    "ssh_and_scp",
    """Pour déployer :
  ssh deploy@203.0.113.42 -p 2222
  scp dist/app.tar.gz root@web01.internal:/srv/releases/
  rsync -avz ./public/ www-data@198.51.100.7:/var/www/html/
  git remote add prod ubuntu@ec2-203-0-113-42.eu-west-3.compute.amazonaws.com:/srv/git/app.git
Ensuite `sudo -u postgres psql` et c'est bon.""",
)
neg(
    "package_lock",
    """{
  "name": "vitrine",
  "version": "2.14.1",
  "lockfileVersion": 3,
  "packages": {
    "node_modules/@babel/core": {
      "version": "7.23.9",
      "resolved": "https://registry.npmjs.org/@babel/core/-/core-7.23.9.tgz",
      "integrity": "sha512-5q0175NOjddqpvvzU+kDiSOAk4PfdO6FvwCWoQ6RO7rTzEe8vlo+4HVfcnAREhD4npMs0e9uZypjTwzZPCf/cw=="
    },
    "node_modules/@types/node": {
      "version": "20.11.24",
      "resolved": "https://registry.npmjs.org/@types/node/-/node-20.11.24.tgz",
      "integrity": "sha512-Kza43ewS3xoLgCEpQrsT+xRo/EJej1y0kVYGiLFE1NEODXGzTfwiC6tXTLMQskn1X4/Rjlh0MQUvx9W+L9long=="
    },
    "node_modules/lodash": {"version": "4.17.21", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"}
  }
}""",
)
neg(
    "requirements_hashes",
    """django==4.2.11 \\
    --hash=sha256:6e6ff3db2d8dd0c986b4eec8554c8e4f919b5c1ff62a5b4390c17aff2ed6e5c4 \\
    --hash=sha256:ddc24a0a8280a0430baa37aff11f28574720af05888c62b7cfe71d219f4599d3
psycopg[binary] @ git+https://github.com/psycopg/psycopg.git@3.1.18#subdirectory=psycopg
golang.org/x/net v0.17.0 h1:pVaXccu2ozPjCXewfr1S7xoYvpb6XcNe0Q8F5ZyTbQQ=
cargo: serde 1.0.197 checksum = "3fb1c873e1b9b056a4dc4c0c198b24c3ffa059243875552b2bd0933b1aee4ce2\"""",
)
neg(
    "docker_compose",
    """services:
  db:
    image: postgres@sha256:4c1a1d8b1f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: shop
    ports: ["127.0.0.1:5432:5432"]
  web:
    image: ghcr.io/acme/vitrine:2.14.1
    labels:
      - "traefik.http.routers.web.rule=Host(`shop.exemple.fr`)"
      - "com.docker.compose.version=2.24.6\"""",
)
neg(
    "sql_schema_no_rows",
    """-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
-- Host: localhost    Database: clinique
DROP TABLE IF EXISTS `patients`;
CREATE TABLE `patients` (
  `id` int unsigned NOT NULL AUTO_INCREMENT,
  `nom` varchar(80) NOT NULL,
  `prenom` varchar(80) NOT NULL,
  `date_naissance` date DEFAULT '0000-00-00',
  `nir` char(15) DEFAULT NULL COMMENT 'numéro de sécurité sociale',
  `email` varchar(255) DEFAULT NULL,
  `telephone` varchar(20) DEFAULT NULL,
  `pathologie` varchar(255) DEFAULT NULL COMMENT 'diagnostic principal (CIM-10)',
  `statut_vih` tinyint(1) DEFAULT 0,
  `religion` varchar(40) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uniq_nir` (`nir`)
) ENGINE=InnoDB AUTO_INCREMENT=48213 DEFAULT CHARSET=utf8mb4;
LOCK TABLES `patients` WRITE;
UNLOCK TABLES;""",
)
neg(
    "pg_schema_no_rows",
    """CREATE TABLE public.customers (
    id bigint NOT NULL,
    email character varying(254) NOT NULL,
    phone character varying(32),
    iban character varying(34),
    card_last4 character(4),
    birth_date date,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.customers ADD CONSTRAINT customers_email_key UNIQUE (email);
COPY public.customers (id, email, phone, iban, card_last4, birth_date, created_at) FROM stdin;
\\.
SELECT pg_catalog.setval('public.customers_id_seq', 1048576, true);""",
)

# ---------------------------------------------------------------- hex, ids and numbers glued to digits

neg(
    "hashes_with_digit_runs",
    """md5    a0612345678b9c0d1e2f3a4b5c6d7e8f  setup.exe
sha1   0612345678901234567890123456789012345678  firmware.bin
sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.txt
sha256 1850575123456789012345678901234567890123456789012345678901234567  backup.tar
git 4a1b2c3d4e5f60718293a4b5c6d7e8f901234567""",
)
neg(
    "uuids_macs_ips",
    """device 550e8400-e29b-41d4-a716-446655440000 mac 06:12:34:56:78:9a ip 106.12.34.56
device 6ba7b810-9dad-11d1-80b4-00c04fd430c8 mac 06-12-34-56-78-9A ip 10.61.23.45:8080
device 123e4567-e89b-12d3-a456-426614174000 mac 0612.3456.789a ip fe80::612:3456:789a
lease 192.168.1.254 expires 2024-03-15T10:22:33Z client-id 01:06:12:34:56:78:90""",
)
neg(
    "epoch_timestamps",
    """{"event":"login","ts":1710498153123,"user_id":48213,"session":"a1b2c3d4"}
{"event":"logout","ts":1710501753987,"user_id":48213,"session":"a1b2c3d4"}
{"event":"login","ts":1710512345678,"user_id":50117,"session":"e5f6a7b8"}
{"event":"purchase","ts":1710523456789,"user_id":50117,"amount_cents":129900}""",
)
neg(
    "crypto_addresses",
    """BTC: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh
BTC (legacy): 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2
ETH/USDT ERC20: 0x71C7656EC7ab88b098defB751B7401B5f6d8976F
XMR: 4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge
tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 (12 confirmations, block 19443215)""",
)
neg(
    "order_tracking_invoice",
    """Commande n° 402-1234567-1234567 expédiée le 12/03/2024.
Suivi Colissimo : 6A12345678901 — Chronopost : XY123456789FR — UPS : 1Z999AA10123456784
Facture FAC-2024-000123 du 15/03/2024, échéance 14/04/2024, montant 1 234,56 € TTC.
Ticket #483920 ouvert, réf. client C-0048213, dossier 2024/03/0612.
Numéro de transaction CB : 000123456789, autorisation 612345.""",
)
neg(
    "product_codes",
    """Référence;EAN;Désignation;Prix
ART-0001;3760123456789;Tasse en grès 35 cl;12,90
ART-0002;3760123456796;Bol en grès 50 cl;14,50
ART-0003;3017620422003;Pâte à tartiner 400 g;3,99
ART-0004;9782070368228;Livre - L'Étranger (ISBN 978-2-07-036822-8);7,20
ART-0005;4006381333931;Surligneur jaune;1,45""",
)
neg(
    "imei_and_serials",
    """Lot de 5 iPhone 13 reconditionnés :
IMEI 356938035643809 — 128 Go — grade A
IMEI 353918059876541 — 128 Go — grade B
IMEI 357805023984942 — 256 Go — grade A
S/N F2LXK0ABCD12, F2LXK0ABCD13 ; VIN VF1RFB00X12345678 ; plaque AB-123-CD""",
)
neg(
    "stats_table",
    """Département;Code;Population 2021;Densité;Code postal chef-lieu
Ain;01;657856;113,4;01000
Aisne;02;529374;71,6;02000
Corse-du-Sud;2A;158507;39,4;20000
Haute-Corse;2B;182887;38,9;20200
Paris;75;2133111;20241,2;75001""",
)
neg(
    "versions_and_builds",
    """Windows 10.0.19045.3803, Chrome 120.0.6099.129, Firefox 121.0.1, Linux 6.1.0-17-amd64
Python 3.11.8, OpenSSL 3.0.13 30 Jan 2024, node v20.11.1, npm 10.2.4
Android 14 (UP1A.231005.007), build 2024.03.05, firmware 1.06.12.34
OID 1.2.840.113549.1.1.11 (sha256WithRSAEncryption), serial 04:12:34:56:78:9a:bc""",
)
neg(
    "prices_and_amounts",
    """Bilan 2023 : chiffre d'affaires 12 345 678,90 €, résultat 1 061 234,56 €.
Capital social 1 000 000 €. Effectif 612. Stock 0612 345 678 unités (erreur de saisie).
Tarifs : 06,12 € / 34,56 € / 78,90 € ; cours 1 BTC = 61 234,56 USD.""",
)

# ---------------------------------------------------------------- numbers that fail their check

_card_bad = [_bad_luhn(luhn("497010", 16)), _bad_luhn(luhn("535110", 16)), _bad_luhn(luhn("37828", 15))]
neg(
    "luhn_failing_cards",
    "numero;exp;cvv\n" + "\n".join(f"{c};0{i + 3}/27;{412 + i}" for i, c in enumerate(_card_bad)),
)
_ibans_bad = [
    _bad_iban(iban("FR", "30006000011234567890189")),
    _bad_iban(iban("DE", "370400440532013000")),
    _bad_iban(iban("BE", "539007547034")),
]
neg("iban_bad_checksum", "titulaire;iban\n" + "\n".join(f"compte {i};{v}" for i, v in enumerate(_ibans_bad)))
_nirs_bad = [_bad_key(nir("1850575123456")), _bad_key(nir("2920133012345")), _bad_key(nir("1760299123123"))]
neg("nir_wrong_key", "id;nss\n" + "\n".join(f"{i};{v}" for i, v in enumerate(_nirs_bad)))
neg(
    "phones_wrong_length",
    """Appelez le 06 12 34 56 (il manque deux chiffres) ou le 06 12 34 56 78 90 12.
Standard : +33 6 12 34 56 ; fax 01 23 45 6 ; code 0033 6 12.
Ligne interne : poste 6123, bip 61 23 45.""",
)
neg(
    "dates_impossible",
    "id;date_naissance\n1;31/02/1984\n2;00/00/0000\n3;32/13/1999\n4;29/02/1985",
)
neg(
    "stripe_test_cards_docs",
    """## Testing payments
Use these test card numbers in test mode only (any future expiry, any CVC):
| Brand | Number |
|---|---|
| Visa | 4242 4242 4242 4242 |
| Visa (debit) | 4000 0566 5566 5556 |
| Mastercard | 5555 5555 5555 4444 |
| American Express | 3782 822463 10005 |
| Discover | 6011 1111 1111 1117 |
Real cards are declined in test mode.""",
)
neg(
    "test_cards_4111",
    """Pour tester le paiement en recette, utilisez la carte 4111 1111 1111 1111, date 12/34, cryptogramme 123.
Le sandbox refuse 4000 0000 0000 0002 (carte refusée) et 4000 0000 0000 9995 (fonds insuffisants).""",
)

# ---------------------------------------------------------------- x@y that is no one's address

neg(
    "npm_scopes_decorators",
    """import { Component } from '@angular/core';
import styles from '@/styles/app.module.css';
@Component({ selector: 'app-root', templateUrl: './app.component.html' })
export class AppComponent { @Input() user!: User; }
npm install @babel/preset-env@7.24.0 @types/react@18.2.64 lodash@4.17.21
@media (max-width: 600px) { .logo { background: url(logo@2x.png); } }
@import url("https://fonts.googleapis.com/css2?family=Inter@400;700");""",
)
neg(
    "python_decorators",
    """@app.route("/login", methods=["POST"])
@login_required
@pytest.mark.parametrize("n", [1, 2])
def login(n): ...
class Foo:
    @property
    def bar(self): return self._bar @ self.matrix  # matrix product
""",
)
neg(
    "social_handles",
    """Merci à @jeanmarc_dupont et @LaureMarchal75 pour le partage !
Suivez-nous sur @vigie_fr et sur Mastodon @vigie@mastodon.social.
cc @support @team-infra""",
)
neg(
    "image_names",
    "assets: icon@2x.png icon@3x.png splash@2x.webp avatar_48@1.5x.jpg banner-v2@2x.jpeg",
)
neg(
    "placeholder_addresses_docs",
    """## API
curl -X POST https://api.exemple.fr/v1/users \\
  -H "Content-Type: application/json" \\
  -d '{"email": "jane.doe@example.com", "name": "Jane Doe", "phone": "+1 555 0100"}'
Returns `{"id": 42, "email": "user@example.org"}`. Replace you@yourdomain.tld with your address.""",
)
neg(
    "masked_in_chatter",
    """Le mail de test c'est j***@gmail.com, le tel 06 ** ** ** 78, l'IBAN FR76 **** **** **** 0189.
Les 4 derniers chiffres de la carte : **** **** **** 4242.""",
)

# ---------------------------------------------------------------- forum chatter and support threads

neg(
    "chatter_leak_talk",
    """Re: la base Free Mobile de 2024 ?
Quelqu'un a la base complète ? On m'a dit 19 millions de lignes avec IBAN, date de naissance et numéro de tel.
> Ouais mais c'est du réchauffé, la moitié des IBAN sont faux et les NIR sont masqués.
Perso je cherche surtout les combos mail:pass FR récents, pas les vieux leaks de 2019.
Prix ? 500$ en XMR, dispo sur le tox habituel.""",
)
neg(
    "chatter_leak_talk_en",
    """Re: [SELLING] US healthcare DB 2M records
Anyone bought from this guy? Sample looked legit: names, DOB, SSN, insurance IDs, diagnosis codes.
> vouch, got the 2023 one, 100% valid SSN format but half the emails bounce
Price is 1.5 BTC, escrow only. PM me for the mega link.""",
)
neg(
    "support_printer",
    """[Résolu] Imprimante HP LaserJet M404 hors ligne
Bonjour, depuis la mise à jour 002.2404A l'imprimante en 192.168.1.20 affiche erreur 0x80070005.
J'ai essayé de réinstaller le pilote 48.2.4594 sans succès. Windows 11 23H2, build 22631.3296.
> Il faut supprimer la file d'attente (net stop spooler) puis remettre l'IP fixe.""",
)
neg(
    "support_phone_model",
    """My Galaxy S23 (SM-S911B/DS, firmware S911BXXS3BXB2) shows "SIM not provisioned MM#2".
Tried *#06# and it shows both IMEIs fine. Carrier support said ticket 4021-8843-1177.""",
)
neg(
    "calendar_csv",
    """date;evenement;lieu
15/06/1985;Concert anniversaire;Paris
29/06/2024;Marche des fiertés;Paris
24/12/2024;Messe de minuit;Église Saint-Pierre
01/05/2025;Défilé du 1er mai (CGT, FO, CFDT);Place de la République""",
)

# ---------------------------------------------------------------- article 9 words about no one

neg(
    "news_health_fr",
    """Santé publique France lance une campagne de dépistage du VIH et des hépatites : près de 5 000
personnes découvrent leur séropositivité chaque année. Le diabète de type 2 touche plus de 4 millions
de Français ; la dépression, la schizophrénie et les troubles bipolaires restent sous-diagnostiqués.""",
)
neg(
    "news_health_en",
    """The WHO reported that HIV infections fell by 38% since 2010, while cancer, depression and type 1
diabetes remain leading causes of disability. Chemotherapy shortages hit oncology wards across Europe.""",
)
neg(
    "pharmacy_ad",
    """PHARMACIE DU CENTRE — promos de la semaine !
-20% sur les tests de grossesse, autotests VIH à 24,90 €, préservatifs, lubrifiants.
Vaccination grippe sans rendez-vous. Conseils diabète et sevrage tabagique. Ouvert 7j/7.""",
)
neg(
    "pharmacy_catalogue_csv",
    """produit;categorie;prix;remboursement
Doliprane 1000 mg;antalgique;2,18;65%
Autotest VIH;dépistage;24,90;0%
Lévothyrox 100 µg;thyroïde;3,12;65%
Truvada (PrEP);antirétroviral;398,45;100%
Subutex 8 mg;substitution opiacés;12,34;65%""",
)
neg(
    "hospital_services_csv",
    """service;etage;batiment
Oncologie;3;B
Psychiatrie adulte;1;C
Maladies infectieuses (VIH);2;B
Maternité - IVG;4;A
Addictologie;1;D""",
)
neg(
    "union_press_release",
    """COMMUNIQUÉ — La CGT, FO et la CFDT appellent à la grève le 12 décembre contre la réforme.
Les syndicats dénoncent la suppression de 1 200 postes. L'intersyndicale tiendra une conférence de
presse à la Bourse du travail. Adhérez au syndicat : la cotisation est de 1% du salaire net.""",
)
neg(
    "politics_news",
    """Sondage : le Rassemblement national en tête avec 31 %, LFI à 9 %, les Républicains à 7 %.
Les militants écologistes manifestent devant l'Assemblée ; le Parti socialiste tient son congrès à Marseille.""",
)
neg(
    "parish_schedule",
    """Paroisse Saint-Jean — horaires : messe le dimanche à 10h30, confessions le samedi à 17h.
Ramadan 2025 : début le 1er mars. La synagogue de la rue Buffault accueille l'office de Kippour.
Conférence « islam et laïcité » à la mosquée, entrée libre.""",
)
neg(
    "lgbt_association",
    """L'association organise sa permanence d'accueil pour les personnes LGBT+ tous les mardis.
Thèmes : coming out, homophobie au travail, transidentité. La Marche des fiertés partira de Montparnasse.""",
)
neg(
    "genetics_biometrics_news",
    """La CNIL rappelle que les données génétiques et biométriques (empreintes digitales, reconnaissance
faciale) sont des données sensibles. Les tests ADN récréatifs restent interdits en France.""",
)
neg(
    "recipe_and_sport",
    """Recette : 200 g de farine, 3 œufs, 50 cl de lait. Cuisson 35 min à 180 °C.
Résultats : PSG 2 - 1 OM (buts à la 12e et 56e minute) ; Marathon de Paris, 54 312 finishers.""",
)

# ---------------------------------------------------------------- a business's own numbers (maybe)

SET.case(
    "shop_footer",
    """© 2024 Céramiques Martin SARL — SIREN 404 833 048 — RCS Lyon — TVA FR40404833048
Siège : 12 rue des Potiers, 69002 Lyon — Tél. 04 78 12 34 56 — contact@ceramiques-martin.fr
Paiement sécurisé, livraison offerte dès 60 €.""",
    maybe=[("siren", "404833048"), ("phone", e164("0478123456")), ("email", "contact@ceramiques-martin.fr")],
)
SET.case(
    "invoice_company_iban",
    """FACTURE N° F2024-0312 — Atelier Lefort, SIRET 732 829 320 00074
Règlement par virement : IBAN FR14 2004 1010 0505 0001 3M02 606 — BIC PSSTFRPPLIL
Date : 15/03/2024 — Échéance : 14/04/2024 — Total TTC : 1 440,00 €""",
    maybe=[("siret", "73282932000074"), ("siren", "732829320"), ("iban", "FR1420041010050500013M02606")],
)

# ---------------------------------------------------------------- ordinary texts that hold exactly one person

_ines = ("email", "ines.garnier@laposte.net")
SET.case(
    "support_thread_with_signature",
    """Re: colis jamais reçu
Bonjour, commande 402-1234567-1234567 du 02/03/2024, toujours rien. Suivi : 6A12345678901.
Cordialement,
Inès Garnier
ines.garnier@laposte.net
06 71 23 45 89""",
    maybe=[_ines, ("phone", e164("0671234589"))],
)
SET.case(
    "chatter_with_one_leaked_line",
    """lol regardez ce que j'ai trouvé dans la base :
GARNIER;Inès;ines.garnier@laposte.net;0671234589;14/07/1991
le reste c'est pareil, 40k lignes, 300€""",
    [_ines, ("phone", e164("0671234589")), ("dob", "1991-07-14")],
)
SET.case(
    "log_line_with_one_user",
    """2024-03-15T10:22:33Z INFO checkout ok order=402-1234567-1234567 user=ines.garnier@laposte.net ip=203.0.113.42 amount=129.90
2024-03-15T10:22:34Z INFO mail sent to=ines.garnier@laposte.net template=order_confirm id=550e8400-e29b-41d4-a716-446655440000""",
    [_ines],
)


# ---------------------------------------------------------------- dumps of people whose words are no article 9 data
# Each holds exactly its people's identifiers; the decoy column (a street named after a hospital or a
# church, a surname, `sexe`, marital status, nationality, a colour, a hospital's staff, a doctors'
# directory, sign-up dates) says nothing of anyone's health, beliefs, origin or sex life.

_PEOPLE = [
    # first, last, email, mobile (national), dob ISO, street
    ("Gaëlle", "Chrétien", "gaelle.chretien@orange.fr", "0645123789", "1979-04-02", "12 rue de l'Église"),
    ("Bastien", "Gay", "bastien.gay@free.fr", "0756234891", "1986-11-23", "3 boulevard de l'Hôpital"),
    ("Yasmina", "Cohen", "y.cohen@sfr.fr", "0667345912", "1992-01-30", "8 rue de la Santé"),
    ("Thibaut", "Pape", "thibaut.pape@laposte.net", "0778456123", "1968-07-14", "41 rue Gay-Lussac"),
    ("Noémie", "Lévêque", "noemie.leveque@wanadoo.fr", "0689567234", "2001-09-09", "5 place de la Mosquée"),
    ("Loïc", "Prêtre", "loic.pretre@bbox.fr", "0612678345", "1955-12-01", "22 rue du Temple"),
]


def _ids(fields: str, people: list[tuple[str, str, str, str, str, str]] = _PEOPLE) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _first, _last, email, mobile, dob, _street in people:
        if "e" in fields:
            out.add(("email", email))
        if "p" in fields:
            out.add(("phone", e164(mobile)))
        if "d" in fields:
            out.add(("dob", dob))
    return out


def _fr(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


SET.case(
    "decoy_streets",
    "nom;prenom;email;telephone;adresse;cp;ville\n"
    + "\n".join(f"{l.upper()};{f};{e};{m};{st};75005;Paris" for f, l, e, m, _d, st in _PEOPLE),
    _ids("ep"),
)
SET.case(
    "decoy_sexe_civilite",
    "civilite;nom;prenom;sexe;date_naissance;email\n"
    + "\n".join(
        f"{'Mme' if i % 2 == 0 else 'M.'};{l};{f};{'F' if i % 2 == 0 else 'M'};{_fr(d)};{e}"
        for i, (f, l, e, _m, d, _s) in enumerate(_PEOPLE)
    ),
    _ids("ed"),
)
SET.case(
    "decoy_sex_words_en",
    "first_name,last_name,email,sex,gender,dob\n"
    + "\n".join(
        f"{f},{l},{e},{'female' if i % 2 == 0 else 'male'},{'woman' if i % 2 == 0 else 'man'},{d}"
        for i, (f, l, e, _m, d, _s) in enumerate(_PEOPLE)
    ),
    _ids("ed"),
)
_status = ["marié(e)", "pacsé(e)", "célibataire", "divorcé(e)", "veuf/veuve", "concubinage"]
SET.case(
    "decoy_marital_status",
    "nom;prenom;email;situation_familiale;enfants\n"
    + "\n".join(f"{l};{f};{e};{_status[i]};{i % 3}" for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)),
    _ids("e"),
)
_nat = ["française", "marocaine", "algérienne", "portugaise", "sénégalaise", "turque"]
SET.case(
    "decoy_nationality",
    "nom;prenom;nationalite;lieu_naissance;mobile\n"
    + "\n".join(
        f"{l};{f};{_nat[i]};{['Lyon', 'Casablanca', 'Oran', 'Porto', 'Dakar', 'Izmir'][i]};{m}"
        for i, (f, l, _e, m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("p"),
)
SET.case(
    "decoy_colours_orders",
    "commande;client;email;article;couleur;taille\n"
    + "\n".join(
        f"CMD-{48213 + i};{f} {l};{e};T-shirt col V;{['Noir', 'Blanc', 'Noir', 'Beige', 'Blanc cassé', 'Noir'][i]};{'SML'[i % 3]}"
        for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e"),
)
SET.case(
    "decoy_hospital_staff",
    "matricule;nom;prenom;email;service;fonction\n"
    + "\n".join(
        f"{70011 + i};{l};{f};{e};{['Oncologie', 'Psychiatrie', 'Maladies infectieuses', 'Addictologie', 'Maternité', 'Gériatrie'][i]};{['Infirmier(e)', 'Cadre de santé', 'Aide-soignant(e)', 'Secrétaire médicale', 'Sage-femme', 'Agent administratif'][i]}"
        for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e"),
)
_rpps = [luhn("1000" + str(512345 + 11 * i), 11) for i in range(6)]
SET.case(
    "decoy_doctors_directory",
    "rpps;nom;prenom;specialite;telephone_cabinet\n"
    + "\n".join(
        f"{_rpps[i]};{l};{f};{['Psychiatre', 'Oncologue', 'Gynécologue', 'Infectiologue', 'Addictologue', 'Généticien'][i]};{m}"
        for i, (f, l, _e, m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("p") | {("rpps", r) for r in _rpps},
)
SET.case(
    "decoy_signup_dates",
    "id;email;date_inscription;derniere_connexion;date_commande\n"
    + "\n".join(
        f"{900 + i};{e};{10 + i}/03/2019;0{i + 1}/02/2024;2{i}/11/2023"
        for i, (_f, _l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e"),
)
SET.case(
    "decoy_mutuelle_syndic",
    "nom;prenom;email;mutuelle;syndic_copropriete;parti_le\n"
    + "\n".join(
        f"{l};{f};{e};{['MGEN', 'Harmonie Mutuelle', 'MAAF Santé', 'Malakoff Humanis', 'AG2R', 'Mutuelle Bleue'][i]};Foncia;{10 + i}/08/2023"
        for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e"),
)
SET.case(
    "decoy_card_expiry",
    "titulaire;email;carte;expiration;cvv\n"
    + "\n".join(
        f"{f} {l};{e};{luhn('497010' + str(12 + i), 16)};{(i % 12) + 1:02d}/{27 + i % 3};{100 + 7 * i}"
        for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e") | {("card", luhn("497010" + str(12 + i), 16)) for i in range(6)},
)
_NEUTRAL = [
    ("Armelle", "Roussel", "armelle.roussel@orange.fr", "0645987123", "1981-05-17", "9 rue des Lilas"),
    ("Cédric", "Vasseur", "cedric.vasseur@free.fr", "0756876234", "1974-02-28", "17 avenue Foch"),
    ("Sabrina", "Hamel", "s.hamel@sfr.fr", "0667765345", "1995-10-03", "2 impasse du Moulin"),
]
SET.case(
    "bible_verses_members",
    "membre;email;verset_prefere\n"
    + "\n".join(
        f"{f} {l};{e};{['Jean 3:16', 'Psaume 23:1', 'Romains 8:28'][i]}"
        for i, (f, l, e, _m, _d, _s) in enumerate(_NEUTRAL)
    ),
    _ids("e", _NEUTRAL),
    ["religion"],
)
SET.case(
    "decoy_fullname_surnames",
    "client;email;ville\n" + "\n".join(f"{f} {l};{e};Lyon" for f, l, e, _m, _d, _s in _PEOPLE),
    _ids("e"),
)


# ---------------------------------------------------------------- more words that are no article 9 data, in people's dumps

_TRAP = [
    # first, last, e-mail, mobile: first names and surnames that are ordinary (Iris, Noël, Jean-Baptiste, Lesourd...)
    ("Iris", "Lesourd", "iris.lesourd@orange.fr", "0645112233"),
    ("Noël", "Leborgne", "noel.leborgne@free.fr", "0756223344"),
    ("Jean-Baptiste", "Boiteux", "jb.boiteux@sfr.fr", "0667334455"),
    ("Pascal", "Lebègue", "pascal.lebegue@laposte.net", "0778445566"),
    ("Ange", "Sarrazin", "ange.sarrazin@wanadoo.fr", "0689556677"),
    ("Marie", "Lallemand", "marie.lallemand@bbox.fr", "0612667788"),
    ("Toussaint", "Langlais", "toussaint.langlais@orange.fr", "0623778899"),
    ("Chantal", "Lenoir", "chantal.lenoir@free.fr", "0734889900"),
]
_TRAP_IDS = {("email", e) for _f, _l, e, _m in _TRAP} | {("phone", e164(m)) for _f, _l, _e, m in _TRAP}
SET.case(
    "decoy_names_fullname",
    "client;email;mobile\n" + "\n".join(f"{f} {l};{e};{m}" for f, l, e, m in _TRAP),
    _TRAP_IDS,
)
SET.case(
    "decoy_names_columns",
    "prenom;nom;email;mobile\n" + "\n".join(f"{f};{l};{e};{m}" for f, l, e, m in _TRAP),
    _TRAP_IDS,
)
SET.case(
    "decoy_vet_clinic",
    "proprietaire;email;telephone;animal;race;pathologie;sterilise\n"
    + "\n".join(
        f"{f} {l};{e};{m};{['Chien', 'Chat', 'Chien', 'Chat', 'Lapin', 'Chien', 'Chat', 'Chien'][i]};"
        f"{['Berger allemand', 'Siamois', 'Labrador', 'Persan', 'Bélier nain', 'Caniche', 'Maine coon', 'Husky'][i]};"
        f"{['dysplasie de la hanche', 'diabète', 'otite', 'insuffisance rénale', 'abcès dentaire', 'épilepsie', 'obésité', 'arthrose'][i]};"
        f"{'oui' if i % 2 else 'non'}"
        for i, (f, l, e, m) in enumerate(_TRAP)
    ),
    _TRAP_IDS,
)
SET.case(
    "decoy_crm_origine_orientation",
    "contact;email;mobile;origine;orientation;diagnostic\n"
    + "\n".join(
        f"{f} {l};{e};{m};{['Salon', 'Site web', 'Parrainage', 'Salon', 'LinkedIn', 'Site web', 'Appel entrant', 'Parrainage'][i]};"
        f"{['BTS', 'Licence pro', 'Master', 'BTS', 'Bac pro', 'Licence', 'Master', 'BTS'][i]};"
        f"{['DPE classe D', 'amiante négatif', 'termites RAS', 'DPE classe B', 'plomb négatif', 'DPE classe F', 'gaz conforme', 'électricité conforme'][i]}"
        for i, (f, l, e, m) in enumerate(_TRAP)
    ),
    _TRAP_IDS,
)
SET.case(
    "decoy_orders_speakers",
    "commande;client;email;article;quantite\n"
    + "\n".join(
        f"CMD-{61200 + i};{f} {l};{e};{['Enceinte Bluetooth JBL Flip 6', 'Enceinte connectée Sonos One', 'Casque Bose QC45', 'Enceinte portable Marshall', 'Barre de son Samsung', 'Enceinte JBL Go 3', 'Platine vinyle', 'Enceinte Bose SoundLink'][i]};1"
        for i, (f, l, e, _m) in enumerate(_TRAP)
    ),
    {("email", e) for _f, _l, e, _m in _TRAP},
)
SET.case(
    "decoy_copropriete",
    "lot;coproprietaire;email;telephone;syndicat;tantiemes\n"
    + "\n".join(
        f"{i + 1};{f} {l};{e};{m};Syndicat des copropriétaires Résidence Les Tilleuls;{120 + 15 * i}"
        for i, (f, l, e, m) in enumerate(_TRAP)
    ),
    _TRAP_IDS,
)
SET.case(
    "decoy_cities",
    "nom;email;mobile;ville\n"
    + "\n".join(
        f"{l};{e};{m};{['Lourdes', 'Saint-Denis', 'La Chapelle-sur-Erdre', 'Abbeville', 'Saint-Malo', 'Lourdes', 'Sainte-Marie-aux-Mines', 'Moutiers'][i]}"
        for i, (_f, l, e, m) in enumerate(_TRAP)
    ),
    _TRAP_IDS,
)
SET.case(
    "decoy_handedness_regime",
    "nom;prenom;email;lateralite;regime_matrimonial;mutuelle_sante\n"
    + "\n".join(
        f"{l};{f};{e};{'gaucher' if i % 3 == 0 else 'droitier'};{['communauté réduite aux acquêts', 'séparation de biens', 'participation aux acquêts', 'communauté universelle'][i % 4]};{'oui' if i % 2 else 'non'}"
        for i, (f, l, e, _m) in enumerate(_TRAP)
    ),
    {("email", e) for _f, _l, e, _m in _TRAP},
)
SET.case(
    "decoy_job_titles",
    "salarie;email;poste;site\n"
    + "\n".join(
        f"{f} {l};{e};{['Chargée de recrutement', 'Délégué commercial', 'Responsable santé et sécurité', 'Technicien de maintenance', 'Assistante de direction', 'Représentant du personnel', 'Chef de projet diversité', 'Infirmière du travail'][i]};{['Lyon', 'Paris', 'Lille', 'Nantes'][i % 4]}"
        for i, (f, l, e, _m) in enumerate(_TRAP)
    ),
    {("email", e) for _f, _l, e, _m in _TRAP},
)
SET.case(
    "decoy_newsletter_topics",
    "email;date_inscription;centres_interet\n"
    + "\n".join(
        f"{e};{10 + i}/01/2023;{['cuisine, voyages', 'bricolage', 'jardinage, santé du chien', 'politique internationale (actualité)', 'religions du monde (documentaires)', 'sport, nutrition', 'histoire', 'cinéma'][i]}"
        for i, (_f, _l, e, _m) in enumerate(_TRAP)
    ),
    {("email", e) for _f, _l, e, _m in _TRAP},
    maybe=[],
)


# ---------------------------------------------------------------- batch 3: machine addresses, colon lists, numbers of other kinds

neg(
    "mail_headers_message_ids",
    """Return-Path: <bounces+1234567-abcd-ines=laposte.net@em1234.mailer.exemple.fr>
Received: from mail-yw1-f170.google.com (mail-yw1-f170.google.com [209.85.128.170]) by mx1.exemple.fr (Postfix) with ESMTPS id 4TwXyZ1a2Bz9sT
Message-ID: <CAKx9Jq3=Ua8fT2mZ+Lp0wXyZ-5vQ@mail.gmail.com>
In-Reply-To: <20240315102233.GA12345@srv01.exemple.fr>
References: <20240315102233.GA12345@srv01.exemple.fr> <5f3a1b2c.1c69fb81.4d2e.8a1b@mx.google.com>
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=gmail.com; s=20230601; h=to:subject:message-id:date:from
X-Mailer: Apple Mail (2.3774.400.31)""",
)
neg(
    "shell_prompts",
    """root@vps-5f3a1b2c.vps.ovh.net:~# apt update && apt upgrade -y
ubuntu@ip-172-31-22-5.eu-west-3.compute.internal:~$ sudo systemctl status nginx
pi@raspberrypi.local:~ $ vcgencmd measure_temp
[admin@srv-backup.int.exemple.fr ~]$ df -h /mnt/backup""",
)
neg(
    "proxy_list",
    "Fresh HTTP proxies (checked 15/03/2024 10:22 UTC):\n"
    + "\n".join(
        f"{a}.{b}.{c}.{d}:{port}"
        for a, b, c, d, port in [
            (203, 0, 113, 5, 8080),
            (198, 51, 100, 23, 3128),
            (192, 0, 2, 77, 80),
            (203, 0, 113, 140, 8888),
            (198, 51, 100, 9, 1080),
            (192, 0, 2, 201, 3129),
            (203, 0, 113, 66, 8081),
            (198, 51, 100, 188, 9050),
            (192, 0, 2, 12, 8000),
            (203, 0, 113, 250, 443),
        ]
    ),
)
neg(
    "dhcp_leases_macs",
    "\n".join(
        f"00:1a:2b:{i:02x}:4d:5e  192.168.1.{10 + i}  {name}  expires 2024-03-1{i % 9} 10:22:33"
        for i, name in enumerate(
            [
                "android-3f2a",
                "iPhone-de-Lea",
                "DESKTOP-7KQ2M1",
                "Chromecast",
                "NAS-Synology",
                "imprimante-HP",
                "tv-salon",
                "ps5",
            ]
        )
    ),
)
neg(
    "youtube_chapters",
    "Chapitres :\n00:00 Intro\n01:24 Le contexte\n04:51 Comment la base a fuité\n12:07 Ce que contient le fichier\n18:33 Comment se protéger\n23:10 Conclusion",
)
neg(
    "router_default_logins_doc",
    """Accès à l'interface : http://192.168.1.1 — identifiant par défaut : admin / mot de passe : admin.
Si vous l'avez changé et oublié, maintenez le bouton RESET 10 secondes. Box 5G : login root, password 1234 (à changer !).""",
)
neg(
    "url_list_with_ports",
    "\n".join(
        [
            "http://203.0.113.5:8080/admin/login.php",
            "https://intranet.exemple.fr:8443/owa/auth/logon.aspx",
            "http://198.51.100.23:3000/api/v1/health",
            "ftp://files.exemple.fr:21/pub/",
            "https://gitlab.exemple.fr:8929/users/sign_in",
        ]
    ),
)
neg(
    "yaml_config_placeholders",
    """database:
  host: localhost
  port: 5432
  username: ${DB_USER}
  password: ${DB_PASSWORD}
smtp:
  login: "<your-login>"
  password: "<your-password>"
redis: redis://:${REDIS_PASSWORD}@127.0.0.1:6379/0""",
)
neg(
    "product_urls_with_ids",
    """https://www.boutique-deco.fr/p/0612457836-lampe-a-poser-laiton
https://www.boutique-deco.fr/p/0745128963-miroir-rotin-60cm
https://www.boutique-deco.fr/p/0678903412-tapis-berbere-160x230
https://www.boutique-deco.fr/p/0623456718-vase-gres-emaille""",
)

# a company list: SIRETs that start like a Diners card (300-305, 36, 38) are Luhn-valid by design, no card
_sirens = [luhn("30214567", 9), luhn("36012345", 9), luhn("38054321", 9), luhn("30512345", 9)]
_sirets = [luhn(v + "0001", 14) for v in _sirens]
SET.case(
    "siret_like_diners",
    "raison_sociale;siret;contact\n"
    + "\n".join(
        f"{n};{v};{m}"
        for n, v, m in zip(
            ["Boulangerie Morel", "Garage Perrin", "SARL Bâti-Ouest", "Pharmacie des Halles"],
            _sirets,
            ["compta@boulangerie-morel.fr", "garage.perrin@orange.fr", "contact@bati-ouest.fr", "ph.halles@wanadoo.fr"],
            strict=True,
        )
    ),
    {("siret", v) for v in _sirets},
    maybe=[("siren", v) for v in _sirens]
    + [
        ("email", m)
        for m in [
            "compta@boulangerie-morel.fr",
            "garage.perrin@orange.fr",
            "contact@bati-ouest.fr",
            "ph.halles@wanadoo.fr",
        ]
    ],
)
_refs = ["1850575123456", "2920133012345", "1760299123123", "2881075012034"]
SET.case(
    "ref_column_13_digits",
    "ref;nom;email\n"
    + "\n".join(f"{r};{l};{e}" for r, (_f, l, e, _m, _d, _s) in zip(_refs, _NEUTRAL + _PEOPLE[:1], strict=False)),
    _ids("e", _NEUTRAL + _PEOPLE[:1]),
)

# ---------------------------------------------------------------- a contact beside article 9 words: the words are about no one of them

SET.case(
    "hospital_press_release_contact",
    """COMMUNIQUÉ DE PRESSE — Le CHU ouvre une unité de soins pour les patients atteints de cancer du pancréas et un centre
de dépistage du VIH sans rendez-vous. Le service de psychiatrie de l'adolescent double sa capacité.
Contact presse : Armelle Roussel — 06 45 98 71 23 — armelle.roussel@orange.fr""",
    maybe=[("email", "armelle.roussel@orange.fr"), ("phone", e164("0645987123"))],
)
SET.case(
    "seller_teaser_with_contact",
    """[VENTE] Dossiers patients clinique psychiatrique + résultats VIH, 40K patients, 2024.
Échantillon en MP uniquement. Contact : cedric.vasseur@free.fr ou 07 56 87 62 34 (Signal).""",
    maybe=[("email", "cedric.vasseur@free.fr"), ("phone", e164("0756876234"))],
)
SET.case(
    "job_ad_psychiatry",
    """Offre d'emploi — Infirmier(e) en psychiatrie adulte (CDI), unité d'addictologie et de soins aux patients VIH.
Envoyez CV et lettre à Sabrina Hamel, DRH : s.hamel@sfr.fr — 06 67 76 53 45.""",
    maybe=[("email", "s.hamel@sfr.fr"), ("phone", e164("0667765345"))],
)
SET.case(
    "doctor_listing_prose",
    """Dr Cédric Vasseur, psychiatre et addictologue, conventionné secteur 1. Prise en charge de la dépression, des troubles
bipolaires et du sevrage. Cabinet : 17 avenue Foch, Lyon. Tél. 04 78 12 34 56. RPPS 10005173140.""",
    maybe=[("phone", e164("0478123456")), ("rpps", "10005173140")],
)


# ---------------------------------------------------------------- changelogs (GNU, curl and libxslt styles): dates of releases, not births

_devs = [
    ("Armand Ricard", "armand.ricard@gnu-exemple.org"),
    ("Odile Bertin", "obertin@exemple.org"),
    ("Yves Caradec", "yves@caradec-exemple.net"),
]
SET.case(
    "gnu_changelog",
    f"""2024-03-13  {_devs[0][0]}  <{_devs[0][1]}>

	* configure.ac: Update FSF address.
	* Makefile.in: Regenerate.

2024-03-06  {_devs[1][0]}  <{_devs[1][1]}>

	* config.guess: Sync from upstream.  Disabled the borderline test on
	MST hosts; it was flaky.

2023-12-21  {_devs[2][0]}  <{_devs[2][1]}>

	* COPYING3: New file, the FSF's license text.
""",
    maybe=[("email", e) for _n, e in _devs],
)
SET.case(
    "curl_style_changelog",
    f"""- urlapi: avoid freeing the return value pointer iff the function failed

  Closes: #12087
  Reviewed-by: {_devs[0][0]} <{_devs[0][1]}>

{_devs[1][0]} (13 Dec 2022)

- curl_url_set.3: fix typo

  Closes: #12089
  Reviewed-by: {_devs[2][0]} <{_devs[2][1]}>

{_devs[0][0]} (13 Dec 2022)

- tool_operate: fix scanbuild compiler warning
""",
    maybe=[("email", e) for _n, e in _devs],
)
SET.case(
    "gcc_style_changelog",
    f"""* config.guess: Handle NEC UX/4800. Contributed by {_devs[2][0]}
<{_devs[2][1]}>.

* config.guess: Merge with FSF version. Future changes will be
more accurately recorded in this ChangeLog.
* config.sub: Likewise.

Thu May 20 10:00:42 1999   {_devs[1][0]}  <{_devs[1][1]}>

	* Makefile.in (GCC_FOR_TARGET): Add -I$(build_tooldir)/include.

1999-04-30  {_devs[0][0]}  <{_devs[0][1]}>

	* ltmain.sh: [mode link] Always use CC given by ltconfig; disabled the borderline MST check.
""",
    maybe=[("email", e) for _n, e in _devs],
)
SET.negative(
    "libxslt_style_changelog",
    f"""Wed Mar 13 20:56:43 MST 2024 {_devs[2][0]} (yves at caradec-exemple dot net)

	* doc/xsltproc.xml, xsltproc.html, xsltproc.1: rebuilt web pages

Sun Jan 11 20:10:09 MST 2004 {_devs[0][0]}

	* doc/site.xsl: disabled the broken links check
""",
)


neg(
    "code_proxy_kwargs",
    """    yield scrapy.Request(
        url="https://exemple.org",
        meta={
            "playwright": True,
            "playwright_context": "new",
            "playwright_context_kwargs": {
                "java_script_enabled": False,
                "ignore_https_errors": True,
                "proxy": {
                    "server": "http://monproxy.exemple.fr:3128",
                    "username": "user",
                    "password": "pass",
                },
            },
        },
    )""",
)

neg(
    "code_regex_alternation",
    """    tokens = {
        'root': [
            (r'(?:^|(?<=[=<>~!:])|'
             r'(?<=(?:\\s|;)when\\s)|'
             r'(?<=(?:\\s|;)or\\s)|'
             r'(?<=(?:\\s|;)and\\s)|'
             r'(?<=\\.index\\s)|'
             r'(?<=\\.scan\\s)|'
             r'(?<=\\.sub\\s)|'
             r'(?<=\\.gsub\\s)|'
             r'(?<=\\.match\\s)|'
             r'(?<=(?:\\s|;)if\\s)|'
             r'(?<=^when\\s)|'
             r'(?<=^index\\s)|'
             r'(?<=^scan\\s)|'
             r'(?<=^if\\s))(\\s*)(/)', bygroups(Text, String.Regex), 'multiline-regex'),
        ],
    }""",
)
neg(
    "code_oid_mapping",
    """    CHALLENGE_PASSWORD = ObjectIdentifier("1.2.840.113549.1.9.7")
    UNSTRUCTURED_NAME = ObjectIdentifier("1.2.840.113549.1.9.2")


_OID_NAMES = {
    NameOID.COMMON_NAME: "commonName",
    NameOID.COUNTRY_NAME: "countryName",
    NameOID.LOCALITY_NAME: "localityName",
    NameOID.STREET_ADDRESS: "streetAddress",
    NameOID.ORGANIZATION_NAME: "organizationName",
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.SURNAME: "surname",
    NameOID.GIVEN_NAME: "givenName",
    NameOID.USER_ID: "userID",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    AttributeOID.CHALLENGE_PASSWORD: "challengePassword",
}""",
)

neg(
    "float_matrix",
    """    x = np.asarray([[0.89299824, -0.44372674, 0.0752378],
                    [0.60221789, -0.47564102, -0.6411702]])
    y = np.asarray([[0.02386536, -0.82176463, 0.5693271],
                    [-0.27654929, -0.95191427, -0.1318321]])""",
)
neg(
    "crypto_amounts_8_decimals",
    """date;type;montant_btc;frais_btc;txid
15/03/2024;retrait;0.12345678;0.00012345;5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060
16/03/2024;depot;0.40213579;0.00000000;a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d
17/03/2024;retrait;0.07654321;0.00021000;9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918079e8d7c6b5a4f3e2d1c0b9a8f
18/03/2024;depot;0.51234567;0.00000000;3f2a9c1e8b7d6054a1f2e3d4c5b6a798817263543f2a9c1e8b7d6054a1f2e3d4""",
)
neg(
    "gps_coordinates_csv",
    """lieu,lat,lon,alt
Tour Eiffel,48.85829412,2.29447823,35.2
Vieux-Port,43.29512345,5.37456789,3.1
Place Bellecour,45.75778901,4.83212345,170.4
Capitole,43.60432167,1.44374125,146.0""",
)
neg(
    "pytest_parametrize",
    """    @pytest.mark.parametrize('dtype', dtypes)
    @pytest.mark.parametrize('fftsize', fftsizes)
    def test_dct(self, dtype, fftsize):
        x = np.random.rand(fftsize).astype(dtype)
        assert_allclose(idct(dct(x)), x, rtol=1e-6)""",
)

neg(
    "sensor_csv_negative_floats",
    "t,x,y,z\n0.01,-0.44372674,0.12345678,-0.98765432\n0.02,-0.47564102,0.22345671,-0.88765431\n0.03,-0.82176463,0.32345672,-0.78765433",
)

neg(
    "iso_3166_3_withdrawn_json",
    """{
  "3166-3": [
    {"alpha_2": "BY", "alpha_3": "BYS", "alpha_4": "BYAA", "name": "Byelorussian SSR Soviet Socialist Republic", "numeric": "112", "withdrawal_date": "1992-06-15"},
    {"alpha_2": "DD", "alpha_3": "DDR", "alpha_4": "DDDE", "name": "German Democratic Republic", "numeric": "278", "withdrawal_date": "1990-10-30"},
    {"alpha_2": "SU", "alpha_3": "SUN", "alpha_4": "SUHH", "name": "USSR, Union of Soviet Socialist Republics", "numeric": "810", "withdrawal_date": "1992-08-30"},
    {"alpha_2": "YU", "alpha_3": "YUG", "alpha_4": "YUCS", "name": "Yugoslavia, Socialist Federal Republic of", "numeric": "891", "withdrawal_date": "2003-07-23"},
    {"alpha_2": "VD", "alpha_3": "VDR", "alpha_4": "VDVN", "name": "Viet-Nam, Democratic Republic of", "withdrawal_date": "1977"}
  ]
}""",
)
neg(
    "misp_types_json",
    """{
  "result": {
    "types": [
      "md5",
      "sha1",
      "filename|md5",
      "filename|sha1",
      "filename|sha224",
      "filename|sha256",
      "filename|sha384",
      "filename|sha512",
      "filename|authentihash",
      "filename|vhash",
      "filename|ssdeep",
      "filename|imphash",
      "filename|impfuzzy",
      "filename|pehash",
      "filename|tlsh",
      "ip-dst|port",
      "domain|ip",
      "email-src",
      "regkey|value"
    ],
    "categories": ["Payload delivery", "Network activity", "Attribution"]
  }
}""",
)
SET.case(
    "sbom_json",
    """{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "metadata": {"tools": [{"vendor": "CycloneDX", "name": "cargo-cyclonedx", "version": "0.5.5"}],
               "authors": [{"name": "Odile Bertin", "email": "obertin@exemple.org"}]},
  "components": [
    {"type": "library", "name": "serde", "version": "1.0.197", "description": "A generic, format-agnostic serialization framework"},
    {"type": "library", "name": "memchr", "version": "2.7.1", "description": "Platform-agnostic, SIMD-accelerated byte search"},
    {"type": "library", "name": "unicode-ident", "version": "1.0.12", "description": "Determine whether characters have the XID_Start property"}
  ]
}""",
    maybe=[("email", "obertin@exemple.org")],
)

_xdevs = [
    ("Armand Ricard", "armand.ricard@example.org"),
    ("Odile Bertin", "obertin@example.org"),
    ("Yves Caradec", "yves@example.net"),
]
SET.negative(
    "po_translators_header",
    f"""# This file is distributed under the same license as the Vitrine package.
#
# Translators:
# {_xdevs[0][0]} <{_xdevs[0][1]}>, 2012
# {_xdevs[1][0]} <{_xdevs[1][1]}>, 2014-2015,2019
# {_xdevs[1][0]} <{_xdevs[1][1]}>, 2011
# {_xdevs[2][0]} <{_xdevs[2][1]}>, 2011
msgid ""
msgstr ""
"Project-Id-Version: vitrine\\n"
"POT-Creation-Date: 2019-09-08 17:27+0200\\n"
"Last-Translator: {_xdevs[1][0]} <{_xdevs[1][1]}>\\n"
"Language: fr\\n"

msgid "Advanced options"
msgstr "Options avancées"
""",
)

neg(
    "mailer_readme_straight_to_spam",
    """# TL;DR Usage Example
This is a complete example to send an e-mail with plaintext and HTML body

```javascript
var transporter = nodemailer.createTransport('smtps://user%40example.com:pass@smtp.example.com');

var mailOptions = {
    from: '"Fred Foo" <foo@example.com>', // sender address
    to: 'bar@example.com, baz@example.com', // list of receivers
    subject: 'Hello', // Subject line
    text: 'Hello world', // plaintext body
};
transporter.sendMail(mailOptions, function(error, info){
    if(error){ return console.log(error); }
    console.log('Message sent: ' + info.response);
});
```

> If you send from a fresh server your first messages may go straight to spam because your IP address is not
> yet trusted. Warm it up slowly; a queue of 10 000 messages sent at once looks like a spammer.
""",
)
neg(
    "ntlm_readme_options",
    """httpntlm.get({
    url: "https://exemple.fr/intranet",
    username: 'm$',
    password: 'stinks',
    workstation: 'choose.something',
    domain: ''
}, function (err, res){
    if(err) return err;
    console.log(res.headers);
});""",
)

neg(
    "doxygen_params",
    """/**
 * Creates a set that contains the range of characters
 * start..end, inclusive.  If <code>start > end</code>
 * then an empty set is created.
 * @param start first character of the range, inclusive
 * @param end last character of the range, inclusive
 * @return a newly created set.  The caller must free it.
 * @stable 2.4
 */
Set* set_open(int32_t start, int32_t end);""",
)

neg(
    "types_package_json_content_hash",
    """{
    "name": "@types/vitrine-widgets",
    "version": "2.0.7",
    "description": "TypeScript definitions for vitrine-widgets",
    "license": "MIT",
    "contributors": [
        {"name": "Armand Ricard", "githubUsername": "aricard", "url": "https://github.com/aricard"},
        {"name": "Odile Bertin", "githubUsername": "obertin", "url": "https://github.com/obertin"},
        {"name": "Yves Caradec", "githubUsername": "ycaradec", "url": "https://github.com/ycaradec"}
    ],
    "main": "",
    "types": "index.d.ts",
    "scripts": {},
    "dependencies": {},
    "typesPublisherContentHash": "20982c5e0452e662515e29b41f7be5a3c69e5918a9228929a563d9f1dfdfbbc5",
    "typeScriptVersion": "4.5"
}""",
)

neg(
    "rust_use_block",
    """use std::{
    convert::TryInto,
    ffi::{OsStr, OsString},
    ops::Deref,
    os::windows::ffi::OsStringExt,
    ptr::null_mut,
    slice::from_raw_parts,
};
use crate::{
    registry::RegistryKey,
    setup_config::SetupInstance,
};""",
)
neg(
    "cpp_namespaces",
    """    std::vector<std::string> names;
    std::map<std::string, int> counts;
    boost::asio::io_context ctx;
    foo::bar::Baz baz;
    return std::make_pair(names, counts);""",
)

neg(
    "loto_draws",
    """date;jour;boules;numero_chance;gagnants_rang1
13/03/2024;mercredi;06 12 34 45 48;7;0
11/03/2024;lundi;07 18 23 41 49;2;1
09/03/2024;samedi;06 09 15 27 38;10;0
06/03/2024;mercredi;07 35 40 44 46;4;0
04/03/2024;lundi;06 21 22 31 47;9;2""",
)
_hexdump_bytes = bytes.fromhex(
    "0612345678901234 4970101234567890 0745128963001234 5555444433332222 3530111333300000 0678903412678903".replace(
        " ", ""
    )
)
neg(
    "xxd_hexdump",
    "\n".join(
        f"{off:08x}: "
        + " ".join(_hexdump_bytes[off + i : off + i + 2].hex() for i in range(0, 16, 2))
        + "  ................"
        for off in range(0, len(_hexdump_bytes) - 15, 16)
    )
    + "\n",
)
neg(
    "sepa_creditor_ids",
    """Prélèvement SEPA — ICS FR72ZZZ123456 — RUM ++MANDAT-2024-000612457836
Créancier : Abonnements Presse SAS, ICS FR49ZZZ654321, référence 2024-03-0612.
Échéancier : 05/04/2024 12,90 € ; 05/05/2024 12,90 € ; 05/06/2024 12,90 €""",
)


# ---------------------------------------------------------------- dates beside people that are no birth

SET.case(
    "headerless_recent_dates",
    "\n".join(f"{e};{m};{10 + i}/0{1 + i % 9}/202{i % 5}" for i, (_f, _l, e, m, _d, _s) in enumerate(_PEOPLE)),
    _ids("ep"),
)
SET.case(
    "other_dates_labelled",
    "nom;prenom;email;date_permis;date_deces_conjoint;date_vaccin;date_entree\n"
    + "\n".join(
        f"{l};{f};{e};{12 + i}/0{1 + i}/2004;0{1 + i}/11/2019;2{i}/10/2021;0{3 + i}/09/2015"
        for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e"),
)
SET.case(
    "profile_dates_dox_like",
    "\n".join(
        f"Membre : {f} {l} | Mail : {e} | Inscrit le : {10 + i}/03/2015 | Dernière visite : 0{1 + i}/03/2024 | Messages : {120 * i + 7}"
        for i, (f, l, e, _m, _d, _s) in enumerate(_PEOPLE)
    ),
    _ids("e"),
)

neg(
    "carding_bin_list",
    """BIN;Banque;Pays;Type;Niveau
497010;BNP Paribas;FR;Visa;Classic
513200;Crédit Agricole;FR;Mastercard;Gold
414720;Chase;US;Visa;Signature
542418;Citibank;US;Mastercard;World Elite
379842;American Express;US;Amex;Platinum
Checker: 4970 10xx xxxx xxxx -> LIVE, 5132 00xx xxxx xxxx -> DEAD""",
)
neg(
    "product_keys_post",
    """[PARTAGE] Clés génériques KMS (installation seulement, pas d'activation) :
Windows 10/11 Pro ........ W269N-WFGWX-YVC9B-4J6C9-T83GX
Windows 10/11 Enterprise . NPPR9-FWDCX-D2C8J-H872K-2YT43
Office 2021 Pro Plus ..... FXYTK-NJJ8C-GB6DW-3DYQT-6F7TH
Serveur 2022 Standard .... VDYBN-27WPP-V4HQT-9VMD4-VMK7H""",
)

neg(
    "burp_request",
    """POST /api/v1/login HTTP/2
Host: app.exemple.fr
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0
Accept: application/json, text/plain, */*
Accept-Language: fr,fr-FR;q=0.8,en-US;q=0.5,en;q=0.3
Content-Type: application/json
Origin: https://app.exemple.fr
Referer: https://app.exemple.fr/login
Sec-Fetch-Mode: cors
X-Requested-With: XMLHttpRequest
Content-Length: 52""",
)
neg(
    "etc_passwd",
    """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
postgres:x:115:122:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash
deploy:x:1001:1001:Deploy user,,,:/home/deploy:/bin/bash
redis:x:116:124::/var/lib/redis:/usr/sbin/nologin""",
)
neg(
    "docker_images_list",
    """images:
  - nginx:1.25-alpine
  - postgres:16.2
  - redis:7.2
  - elasticsearch:8.12.2
  - grafana/grafana:10.3.3
  - prom/prometheus:v2.50.1
  - ghcr.io/acme/vitrine:2.14.1""",
)
neg(
    "glossary_lines",
    """Glossaire :
API: Application Programming Interface
RGPD: Règlement général sur la protection des données
CNIL: Commission nationale de l'informatique et des libertés
DPO: Délégué à la protection des données
PII: Personally Identifiable Information
TOR: The Onion Router""",
)
neg(
    "irc_log",
    """[22:10] <n0name> quelqu'un a la base ?
[22:10] <Kr4ken> laquelle
[22:11] <n0name> celle de la mutuelle
[22:11] <Kr4ken> nan, demande à datawolf
[22:12] <datawolf> elle est fake, 90% de numéros morts
[22:12] <n0name> ok merci""",
)
neg(
    "srt_subtitles",
    """1
00:00:01,000 --> 00:00:04,000
Il a vendu la base de données pour 500 euros.

2
00:00:04,500 --> 00:00:07,250
Les numéros de sécurité sociale étaient dedans.

3
00:00:08,000 --> 00:00:10,000
Et les mots de passe ?""",
)

neg(
    "nmap_output",
    """Starting Nmap 7.94 ( https://nmap.org ) at 2024-03-15 10:22 CET
Nmap scan report for cible.exemple.fr (203.0.113.42)
Host is up (0.012s latency).
Not shown: 996 filtered tcp ports (no-response)
PORT     STATE SERVICE  VERSION
22/tcp   open  ssh      OpenSSH 8.9p1 Ubuntu 3ubuntu0.6 (Ubuntu Linux; protocol 2.0)
80/tcp   open  http     nginx 1.18.0 (Ubuntu)
443/tcp  open  ssl/http nginx 1.18.0 (Ubuntu)
3306/tcp open  mysql    MySQL 8.0.36-0ubuntu0.22.04.1
Service Info: OS: Linux; CPE: cpe:/o:linux:linux_kernel
Nmap done: 1 IP address (1 host up) scanned in 21.37 seconds""",
)
neg(
    "sqlmap_log",
    """[10:22:33] [INFO] testing connection to the target URL
[10:22:34] [INFO] testing if the target URL content is stable
[10:22:35] [INFO] GET parameter 'id' appears to be 'AND boolean-based blind - WHERE or HAVING clause' injectable
[10:22:41] [INFO] the back-end DBMS is MySQL
back-end DBMS: MySQL >= 5.0.12
[10:22:42] [INFO] fetching database names
available databases [3]:
[*] information_schema
[*] performance_schema
[*] shop""",
)
neg(
    "dig_soa_output",
    """; <<>> DiG 9.18.24 <<>> exemple.fr SOA
;; ANSWER SECTION:
exemple.fr.		3600	IN	SOA	ns1.exemple.fr. hostmaster.exemple.fr. 2024031501 7200 3600 1209600 3600
exemple.fr.		3600	IN	MX	10 mx1.exemple.fr.
;; Query time: 12 msec
;; SERVER: 127.0.0.53#53(127.0.0.53) (UDP)
;; WHEN: Fri Mar 15 10:22:33 CET 2024""",
)
neg(
    "whois_redacted",
    """Domain Name: EXEMPLE-BOUTIQUE.COM
Registry Domain ID: 2612457836_DOMAIN_COM-VRSN
Registrar WHOIS Server: whois.registrar-exemple.com
Updated Date: 2024-03-15T10:22:33Z
Creation Date: 2012-06-07T08:00:00Z
Registrar IANA ID: 1068
Registrant Name: REDACTED FOR PRIVACY
Registrant Phone: REDACTED FOR PRIVACY
Registrant Email: Please query the RDDS service of the Registrar of Record identified in this output
Name Server: NS1.EXEMPLE-BOUTIQUE.COM
DNSSEC: unsigned""",
)

neg(
    "pipe_table_dates_epochs",
    "date|epoch\n22/07/1984|1754629064\n13/05/1996|1730310608\n03/01/1953|1766093499\n13/12/2020|1702069025",
)
neg(
    "pipe_table_file_checksums",
    "ticket|sha1\n#436174|f5cba27412e2543f63cf5f37c29ed50d4600c34d\n#310997|3ea7f168b532332643d08a0c4aa766f786182fe3\n#285677|06c4368b749b03c728a6f68beba662f7d892bd51",
)
neg(
    "pipe_table_match_scores",
    "match|score\nPSG-OM|2-1\nOL-ASSE|3-0\nLOSC-RCL|1-1\nOGCN-ASM|0-2\nFCN-SRFC|2-2",
)

_switch = ["0145678910", "0145678911", "0145678912", "0145678913", "0145678914"]
SET.case(
    "hospital_switchboards_csv",
    "service;batiment;telephone;email\n"
    + "\n".join(
        f"{svc};{b};{' '.join(t[i : i + 2] for i in range(0, 10, 2))};{mail}"
        for svc, b, t, mail in zip(
            ["Oncologie", "Psychiatrie adulte", "Maladies infectieuses (VIH)", "Maternité - IVG", "Addictologie"],
            "BCBAD",
            _switch,
            [
                "oncologie@chu-exemple.fr",
                "psy.adulte@chu-exemple.fr",
                "smit@chu-exemple.fr",
                "maternite@chu-exemple.fr",
                "addicto@chu-exemple.fr",
            ],
            strict=True,
        )
    ),
    maybe=[("phone", e164(t)) for t in _switch]
    + [
        ("email", m)
        for m in [
            "oncologie@chu-exemple.fr",
            "psy.adulte@chu-exemple.fr",
            "smit@chu-exemple.fr",
            "maternite@chu-exemple.fr",
            "addicto@chu-exemple.fr",
        ]
    ],
)
_lines = ["0800840800", "0980980930", "0800235236", "0145394000"]
SET.case(
    "helplines_associations",
    "Numéros utiles :\n"
    + "\n".join(
        f"{a} ({t}) : {' '.join(n[i : i + 2] for i in range(0, 10, 2))}"
        for a, t, n in zip(
            ["Sida Info Service", "Alcool Info Service", "Fil Santé Jeunes", "SOS Homophobie"],
            ["VIH, hépatites", "alcoolisme", "sexualité, contraception", "homophobie, transphobie"],
            _lines,
            strict=True,
        )
    ),
    maybe=[("phone", e164(n)) for n in _lines],
)

_ORG_DIRS = {
    "parish_directory": (
        "paroisse;ville;telephone;email",
        [
            ("Paroisse Saint-Jean", "Lyon", "0478123401", "accueil@paroisse-stjean-exemple.fr"),
            ("Paroisse Notre-Dame", "Lille", "0320123402", "secretariat@nd-lille-exemple.fr"),
            ("Mosquée de la Paix", "Nantes", "0240123403", "contact@mosquee-paix-exemple.fr"),
            ("Synagogue Beth Shalom", "Nice", "0493123404", "info@bethshalom-exemple.fr"),
        ],
    ),
    "union_sections_directory": (
        "section;syndicat;telephone;email",
        [
            ("Métallurgie Rhône", "CGT", "0478123405", "metaux69@cgt-exemple.fr"),
            ("Santé Nord", "CFDT", "0320123406", "sante59@cfdt-exemple.fr"),
            ("Enseignement Loire-Atlantique", "FO", "0240123407", "fo44@fo-exemple.fr"),
            ("Cheminots Alpes-Maritimes", "SUD Rail", "0493123408", "sudrail06@sud-exemple.fr"),
        ],
    ),
    "party_offices_directory": (
        "federation;parti;telephone;email",
        [
            ("Fédération du Rhône", "Parti socialiste", "0478123409", "federation69@ps-exemple.fr"),
            ("Fédération du Nord", "Rassemblement national", "0320123410", "rn59@rn-exemple.fr"),
            ("Fédération de Loire-Atlantique", "Les Républicains", "0240123411", "lr44@lr-exemple.fr"),
            ("Fédération des Alpes-Maritimes", "La France insoumise", "0493123412", "lfi06@lfi-exemple.fr"),
        ],
    ),
}
for _n, (_head, _rows) in _ORG_DIRS.items():
    SET.case(
        _n,
        _head
        + "\n"
        + "\n".join(f"{a};{b};{' '.join(t[i : i + 2] for i in range(0, 10, 2))};{m}" for a, b, t, m in _rows),
        maybe=[("phone", e164(t)) for _a, _b, t, _m in _rows] + [("email", m) for _a, _b, _t, m in _rows],
    )

neg(
    "example_ibans_docs",
    """## Format de l'IBAN
| Pays | Longueur | Exemple |
|---|---|---|
| France | 27 | FR14 2004 1010 0505 0001 3M02 606 |
| Allemagne | 22 | DE89 3704 0044 0532 0130 00 |
| Royaume-Uni | 22 | GB29 NWBK 6016 1331 9268 19 |
| Belgique | 16 | BE68 5390 0754 7034 |
Les deux chiffres après le code pays sont la clé de contrôle (mod 97).""",
)
neg(
    "srcset_retina",
    """<picture><source srcset="/img/hero@2x.webp 2x, /img/hero.webp 1x" type="image/webp">
<img src="/img/logo.png" srcset="/img/logo@2x.png 2x, /img/logo@3x.png 3x" alt="Logo"></picture>
<link rel="apple-touch-icon" href="/icons/apple-touch-icon@2x.png">""",
)

neg(
    "openssl_x509_text",
    """Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            04:12:34:56:78:9a:bc:de:f0
        Signature Algorithm: sha256WithRSAEncryption
        Issuer: C = FR, O = Exemple, CN = Exemple Root CA
        Subject Public Key Info:
            Public Key Algorithm: rsaEncryption
                Public-Key: (2048 bit)
                Modulus:
                    00:c3:9e:1a:7b:44:0d:5e:92:b1:6f:38:a2:c7:9d:11:
                    6e:4c:05:ba:dc:08:16:aa:a5:03:3c:68:bc:06:25:db:74:a1:
                    e1:14:fe:09:f2:a8:24:76:fe:56:31:ae:92:a5:25:95:80:d8:
                    0e:61:79:0a:fc:14:a0:d5:a4:a6:42:d1:af:f3:ff:14:bc:14:
                    4f:a0:99:ce:e3:2d:0d:8d:65:05:7f:5b:9b:3a:05:0d:99:e7:
                    2b:77
                Exponent: 65537 (0x10001)""",
)
neg(
    "perl_arrays",
    """our @adduser       = ('/usr/sbin/adduser', '--quiet');	# adduser(8)
our @chown         = ('/bin/chown', '-h');		# chown(1)
our @install       = ('/usr/bin/install', '-p');	# install(1)
our @s_false       = ('false', 'f', 'no',  'n', '0');""",
)

SET.case(
    "privacy_policy_fr",
    """Politique de confidentialité — Céramiques Martin SARL
Nous ne traitons aucune donnée sensible au sens de l'article 9 du RGPD : origine raciale ou ethnique, opinions
politiques, convictions religieuses ou philosophiques, appartenance syndicale, données génétiques, données
biométriques, données concernant la santé, la vie sexuelle ou l'orientation sexuelle.
Vos données (nom, e-mail, téléphone, date de naissance pour les offres d'anniversaire) sont conservées 3 ans.
Délégué à la protection des données : dpo@ceramiques-martin.fr — 04 78 12 34 56 — 12 rue des Potiers, 69002 Lyon.
Vous pouvez saisir la CNIL : 3 place de Fontenoy, 75007 Paris, 01 53 73 22 22.""",
    maybe=[("email", "dpo@ceramiques-martin.fr"), ("phone", e164("0478123456")), ("phone", e164("0153732222"))],
)
SET.case(
    "privacy_policy_en",
    """Privacy notice. We do not process special categories of personal data (racial or ethnic origin, political opinions,
religious or philosophical beliefs, trade union membership, genetic data, biometric data, health data, sex life or
sexual orientation). Your name, e-mail address, phone number and date of birth are kept for 36 months.
Data Protection Officer: privacy@ceramiques-martin.fr, +33 4 78 12 34 56.""",
    maybe=[("email", "privacy@ceramiques-martin.fr"), ("phone", e164("0478123456"))],
)

_EN_NAMES = [
    ("Christian", "Black", "christian.black@yahoo.com"),
    ("Faith", "Bishop", "faith.bishop@aol.com"),
    ("Mohammed", "Islam", "mohammed.islam@outlook.com"),
    ("Israel", "White", "israel.white@comcast.net"),
    ("Trinity", "Pope", "trinity.pope@gmail.com"),
    ("Hope", "French", "hope.french@icloud.com"),
    ("Angel", "Priest", "angel.priest@hotmail.com"),
    ("Destiny", "Brown", "destiny.brown@yahoo.com"),
]
SET.case(
    "decoy_english_names",
    "first_name,last_name,email,state\n"
    + "\n".join(f"{f},{l},{e},{['CA', 'TX', 'NY', 'FL'][i % 4]}" for i, (f, l, e) in enumerate(_EN_NAMES)),
    {("email", e) for _f, _l, e in _EN_NAMES if not e.endswith("@gmail.com")} | gmail("trinity.pope@gmail.com"),
)
SET.case(
    "decoy_english_fullnames",
    "customer,email,orders\n" + "\n".join(f"{f} {l},{e},{3 + i}" for i, (f, l, e) in enumerate(_EN_NAMES)),
    {("email", e) for _f, _l, e in _EN_NAMES if not e.endswith("@gmail.com")} | gmail("trinity.pope@gmail.com"),
)

neg(
    "api_doc_example_response",
    """### GET /v1/customers/42
Example response:
```json
{
  "id": 42,
  "email": "jane.doe@example.com",
  "phone": "+33 6 00 00 00 00",
  "birthdate": "1970-01-01",
  "iban": "FR76 XXXX XXXX XXXX XXXX XXXX XXX",
  "card_last4": "4242"
}
```
Fields: `email` (string, RFC 5322), `phone` (E.164), `birthdate` (ISO 8601 date), `iban` (masked).""",
)
neg(
    "blank_form",
    """FORMULAIRE D'ADHÉSION
Nom : ______________________   Prénom : ______________________
Date de naissance : __ / __ / ____      Lieu : ____________________
N° de sécurité sociale : _ __ __ __ ___ ___ | __
Téléphone : __ __ __ __ __      E-mail : ____________@____________
IBAN : FR__ ____ ____ ____ ____ ____ ___
Signature :""",
)

_NEUTRAL2 = [
    ("Bérénice", "Tessier", "berenice.tessier@laposte.net", "0778123456", "1969-08-21", "4 rue Pasteur"),
    ("Quentin", "Marchal", "q.marchal@wanadoo.fr", "0689234567", "2000-12-11", "30 avenue Jean Moulin"),
    ("Laurine", "Collet", "laurine.collet@bbox.fr", "0612345690", "1958-03-06", "7 place du Marché"),
]
SET.case(
    "headerless_birth_only",
    "\n".join(f"{l.upper()};{f};{e};{_fr(d)}" for f, l, e, _m, d, _s in _NEUTRAL + _NEUTRAL2),
    _ids("ed", _NEUTRAL + _NEUTRAL2),
)
SET.case(
    "headerless_birth_and_signup",
    "\n".join(
        f"{l.upper()};{f};{e};{_fr(d)};{10 + i}/0{1 + i % 9}/2023"
        for i, (f, l, e, _m, d, _s) in enumerate(_NEUTRAL + _NEUTRAL2)
    ),
    _ids("ed", _NEUTRAL + _NEUTRAL2),
)

_THANKS = [
    ("Armand Ricard", "armand.ricard@exemple-univ.fr"),
    ("Odile Bertin", "obertin@exemple.org"),
    ("Rik Faith", "faith@cs.exemple-univ.edu"),
    ("Cesar Romani", "romani@ifm.exemple-uni.de"),
    ("Adam Krolnik", "adamk@gypsy.exemple-cyrix.com"),
    ("Casey Marshall", "rsdio@metastatic.exemple.org"),
    ("Yves Caradec", "yves@caradec-exemple.net"),
    ("Lena Brandt", "lena.brandt@exemple.de"),
]
SET.case(
    "thanks_file",
    "This is a list of people who contributed to the package.\n\n" + "\n".join(f"{n:<36}{e}" for n, e in _THANKS),
    maybe=[("email", e) for _n, e in _THANKS],
)

_MAILS_NAMES = [
    "jesus.martinez@telefonica.net",
    "islam.benali@orange.fr",
    "gaylord.dupont@free.fr",
    "christian.morel@sfr.fr",
    "baptiste.leclerc@laposte.net",
    "mohamed.haddad@wanadoo.fr",
    "angelique.pape@bbox.fr",
    "pascal.lesourd@orange.fr",
]
SET.case(
    "decoy_first_names_in_addresses",
    "email;ville;inscrit\n"
    + "\n".join(
        f"{m};{['Lyon', 'Lille', 'Nantes', 'Nice'][i % 4]};0{1 + i}/02/2022" for i, m in enumerate(_MAILS_NAMES)
    ),
    {("email", m) for m in _MAILS_NAMES},
)

# What this set misses today (reason as seen from outside); `test_missed` fails when one is found.
MISSED: dict[str, str] = {
    "code_oid_mapping": 'precision: a dict of OID names, NameOID.EMAIL_ADDRESS: "emailAddress" then CHALLENGE_PASSWORD, gives a credential',
    "bible_verses_members": "a members' list of favourite Bible verses (Jean 3:16, Psaume 23:1) is not flagged religion",
}
SET.miss(**MISSED)
globals().update(make_tests(SET, {"recall": 0.93, "precision": 0.72}))


def main() -> None:
    import importlib

    SET.report()
    for suffix in ("6b", "6c"):
        try:
            mod = importlib.import_module(f"tests.test_detect_blind_probe_set{suffix}")
        except ModuleNotFoundError:
            continue
        mod.SET.report()


if __name__ == "__main__":
    main()
