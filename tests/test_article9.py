"""Article 9 detector: every category in French and English, inflected forms, context (the
column, a label, negation, cues for ambiguous initials) and the evidence terms.

The phrases here are written by the detector's author to pin its behaviour; recall is measured
apart, on the phrase bank written without the lexicon (tests/test_article9_recall.py)."""

from __future__ import annotations

import time

import pytest

from indexer.article9 import evidence_terms, scan_article9
from indexer.article9_lexicon import CATEGORIES, inflect, lexicon


def cats(text: str) -> set[str]:
    return {f.category for f in scan_article9(text)}


def evidence(text: str) -> list[str]:
    return [f.evidence for f in scan_article9(text)]


# (category, French note, English note): each says something about one person
POSITIVES = [
    ("health", "Patiente séropositive, sous ARV depuis 2019", "HIV+ since 2019, on PrEP"),
    ("health", "suivie en CMP, sous Lexomil", "diagnosed with bipolar disorder"),
    ("health", "IVG en mars, dialysée deux fois par semaine", "on dialysis, type 2 diabetes"),
    ("sexual_orientation", "homosexuel, vit avec son compagnon", "openly gay, same-sex partner"),
    ("sexual_orientation", "HSH, 34 ans", "bisexual, out at work"),
    ("sex_life", "travailleuse du sexe, partenaires multiples", "sex worker, unprotected sex"),
    ("religion", "musulmane pratiquante, fait le ramadan", "devout Christian, attends mass weekly"),
    ("religion", "Témoin de Jéhovah, refuse la transfusion", "keeps kosher, goes to synagogue"),
    ("ethnic_origin", "d'origine maghrébine", "of Pakistani descent"),
    ("ethnic_origin", "issue de l'immigration, famille rom", "ethnicity: Black Caribbean"),
    ("political_opinion", "militant au Parti communiste, encarté", "registered Republican, Trump supporter"),
    ("political_opinion", "adhérent LFI depuis 2017", "Labour Party member, canvassed for the Greens"),
    ("trade_union", "délégué syndical CGT", "union rep at the depot"),
    ("trade_union", "syndiquée chez FO depuis 2010, adhérente FO", "shop steward, Unison member"),
    ("genetic", "porteuse de la mutation BRCA2, test ADN positif", "BRCA1 carrier, genetic testing done"),
    ("genetic", "caryotype anormal", "DNA test results attached"),
    ("biometric", "empreintes digitales enregistrées à l'enrôlement", "fingerprint template stored"),
    ("biometric", "gabarit de reconnaissance faciale", "iris scan at the gate, facial recognition"),
]


@pytest.mark.parametrize(("category", "fr", "en"), POSITIVES)
def test_each_category_in_both_languages(category: str, fr: str, en: str) -> None:
    assert category in cats(fr), (fr, scan_article9(fr))
    assert category in cats(en), (en, scan_article9(en))


def test_every_category_has_both_languages() -> None:
    assert {c for c, _, _ in POSITIVES} == set(CATEGORIES)
    lex = lexicon()
    assert {c for c, _ in lex.groups} == set(CATEGORIES)


@pytest.mark.parametrize("text", [
    "SÉROPOSITIVES", "seropositifs", "Séropositif", "diabétiques", "Diabetics", "syndiquées",
    "lesbiennes", "chrétiennes", "homosexuelles", "dépressive",
])
def test_inflected_and_accent_folded_forms(text: str) -> None:
    assert scan_article9(f"notes: {text}"), text


def test_inflection_rules() -> None:
    assert "seropositives" in inflect("seropositif", "fr") and "diabetics" in inflect("diabetic", "en")
    assert inflect("vih", "fr") == "vih"  # short words stay exact


@pytest.mark.parametrize("text", [
    "pas de traitement en cours", "aucun antécédent de cancer", "sans antécédent de diabète",
    "no history of diabetes", "denies any psychiatric history", "Il n'est pas diabétique.",
    "VIH : non", "diabetes: no", "not pregnant",
])
def test_negation_cancels(text: str) -> None:
    assert not scan_article9(text), (text, scan_article9(text))


def test_negation_stays_in_its_clause() -> None:
    assert cats("pas de tabac. Diabétique depuis 2010") == {"health"}
    assert cats("non fumeur, asthmatique") == {"health"}


@pytest.mark.parametrize("text", [
    "médecin généraliste", "Dr Martin, médecin traitant", "PS: rappelle-moi demain",
    "route RN 7, sortie 12", "rendez-vous le 15 SEP 2023", "MS Office 2019 licence",
    "browser fingerprint: 8a7f3c, TLS fingerprint", "syndicat de copropriété", "Christian Dupont, 12 rue des Lilas",
    "enceinte Bluetooth JBL", "la Renaissance italienne", "fermé pendant le ramadan",
])
def test_near_misses_are_not_flagged(text: str) -> None:
    assert not scan_article9(text), (text, scan_article9(text))


def test_ambiguous_initials_need_a_cue_or_their_column() -> None:
    assert cats("adhérent PS depuis 2012") == {"political_opinion"}
    assert not scan_article9("PS depuis 2012")
    assert cats("nom;prenom;parti\nDurand;Camille;PS\nPetit;Hugo;LR\n") == {"political_opinion"}
    assert cats("membre FO, section Renault") == {"trade_union"}


def test_the_column_decides() -> None:
    dump = ("nom;prenom;profession;notes\n"
            "Dupont;Christian;infirmière en oncologie;RAS\n"
            "Martin;Luc;psychiatre;diabétique type 2\n")
    flags = scan_article9(dump)
    assert [(f.category, f.evidence) for f in flags] == [("health", "diabétique")]
    assert dump[flags[0].start:flags[0].end] == "diabétique"
    # the same words, under a notes column, are about the person
    assert cats("nom;prenom;notes\nDupont;Christian;suivie en oncologie\n") == {"health"}
    # a label in a dox, and a JSON key
    assert not scan_article9("Profession: aide-soignante en dialyse\nVille: Lyon")
    assert not scan_article9('{"name": "Christian", "job": "chemotherapy nurse"}')
    assert cats('{"name": "Christian", "religion": "Christian"}') == {"religion"}


def test_evidence_terms_are_the_words_and_their_base_forms() -> None:
    flags = scan_article9("Notes: séropositives, Témoin de Jéhovah, VIH, jean.dupont@exemple.test")
    terms = evidence_terms(flags)
    assert {"séropositives", "séropositif", "Témoin de Jéhovah", "VIH"} <= set(terms)
    assert not any("@" in t or "dupont" in t.lower() for t in terms)


def test_caps_per_evidence_and_speed_on_a_dense_notes_column() -> None:
    rows = "\n".join(f"Nom{i};Prenom{i};p{i}@exemple.test;séropositif, pas de traitement, CGT" for i in range(20_000))
    text = "nom;prenom;email;notes\n" + rows
    scan_article9("warm up")
    t0 = time.thread_time()  # CPU time: the suite's other workers share the cores
    flags = scan_article9(text)
    elapsed = time.thread_time() - t0
    assert [f.evidence for f in flags].count("séropositif") == 3
    assert {f.category for f in flags} == {"health", "trade_union"}
    assert elapsed < 6.0, elapsed  # ~0.3 s alone; the bound catches a per-match cost gone quadratic


def test_a_dox_free_text_field_is_in_the_fragment_and_masked() -> None:
    """A dox's "Infos:" line has no identifier role: it used to end the fragment before it, so
    its article 9 notes were never read (0 of the bank's doxes)."""
    from indexer.detect import detect
    from indexer.tokens import MatchKey

    body = ("Nom: Camille Durand\nEmail: camille.durand@exemple.test\nTéléphone: 06 12 34 56 78\n"
            "Adresse: 12 rue des Lilas, 69003 Lyon\nInfos: séropositive, sa soeur Marie Petit\n"
            "Religion: témoin de Jéhovah\n")
    (frag,) = detect(body, key=MatchKey(bytes(32)))
    assert {(f.category, f.evidence) for f in frag.sensitive} >= {
        ("health", "séropositive"), ("religion", "témoin de Jéhovah"), ("religion", "Religion")}
    assert "Marie" not in frag.excerpt and "séropositive" not in frag.excerpt


@pytest.mark.parametrize(("category", "text"), [
    ("ethnic_origin", "notes: d'origine tanzanienne"), ("ethnic_origin", "notes: of Bangladeshi heritage"),
    ("ethnic_origin", "notes: individu de type européen"), ("ethnic_origin", "notes: famille tsigane, fils de harki"),
    ("sexual_orientation", "notes: attirée par les femmes"), ("sexual_orientation", "notes: mariée à une femme"),
    ("sexual_orientation", "notes: homosexuality disclosed"),
    ("health", "notes: chlamydia en 2021"), ("health", "notes: takes the contraceptive pill"),
    ("sex_life", "notes: had an affair with a colleague"),
    ("genetic", "notes: porteuse saine de la mucoviscidose"), ("genetic", "notes: carries the BRCA mutation"),
    ("biometric", "notes: déverrouillage facial activé"), ("political_opinion", "notes: a voté Mélenchon"),
    ("political_opinion", "notes: lifelong Labour voter"), ("political_opinion", "notes: zadiste, black bloc"),
])
def test_free_note_phrasings(category: str, text: str) -> None:
    assert category in cats(text), (text, scan_article9(text))


def test_a_sexually_transmitted_infection_is_health_and_sex_life_beside_a_cue() -> None:
    """The infection is health data; it says something of a sex life when the note says how."""
    assert cats("notes: syphilis traitée") == {"health"}
    assert cats("nom;notes\nDurand;chlamydia\n") == {"health"}  # alone in a note: still only health
    assert cats("notes: chlamydia transmise par son partenaire") == {"health", "sex_life"}


@pytest.mark.parametrize("text", [
    "notes: né au Maroc", "nationalité: marocaine", "notes: fromage d'origine contrôlée", "cause d'origine humaine",
    "sample of volcanic origin", "prise de type européen", "cuisine de type asiatique", "notes: sexologue à Lyon",
    "12 rue de la République", "stylo noir, carnet blanc", "Parti de Lyon à 8h", "iPhone seconde génération",
    "notes: pas de rapports non protégés",
])
def test_origin_and_sex_life_near_misses(text: str) -> None:
    assert not scan_article9(text), (text, scan_article9(text))


def test_contraception_alone_is_health_only() -> None:
    """Prescribed for acne, endometriosis or cycles too: it does not say one has sex; the
    morning-after pill does."""
    assert cats("notes: sous pilule contraceptive") == {"health"}
    assert cats("notes: pilule du lendemain en mai") == {"health", "sex_life"}


def test_a_gay_app_says_the_orientation_and_what_it_is_used_for_says_the_sex_life() -> None:
    """Being on Grindr says who one is (sexual orientation); it says a sex life only beside a cue
    of one, which the hook-up or one-night-stand words give (and flag by themselves)."""
    assert cats("notes: profil Grindr") == {"sexual_orientation"}
    assert cats("notes: he is on Grindr") == {"sexual_orientation"}
    assert cats("notes: plans cul sur Grindr") == {"sexual_orientation", "sex_life"}
    assert cats("notes: looking for hookups on Grindr") == {"sexual_orientation", "sex_life"}
    assert cats("notes: rencontres d'un soir via Grindr") == {"sexual_orientation", "sex_life"}
    assert cats("notes: enchaîne les rencontres sexuelles") == {"sex_life"}
    assert cats("notes: sex dates every weekend") == {"sex_life"}
    assert cats("notes: looking for a police escort") == set()


@pytest.mark.parametrize(("category", "text"), [
    # the partner's gender with the person's, a few words apart ("~" entries)
    ("sexual_orientation", "notes: elle vit avec sa compagne depuis 2015"),
    ("sexual_orientation", "notes: il habite avec son mari à Lille"),
    ("sexual_orientation", "notes: pacsée avec sa compagne"),
    ("sexual_orientation", "notes: she lives with her girlfriend"),
    ("sexual_orientation", "notes: he is in a relationship with a man"),
    # (wave 28, the lead's decision: gender identity is not sexual orientation; "femme trans, en transition"
    # and "they're non-binary" were here: tests/test_article9_round8.py)
    # an entry that begins with a list ("$pen voter") used to be read as a list definition
    ("political_opinion", "notes: Trump voter"), ("ethnic_origin", "notes: Caribbean heritage"),
    ("political_opinion", "notes: a pris sa carte chez Renaissance"),
    ("political_opinion", "notes: soutien de Marine Le Pen"),
    ("sex_life", "notes: trompe son épouse"), ("sex_life", "notes: cheated on her husband"),
    ("biometric", "notes: gabarit d'empreinte"), ("biometric", "notes: face embedding stored"),
    ("health", "notes: sous metformine"), ("health", "notes: HTA, DT2"),
    ("ethnic_origin", "notes: famille d'origine turque"), ("ethnic_origin", "notes: she is mixed race"),
])
def test_constructions(category: str, text: str) -> None:
    assert category in cats(text), (text, scan_article9(text))


def test_an_ambiguous_word_alone_in_a_notes_cell_is_said_of_the_person() -> None:
    dump = "nom;prenom;notes\nDurand;Camille;noir\nPetit;Hugo;escort, rappeler\n"
    assert cats(dump) == {"ethnic_origin", "sex_life"}
    assert cats("Infos: noir\n") == {"ethnic_origin"}
    # not alone, not a notes column, or behind another label: no
    assert not scan_article9("nom;prenom;notes\nDurand;Camille;stylo noir\n")
    assert not scan_article9("nom;prenom;couleur\nDurand;Camille;noir\n")
    assert not scan_article9("nom;prenom;notes\nDurand;Camille;nationalité: nigérian\n")
    assert not scan_article9("nom;prenom;notes\nDurand;Camille;PS: rappeler\n")


def test_a_quoted_cell_holding_the_delimiter_keeps_its_column() -> None:
    """A comma-separated dump whose notes cell is quoted because it holds a comma: the cell is
    still the notes column, so a word alone in it is said of the person."""
    dump = ('nom,prenom,notes\nDurand,Camille,"noir, rappeler"\nPetit,Hugo,RAS\n'
            'Martin,Luc,"vierge, abstinente"\n')
    assert cats(dump) == {"ethnic_origin", "sex_life"}
    # the same words in a quoted cell of another column are not read as the person's
    assert not scan_article9('nom,prenom,couleur\nDurand,Camille,"noir, mat"\n')
    # quotes that do not restore the header's shape leave the row without a column
    assert not scan_article9('nom,prenom,notes\nDurand,Camille,"noir, mat",x\n')


def test_a_category_label_inside_a_cell() -> None:
    assert cats("Infos: ethnicity: Somali\n") == {"ethnic_origin"}
    # an explicit absence of belief is a belief statement (wave 23, README.md); a health label's absence is none
    assert cats("nom;notes\nDurand;religion: aucune\n") == {"religion"}
    assert cats("nom;notes\nDurand;santé: aucune\n") == set()


@pytest.mark.parametrize("text", [
    "notes: Il est blanc comme un linge", "notes: elle est passée chez sa femme de ménage",
    "notes: he met a man at the bar to discuss the contract", "notes: she hired a woman as accountant",
    "notes: the results came out to 5%", "notes: Black Friday sales, white label products",
    "notes: supports the right to repair", "notes: voice data plan 20GB", "notes: hand signature required",
    "notes: rapports annuels 2022", "notes: page vierge à remplir", "notes: sexe: F, 32 ans",
    "notes: lithium battery replacement", "notes: il est marocain", "notes: quel bordel ce dossier",
    "notes: face ID unlock on my phone", "notes: proche de la gare", "notes: candidat au poste de comptable",
])
def test_construction_near_misses(text: str) -> None:
    assert not scan_article9(text), (text, scan_article9(text))


@pytest.mark.parametrize("text", [
    # the other sense of a word, beside a generic activity cue ("on", "member", "client") that used to count
    "notes: virgin olive oil, member since 2019", "notes: music lover, on weekends",
    "notes: soumission de l'offre au client", "notes: a fetish for vintage watches",
    # a thing, not a person ("sleeping with", "an affair with")
    "notes: sleeping with a CPAP machine", "notes: a love affair with jazz", "notes: cheating on the exam",
    "notes: a trompé le fisc", "notes: ligature de la trompe",
    # a name: a lowercase entry written capitalised inside a clause
    "notes: catholique, prie la Vierge Marie", "notes: roule en Ford Escort", "notes: prays to the Virgin Mary",
    # a stance or a topic: political, or nothing
    "notes: militante abolitionniste de la prostitution", "notes: campaigns against pornography",
    "notes: thèse sur la prostitution au XIXe siècle",
    # a shop, a convoy, a pharmacy order, a count that is not of partners
    "notes: préservatifs x12 en rayon", "notes: condoms in stock, aisle 4", "notes: escorte policière du convoi",
    "notes: Pornic, vacances en famille", "notes: a eu 3 enfants",
])
def test_sex_life_senses_that_are_not_a_sex_life(text: str) -> None:
    assert "sex_life" not in cats(text), (text, scan_article9(text))


@pytest.mark.parametrize("text", [
    "notes: a eu 15 partenaires cette année", "notes: had 20 partners", "notes: a plusieurs amants",
    "notes: trompe régulièrement sa conjointe", "notes: slept with his manager", "notes: an affair with a married man",
    "notes: ne met jamais de préservatif", "notes: never uses condoms", "notes: voit des escorts en déplacement",
    "notes: escort occasionnelle", "notes: independent escort", "notes: vierge jusqu'au mariage",
    "notes: waiting until marriage", "notes: into domination and submission", "notes: latex fetish",
    "notes: massages érotiques", "notes: exhibitionniste", "notes: tourne des pornos", "notes: uses Tinder",
    "notes: fréquente les backrooms", "notes: caught chlamydia from her boyfriend",
])
def test_sex_life_constructions(text: str) -> None:
    assert "sex_life" in cats(text), (text, scan_article9(text))


def test_a_cue_on_the_next_row_is_another_persons() -> None:
    """The cue after an ambiguous word is read on its own row: the next row is someone else."""
    dump = "nom;notes\nDurand;vierge\nPetit;client fidèle\n"
    assert "sex_life" in cats(dump)  # alone in the notes cell: said of the person
    assert "sex_life" not in cats("nom;notes\nDurand;huile vierge\nPetit;partenaire commercial\n")


def test_a_sexual_dysfunction_is_health_and_sex_life() -> None:
    """A medical condition of a sexual function: both categories (health was missing it)."""
    assert cats("notes: dysfonction érectile") == {"health", "sex_life"}
    assert cats("notes: on Viagra") == {"health", "sex_life"}
    assert cats("notes: sous tadalafil") == {"health"}


@pytest.mark.parametrize(("category", "text"), [
    ("health", "notes: suivi gynécologique annuel"),
    ("health", "Infos: il consulte un urologue pour une prostatite"),
    ("health", "notes: consultation en cardiologie le 12/03"),
    ("health", "remarques: vasectomie en 2019"),
    ("health", "notes: on the pill"),
    ("health", "Notes: referred to a psychiatrist last spring"),
    ("health", "notes: sleep apnea, uses CPAP"),
    ("religion", "notes: très pieuse, pèlerinage à Lourdes chaque année"),
    ("religion", "notes: nun, vow of chastity"),
    ("political_opinion", "notes: milite contre la pornographie"),
    ("political_opinion", "notes: libertaire"),
    ("sexual_orientation", "notes: LGBT group member"),
])
def test_patient_file_and_devotion_phrasings(category: str, text: str) -> None:
    assert category in cats(text), text


def test_a_specialists_title_alone_is_a_profession() -> None:
    """A doctors' directory (the breached vendor's own users) names specialties: no health data."""
    directory = "nom;prenom;specialite;ville\nDurand;Paul;urologue;Lyon\nPetit;Anne;gynécologie;Nantes\n"
    assert not scan_article9(directory)
    assert not scan_article9("profession: psychiatre\n")
    assert not scan_article9("Notes: the urologist's office moved to the second floor\n")


@pytest.mark.parametrize("text", [
    "notes: association d'aide aux prostituées, salariée", "notes: éducatrice de rue auprès des personnes prostituées",
    "notes: députée, rapporteuse de la loi sur la prostitution", "notes: juge, affaires de proxénétisme",
    "notes: a écrit un livre sur l'histoire de la prostitution", "notes: works at a charity supporting sex workers",
    "notes: outreach worker with street prostitutes", "notes: MP who drafted the prostitution bill",
    "notes: wrote a book on the history of prostitution",
    "notes: volunteers at a harm-reduction charity for sex workers",
])
def test_sex_work_as_a_topic_or_the_people_one_helps_is_not_ones_sex_life(text: str) -> None:
    """Round 4: a law, a book, a case, or the people someone helps ('!' and '!+' entries)."""
    assert "sex_life" not in cats(text), (text, scan_article9(text))
    for own in ("notes: prostituée occasionnelle", "notes: sex worker, unprotected sex", "notes: pays escorts"):
        assert "sex_life" in cats(own), own


def test_a_word_alone_in_a_note_takes_the_sense_its_row_gives() -> None:
    """Round 4: 'chaste', 'abstinent', 'celibacy' alone in a note are sex life, unless the same row
    holds a sure health or religion term that gives them their other sense (a monk's chastity,
    abstinence from alcohol). Orientation gives no other sense."""
    assert "sex_life" in cats("nom;notes\nDurand;chaste\n")
    assert "sex_life" in cats("nom;notes\nDurand;lesbienne, vierge\n")
    for row in ("chaste, catholique fervente", "moine bouddhiste, chasteté", "Buddhist monk, celibacy",
                "sober for two years, abstinent", "chaste, devout Catholic"):
        assert "sex_life" not in cats(f"nom;notes\nDurand;{row}\n"), row
        assert "sex_life" not in cats(f"Notes: {row}\n"), row


def test_round4_constructions_and_their_near_misses() -> None:
    """Sleeping with a person, not going to bed ('se couche avec les poules'); a fling with a person;
    making love; no sex said as a fact; an opinion in favour is an opinion ('défend les droits des
    travailleurs du sexe', 'wants brothels legalised')."""
    for own in ("notes: couche encore avec son ex", "notes: a couché avec lui", "notes: keeps a mistress",
                "notes: ne fait plus l'amour avec son mari", "notes: a fling with a coworker",
                "notes: has not had sex in ten years", "notes: no sex life for years",
                "notes: saving herself for marriage"):
        assert "sex_life" in cats(own), own
    for other in ("notes: se couche avec les poules", "notes: couche avec un livre", "notes: a fling with Paris",
                  "notes: défend les droits des travailleurs du sexe", "notes: wants brothels legalised",
                  "notes: in favour of legalising prostitution", "notes: pour la réouverture des maisons closes"):
        assert "sex_life" not in cats(other), other


@pytest.mark.parametrize("text", [
    "notes: prefers films with a happy ending", "notes: adult content filter enabled on the router",
    "notes: explicit content warning on the album", "notes: network card in promiscuous mode",
    "notes: rides bareback at the stables", "notes: paint stripper", "notes: paints female nudes",
    "notes: ce fils de pute m'a volé mon compte", "notes: racolage médiatique", "notes: strip-tease fiscal",
    "notes: filtre contenu pour adultes activé",
])
def test_everyday_senses_of_sex_life_words(text: str) -> None:
    """Round 4: the word around the term gives its other sense (a film, a filter, a tool, art, an
    insult, a figurative French adjective after the noun)."""
    assert "sex_life" not in cats(text), (text, scan_article9(text))


@pytest.mark.parametrize("text", [
    "notes: paid for sex the night before", "notes: massage with a happy ending", "notes: likes bareback sex",
    "notes: works as a stripper", "notes: sells explicit content", "notes: adult content creator",
    "notes: pute de luxe", "notes: fils de pasteur, fréquente des prostituées",
    "notes: peintre, couche avec ses modèles",
])
def test_the_sexual_senses_beside_them_stay(text: str) -> None:
    assert "sex_life" in cats(text), (text, scan_article9(text))


def test_how_one_met_ones_partner_is_not_a_sex_life() -> None:
    for text in ("notes: met her girlfriend on a dating app", "notes: a rencontré son mari sur Meetic"):
        assert "sex_life" not in cats(text), text
    assert "sex_life" in cats("notes: met a stranger on Tinder for sex")
