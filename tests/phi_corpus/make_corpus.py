"""Writes tests/phi_corpus/corpus.jsonl: labelled public-health advisories for the PHI benchmark.

    .venv/bin/python tests/phi_corpus/make_corpus.py        (deterministic: the same file every time)

Written from the identifier definitions, not from the screen's code:
- HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i): (A) names; (B) geographic subdivisions smaller than a
  state (street address, city with ZIP code); (C) all elements of dates (except year) directly
  related to an individual -- birth, admission, discharge, death -- and ages over 89; (D/E) telephone
  and fax numbers; (F) e-mail addresses; (G) social security numbers; (H) medical record numbers;
  (I) health plan beneficiary numbers; (J) account numbers; (K) certificate/licence numbers;
  (L) vehicle identifiers and serial numbers, including licence plates; (M) device identifiers and
  serial numbers; (N) URLs; (O) IP addresses; (R) any other unique identifying number.
- The European equivalents a health organisation meets: the NHS number (10 digits, modulus 11 check
  digit), the French NIR (sex, year, month, department, commune, order, 2-digit key = 97 - n mod 97),
  the German Krankenversichertennummer (a letter, 8 digits and a check digit), the Spanish
  "número de historia clínica" (the hospital's record number).

Half the advisories carry patient data, placed in every public field (headline, description,
instruction, required text, area, contact, the web URL, hashtags, translations); the other half are
clean and carry the precision traps a real advisory has (NDC drug codes, CLIA lab numbers, lot and
batch numbers, ICD codes, recall numbers, public hotlines, venue addresses, named officials, group
ages, event dates).

Each line: {"id", "language", "region", "phi", "advisory": {AdvisoryContent fields},
"labels": [{"class", "field", "text"}], "traps": [...]} -- `text` is the identifier exactly as it
appears in that field (for hashtags: the space-joined tags, as the console shows them).
"""
from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("corpus.jsonl")
LANGS = ("en", "es", "fr", "de")
PER_LANGUAGE = {"en": 90, "es": 60, "fr": 60, "de": 60}  # PHI advisories; as many clean ones

CLASSES = ("name", "date", "age", "address", "phone", "email_address", "ssn", "nhs_number", "nir", "kvnr", "nhc",
           "mrn", "health_plan", "account", "license", "vehicle", "device", "url", "ip")

# -- the organisation each language's advisories come from: region and its allow-listed public lines
ORGS: dict[str, dict[str, Any]] = {
    "en": {"region": "US", "phones": ["1-800-232-4636", "(217) 555-0142", "211", "911", "988"],
           "emails": ["health.example.org"], "language": "en-US"},
    "en-GB": {"region": "GB", "phones": ["0808 157 0192", "0117 496 0123", "111", "999"],
              "emails": ["nhs-trust.example.uk"], "language": "en-GB"},
    "es": {"region": "ES", "phones": ["900 102 112", "91 555 01 23", "061", "112"],
           "emails": ["salud.example.es"], "language": "es-ES"},
    "fr": {"region": "FR", "phones": ["0 800 130 000", "01 99 00 12 34", "15", "112"],
           "emails": ["ars.example.fr"], "language": "fr-FR"},
    "de": {"region": "DE", "phones": ["116 117", "0800 011 7722", "030 5550 1234", "112"],
           "emails": ["gesundheitsamt.example.de"], "language": "de-DE"},
}

# ------------------------------------------------------------------------------------------------
# Clean scaffolds: real-sounding advisories, one per event, per language
# ------------------------------------------------------------------------------------------------
SCAFFOLDS: dict[str, list[dict[str, Any]]] = {
    "en": [
        {"event": "Boil Water Notice", "headline": "Boil water notice for the Riverside district",
         "description": "E. coli bacteria were found in routine samples from the Riverside water supply. "
                        "The utility is flushing the mains and testing again.",
         "instruction": "Boil tap water for one minute before drinking, cooking or brushing teeth. "
                        "Give pets boiled water too.",
         "required_text": "Questions? Call the health line at (217) 555-0142, 8 am to 8 pm.",
         "area_desc": "Riverside district, north of the river", "contact": "Health line (217) 555-0142",
         "web": "https://health.example.org/boil-water", "hashtags": ["BoilWater", "Riverside"],
         "tr": ("es", {"headline": "Aviso de hervir el agua en el distrito de Riverside",
                       "instruction": "Hierva el agua del grifo durante un minuto antes de beberla."})},
        {"event": "Measles Exposure", "headline": "Measles: possible exposure at Central Station",
         "description": "A person with measles travelled through Central Station on the morning of "
                        "14 March. Measles spreads easily through the air.",
         "instruction": "Check that you have had two doses of MMR vaccine. If you develop a fever or rash "
                        "within 21 days, call your doctor before you visit.",
         "required_text": "Do not go to an emergency room without calling first.",
         "area_desc": "Central Station and the downtown area", "contact": "press@health.example.org",
         "web": "https://health.example.org/measles", "hashtags": ["Measles", "MMR"],
         "tr": ("es", {"headline": "Sarampión: posible exposición en la estación central",
                       "instruction": "Compruebe que tiene dos dosis de la vacuna triple vírica."})},
        {"event": "Heat Advisory", "headline": "Extreme heat expected this weekend",
         "description": "Temperatures are forecast to reach 104°F on Saturday and Sunday. Cooling centers "
                        "will open at the public libraries.",
         "instruction": "Drink water, stay in the shade, and check on older neighbors twice a day.",
         "required_text": "Call 911 if someone is confused, has hot dry skin or stops sweating.",
         "area_desc": "All of Lake County", "contact": "Information line 211",
         "web": "https://health.example.org/heat", "hashtags": ["HeatSafety"],
         "tr": ("es", {"headline": "Calor extremo este fin de semana",
                       "instruction": "Beba agua y visite a sus vecinos mayores dos veces al día."})},
        {"event": "Food Recall", "headline": "Recall: frozen berries linked to hepatitis A",
         "description": "Sunvale Farms is recalling 12 oz bags of frozen mixed berries after three "
                        "hepatitis A cases in the county.",
         "instruction": "Do not eat the berries. Throw them away or return them to the store for a refund.",
         "required_text": "If you ate them in the last two weeks, ask your doctor about a hepatitis A vaccine.",
         "area_desc": "Lake County and neighboring counties", "contact": "press@health.example.org",
         "web": "https://health.example.org/recalls/berries", "hashtags": ["FoodRecall", "HepA"],
         "tr": ("es", {"headline": "Retirada: bayas congeladas relacionadas con hepatitis A",
                       "instruction": "No coma las bayas. Tírelas o devuélvalas a la tienda."})},
        {"event": "Legionella", "headline": "Legionnaires' disease cluster in the Eastgate area",
         "description": "Four people who live or work near Eastgate have Legionnaires' disease. Cooling "
                        "towers in the area are being sampled and disinfected.",
         "instruction": "If you have a cough, fever and shortness of breath, see a doctor and mention "
                        "this advisory.",
         "required_text": "Legionnaires' disease does not spread from person to person.",
         "area_desc": "Eastgate, within one mile of Harbor Road", "contact": "Health line (217) 555-0142",
         "web": "https://health.example.org/legionella", "hashtags": ["Legionella"],
         "tr": ("es", {"headline": "Brote de legionelosis en la zona de Eastgate",
                       "instruction": "Si tiene tos, fiebre y dificultad para respirar, consulte a un médico."})},
        {"event": "Flu Clinic", "headline": "Free flu shots at community clinics this month",
         "description": "Walk-in flu vaccination clinics run every Saturday in October. No insurance is "
                        "needed and there is no charge.",
         "instruction": "Bring a photo ID if you have one. Children under 9 may need two doses.",
         "required_text": "Clinic hours: 9 am to 3 pm, Saturdays in October.",
         "area_desc": "Lake County", "contact": "Call 211 for the nearest clinic",
         "web": "https://health.example.org/flu", "hashtags": ["FluShot"],
         "tr": ("es", {"headline": "Vacunas gratuitas contra la gripe este mes",
                       "instruction": "Traiga una identificación con foto si la tiene."})},
        {"event": "Air Quality", "headline": "Wildfire smoke: unhealthy air today",
         "description": "Smoke from wildfires to the west has raised the air quality index above 150.",
         "instruction": "Keep windows closed, run an air purifier if you have one, and limit time outdoors.",
         "required_text": "People with asthma or heart disease should keep their medicines close.",
         "area_desc": "Western Lake County", "contact": "press@health.example.org",
         "web": "https://health.example.org/air-quality", "hashtags": ["WildfireSmoke", "AirQuality"],
         "tr": ("es", {"headline": "Humo de incendios: aire insalubre hoy",
                       "instruction": "Mantenga las ventanas cerradas y limite el tiempo al aire libre."})},
        {"event": "Rabies", "headline": "Rabid bat found near Oakwood Park",
         "description": "A bat found near the Oakwood Park playground tested positive for rabies.",
         "instruction": "If you or your child touched a bat in the park, call the health line today. "
                        "Do not touch bats or other wild animals.",
         "required_text": "Rabies can be prevented with prompt treatment after an exposure.",
         "area_desc": "Oakwood Park and surrounding streets", "contact": "Health line (217) 555-0142",
         "web": "https://health.example.org/rabies", "hashtags": ["Rabies"],
         "tr": ("es", {"headline": "Murciélago con rabia cerca del parque Oakwood",
                       "instruction": "No toque murciélagos ni otros animales salvajes."})},
    ],
    "en-GB": [
        {"event": "Norovirus", "headline": "Norovirus: please stay away from the wards if unwell",
         "description": "Several wards at the General Infirmary have norovirus. Visiting is restricted.",
         "instruction": "Do not visit for 48 hours after your last bout of vomiting or diarrhoea. "
                        "Wash hands with soap and water; gel does not kill norovirus.",
         "required_text": "For advice call NHS 111.", "area_desc": "City General Infirmary",
         "contact": "Patient advice line 0808 157 0192", "web": "https://www.nhs-trust.example.uk/norovirus",
         "hashtags": ["Norovirus", "StayAway"],
         "tr": ("pl", {"headline": "Norowirus: prosimy nie odwiedzać oddziałów, jeśli źle się czujesz"})},
        {"event": "TB Screening", "headline": "TB screening offered to contacts at Hillside Academy",
         "description": "A case of tuberculosis has been confirmed in a member of the school community. "
                        "The risk to others is low.",
         "instruction": "Letters have gone to close contacts with screening appointments. "
                        "If you did not get a letter, you do not need to do anything.",
         "required_text": "TB is curable with a course of antibiotics.", "area_desc": "Hillside Academy, Leeds",
         "contact": "Health protection team 0117 496 0123", "web": "https://www.nhs-trust.example.uk/tb",
         "hashtags": ["TB"], "tr": ("ur", {"headline": "ہل سائیڈ اکیڈمی میں ٹی بی اسکریننگ"})},
        {"event": "Cold Weather", "headline": "Amber cold-health alert for the region",
         "description": "Temperatures are forecast to fall below freezing for five nights from Monday.",
         "instruction": "Heat your home to at least 18°C, keep moving and check on people who live alone.",
         "required_text": "In an emergency call 999.", "area_desc": "North and West Yorkshire",
         "contact": "press@nhs-trust.example.uk", "web": "https://www.nhs-trust.example.uk/cold",
         "hashtags": ["KeepWarm"], "tr": ("pl", {"headline": "Bursztynowy alert zdrowotny z powodu zimna"})},
    ],
    "es": [
        {"event": "Ola de calor", "headline": "Alerta por calor extremo en la Comunidad",
         "description": "Se esperan temperaturas de hasta 42 °C entre el jueves y el domingo.",
         "instruction": "Beba agua con frecuencia, evite salir entre las 12 y las 17 horas y visite a "
                        "las personas mayores que viven solas.",
         "required_text": "Ante un golpe de calor llame al 112.", "area_desc": "Comunidad de Madrid",
         "contact": "Teléfono de información 900 102 112", "web": "https://www.salud.example.es/calor",
         "hashtags": ["OlaDeCalor"], "tr": ("en", {"headline": "Extreme heat alert for the region",
                                                   "instruction": "Drink water often and avoid going out at midday."})},
        {"event": "Legionelosis", "headline": "Brote de legionelosis en el barrio de San Blas",
         "description": "Se han confirmado seis casos de legionelosis en vecinos del barrio. Se están "
                        "revisando las torres de refrigeración de la zona.",
         "instruction": "Si tiene fiebre, tos y dificultad para respirar, acuda a su centro de salud.",
         "required_text": "La legionelosis no se transmite de persona a persona.",
         "area_desc": "Distrito de San Blas-Canillejas", "contact": "prensa@salud.example.es",
         "web": "https://www.salud.example.es/legionela", "hashtags": ["Legionela", "SanBlas"],
         "tr": ("en", {"headline": "Legionnaires' disease outbreak in San Blas"})},
        {"event": "Sarampión", "headline": "Sarampión: posible exposición en el aeropuerto",
         "description": "Una persona con sarampión pasó por la terminal 4 del aeropuerto el 3 de mayo "
                        "entre las 9 y las 13 horas.",
         "instruction": "Si no está vacunado y presenta fiebre o erupción en los próximos 21 días, llame "
                        "antes de acudir al centro de salud.",
         "required_text": "La vacuna triple vírica protege frente al sarampión.",
         "area_desc": "Aeropuerto Adolfo Suárez Madrid-Barajas, terminal 4", "contact": "Información 900 102 112",
         "web": "https://www.salud.example.es/sarampion", "hashtags": ["Sarampión"],
         "tr": ("en", {"headline": "Measles: possible exposure at the airport"})},
        {"event": "Alerta alimentaria", "headline": "Retirada de un queso fresco por Listeria",
         "description": "Se retira del mercado un queso fresco de cabra de 250 g tras detectarse Listeria "
                        "monocytogenes en un control.",
         "instruction": "Si tiene este queso en casa, no lo consuma y devuélvalo al punto de venta.",
         "required_text": "Las embarazadas que lo hayan comido deben consultar a su médico.",
         "area_desc": "Toda España", "contact": "prensa@salud.example.es",
         "web": "https://www.salud.example.es/alertas/queso", "hashtags": ["AlertaAlimentaria"],
         "tr": ("en", {"headline": "Recall of a fresh cheese because of Listeria"})},
        {"event": "Vacunación", "headline": "Campaña de vacunación frente a la gripe",
         "description": "Desde el 15 de octubre se vacuna a mayores de 60 años, embarazadas y personas con "
                        "enfermedades crónicas.",
         "instruction": "Pida cita en su centro de salud o en la aplicación del servicio de salud.",
         "required_text": "La vacuna es gratuita para los grupos de riesgo.", "area_desc": "Comunidad de Madrid",
         "contact": "Cita previa 91 555 01 23", "web": "https://www.salud.example.es/gripe",
         "hashtags": ["VacunaGripe"], "tr": ("en", {"headline": "Flu vaccination campaign"})},
        {"event": "Calidad del agua", "headline": "Agua no apta para el consumo en Villanueva",
         "description": "Los análisis han detectado nitratos por encima del límite en la red de abastecimiento.",
         "instruction": "No use el agua del grifo para beber ni para preparar biberones. El ayuntamiento "
                        "repartirá agua embotellada.",
         "required_text": "El agua sí puede usarse para la ducha y la limpieza.",
         "area_desc": "Villanueva del Pardillo", "contact": "Información 900 102 112",
         "web": "https://www.salud.example.es/agua", "hashtags": ["AguaPotable"],
         "tr": ("en", {"headline": "Tap water not safe to drink in Villanueva"})},
    ],
    "fr": [
        {"event": "Canicule", "headline": "Canicule : vigilance orange dans le département",
         "description": "Des températures supérieures à 38 °C sont attendues jusqu'à dimanche.",
         "instruction": "Buvez régulièrement de l'eau, fermez les volets le jour et prenez des nouvelles "
                        "des personnes âgées isolées.",
         "required_text": "En cas de malaise, appelez le 15.", "area_desc": "Rhône et Métropole de Lyon",
         "contact": "Canicule info service 0 800 130 000", "web": "https://www.ars.example.fr/canicule",
         "hashtags": ["Canicule"], "tr": ("en", {"headline": "Heatwave: orange warning for the département"})},
        {"event": "Rougeole", "headline": "Rougeole : cas confirmé, personnes contacts recherchées",
         "description": "Un cas de rougeole a été confirmé. La personne a fréquenté le centre commercial "
                        "Part-Dieu le samedi 8 mars.",
         "instruction": "Vérifiez votre carnet de vaccination. En cas de fièvre ou d'éruption, appelez "
                        "votre médecin avant de vous déplacer.",
         "required_text": "Deux doses de vaccin ROR protègent contre la rougeole.",
         "area_desc": "Lyon 3e arrondissement", "contact": "presse@ars.example.fr",
         "web": "https://www.ars.example.fr/rougeole", "hashtags": ["Rougeole", "Vaccination"],
         "tr": ("en", {"headline": "Measles: confirmed case, contacts sought"})},
        {"event": "Eau", "headline": "Eau du robinet : restriction de consommation",
         "description": "Une contamination bactériologique a été détectée sur le réseau de la commune.",
         "instruction": "Ne buvez pas l'eau du robinet sans l'avoir fait bouillir. Des bouteilles sont "
                        "distribuées à la mairie.",
         "required_text": "L'eau reste utilisable pour la toilette.", "area_desc": "Commune de Saint-Priest",
         "contact": "Mairie 01 99 00 12 34", "web": "https://www.ars.example.fr/eau",
         "hashtags": ["EauPotable"], "tr": ("en", {"headline": "Tap water: do not drink without boiling"})},
        {"event": "Rappel produit", "headline": "Rappel : fromage au lait cru contaminé par Listeria",
         "description": "Un camembert au lait cru de 250 g fait l'objet d'un rappel après détection de "
                        "Listeria monocytogenes.",
         "instruction": "Ne consommez pas ce produit et rapportez-le au magasin.",
         "required_text": "Les femmes enceintes ayant consommé ce produit doivent consulter leur médecin.",
         "area_desc": "France entière", "contact": "presse@ars.example.fr",
         "web": "https://www.ars.example.fr/rappels/camembert", "hashtags": ["RappelConso"],
         "tr": ("en", {"headline": "Recall: raw-milk cheese contaminated with Listeria"})},
        {"event": "Légionellose", "headline": "Cas groupés de légionellose à Villeurbanne",
         "description": "Cinq cas de légionellose ont été signalés chez des habitants du quartier des Gratte-Ciel.",
         "instruction": "En cas de fièvre, de toux et de difficultés respiratoires, consultez un médecin.",
         "required_text": "La légionellose ne se transmet pas d'une personne à l'autre.",
         "area_desc": "Villeurbanne, quartier des Gratte-Ciel", "contact": "Info santé 0 800 130 000",
         "web": "https://www.ars.example.fr/legionellose", "hashtags": ["Legionellose"],
         "tr": ("en", {"headline": "Legionnaires' disease cluster in Villeurbanne"})},
        {"event": "Vaccination", "headline": "Campagne de vaccination contre la grippe",
         "description": "La campagne commence le 15 octobre pour les personnes de 65 ans et plus et les "
                        "personnes à risque.",
         "instruction": "Faites-vous vacciner chez votre pharmacien, votre médecin ou votre infirmier.",
         "required_text": "Le vaccin est pris en charge à 100 % pour les personnes concernées.",
         "area_desc": "Région Auvergne-Rhône-Alpes", "contact": "presse@ars.example.fr",
         "web": "https://www.ars.example.fr/grippe", "hashtags": ["Grippe"],
         "tr": ("en", {"headline": "Flu vaccination campaign starts"})},
    ],
    "de": [
        {"event": "Hitzewarnung", "headline": "Hitzewarnung für die Stadt",
         "description": "Der Deutsche Wetterdienst erwartet bis Sonntag Temperaturen über 35 °C.",
         "instruction": "Trinken Sie ausreichend, meiden Sie die Mittagshitze und schauen Sie nach älteren "
                        "Nachbarn.",
         "required_text": "Bei Anzeichen eines Hitzschlags rufen Sie die 112.", "area_desc": "Stadtgebiet Köln",
         "contact": "Bürgertelefon 0800 011 7722", "web": "https://www.gesundheitsamt.example.de/hitze",
         "hashtags": ["Hitze"], "tr": ("tr", {"headline": "Şehir için sıcak hava uyarısı"})},
        {"event": "Masern", "headline": "Masern: mögliche Ansteckung im Hauptbahnhof",
         "description": "Eine an Masern erkrankte Person hielt sich am 12. März vormittags im Hauptbahnhof auf.",
         "instruction": "Prüfen Sie Ihren Impfpass. Bei Fieber oder Ausschlag rufen Sie vor dem Praxisbesuch an.",
         "required_text": "Zwei Impfungen schützen zuverlässig vor Masern.", "area_desc": "Köln Hauptbahnhof",
         "contact": "presse@gesundheitsamt.example.de", "web": "https://www.gesundheitsamt.example.de/masern",
         "hashtags": ["Masern", "Impfen"], "tr": ("en", {"headline": "Measles: possible exposure at the main station"})},
        {"event": "Trinkwasser", "headline": "Abkochgebot für Trinkwasser in Ehrenfeld",
         "description": "Bei einer Routinekontrolle wurden coliforme Bakterien im Leitungsnetz nachgewiesen.",
         "instruction": "Kochen Sie Leitungswasser vor dem Trinken und Zähneputzen sprudelnd ab.",
         "required_text": "Das Abkochgebot gilt bis auf Widerruf.", "area_desc": "Köln-Ehrenfeld",
         "contact": "Störungsdienst 030 5550 1234", "web": "https://www.gesundheitsamt.example.de/trinkwasser",
         "hashtags": ["Abkochgebot"], "tr": ("tr", {"headline": "Ehrenfeld'de içme suyunu kaynatma zorunluluğu"})},
        {"event": "Rückruf", "headline": "Rückruf: Salami wegen Salmonellen",
         "description": "Ein Hersteller ruft eine luftgetrocknete Salami in der 200-g-Packung zurück.",
         "instruction": "Essen Sie die Salami nicht. Sie können sie im Markt zurückgeben.",
         "required_text": "Bei Durchfall und Fieber wenden Sie sich an Ihre Hausarztpraxis.",
         "area_desc": "Nordrhein-Westfalen", "contact": "presse@gesundheitsamt.example.de",
         "web": "https://www.gesundheitsamt.example.de/rueckruf", "hashtags": ["Rückruf"],
         "tr": ("en", {"headline": "Recall: salami because of Salmonella"})},
        {"event": "Legionellen", "headline": "Legionellen in Wohnanlage nachgewiesen",
         "description": "In der Warmwasseranlage einer Wohnanlage in Porz wurden Legionellen nachgewiesen.",
         "instruction": "Duschen Sie bis zur Sanierung nicht. Lassen Sie das Wasser vor Gebrauch ablaufen.",
         "required_text": "Legionellen werden nicht von Mensch zu Mensch übertragen.", "area_desc": "Köln-Porz",
         "contact": "Bürgertelefon 0800 011 7722", "web": "https://www.gesundheitsamt.example.de/legionellen",
         "hashtags": ["Legionellen"], "tr": ("en", {"headline": "Legionella found in a housing estate"})},
        {"event": "Impfaktion", "headline": "Grippeschutzimpfung ohne Termin",
         "description": "Das Gesundheitsamt bietet im November an jedem Samstag Impfungen ohne Termin an.",
         "instruction": "Bringen Sie Ihre Versichertenkarte und, falls vorhanden, Ihren Impfpass mit.",
         "required_text": "Bei Fragen wählen Sie 116 117.", "area_desc": "Stadt Köln",
         "contact": "Ärztlicher Bereitschaftsdienst 116 117", "web": "https://www.gesundheitsamt.example.de/grippe",
         "hashtags": ["Grippeimpfung"], "tr": ("en", {"headline": "Flu vaccination without appointment"})},
    ],
}

# ------------------------------------------------------------------------------------------------
# People, places, numbers
# ------------------------------------------------------------------------------------------------
NAMES = {
    "en": ["Walter Brooks", "Grace Adeyemi", "Emily Carter", "Daniel Okafor", "Margaret Hughes",
           "Tyrone Jackson", "Linda Novak", "Priya Raman", "Kevin O'Neill", "Harold Finch", "Rosa Delgado",
           "Samuel Whitaker", "Aisha Mensah", "Brian McAllister", "Dorothy Kim", "Ethan Park", "Fiona Walsh"],
    "es": ["María López", "José Fernández", "Lucía Martín Gómez", "Carmen Ruiz", "Javier Moreno",
           "Ana Belén Torres", "Pedro Sánchez Vidal", "Rocío Navarro", "Manuel Ortega", "Inés Herrera",
           "Francisco Javier Gil", "Dolores Ramírez"],
    "fr": ["Julien Moreau", "Camille Lefèvre", "Nathalie Girard", "Pierre Martin", "Sophie Dubois",
           "Théo Lambert", "Hélène Rousseau", "Jean-Luc Bernard", "Aurélie Fontaine", "Karim Benali",
           "Marie-Claire Petit", "Louis Garnier"],
    "de": ["Klaus Weber", "Anna Schmidt", "Jürgen Hoffmann", "Sabine Krüger", "Lukas Becker", "Heike Schäfer",
           "Mehmet Yılmaz", "Ursula Neumann", "Stefan Wagner", "Claudia Zimmermann", "Günter Braun",
           "Petra Schulze"],
}
TITLES = {"en": ["Mr", "Mrs", "Ms", "Mr.", "Mrs."], "es": ["el Sr.", "la Sra.", "don", "doña"],
          "fr": ["M.", "Mme", "Monsieur", "Madame"], "de": ["Herr", "Frau"]}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
}


def ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def date_text(rng: random.Random, lang: str, year: int | None) -> str:
    """A date as people write it in `lang`; year None: day and month only."""
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    month = MONTHS[lang][m - 1]
    if year is None:
        return {"en": rng.choice([f"{d} {month}", f"{month} {d}", f"the {ordinal(d)} of {month}"]),
                "es": f"{d} de {month}", "fr": f"{d} {month}", "de": f"{d}. {month}"}[lang]
    y = year
    forms = {
        "en": [f"{m:02d}/{d:02d}/{y}", f"{month} {d}, {y}", f"{d} {month} {y}", f"the {ordinal(d)} of {month} {y}",
               f"{y}-{m:02d}-{d:02d}", f"{d}.{m:02d}.{y}", f"{y}{m:02d}{d:02d}", f"{month} {ordinal(d)}, {y}"],
        "es": [f"{d:02d}/{m:02d}/{y}", f"{d} de {month} de {y}", f"{d}-{m}-{y}"],
        "fr": [f"{d:02d}/{m:02d}/{y}", f"{'1er' if d == 1 else d} {month} {y}", f"{d:02d}.{m:02d}.{y}"],
        "de": [f"{d:02d}.{m:02d}.{y}", f"{d}. {month} {y}", f"{d:02d}.{m:02d}.{str(y)[2:]}"],
    }[lang]
    return rng.choice(forms)


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.choice([4, 6, 7, 9])
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, [*digits, check]))
            return rng.choice([f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}"])


def nir(rng: random.Random) -> str:
    sex, yy, mm = rng.choice("12"), rng.randint(30, 99), rng.randint(1, 12)
    dept = rng.choice(["69", "75", "13", "2A", "33", "59", "38"])
    commune, order = rng.randint(1, 399), rng.randint(1, 999)
    body = f"{sex}{yy:02d}{mm:02d}{dept}{commune:03d}{order:03d}"
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    key = 97 - numeric % 97
    return rng.choice([f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:]} {key:02d}",
                       f"{body}{key:02d}", f"{body} {key:02d}"])


def kvnr(rng: random.Random) -> str:
    """Krankenversichertennummer: letter, 8 digits, check digit (§ 290 SGB V; weights 1,2 over the
    letter's two-digit position and the 8 digits, cross sums, modulo 10)."""
    letter = rng.choice(string.ascii_uppercase)
    digits = [rng.randint(0, 9) for _ in range(8)]
    seq = [int(c) for c in f"{ord(letter) - 64:02d}"] + digits
    total = 0
    for i, d in enumerate(seq):
        p = d * (1 if i % 2 == 0 else 2)
        total += p // 10 + p % 10
    return f"{letter}{''.join(map(str, digits))}{total % 10}"


def ssn(rng: random.Random) -> str:
    area = rng.choice([rng.randint(1, 665), rng.randint(667, 899)])
    group, serial = rng.randint(1, 99), rng.randint(1, 9999)
    return rng.choice([f"{area:03d}-{group:02d}-{serial:04d}", f"{area:03d} {group:02d} {serial:04d}",
                       f"{area:03d}{group:02d}{serial:04d}", "987-65-4321", "987 65 4325"])


def mbi(rng: random.Random) -> str:
    """Medicare Beneficiary Identifier (CMS): C A AN N A AN N A A N N, letters without S L O I B Z."""
    letters = [c for c in string.ascii_uppercase if c not in "SLOIBZ"]
    an = letters + list(string.digits)
    parts = [str(rng.randint(1, 9)), rng.choice(letters), rng.choice(an), str(rng.randint(0, 9)),
             rng.choice(letters), rng.choice(an), str(rng.randint(0, 9)), rng.choice(letters), rng.choice(letters),
             str(rng.randint(0, 9)), str(rng.randint(0, 9))]
    s = "".join(parts)
    return rng.choice([s, f"{s[:4]}-{s[4:7]}-{s[7:]}"])


def luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def iban(rng: random.Random, country: str) -> str:
    lengths = {"DE": 18, "ES": 20, "FR": 23, "GB": 18}
    bban = ("".join(str(rng.randint(0, 9)) for _ in range(lengths[country])) if country != "GB"
            else "NWBK" + "".join(str(rng.randint(0, 9)) for _ in range(14)))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def upper(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


PERSONAL_PHONES = {
    "en": ["(415) 555-2671", "312-555-0187", "+1 646 555 0134", "(773) 555 0199", "617.555.0143"],
    "en-GB": ["07700 900 456", "07700 900123", "+44 7700 900 981", "0113 496 0457", "020 7946 0321"],
    "es": ["612 345 678", "+34 699 123 456", "655 12 34 56", "91 234 56 78"],
    "fr": ["06 12 34 56 78", "+33 6 98 76 54 32", "07 45 21 09 83", "04 78 12 34 56"],
    "de": ["0151 23456789", "+49 170 1234567", "0221 4567890", "0176 98765432"],
}
PERSONAL_EMAILS = ["jane.doe@gmail.com", "dwhite at hotmail dot com", "m.lopez(at)web.de",
                   "karim.benali@orange.fr", "p.sanchez@yahoo.es", "grace_a [at] outlook [dot] com",
                   "klaus.weber@gmx.de", "emily.carter1987@icloud.com", "lucia punto martin arroba gmail punto com"]

STREETS = {
    "en": ["{n} Elm Street, Springfield, IL 62704", "{n} Harbor Road, Apt 3B", "{n} Maple Avenue",
           "{n} W 23rd St, New York, NY 10011", "{n} Oak Lane, Lake City 62711"],
    "en-GB": ["{n} Baker Road, Leeds LS6 2QT", "Flat 4, {n} Mill Lane", "{n} Victoria Terrace, Bristol BS8 1TH"],
    "es": ["calle Mayor {n}, 3.º B, 28013 Madrid", "avenida de la Paz {n}, 2.º izquierda",
           "c/ Alcalá {n}, 28009 Madrid", "plaza de España {n}, bajo"],
    "fr": ["{n} rue des Lilas, 69003 Lyon", "{n} avenue Jean-Jaurès", "{n} bis boulevard Voltaire, 75011 Paris",
           "{n} chemin des Vignes, 69100 Villeurbanne"],
    "de": ["Hauptstraße {n}, 50667 Köln", "Goethestr. {n}", "Am Lindenhof {n}, 51149 Köln",
           "Bonner Straße {n}a, 50677 Köln"],
}


# ------------------------------------------------------------------------------------------------
# Patient data, one sentence per identifier class and language (with the labels it carries)
# ------------------------------------------------------------------------------------------------
Sentence = tuple[str, list[tuple[str, str]]]


def phi_sentence(rng: random.Random, cls: str, lang: str, org: str, strict: bool = False) -> Sentence:
    name = rng.choice(NAMES[lang])
    title = rng.choice(TITLES[lang])
    surname = name.split()[-1]
    dob = date_text(rng, lang, rng.randint(1930, 2015))
    day = date_text(rng, lang, rng.choice([None, 2025, 2026]))
    L: dict[str, list[Callable[[], Sentence]]] = {}

    if cls == "name":
        L = {
            "en": [lambda: (f"The patient, {name}, is being treated in the intensive care unit.", [("name", name)]),
                   lambda: (f"{name} remains in Ward 7B, bed 3, and visitors must wear masks.", [("name", name)]),
                   lambda: (f"Our thoughts are with {title} {surname}, the first confirmed case.", [("name", f"{title} {surname}")]),
                   lambda: (f"{name} tested positive after returning from the trip.", [("name", name)]),
                   lambda: (f"The child who was bitten, {name}, started rabies shots.", [("name", name)])],
            "es": [lambda: (f"La paciente {name} permanece ingresada en la UCI.", [("name", name)]),
                   lambda: (f"{name} está en la habitación 412 de la planta de infecciosos.", [("name", name)]),
                   lambda: (f"El primer caso confirmado es {title} {surname}, vecino del barrio.", [("name", f"{title} {surname}")]),
                   lambda: (f"{name} dio positivo tras volver del viaje.", [("name", name)])],
            "fr": [lambda: (f"Le patient {name} est hospitalisé en réanimation.", [("name", name)]),
                   lambda: (f"{name}, chambre {rng.randint(100, 450)}, reçoit un traitement antibiotique.", [("name", name)]),
                   lambda: (f"{title} {surname}, premier cas confirmé, est en isolement à domicile.", [("name", f"{title} {surname}")]),
                   lambda: (f"{name} a été testé positif à son retour de voyage.", [("name", name)])],
            "de": [lambda: (f"Die Patientin {name} wird auf der Intensivstation behandelt.", [("name", name)]),
                   lambda: (f"{name} liegt auf Station 4, Zimmer {rng.randint(10, 60)}.", [("name", name)]),
                   lambda: (f"{title} {surname}, der erste bestätigte Fall, ist in häuslicher Isolation.", [("name", f"{title} {surname}")]),
                   lambda: (f"{name} wurde nach der Rückkehr von der Reise positiv getestet.", [("name", name)])],
        }
    elif cls == "date":
        L = {
            "en": [lambda: (f"{name} died on {day} at the county hospital.", [("name", name), ("date", day)]),
                   lambda: (f"The patient (DOB {dob}) is stable.", [("date", dob)]),
                   lambda: (f"{name}, born {dob}, was admitted with a high fever.", [("name", name), ("date", dob)]),
                   lambda: (f"The first case, {name} (b. {dob}), is recovering at home.", [("name", name), ("date", dob)]),
                   lambda: (f"{title} {surname} was discharged on {day} and is isolating.", [("name", f"{title} {surname}"), ("date", day)]),
                   lambda: (f"Date of birth of the case: {dob}.", [("date", dob)]),
                   lambda: (f"{name} was born on {dob} and is now recovering at home.", [("name", name), ("date", dob)])],
            "es": [lambda: (f"{name} falleció el {day} en el hospital.", [("name", name), ("date", day)]),
                   lambda: (f"El paciente, nacido el {dob}, está estable.", [("date", dob)]),
                   lambda: (f"{name} (fecha de nacimiento: {dob}) sigue ingresada.", [("name", name), ("date", dob)]),
                   lambda: (f"{title} {surname} ingresó el {day} con fiebre alta.", [("name", f"{title} {surname}"), ("date", day)])],
            "fr": [lambda: (f"{name}, née le {dob}, est hospitalisée.", [("name", name), ("date", dob)]),
                   lambda: (f"{name} est décédé le {day} au CHU.", [("name", name), ("date", day)]),
                   lambda: (f"Le patient (date de naissance : {dob}) est stable.", [("date", dob)]),
                   lambda: (f"{title} {surname} est sorti de l'hôpital le {day}.", [("name", f"{title} {surname}"), ("date", day)])],
            "de": [lambda: (f"{name}, geb. {dob}, wird stationär behandelt.", [("name", name), ("date", dob)]),
                   lambda: (f"{name} ist am {day} im Klinikum verstorben.", [("name", name), ("date", day)]),
                   lambda: (f"Der Patient (Geburtsdatum {dob}) ist stabil.", [("date", dob)]),
                   lambda: (f"{title} {surname} wurde am {day} aus dem Krankenhaus entlassen.", [("name", f"{title} {surname}"), ("date", day)])],
        }
    elif cls == "age":
        age = rng.randint(90, 104)
        town = {"en": "Lake City", "es": "Alcorcón", "fr": "Villeurbanne", "de": "Köln-Porz"}[lang]
        L = {
            "en": [lambda: (f"A {age}-year-old woman from {town} died of the infection.", [("age", f"{age}-year-old")]),
                   lambda: (f"The case is a man aged {age} who lives in {town}.", [("age", f"aged {age}")]),
                   lambda: (f"The resident, {age} years old, was taken to hospital from a care home in {town}.", [("age", f"{age} years old")])],
            "es": [lambda: (f"Ha fallecido una mujer de {age} años vecina de {town}.", [("age", f"{age} años")]),
                   lambda: (f"El afectado, de {age} años, reside en {town}.", [("age", f"{age} años")])],
            "fr": [lambda: (f"Une femme âgée de {age} ans, domiciliée à {town}, est décédée.", [("age", f"{age} ans")]),
                   lambda: (f"Le patient, {age} ans, habite {town}.", [("age", f"{age} ans")])],
            "de": [lambda: (f"Eine {age}-jährige Frau aus {town} ist an der Infektion gestorben.", [("age", f"{age}-jährige")]),
                   lambda: (f"Betroffen ist ein {age} Jahre alter Mann aus {town}.", [("age", f"{age} Jahre alter")])],
        }
    elif cls == "address":
        key = org if org in STREETS else lang
        addr = rng.choice(STREETS[key]).format(n=rng.randint(2, 240))
        L = {
            "en": [lambda: (f"The index case lives at {addr}.", [("address", addr)]),
                   lambda: (f"{name}, of {addr}, is in isolation.", [("name", name), ("address", addr)]),
                   lambda: (f"Neighbours of the patient's home at {addr} are being offered tests.", [("address", addr)])],
            "es": [lambda: (f"El caso índice vive en {addr}.", [("address", addr)]),
                   lambda: (f"Se ofrece la prueba a los vecinos del domicilio del paciente, en {addr}.", [("address", addr)])],
            "fr": [lambda: (f"Le cas index habite au {addr}.", [("address", addr)]),
                   lambda: (f"Les voisins du domicile du patient, {addr}, sont invités à se faire dépister.", [("address", addr)])],
            "de": [lambda: (f"Die erkrankte Person wohnt in der {addr}.", [("address", addr)]),
                   lambda: (f"Nachbarn der Wohnung des Patienten in der {addr} wird ein Test angeboten.", [("address", addr)])],
        }
    elif cls == "phone":
        phone = rng.choice(PERSONAL_PHONES[org if org in PERSONAL_PHONES else lang])
        L = {
            "en": [lambda: (f"Contact the patient's husband at {phone}.", [("phone", phone)]),
                   lambda: (f"For the family, call {phone}.", [("phone", phone)]),
                   lambda: (f"The case's mobile number is {phone}; please do not call the ward.", [("phone", phone)]),
                   lambda: (f"Fax the case's test results to the family's home fax, {phone}.", [("phone", phone)])],
            "es": [lambda: (f"Para contactar con la familia del paciente llame al {phone}.", [("phone", phone)]),
                   lambda: (f"El móvil de la afectada es el {phone}.", [("phone", phone)])],
            "fr": [lambda: (f"Pour joindre la famille du patient, appelez le {phone}.", [("phone", phone)]),
                   lambda: (f"Le portable de la patiente : {phone}.", [("phone", phone)])],
            "de": [lambda: (f"Die Angehörigen des Patienten erreichen Sie unter {phone}.", [("phone", phone)]),
                   lambda: (f"Handynummer der Betroffenen: {phone}.", [("phone", phone)])],
        }
    elif cls == "email_address":
        mail = rng.choice(PERSONAL_EMAILS)
        L = {
            "en": [lambda: (f"The index case, {mail}, was seen on Monday.", [("email_address", mail)]),
                   lambda: (f"Send the patient's results to {mail}.", [("email_address", mail)])],
            "es": [lambda: (f"Puede escribir a la familia de la paciente: {mail}.", [("email_address", mail)])],
            "fr": [lambda: (f"Écrivez à la famille du patient : {mail}.", [("email_address", mail)])],
            "de": [lambda: (f"Die Familie der Patientin ist per E-Mail erreichbar: {mail}.", [("email_address", mail)])],
        }
    elif cls == "ssn":
        s = ssn(rng)
        L = {"en": [lambda: (f"The patient's SSN is {s}.", [("ssn", s)]),
                    lambda: (f"{name} (Social Security number {s}) was admitted on Tuesday.", [("name", name), ("ssn", s)]),
                    lambda: (f"Records for the case, SSN: {s}, were shared with the state.", [("ssn", s)]),
                    lambda: (f"Claims for {name} were filed under {s}.", [("name", name), ("ssn", s)])]}
    elif cls == "nhs_number":
        n = nhs_number(rng)
        L = {"en": [lambda: (f"The patient's NHS number is {n}.", [("nhs_number", n)]),
                    lambda: (f"{name} (NHS no. {n}) has been transferred.", [("name", name), ("nhs_number", n)]),
                    lambda: (f"Patient {n} remains on the isolation ward.", [("nhs_number", n)])]}
    elif cls == "nir":
        n = nir(rng)
        L = {"fr": [lambda: (f"Le numéro de sécurité sociale du patient est le {n}.", [("nir", n)]),
                    lambda: (f"{name}, NIR {n}, est en isolement.", [("name", name), ("nir", n)]),
                    lambda: (f"Dossier transmis à la CPAM pour l'assuré n° {n}.", [("nir", n)])]}
    elif cls == "kvnr":
        n = kvnr(rng)
        L = {"de": [lambda: (f"Die Krankenversichertennummer der Patientin lautet {n}.", [("kvnr", n)]),
                    lambda: (f"{name} (Versichertennummer {n}) wurde verlegt.", [("name", name), ("kvnr", n)]),
                    lambda: (f"Der Befund für {n} liegt dem Gesundheitsamt vor.", [("kvnr", n)])]}
    elif cls == "nhc":
        n = rng.choice([digits(rng, 7), digits(rng, 6), f"{digits(rng, 2)}-{digits(rng, 6)}"])
        L = {"es": [lambda: (f"Paciente con NHC {n} ingresado en la planta 5.", [("nhc", n)]),
                    lambda: (f"El número de historia clínica de la afectada es {n}.", [("nhc", n)]),
                    lambda: (f"{name}, historia clínica n.º {n}, sigue en observación.", [("name", name), ("nhc", n)])]}
    elif cls == "mrn":
        mrn = rng.choice([f"A-{digits(rng, 2)}-{digits(rng, 4)}", f"K{digits(rng, 6)}", digits(rng, 8),
                          f"MR{digits(rng, 7)}", f"{upper(rng, 2)}{digits(rng, 6)}"])
        L = {
            "en": [lambda: (f"Patient MRN: {mrn} was admitted overnight.", [("mrn", mrn)]),
                   lambda: (f"Please pull chart #{mrn} for the review.", [("mrn", mrn)]),
                   lambda: (f"{name}, hospital number {mrn}, is on the isolation ward.", [("name", name), ("mrn", mrn)]),
                   lambda: (f"Medical record number {mrn} belongs to the index case.", [("mrn", mrn)])],
            "es": [lambda: (f"El expediente del paciente ({mrn}) se ha enviado a Salud Pública.", [("mrn", mrn)])],
            "fr": [lambda: (f"Le dossier médical n° {mrn} concerne le cas index.", [("mrn", mrn)]),
                   lambda: (f"Patient IPP {mrn} transféré en réanimation.", [("mrn", mrn)])],
            "de": [lambda: (f"Die Patientennummer {mrn} gehört zum Indexfall.", [("mrn", mrn)]),
                   lambda: (f"Fallnummer {mrn}: Patient auf die Isolierstation verlegt.", [("mrn", mrn)])],
        }
    elif cls == "health_plan":
        mb = mbi(rng)
        member = rng.choice([f"{upper(rng, 3)}{digits(rng, 9)}", f"W{digits(rng, 9)}", digits(rng, 11)])
        medicaid = f"{digits(rng, 8)}{rng.choice('ABCD')}"
        tsi = f"{upper(rng, 4)}{digits(rng, 6)}{upper(rng, 2)}{digits(rng, 2)}"
        naf = f"{digits(rng, 2)}/{digits(rng, 8)}/{digits(rng, 2)}"
        L = {
            "en": [lambda: (f"The patient's Medicare number is {mb}.", [("health_plan", mb)]),
                   lambda: (f"Bill it to Medicaid ID {medicaid}.", [("health_plan", medicaid)]),
                   lambda: (f"Insurer member ID {member} covers the case's treatment.", [("health_plan", member)]),
                   lambda: (f"{name}, MBI {mb}, was admitted Tuesday.", [("name", name), ("health_plan", mb)])],
            "es": [lambda: (f"Número de la tarjeta sanitaria de la paciente: {tsi}.", [("health_plan", tsi)]),
                   # the Spanish social security number (NUSS): an ssn, as every hand-written set labels it
                   lambda: (f"El afectado, con número de afiliación a la Seguridad Social {naf}, está ingresado.", [("ssn", naf)])],
            "fr": [lambda: (f"Numéro d'adhérent mutuelle du patient : {member}.", [("health_plan", member)])],
            "de": [lambda: (f"Versicherungsnummer der privaten Krankenversicherung: {member}.", [("health_plan", member)])],
        }
    elif cls == "account":
        country = {"en": "GB", "es": "ES", "fr": "FR", "de": "DE"}[lang]
        ib = iban(rng, country)
        acct = digits(rng, 10)
        card = luhn_complete(rng, rng.choice(["4", "51", "37"]), 16)
        card = " ".join(card[i:i + 4] for i in range(0, 16, 4))
        L = {
            "en": [lambda: (f"Donations for the patient's family: account number {acct}, sort code 20-00-00.", [("account", acct)]),
                   lambda: (f"Hospital billing account {acct} belongs to the case.", [("account", acct)]),
                   lambda: (f"The card used to pay for her care, {card}, has been cancelled.", [("account", card)])],
            "es": [lambda: (f"Ayuda para la familia del fallecido: IBAN {ib}.", [("account", ib)])],
            "fr": [lambda: (f"Cagnotte pour la famille de la patiente : IBAN {ib}.", [("account", ib)])],
            "de": [lambda: (f"Spenden für die Familie des Verstorbenen: IBAN {ib}.", [("account", ib)]),
                   lambda: (f"Kontonummer des Patienten: {acct}.", [("account", acct)])],
        }
    elif cls == "license":
        dl = rng.choice([f"D{digits(rng, 7)}", f"{upper(rng, 1)}{digits(rng, 3)}-{digits(rng, 4)}-{digits(rng, 4)}",
                         f"{upper(rng, 5)}{digits(rng, 6)}{upper(rng, 2)}{digits(rng, 1)}{upper(rng, 2)}"])
        dl_es, dl_fr = f"{digits(rng, 8)}{rng.choice('ABCHJ')}", f"{digits(rng, 2)}{upper(rng, 2)}{digits(rng, 5)}"
        dl_de = f"B{digits(rng, 3)}{upper(rng, 3)}{digits(rng, 1)}{upper(rng, 1)}{digits(rng, 2)}"
        L = {
            "en": [lambda: (f"The driver, who was taken to hospital, holds driver's license {dl}.", [("license", dl)]),
                   lambda: (f"The patient's driving licence number is {dl}.", [("license", dl)])],
            "es": [lambda: (f"El conductor hospitalizado tiene el permiso de conducir n.º {dl_es}.", [("license", dl_es)])],
            "fr": [lambda: (f"Le conducteur hospitalisé, permis de conduire n° {dl_fr}, est stable.", [("license", dl_fr)])],
            "de": [lambda: (f"Der verletzte Fahrer hat die Führerscheinnummer {dl_de}.", [("license", dl_de)])],
        }
    elif cls == "vehicle":
        plate = {"en": rng.choice([f"{digits(rng, 1)}{upper(rng, 3)}{digits(rng, 3)}", f"LV{digits(rng, 2)} {upper(rng, 3)}"]),
                 "es": f"{digits(rng, 4)} {upper(rng, 3)}", "fr": f"{upper(rng, 2)}-{digits(rng, 3)}-{upper(rng, 2)}",
                 "de": f"K-{upper(rng, 2)} {digits(rng, 4)}"}[lang]
        vin = rng.choice(["1HGCM82633A004352", "1M8GDM9AXKP042788", "WVWZZZ1JZXW000001"])
        L = {
            "en": [lambda: (f"The patient's car, plate {plate}, was found near the river.", [("vehicle", plate)]),
                   lambda: (f"The ambulance collected the man from his van, VIN {vin}.", [("vehicle", vin)]),
                   lambda: (f"Anyone who travelled in the case's taxi, licence plate {plate}, should call us.", [("vehicle", plate)])],
            "es": [lambda: (f"El paciente conducía el vehículo con matrícula {plate}.", [("vehicle", plate)])],
            "fr": [lambda: (f"Le véhicule du patient, immatriculé {plate}, a été retrouvé.", [("vehicle", plate)])],
            "de": [lambda: (f"Das Auto des Patienten mit dem Kennzeichen {plate} wurde gefunden.", [("vehicle", plate)])],
        }
    elif cls == "device":
        serial = rng.choice([f"PJN{digits(rng, 6)}H", f"{digits(rng, 4)}-{digits(rng, 4)}", f"SN{digits(rng, 8)}"])
        imei = luhn_complete(rng, "35", 15)
        L = {
            "en": [lambda: (f"The patient's pacemaker, serial number {serial}, is being checked.", [("device", serial)]),
                   lambda: (f"{name}'s insulin pump (S/N {serial}) failed on Sunday.", [("name", f"{name}"), ("device", serial)]),
                   lambda: (f"The phone of the missing patient, IMEI {imei}, was last seen near the station.", [("device", imei)])],
            "es": [lambda: (f"El marcapasos del paciente, número de serie {serial}, está en revisión.", [("device", serial)])],
            "fr": [lambda: (f"La pompe à insuline de la patiente (numéro de série {serial}) est défectueuse.", [("device", serial)])],
            "de": [lambda: (f"Der Herzschrittmacher des Patienten, Seriennummer {serial}, wird überprüft.", [("device", serial)])],
        }
    elif cls == "ip":
        ip = rng.choice(["203.0.113.57", "198.51.100.23", "192.0.2.140", "2001:db8::1f"])
        L = {
            "en": [lambda: (f"The patient's messages came from IP address {ip}.", [("ip", ip)])],
            "es": [lambda: (f"La paciente se conectó desde la dirección IP {ip}.", [("ip", ip)])],
            "fr": [lambda: (f"Le patient s'est connecté depuis l'adresse IP {ip}.", [("ip", ip)])],
            "de": [lambda: (f"Die Patientin hat sich von der IP-Adresse {ip} angemeldet.", [("ip", ip)])],
        }
    options = L.get(lang) or ([] if strict else L.get("en")) or []
    if not options:
        raise ValueError(f"no sentence for {cls} in {lang}")
    return rng.choice(options)()


def phi_url(rng: random.Random, lang: str, org: str) -> tuple[str, str]:
    """A `web` link that names a patient: (the URL, the part that identifies them)."""
    name = rng.choice(NAMES[lang])
    slug = name.lower().replace(" ", "-").replace("'", "")
    for a, b in (("á", "a"), ("é", "e"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("è", "e"), ("ü", "u"), ("ö", "o"),
                 ("ä", "a"), ("ç", "c"), ("ı", "i")):
        slug = slug.replace(a, b)
    host = {"en": "health.example.org", "en-GB": "www.nhs-trust.example.uk", "es": "www.salud.example.es",
            "fr": "www.ars.example.fr", "de": "www.gesundheitsamt.example.de"}[org]
    mrn = digits(rng, 8)
    options = [(f"https://{host}/cases?patient={slug}", f"patient={slug}"),
               (f"https://{host}/media/photos/{slug.replace('-', '_')}.jpg", f"{slug.replace('-', '_')}.jpg"),
               (f"https://{host}/results?mrn={mrn}", f"mrn={mrn}"),
               (f"https://{host}/outbreak/{slug}", slug)]
    return rng.choice(options)


# ------------------------------------------------------------------------------------------------
# Precision traps for the clean half
# ------------------------------------------------------------------------------------------------
def trap_sentence(rng: random.Random, lang: str, org: str) -> tuple[str, str]:
    ndc = rng.choice(["0409-4888-20", "0009-0031-01", "50090-2875-0", "0781-5184-01"])
    clia = rng.choice(["05D0987654", "14D2036415", "33D1234567"])
    lot = rng.choice(["24C118", "L2409B", "B7731-02", "4417A"])
    icd = rng.choice(["A05.1", "A08.4", "B05.9", "A37.90", "J09.X2"])
    hotline = rng.choice(ORGS[org]["phones"])
    traps: dict[str, list[tuple[str, str]]] = {
        "en": [(f"The recalled product is Naloxone injection, NDC {ndc}.", "ndc"),
               (f"Samples were tested at the state laboratory (CLIA {clia}).", "clia"),
               (f"Return vials with NDC {ndc} to the pharmacy.", "ndc"),
               (f"Results came from Lakeside Reference Lab, CLIA number {clia}.", "clia"),
               (f"Only lot {lot} is affected; other lots are safe.", "lot"),
               (f"Clinicians should report suspected cases (ICD-10 {icd}) within 24 hours.", "icd"),
               (f"The public helpline {hotline} is open every day.", "hotline"),
               ("Dr. Sarah Whitfield, the county health officer, said the risk to the public is low.", "official"),
               ("Health Commissioner Marcus Bell will brief reporters at 2 pm.", "official"),
               ("People aged 65 and over, and residents over 90 in care homes, are at higher risk.", "group_age"),
               ("Since 1 March, 43 cases have been reported; 12 patients were admitted to hospital.", "aggregate_dates"),
               ("Vaccines are available at the Riverside Community Center, 200 Main Street, on Saturdays.", "venue_address"),
               ("Residents of ZIP codes 62704 and 62711 should follow this advice.", "public_zip"),
               ("FDA recall number Z-1234-2026 covers 4,200 units.", "recall_number"),
               ("The advisory is in effect from 08/15/2026 until further notice.", "event_date"),
               ("Read the guidance at https://www.cdc.gov/measles/index.html?utm_source=sms.", "public_url"),
               ("The outbreak strain, ST-1421, matches samples from 2024.", "strain"),
               ("Bring your vaccination card; doses are 0.5 mL.", "dose")],
        "es": [(f"El producto retirado tiene el código nacional {rng.choice(['712729.5', '654321.8'])} y el lote {lot}.", "lot"),
               (f"Los casos se notifican con el código CIE-10 {icd}.", "icd"),
               (f"El teléfono de información {hotline} atiende todos los días.", "hotline"),
               ("La directora general de Salud Pública, la Dra. Elena Castillo, ha pedido calma.", "official"),
               ("Las personas mayores de 65 años y los mayores de 90 que viven en residencias tienen más riesgo.", "group_age"),
               ("Desde el 1 de marzo se han notificado 43 casos y 12 personas han sido ingresadas.", "aggregate_dates"),
               ("La vacunación se hace en el centro de salud de la calle Mayor 12, de 9 a 14 horas.", "venue_address"),
               ("La alerta está activa desde el 15/08/2026 hasta nuevo aviso.", "event_date"),
               ("Más información en https://www.sanidad.gob.es/alertas?idioma=es.", "public_url"),
               ("Las muestras se analizaron en el Centro Nacional de Microbiología.", "lab")],
        "fr": [(f"Seul le lot {lot} est concerné par le rappel.", "lot"),
               (f"Les cas sont codés {icd} dans la CIM-10.", "icd"),
               (f"Le numéro vert {hotline} est joignable tous les jours.", "hotline"),
               ("Le Pr Marc Fontaine, directeur général de l'ARS, appelle à la vigilance.", "official"),
               ("Les personnes de 65 ans et plus, et les résidents de plus de 90 ans en EHPAD, sont plus exposés.", "group_age"),
               ("Depuis le 1er mars, 43 cas ont été signalés et 12 personnes ont été hospitalisées.", "aggregate_dates"),
               ("La vaccination a lieu à la salle des fêtes, 12 rue de la République, le samedi.", "venue_address"),
               ("L'alerte est en vigueur du 15/08/2026 jusqu'à nouvel ordre.", "event_date"),
               ("Plus d'informations sur https://www.santepubliquefrance.fr/rougeole?xtor=sms.", "public_url"),
               ("Code CIP du médicament rappelé : 3400930000014.", "cip")],
        "de": [(f"Betroffen ist nur die Charge {lot} mit dem Mindesthaltbarkeitsdatum 30.09.2026.", "lot"),
               (f"Meldungen erfolgen unter dem ICD-10-Code {icd}.", "icd"),
               (f"Das Bürgertelefon {hotline} ist täglich erreichbar.", "hotline"),
               ("Dr. Ulrike Brandt, Leiterin des Gesundheitsamts, sagte, das Risiko sei gering.", "official"),
               ("Menschen ab 65 Jahren und Pflegeheimbewohner über 90 Jahre sind besonders gefährdet.", "group_age"),
               ("Seit dem 1. März wurden 43 Fälle gemeldet, 12 Menschen wurden im Krankenhaus behandelt.", "aggregate_dates"),
               ("Geimpft wird im Bürgerzentrum, Hauptstraße 12, 50667 Köln, samstags von 9 bis 14 Uhr.", "venue_address"),
               ("Die Warnung gilt ab dem 15.08.2026 bis auf Weiteres.", "event_date"),
               ("Weitere Informationen: https://www.rki.de/masern?lang=de.", "public_url"),
               ("PZN des zurückgerufenen Arzneimittels: 04324188.", "pzn")],
    }
    return rng.choice(traps[lang])


# ------------------------------------------------------------------------------------------------
# Assembly
# ------------------------------------------------------------------------------------------------
TEXT = ("headline", "description", "instruction", "required_text")


def advisory_of(scaffold: dict[str, Any], org: str) -> dict[str, Any]:
    body = {k: v for k, v in scaffold.items() if k != "tr"}
    body["language"] = ORGS[org]["language"]
    tag, text = scaffold["tr"]
    body["translations"] = {tag: {"headline": text["headline"], **{k: v for k, v in text.items() if k != "headline"}}}
    return body


def place(body: dict[str, Any], field: str, sentence: str) -> None:
    if field.startswith("translations."):
        _, tag, name = field.split(".")
        body["translations"][tag][name] = (body["translations"][tag].get(name, "") + " " + sentence).strip()
    elif field == "headline":
        body["headline"] = sentence[:160]
    elif field in ("area_desc", "contact"):
        body[field] = sentence
    else:
        body[field] = (body[field] + " " + sentence).strip()


def build() -> list[dict[str, Any]]:
    rng = random.Random(15)
    records: list[dict[str, Any]] = []
    lang_classes = {
        "en": [c for c in CLASSES if c not in ("nir", "kvnr", "nhc")] + ["ssn", "nhs_number", "ssn", "nhs_number",
               "name", "date", "ssn", "nhs_number"],
        "es": ["name", "date", "age", "address", "phone", "email_address", "nhc", "mrn", "health_plan", "account",
               "license", "vehicle", "device", "url", "ip", "name", "date", "address", "nhc", "nhc", "nhc"],
        "fr": ["name", "date", "age", "address", "phone", "email_address", "nir", "mrn", "health_plan", "account",
               "license", "vehicle", "device", "url", "ip", "name", "date", "address", "nir", "nir", "nir"],
        "de": ["name", "date", "age", "address", "phone", "email_address", "kvnr", "mrn", "health_plan", "account",
               "license", "vehicle", "device", "url", "ip", "name", "date", "address", "kvnr", "kvnr", "kvnr"],
    }
    for lang in LANGS:
        classes = lang_classes[lang]
        for i in range(PER_LANGUAGE[lang]):
            cls = classes[i % len(classes)]
            org = lang
            if (lang == "en" and cls == "nhs_number") or (lang == "en" and i % 4 == 3
                                                          and cls not in ("ssn", "health_plan")):
                org = "en-GB"
            scaffold = rng.choice(SCAFFOLDS[org])
            body = advisory_of(scaffold, org)
            labels: list[dict[str, str]] = []
            if cls == "url":
                url, part = phi_url(rng, lang, org)
                if rng.random() < 0.7:
                    body["web"] = url
                    labels.append({"class": "url", "field": "web", "text": part})
                else:
                    sentence = {"en": f"Photos of the patient are at {url}", "es": f"Fotos del paciente: {url}",
                                "fr": f"Photos du patient : {url}", "de": f"Fotos des Patienten: {url}"}[lang]
                    place(body, "description", sentence)
                    labels.append({"class": "url", "field": "description", "text": part})
            else:
                sentence, found = phi_sentence(rng, cls, lang, org)
                assert found, (cls, lang, sentence)
                tag = next(iter(body["translations"]))
                roll = rng.random()
                if cls == "name" and roll < 0.25:
                    name = rng.choice(NAMES[lang])
                    tagname = "".join(w[0].upper() + w[1:] for w in name.replace("-", " ").replace("'", "").split())
                    body["hashtags"] = [*body["hashtags"], f"PrayFor{tagname}"]
                    labels.append({"class": "name", "field": "hashtags", "text": f"PrayFor{tagname}"})
                    records.append(record(lang, org, i, True, body, labels))
                    continue
                if cls in ("phone", "email_address") and roll < 0.3:
                    field = "contact"
                    sentence = sentence[:200]
                elif cls in ("address", "age") and roll < 0.2:
                    field = "area_desc"
                elif roll < 0.55:
                    field = "description"
                elif roll < 0.7:
                    field = "instruction"
                elif roll < 0.8:
                    field = "required_text"
                elif roll < 0.85 and len(sentence) <= 160:
                    field = "headline"
                else:
                    field = f"translations.{tag}.description"
                    try:  # written in the translation's own language
                        sentence, found = phi_sentence(rng, cls, tag, org if tag == "en" else tag, strict=True)
                    except (ValueError, KeyError):
                        field = "description"
                place(body, field, sentence)
                labels += [{"class": c, "field": field, "text": text} for c, text in found]
            records.append(record(lang, org, i, True, body, labels))
        for i in range(PER_LANGUAGE[lang]):
            org = "en-GB" if lang == "en" and i % 4 == 3 else lang
            body = advisory_of(rng.choice(SCAFFOLDS[org]), org)
            traps = []
            for _ in range(rng.choice([1, 2, 2, 3])):
                sentence, trap = trap_sentence(rng, lang, org)
                if trap in traps:
                    continue
                traps.append(trap)
                roll = rng.random()
                field = ("description" if roll < 0.5 else "instruction" if roll < 0.7 else "required_text"
                         if roll < 0.85 else f"translations.{next(iter(body['translations']))}.description")
                if trap == "public_url" and rng.random() < 0.5:
                    body["web"] = sentence.split(" ")[-1].rstrip(".")
                    continue
                if trap in ("public_zip", "venue_address") and rng.random() < 0.3:
                    field = "area_desc"
                if field.startswith("translations."):  # written in the translation's own language
                    tag = field.split(".")[1]
                    if tag in LANGS:
                        sentence, _ = trap_sentence(rng, tag, "en" if tag == "en" else tag)
                    else:
                        field = "description"
                place(body, field, sentence)
            records.append(record(lang, org, i, False, body, [], traps))
    return records


def record(lang: str, org: str, i: int, phi: bool, body: dict[str, Any], labels: list[dict[str, str]],
           traps: list[str] | None = None) -> dict[str, Any]:
    for label in labels:  # every label must be findable where it says it is
        field = label["field"]
        text = (" ".join(body["hashtags"]) if field == "hashtags" else body["web"] if field == "web"
                else body["translations"][field.split(".")[1]][field.split(".")[2]] if field.startswith("translations.")
                else body[field])
        assert label["text"] in text, (label, text)
    out: dict[str, Any] = {"id": f"{lang}-{'phi' if phi else 'clean'}-{i:03d}", "language": lang,
                           "region": ORGS[org]["region"], "phi": phi, "advisory": body, "labels": labels}
    if traps is not None:
        out["traps"] = traps
    return out


def main() -> None:
    records = build()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    # The organisations' settings an admin would have made: region, allow-listed public lines and domains
    orgs = {o["region"]: {"phone_allowlist": o["phones"], "email_allowlist": o["emails"]} for o in ORGS.values()}
    OUT.with_name("orgs.json").write_text(json.dumps(orgs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    phi = sum(r["phi"] for r in records)
    print(f"{OUT}: {len(records)} advisories, {phi} with patient data, {len(records) - phi} clean")


if __name__ == "__main__":
    main()
