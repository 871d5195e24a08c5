"""Words the patient-data screen reads context from, in English, Spanish, French and German.

Kept apart from the patterns (phi_detect.py) so that a reviewer can read and extend them: each
list is what a person would write around an identifier, never the identifiers themselves.
"""
from __future__ import annotations

MONTHS = (
    # en (and abbreviations)
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|"
    # es
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    # fr
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    # de
    "Januar|Jänner|Februar|März|Maerz|Juni|Juli|Oktober|Dezember"
)

# Titles and forms of address that precede a person's name.
TITLES = (r"Mr\.?|Mrs\.?|Ms\.?|Miss|Mx\.?|Herrn|Sr\.|Sra\.|Srta\.|Sr|Sra|Srta|don|doña|Dña\.|D\.|M\.|Mme|Mlle|"
          r"Monsieur|Madame|Herr|Frau|Hr\.|Fr\.")
# Titles an official carries as often as a patient: a name after them needs patient context.
PROFESSIONAL_TITLES = (r"Dr\.?|Dra\.?|Pr\.?|Prof\.?|Professor|Doctor|Doktor|Docteur|Nurse|Sister|Matron|"
                       r"Schwester|Pfleger")

# Words that make the person next to them a patient (or the subject of health information).
PATIENT_WORDS = (
    r"patients?|patientes?|pacientes?|Patient(?:in|en|innen)?|"
    r"(?:index|first|confirmed|probable|suspected)\s+case|the\s+case|case\s+is|"
    r"caso(?:\s+(?:índice|confirmado))?|cas\s+(?:index|confirmé)|premier\s+cas|Indexfall|"
    r"(?-i:(?<!keinen )(?<!jeden )(?<!allen )Fall)|"  # not "auf keinen Fall"
    r"resident|victim|deceased|decedent|the\s+child|the\s+boy|the\s+girl|the\s+baby|the\s+infant|"
    r"afectad[oa]|fallecid[oa]|enfermo|enferma|"
    r"défunte?|malade|l'enfant|"
    r"Betroffene[rn]?|Verstorbene[rn]?|Erkrankte[rn]?|das\s+Kind"
)

# What happens to a patient, after the name ("Walter Brooks died on ...").
PATIENT_VERBS = (
    r"was\s+seen|presented\s+(?:at|to|with)|attended|acudió|fue\s+atendid[oa]|was\s+found\s+(?:dead|unresponsive|"
    r"unconscious)|was\s+bitten|is\s+missing|went\s+missing|fue\s+mordid[oa]|está\s+desaparecid[oa]|"
    r"a\s+été\s+mordue?|(?:a\s+)?disparue?|wurde\s+gebissen|vermisst|"
    r"est\s+hospitalisée?|a\s+été\s+admise?|erkrankte|wurde\s+positiv|"
    r"died|passed\s+away|tested\s+positive|was\s+(?:admitted|discharged|hospitali[sz]ed|born|diagnosed|taken)|"
    r"is\s+(?:being\s+treated|in\s+(?:hospital|isolation|intensive|critical|stable|a\s+coma)|recovering|isolating)|"
    r"remains\s+(?:in|on|at)|has\s+been\s+(?:admitted|transferred|hospitali[sz]ed|diagnosed)|"
    r"was\s+(?:blue-?lighted|rushed|airlifted|flown)\s+to|is\s+(?:on|in)\s+(?:PICU|ICU|NICU|a\s+ventilator)|"
    r"falleció|murió|dio\s+positivo|ingresó|está\s+(?:ingresad[oa]|en\s+la\s+(?:UCI|habitación|planta))|"
    r"sigue\s+(?:ingresad[oa]|en\s+observación|en\s+(?:la\s+)?UCI|grave|intubad[oa])|permanece\s+ingresad[oa]|"
    r"fue\s+ingresad[oa]|ingresad[oa]\s+(?:desde|en\s+(?:la|el)\s+(?:UCI|planta|hospital))|"
    r"est\s+(?:décédée?|morte?|hospitalisée?|sortie?|en\s+(?:isolement|réanimation))|a\s+été\s+(?:testée?|hospitalisée?)|"
    r"reçoit\s+un\s+traitement|s['’]est\s+éteinte?|nous\s+a\s+quitté(?:e|s)?|"
    r"ist\s+(?:am\s+.{1,20}\s+)?(?:verstorben|gestorben)|starb|verstarb|wurde\s+(?:.{1,45}\s+)?"
    r"(?:positiv\s+getestet|entlassen|verlegt|aufgenommen|eingeliefert)|wird\s+(?:.{1,30}\s+)?behandelt|"
    r"liegt\s+(?:auf|im)|wurde\s+(?:.{1,45}\s+)?in(?:s|\s+die|\s+das|\s+eine?)\s+(?:\w+\s+)?\w*(?:[Kk]rankenhaus|[Kk]linik\w*|"
    r"[Ss]pital)\s+gebracht|ist\s+in\s+(?:häuslicher\s+)?(?:Isolation|Quarantäne)"
)

# A ward, room or bed: with a name, it locates a patient.
PLACEMENT = (r"(?:Ward|Room|Bed|Bay|ICU|habitación|hab\.|cama|planta|UCI|chambre|lit|service|"
             r"Zimmer|Station|Bett|Intensivstation)\s*\w{0,4}\d")

# The official role words that say a named person speaks for an organisation.
OFFICIAL_WORDS = (
    # not Spanish "de mayor gravedad", "la mayor parte", "mayores de 65", "la calle Mayor"
    r"officer|director|commissioner|minister|secretary|spokes(?:person|man|woman)|"
    r"(?<!(?<!\w)de\s)(?<!(?<!\w)la\s)(?<!(?<!\w)el\s)(?<!(?<!\w)lo\s)(?<!(?<!\w)más\s)(?<!calle\s)(?<!plaza\s)mayor(?!es)|chief|head\s+of|"
    r"epidemiologist|(?-i:said|says)|announced|will\s+brief|councill?or|council\s+member|alderman|concejal[a]?|"
    r"judge|juez[a]?|juge|Richter(?:in)?|magistrate|attorney\s+general|fiscal|procureur|Staatsanwält(?:in)?|"
    r"conseill[eè]re?\s+municipal\w*|Stadtr[aä]t(?:in)?|"
    r"director[a]?|portavoz|consejer[oa]|ministr[oa]|alcalde(?:sa)?|jef[ea]|ha\s+(?:pedido|dicho|declarado)|dijo|"
    r"delegad[oa]|gerente|subdirector[a]?|d[ée]l[ée]gu[ée]e?|Beauftragte[r]?|Dezernent(?:in)?|"
    r"directeur|directrice|préfet|préfète|ministre|porte-parole|maire|médecin-chef|a\s+déclaré|appelle|"
    r"Leiter(?:in)?|Sprecher(?:in)?|Minister(?:in)?|Bürgermeister(?:in)?|Amtsärzt(?:in)?|Amtsarzt|sagte|erklärte|"
    # speaking for the organisation ("L'entomologiste de l'EID, M. Olivier Blanc, précise que")
    r"explains|explained|stressed|précise|explique|souligne|indique|explica|señala|subraya|betont|erklärt|ergänzt"
)

# Places a street address may belong to without being anyone's home.
VENUE_WORDS = (
    r"clinic|cent(?:er|re)|school|academy|hospital|infirmary|library|church|hall|pharmacy|station|market|"
    r"park|office|gym|stadium|mall|store|shop|site|"
    r"centro|escuela|colegio|farmacia|ayuntamiento|hospital|biblioteca|polideportivo|"
    r"mairie|école|pharmacie|salle|gymnase|hôpital|médiathèque|"
    r"Bürgerzentrum|Zentrum|Schule|Rathaus|Apotheke|Halle|Praxis|Klinik|Klinikum|Krankenhaus|Gesundheitsamt|Turnhalle|"
    r"Pflegeheim|Seniorenheim|Gemeindehaus|Bürgerhaus|clínica|clinique|EHPAD|residencia|"
    r"surgery|care\s+home|nursing\s+home|community\s+hub|"
    r"wing|building|block|tower|pavilion|campus|edificio|pabellón|bâtiment|Gebäude|CEIP|IES|"
    r"pool|Hallenbad|Schwimmbad|Freibad|piscine|piscina|union|collège|lycée|Unterkunft|Gemeinschaftsunterkunft|"
    r"Universitario|hospitalier|hotel|suites|inn|motel|resort|stand|stadium|arena|ground|"
    r"\w*[Kk]irche|\w+stelle|Tafel|\w+halle|\w+zentrum|\w+schule|\w*[Bb]ibliothek|\w*[Mm]useum|\w*[Ff]orum|\w+-Bad|"
    r"\w+bad|airport|aeropuerto|aéroport|Flughafen|terminal|\w*[Bb]ahnhof|gare|estación|estadio|stade|Stadion|"
    r"drug(?:store)?|drugs|(?-i:CH|CHU|CHR|CHRU|GHU)|laborator(?:y|io)|laboratoire|Labor|\w*stadion|\w*stadium"
)
# A home: an address next to these is a person's.
HOME_WORDS = (
    r"lives?|lived|living|home|resides?|resided|residence|of|domicile|address|apartment|flat|resid[íi]a|viv[íi]a|"
    r"wohnte|habitait|vit|vivait|vivent|lebt|lebte|Bewohner(?:in)?|residente|résidente?|"
    r"vive|reside|domicilio|vecin[oa]|(?-i:casa)|"
    r"habite|domicilié?e?|demeurant|appartement|logement|piso|vivienda|portal\s+de\s+su\s+casa|su\s+casa|"
    r"wohnt|\w*[Ww]ohnung|wohnhaft|Wohnadresse|Anschrift|wohnen|wohne|vivimos|vivo|viven|habitons|habitent|"
    r"Adresse|direcci[óo]n|vive\s+sola?|chez\s+(?:les|eux|elle|lui)|"
    # "de leur maison, au 12 allée des Ajoncs"
    r"(?:leur|sa|son|their|his|her|su|sein\w*|ihr\w*)\s+(?:maison|house|Haus|hogar|Zuhause)"
)

# Before a number, these say it is not a person's: drug, lab, lot and diagnosis codes.
NOT_PERSONAL = (
    r"NDC|CLIA|FINESS|SIRET|SIREN|lot|lots|batch|lote|lotes|Charge|Chargen|Chargennummer|Losnummer|Los-Nr\.?|Az\.?|Identitätskennzeichen|ICD(?:-10)?(?:-CM)?|CIE(?:-10)?|CIM(?:-10)?|"
    r"PZN|CIP|UPC|EAN|GTIN|IMO|MMSI|recall|strain|ST|código\s+nacional|code|código|codes?|Code|Kennziffer|"
    r"version|v|model|modèle|modelo|Modell|ref\.?|référence|referencia|Referenz(?:nummer)?|Vorgang(?:snummer)?|"
    r"Artikelnummer|serial|S/N|SN|serie|série|"
    r"Seriennummer|Seriennummern|Zul\.-?Nr\.?|Zulassungsnummer|"  # a medicine's marketing authorisation
    r"MHD|Mindesthaltbarkeitsdatum|expiry|expiration|caducidad|péremption|"
    # a food business's or a care home's registration, not a person's
    r"estampille(?:\s+sanitaire)?|marque\s+d'identification|health\s+mark|identification\s+mark|marca\s+sanitaria|"
    r"registro\s+sanitario|RGSEAA|RASFF|Institutionskennzeichen|IK-Nummer|(?-i:IK)|Betriebsstättennummer|BSNR|"
    # public legal acts
    r"arrêté(?:\s+préfectoral|\s+municipal)?|décret|circulaire|decreto|resoluci[óo]n|orden\s+ministerial|BOE|"
    r"Verordnung|Allgemeinverfügung|Bescheid|executive\s+order|ordinance"
)

# Words that introduce a telephone number.
PHONE_WORDS = (
    r"call|phone|telephone|tel|mobile|cell|fax|ring|text|contact|reach|"
    r"llam[ea]|llamar|teléfono|tel\.|móvil|fax|contacto|"
    r"appelez|appeler|téléphone|portable|joindre|fax|télécopie|télécopieur|"
    r"Telefon|Tel\.|Handy|Mobil|Handynummer|Fax|Telefax|erreichen|unter|anrufen|Rufnummer"
)

# Common given names (several cultures): the screen reads a capitalised pair as a person only
# with context; this list is that context for hashtags and URLs, where there is no sentence.
def words(text: str) -> list[str]:
    return text.split()


GIVEN_NAMES = frozenset(words("""
aaron abdul abdullah abigail adam adrian adriana agnes ahmed aisha alan albert alberto alejandra alejandro
alex alexander alexandra alexandre alfonso alfred ali alice alicia alison amanda amber amelia amy ana
andrea andreas andrew andré angela angelika ángel anita ann anna anne annette anthony antoine antonio
arthur aurélie barbara beatriz ben benjamin bernard bernd betty beverly brenda brian bruno camille
carl carla carlos carmen carol caroline carolyn catherine cécile charles charlotte chloé christian
christina christine christoph christopher claire claudia clément cristina cynthia daniel daniela
david deborah debra denise dennis diana diane diego dieter dolores donald donna doris dorothy
edward elena elisabeth elizabeth ellen emily emma emmanuel eric erika ernesto esther ethan eva evelyn
fatima felipe fernando fiona florian frances francisco françois frank frédéric gabriel gary george
gerald gerhard gisela gloria grace gregory guillaume günter hannah harold heather heike heinz helen
hélène helga henry hugo ibrahim inés ingrid irene isabel isabelle jack jacob jacqueline jacques james
jan jane janet janice javier jean jean-luc jean-pierre jeffrey jennifer jeremy jerry jesse jessica
jesús joan joanna johann johannes john jonathan jordan jorge jose josé joseph joshua joyce juan
judith judy julia julie julien jürgen justin karen karim karin karl katharina katherine kathleen
kathryn kelly kenneth kevin kimberly klaus kyle larry laura laurent lauren lawrence léa linda lisa
louis louise lucas lucía lucie luis lukas madison manuel manfred marc marco margaret margarita
maria maría marie marie-claire marilyn mario mark martha martin mary mathieu matthew matthias maximilian
mehmet melissa michael michel michelle miguel mohamed mohammed monika monique mustafa nancy natalie
nathalie nathan nicholas nicolas nicole noah olivia oscar pablo pamela paola patricia patrick paul
paula pedro peter petra philippe pierre priya rachel rafael ralf ramón raymond rebecca renate richard
rita robert roberto rocío roger ronald rosa rose ruth ryan sabine samantha samuel sandra sara sarah
scott sean sebastian sergio sharon shirley sophia sophie stefan stephanie stephen steven susan
sylvie teresa theresa thomas théo timothy tyrone ulrike ursula valérie vanessa victoria vincent
virginie walter wayne william wolfgang yusuf zoe
"""))

# Given names and surnames that are everyday words too: a hashtag or a link made of them
# ("#HopeStrong", "/spring-flood") is no person's name, even though the census lists them.
EVERYDAY_NAME_WORDS = frozenset(words("""
may june april august summer winter spring autumn fall season rose lily daisy ivy holly iris violet heather
will mark bill grace hope joy faith love charity patience art sunny dawn sky storm rain snow brook river
king young strong power ready well fair day week green white black brown gray grey gold silver park wood
field hill hall lane street stone rock waters flood fire frost wolf fox bird swan bell church temple
major long short little small large rich poor good best new newman early late west north south east
baker cook miller smith taylor carpenter mason porter rider hunter fisher gardener shepherd nurse doctor
page price penny cash money banks battle bowl cross crown guard lord noble prince queen duke earl bishop
sharp hardy wise gay free freeman friend peace ward bed room health care water safe home alert amber
dona vida amor salud agua luz paz sol mar cruz flor cielo vie amour leben liebe santos reyes
"""))

# A person named right after what they are ("The worker, Jorge Alvarez, ..."; "la novia, Lucía ...").
PERSON_ROLES = (
    r"worker|employee|teacher|student|pupil|passenger|traveller|traveler|driver|nurse|carer|caregiver|cook|"
    r"labou?rer|cariste|ouvrière?|obrer[oa]|jornaler[oa]|operari[oa]|Arbeiter(?:in)?|Monteur(?:in)?|Staplerfahrer(?:in)?|"
    r"colleague|coworker|collègue|compañer[oa]\s+de\s+trabajo|Kollege|Kollegin|"
    r"food\s+handler|child|boy|girl|man|woman|mother|father|son|daughter|husband|wife|bride|groom|neighbour|neighbor|"
    r"couple|newlyweds|novios|jeunes\s+mariés|Brautpaar|"
    r"pensioner|Rentner(?:in)?|retraitée?|jubilad[oa]|co-?pilot|copiloto|copilote|Beifahrer(?:in)?|"
    r"trabajador[a]?|emplead[oa]|profesor[a]?|alumn[oa]|estudiante|pasajer[oa]|conductor[a]?|enfermer[oa]|"
    r"niñ[oa]s?|hombre|mujer|madre|padre|hij[oa]|novi[oa]|vecin[oa]|"
    r"employée?|enseignante?|élève|étudiante?|passagère?|passager|conducteur|conductrice|infirmière?|enfant|"
    r"homme|femme|mère|père|fils|fille|mariée?|voisine?|usuario|usuaria|user|utilisateur|utilisatrice|"
    r"member|policyholder|subscriber|customer|soci[oa]|afiliad[oa]|asegurad[oa]|adhérente?|assurée?|sociétaire|"
    r"Mitglied|Versicherte[rn]?|Kunde|Kundin|"
    r"Mitarbeiter(?:in)?|Lehrer(?:in)?|Schüler(?:in)?|Student(?:in)?|Passagier(?:in)?|Fahrer(?:in)?|"
    r"Pfleger(?:in)?|Kind|Junge|Mädchen|Mann|Frau|Mutter|Vater|Sohn|Tochter|Braut|Nachbar(?:in)?|"
    r"cyclist|jogger|runner|walker|hiker|swimmer|passer-?by|ciclista|corredor[a]?|senderista|nadador[a]?|transeúnte|"
    r"cycliste|joggeur|joggeuse|randonneur|randonneuse|nageur|nageuse|passante?|"
    r"passers-by|transeúntes|passants|Passanten|supporter|spectator|bystander|witness|espectador[a]?|testigo|"
    r"spectat(?:eur|rice)|témoin|Zuschauer(?:in)?|Zeug(?:e|in)|Radfahrer(?:in)?|Jogger(?:in)?|Läufer(?:in)?|Wanderer|Wanderin|Schwimmer(?:in)?|Passant(?:in)?|Spaziergänger(?:in)?"
)

# What starts a hashtag that names someone ("#GetWellSoon…", "#PrayFor…", "#FuerzaJavier…").
SUPPORT_HASHTAGS = (
    r"Remembering|InMemoryOf|EnMemoriaDe|HappyBirthday|HappyBday|FelizCumpleaños|FelizCumple|JoyeuxAnniversaire|AllesGute|GetWell(?:Soon)?|PrayFor|PrayersFor|JusticeFor|RIP|RestInPeace|StayStrong|Team|Support|WeLove|"
    r"ThinkingOf|LoveFor|Fuerza|Ánimo|Animo|TodosCon|TodosConEl|TodosConLa|Justicia(?:Para)?|DEP|"
    r"TousAvec|Courage|SoutienÀ|SoutienA|PourToi|StarkBleiben|GuteBesserung|Gemeinsam(?:Für)?|RuheInFrieden|"
    r"(?:Miles|Run|Walk|Swim|Ride|Cycle|Climb|Bake)For|Match4|MatchFor|Hilf(?:e)?Für|AyudaA|Find|Finde[nt]?|Missing|BringHome|HelpFind|Buscamos(?:A)?|Desaparecid[oa]|Disparition|Vermisst|Wo(?:Ist)?|"
    r"Retrouvons|Retrouver|HaveYouSeen|AyúdanosAEncontrar|Helft|Hommage(?:À|A)?"
)

# A child's age in words, one to nineteen: "seven-year-old Amira", "der zwölfjährige Jonas", "Mia ist
# fünf Jahre alt", "tiene seis años", "il a dix ans". (Ages over 89 in words are AGE_WORDS, phi_detect.)
NUMBER_WORDS_EN = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                   r"sixteen|seventeen|eighteen|nineteen")
NUMBER_WORDS_DE = (r"ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn|"
                   r"fünfzehn|sechzehn|siebzehn|achtzehn|neunzehn")
NUMBER_WORDS_ES = r"un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce"
NUMBER_WORDS_FR = r"un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze"
NUMBER_WORDS = "|".join((NUMBER_WORDS_EN, NUMBER_WORDS_DE, NUMBER_WORDS_ES, NUMBER_WORDS_FR))
# Twenty to ninety-nine, for an adult's age in words ("Gwen Pryce-Jones, sixty-seven,", "sesenta y dos
# años", "soixante-sept ans", "siebenundsechzig Jahre"); with NUMBER_WORDS, every age a person has.
_UNITS_EN = r"one|two|three|four|five|six|seven|eight|nine"
_UNITS_ES = r"un|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve"
TENS_WORDS = "|".join((
    rf"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:{_UNITS_EN}))?",
    r"trece|catorce|quince|dieci(?:séis|seis|siete|ocho|nueve)|veinte|veinti\w+",
    rf"(?:treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)(?:\s+y\s+(?:{_UNITS_ES}))?",
    r"treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf",
    r"(?:vingt|trente|quarante|cinquante|soixante)(?:[- ]et[- ](?:un|une|onze)|-\w+)?|quatre-vingts?(?:-\w+)?",
    r"(?:(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und)?(?:zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|"
    r"achtzig|neunzig)",
))
AGE_WORDS_ANY = rf"{TENS_WORDS}|{NUMBER_WORDS}"

# Buildings and bodies, which are often named after someone: a name next to one of these is the
# place's ("Klinikum Ernst von Bergmann", "George Washington Carver Student Union", "#ÉcoleJeanMoulin").
PLACE_NOUNS = (
    r"Institut|Institute|Klinik|Klinikum|Krankenhaus|Schule|Stiftung|Haus|Halle|Hospital|Hôpital|Center|Centre|"
    r"Centro|Zentrum|Universität|Gymnasium|House|Building|Wing|Pavilion|Pavillon|Lodge|Hall|Tower|Memorial|"
    r"College|Collège|Lycée|École|Colegio|Instituto|Fundación|Foundation|Library|Campus|Stadium|School|Academy|"
    r"Surgery|Practice|Hospice|Club|Society|Association|Committee|Choir|Trust|"
    r"Suites|Hotel|Inn|Motel|Resort|Stand|Arena|Way|Barn|Farm|Manor|"
    r"Diner|Restaurant|Café|Cafe|Kitchen|Grill|Bistro|Bakery|Deli|Pub|Tavern|Brasserie|Pizzeria|Taqueria|Eatery"
)

# Relatives and neighbours, whose first name alone identifies them ("her son Gareth").
RELATIVES = (
    r"great-grandson|great-granddaughter|great-grandchild|bisniet[oa]|arrière-petit-fils|arrière-petite-fille|"
    r"Urenkel(?:in)?|son-in-law|daughter-in-law|brother-in-law|sister-in-law|mother-in-law|father-in-law|gendre|"
    r"belle-fille|beau-fils|belle-sœur|beau-frère|belle-mère|beau-père|yerno|nuera|suegr[oa]|cuñad[oa]|"
    r"Schwiegersohn|Schwiegertochter|Schwager|Schwägerin|Schwiegermutter|Schwiegervater|son|daughter|husband|wife|partner|fiancée?|mother|father|mum|mom|dad|mamá|papá|maman|papa|Mama|Papa|brother|sister|grandson|granddaughter|grandmother|"
    r"grandfather|nephew|niece|uncle|aunt|cousin|neighbour|neighbor|carer|friend|"
    r"viud[oa]|widow(?:er)?|veuve|veuf|Witwer?|Witwe|herman[oa]s|twins|Zwillinge|gemel[oa]s|mellizos|jumeaux|jumelles|hij[oa]s?|niet[oa]s|nietecit[oa]s?|grandchildren|children|sons|daughters|petits-enfants|enfants|Enkel(?:kinder)?|"
    r"Kinder|hij[oa]|marido|mujer|esposa|espos[oa]|pareja|novi[oa]|compañer[oa]|conjoint(?:e)?|compagne|compagnon|Lebensgefährt(?:e|in)|Verlobte[rn]?|madre|padre|herman[oa]|niet[oa]|abuel[oa]|sobrin[oa]|vecin[oa]|amig[oa]|"
    r"fils|fille|mari|femme|épouse|mère|père|frère|sœur|soeur|petit-fils|petite-fille|neveu|nièce|voisine?|amie?|"
    r"grand-mère|grand-père|grands-parents|"
    r"(?:aita|aitona|amona|iaia|yaya|yayo|abuelit[oa]|mami|papi|prim[oa]|cousine|Cousine|Vetter)\b|"  # Basque, Catalan
    r"Sohn|Tochter|Ehemann|Ehefrau|Mann|Frau|Mutter|Vater|Bruder|Schwester|Enkel(?:in)?|Neffe|Nichte|"
    r"Nachbar(?:in)?|Freund(?:in)?|"
    r"colleague|collègue|Kollege|Kollegin|classmate|schoolmate|compañer[oa]\s+de\s+clase|camarade(?:\s+de\s+classe)?|Mitschüler(?:in)?|"
    r"Klassenkamerad(?:in)?"
)
