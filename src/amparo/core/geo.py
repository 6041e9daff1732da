"""Geography and reference vocabularies of Guatemala used across the whole system.

Pure data plus a few lookup helpers; no Django or third-party imports, so it can be
used from models, forms, migrations, management commands and tests alike.

Codes:

* Departments and municipalities use the codes of the Instituto Nacional de
  Estadística (INE): two digits for the department, four digits (department code
  followed by two digits) for the municipality. Municipalities created after 2005
  (Unión Cantinil, Raxruhá, Las Cruces, El Chal, La Blanca, San José La Máquina,
  San Jorge, Sipacate, Petatán) carry the codes INE appended at the end of their
  department, which is how the 2018 census lists them: 340 municipalities in all.
* Countries use ISO 3166-1 alpha-2.
* Languages use ISO 639-3 (which agrees with ISO 639-2 for ``spa`` and ``eng``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

__all__ = [
    "COUNTRIES",
    "COUNTRIES_EN",
    "DEPARTMENTS",
    "LANGUAGES",
    "LANGUAGES_EN",
    "MUNICIPALITIES",
    "PEOPLES",
    "department_name",
    "is_valid_municipality",
    "municipalities_of",
    "municipality_name",
]

# --------------------------------------------------------------------------- #
# Departments (INE codes)
# --------------------------------------------------------------------------- #

DEPARTMENTS: Final[dict[str, str]] = {
    "01": "Guatemala",
    "02": "El Progreso",
    "03": "Sacatepéquez",
    "04": "Chimaltenango",
    "05": "Escuintla",
    "06": "Santa Rosa",
    "07": "Sololá",
    "08": "Totonicapán",
    "09": "Quetzaltenango",
    "10": "Suchitepéquez",
    "11": "Retalhuleu",
    "12": "San Marcos",
    "13": "Huehuetenango",
    "14": "Quiché",
    "15": "Baja Verapaz",
    "16": "Alta Verapaz",
    "17": "Petén",
    "18": "Izabal",
    "19": "Zacapa",
    "20": "Chiquimula",
    "21": "Jalapa",
    "22": "Jutiapa",
}

# --------------------------------------------------------------------------- #
# Municipalities (INE codes), in INE order within each department
# --------------------------------------------------------------------------- #

_MUNICIPALITY_NAMES: Final[dict[str, tuple[str, ...]]] = {
    # 01 Guatemala
    "01": (
        "Guatemala",
        "Santa Catarina Pinula",
        "San José Pinula",
        "San José del Golfo",
        "Palencia",
        "Chinautla",
        "San Pedro Ayampuc",
        "Mixco",
        "San Pedro Sacatepéquez",
        "San Juan Sacatepéquez",
        "San Raymundo",
        "Chuarrancho",
        "Fraijanes",
        "Amatitlán",
        "Villa Nueva",
        "Villa Canales",
        "San Miguel Petapa",
    ),
    # 02 El Progreso
    "02": (
        "Guastatoya",
        "Morazán",
        "San Agustín Acasaguastlán",
        "San Cristóbal Acasaguastlán",
        "El Jícaro",
        "Sansare",
        "Sanarate",
        "San Antonio La Paz",
    ),
    # 03 Sacatepéquez
    "03": (
        "Antigua Guatemala",
        "Jocotenango",
        "Pastores",
        "Sumpango",
        "Santo Domingo Xenacoj",
        "Santiago Sacatepéquez",
        "San Bartolomé Milpas Altas",
        "San Lucas Sacatepéquez",
        "Santa Lucía Milpas Altas",
        "Magdalena Milpas Altas",
        "Santa María de Jesús",
        "Ciudad Vieja",
        "San Miguel Dueñas",
        "San Juan Alotenango",
        "San Antonio Aguas Calientes",
        "Santa Catarina Barahona",
    ),
    # 04 Chimaltenango
    "04": (
        "Chimaltenango",
        "San José Poaquil",
        "San Martín Jilotepeque",
        "San Juan Comalapa",
        "Santa Apolonia",
        "Tecpán Guatemala",
        "Patzún",
        "San Miguel Pochuta",
        "Patzicía",
        "Santa Cruz Balanyá",
        "Acatenango",
        "San Pedro Yepocapa",
        "San Andrés Itzapa",
        "Parramos",
        "Zaragoza",
        "El Tejar",
    ),
    # 05 Escuintla
    "05": (
        "Escuintla",
        "Santa Lucía Cotzumalguapa",
        "La Democracia",
        "Siquinalá",
        "Masagua",
        "Tiquisate",
        "La Gomera",
        "Guanagazapa",
        "San José",
        "Iztapa",
        "Palín",
        "San Vicente Pacaya",
        "Nueva Concepción",
        "Sipacate",
    ),
    # 06 Santa Rosa
    "06": (
        "Cuilapa",
        "Barberena",
        "Santa Rosa de Lima",
        "Casillas",
        "San Rafael Las Flores",
        "Oratorio",
        "San Juan Tecuaco",
        "Chiquimulilla",
        "Taxisco",
        "Santa María Ixhuatán",
        "Guazacapán",
        "Santa Cruz Naranjo",
        "Pueblo Nuevo Viñas",
        "Nueva Santa Rosa",
    ),
    # 07 Sololá
    "07": (
        "Sololá",
        "San José Chacayá",
        "Santa María Visitación",
        "Santa Lucía Utatlán",
        "Nahualá",
        "Santa Catarina Ixtahuacán",
        "Santa Clara La Laguna",
        "Concepción",
        "San Andrés Semetabaj",
        "Panajachel",
        "Santa Catarina Palopó",
        "San Antonio Palopó",
        "San Lucas Tolimán",
        "Santa Cruz La Laguna",
        "San Pablo La Laguna",
        "San Marcos La Laguna",
        "San Juan La Laguna",
        "San Pedro La Laguna",
        "Santiago Atitlán",
    ),
    # 08 Totonicapán
    "08": (
        "Totonicapán",
        "San Cristóbal Totonicapán",
        "San Francisco El Alto",
        "San Andrés Xecul",
        "Momostenango",
        "Santa María Chiquimula",
        "Santa Lucía La Reforma",
        "San Bartolo Aguas Calientes",
    ),
    # 09 Quetzaltenango
    "09": (
        "Quetzaltenango",
        "Salcajá",
        "Olintepeque",
        "San Carlos Sija",
        "Sibilia",
        "Cabricán",
        "Cajolá",
        "San Miguel Sigüilá",
        "San Juan Ostuncalco",
        "San Mateo",
        "Concepción Chiquirichapa",
        "San Martín Sacatepéquez",
        "Almolonga",
        "Cantel",
        "Huitán",
        "Zunil",
        "Colomba Costa Cuca",
        "San Francisco La Unión",
        "El Palmar",
        "Coatepeque",
        "Génova",
        "Flores Costa Cuca",
        "La Esperanza",
        "Palestina de Los Altos",
    ),
    # 10 Suchitepéquez
    "10": (
        "Mazatenango",
        "Cuyotenango",
        "San Francisco Zapotitlán",
        "San Bernardino",
        "San José El Ídolo",
        "Santo Domingo Suchitepéquez",
        "San Lorenzo",
        "Samayac",
        "San Pablo Jocopilas",
        "San Antonio Suchitepéquez",
        "San Miguel Panán",
        "San Gabriel",
        "Chicacao",
        "Patulul",
        "Santa Bárbara",
        "San Juan Bautista",
        "Santo Tomás La Unión",
        "Zunilito",
        "Pueblo Nuevo",
        "Río Bravo",
        "San José La Máquina",
    ),
    # 11 Retalhuleu
    "11": (
        "Retalhuleu",
        "San Sebastián",
        "Santa Cruz Muluá",
        "San Martín Zapotitlán",
        "San Felipe",
        "San Andrés Villa Seca",
        "Champerico",
        "Nuevo San Carlos",
        "El Asintal",
    ),
    # 12 San Marcos
    "12": (
        "San Marcos",
        "San Pedro Sacatepéquez",
        "San Antonio Sacatepéquez",
        "Comitancillo",
        "San Miguel Ixtahuacán",
        "Concepción Tutuapa",
        "Tacaná",
        "Sibinal",
        "Tajumulco",
        "Tejutla",
        "San Rafael Pie de la Cuesta",
        "Nuevo Progreso",
        "El Tumbador",
        "San José El Rodeo",
        "Malacatán",
        "Catarina",
        "Ayutla",
        "Ocós",
        "San Pablo",
        "El Quetzal",
        "La Reforma",
        "Pajapita",
        "Ixchiguán",
        "San José Ojetenam",
        "San Cristóbal Cucho",
        "Sipacapa",
        "Esquipulas Palo Gordo",
        "Río Blanco",
        "San Lorenzo",
        "La Blanca",
    ),
    # 13 Huehuetenango
    "13": (
        "Huehuetenango",
        "Chiantla",
        "Malacatancito",
        "Cuilco",
        "Nentón",
        "San Pedro Necta",
        "Jacaltenango",
        "San Pedro Soloma",
        "San Ildefonso Ixtahuacán",
        "Santa Bárbara",
        "La Libertad",
        "La Democracia",
        "San Miguel Acatán",
        "San Rafael La Independencia",
        "Todos Santos Cuchumatán",
        "San Juan Atitán",
        "Santa Eulalia",
        "San Mateo Ixtatán",
        "Colotenango",
        "San Sebastián Huehuetenango",
        "Tectitán",
        "Concepción Huista",
        "San Juan Ixcoy",
        "San Antonio Huista",
        "San Sebastián Coatán",
        "Santa Cruz Barillas",
        "Aguacatán",
        "San Rafael Petzal",
        "San Gaspar Ixchil",
        "Santiago Chimaltenango",
        "Santa Ana Huista",
        "Unión Cantinil",
        "Petatán",
    ),
    # 14 Quiché
    "14": (
        "Santa Cruz del Quiché",
        "Chiché",
        "Chinique",
        "Zacualpa",
        "Chajul",
        "Chichicastenango",
        "Patzité",
        "San Antonio Ilotenango",
        "San Pedro Jocopilas",
        "Cunén",
        "San Juan Cotzal",
        "Joyabaj",
        "Nebaj",
        "San Andrés Sajcabajá",
        "Uspantán",
        "Sacapulas",
        "San Bartolomé Jocotenango",
        "Canillá",
        "Chicamán",
        "Ixcán",
        "Pachalum",
    ),
    # 15 Baja Verapaz
    "15": (
        "Salamá",
        "San Miguel Chicaj",
        "Rabinal",
        "Cubulco",
        "Granados",
        "Santa Cruz El Chol",
        "San Jerónimo",
        "Purulhá",
    ),
    # 16 Alta Verapaz
    "16": (
        "Cobán",
        "Santa Cruz Verapaz",
        "San Cristóbal Verapaz",
        "Tactic",
        "Tamahú",
        "San Miguel Tucurú",
        "Panzós",
        "Senahú",
        "San Pedro Carchá",
        "San Juan Chamelco",
        "Lanquín",
        "Santa María Cahabón",
        "Chisec",
        "Chahal",
        "Fray Bartolomé de las Casas",
        "Santa Catalina La Tinta",
        "Raxruhá",
    ),
    # 17 Petén
    "17": (
        "Flores",
        "San José",
        "San Benito",
        "San Andrés",
        "La Libertad",
        "San Francisco",
        "Santa Ana",
        "Dolores",
        "San Luis",
        "Sayaxché",
        "Melchor de Mencos",
        "Poptún",
        "Las Cruces",
        "El Chal",
    ),
    # 18 Izabal
    "18": (
        "Puerto Barrios",
        "Livingston",
        "El Estor",
        "Morales",
        "Los Amates",
    ),
    # 19 Zacapa
    "19": (
        "Zacapa",
        "Estanzuela",
        "Río Hondo",
        "Gualán",
        "Teculután",
        "Usumatlán",
        "Cabañas",
        "San Diego",
        "La Unión",
        "Huité",
        "San Jorge",
    ),
    # 20 Chiquimula
    "20": (
        "Chiquimula",
        "San José La Arada",
        "San Juan Ermita",
        "Jocotán",
        "Camotán",
        "Olopa",
        "Esquipulas",
        "Concepción Las Minas",
        "Quezaltepeque",
        "San Jacinto",
        "Ipala",
    ),
    # 21 Jalapa
    "21": (
        "Jalapa",
        "San Pedro Pinula",
        "San Luis Jilotepeque",
        "San Manuel Chaparrón",
        "San Carlos Alzatate",
        "Monjas",
        "Mataquescuintla",
    ),
    # 22 Jutiapa
    "22": (
        "Jutiapa",
        "El Progreso",
        "Santa Catarina Mita",
        "Agua Blanca",
        "Asunción Mita",
        "Yupiltepeque",
        "Atescatempa",
        "Jerez",
        "El Adelanto",
        "Zapotitlán",
        "Comapa",
        "Jalpatagua",
        "Conguaco",
        "Moyuta",
        "Pasaco",
        "San José Acatempa",
        "Quesada",
    ),
}


def _build_municipalities() -> dict[str, tuple[str, str]]:
    result: dict[str, tuple[str, str]] = {}
    for dept_code, names in _MUNICIPALITY_NAMES.items():
        for index, name in enumerate(names, start=1):
            result[f"{dept_code}{index:02d}"] = (dept_code, name)
    return result


MUNICIPALITIES: Final[dict[str, tuple[str, str]]] = _build_municipalities()
"""Four-digit INE municipality code -> (department code, municipality name)."""


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


def municipalities_of(department_code: str) -> list[tuple[str, str]]:
    """Return ``(municipality code, name)`` pairs of a department, sorted by code.

    An unknown department code yields an empty list.
    """
    return list(_municipalities_of(department_code))


@lru_cache(maxsize=64)
def _municipalities_of(department_code: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((code, name) for code, (dept, name) in MUNICIPALITIES.items() if dept == department_code))


def department_name(code: str) -> str:
    """Name of the department with this INE code, or ``""`` if the code is unknown."""
    return DEPARTMENTS.get(code, "")


def municipality_name(code: str) -> str:
    """Name of the municipality with this INE code, or ``""`` if the code is unknown."""
    entry = MUNICIPALITIES.get(code)
    return entry[1] if entry is not None else ""


def is_valid_municipality(department_code: str, municipality_code: str) -> bool:
    """True if ``municipality_code`` exists and belongs to ``department_code``."""
    entry = MUNICIPALITIES.get(municipality_code)
    return entry is not None and entry[0] == department_code


# --------------------------------------------------------------------------- #
# Countries (ISO 3166-1 alpha-2)
# --------------------------------------------------------------------------- #

# code: (Spanish name, English name)
_COUNTRY_NAMES: Final[dict[str, tuple[str, str]]] = {
    # North America
    "GT": ("Guatemala", "Guatemala"),
    "MX": ("México", "Mexico"),
    "US": ("Estados Unidos", "United States"),
    "CA": ("Canadá", "Canada"),
    "GL": ("Groenlandia", "Greenland"),
    "BM": ("Bermudas", "Bermuda"),
    "PM": ("San Pedro y Miquelón", "Saint Pierre and Miquelon"),
    # Central America
    "BZ": ("Belice", "Belize"),
    "SV": ("El Salvador", "El Salvador"),
    "HN": ("Honduras", "Honduras"),
    "NI": ("Nicaragua", "Nicaragua"),
    "CR": ("Costa Rica", "Costa Rica"),
    "PA": ("Panamá", "Panama"),
    # Caribbean: sovereign states
    "CU": ("Cuba", "Cuba"),
    "DO": ("República Dominicana", "Dominican Republic"),
    "HT": ("Haití", "Haiti"),
    "JM": ("Jamaica", "Jamaica"),
    "BS": ("Bahamas", "Bahamas"),
    "BB": ("Barbados", "Barbados"),
    "TT": ("Trinidad y Tobago", "Trinidad and Tobago"),
    "AG": ("Antigua y Barbuda", "Antigua and Barbuda"),
    "DM": ("Dominica", "Dominica"),
    "GD": ("Granada", "Grenada"),
    "KN": ("San Cristóbal y Nieves", "Saint Kitts and Nevis"),
    "LC": ("Santa Lucía", "Saint Lucia"),
    "VC": ("San Vicente y las Granadinas", "Saint Vincent and the Grenadines"),
    # Caribbean: territories
    "PR": ("Puerto Rico", "Puerto Rico"),
    "VI": ("Islas Vírgenes de los Estados Unidos", "United States Virgin Islands"),
    "VG": ("Islas Vírgenes Británicas", "British Virgin Islands"),
    "AI": ("Anguila", "Anguilla"),
    "MS": ("Montserrat", "Montserrat"),
    "KY": ("Islas Caimán", "Cayman Islands"),
    "TC": ("Islas Turcas y Caicos", "Turks and Caicos Islands"),
    "AW": ("Aruba", "Aruba"),
    "CW": ("Curazao", "Curaçao"),
    "SX": ("San Martín (parte neerlandesa)", "Sint Maarten"),
    "BQ": ("Bonaire, San Eustaquio y Saba", "Bonaire, Sint Eustatius and Saba"),
    "MF": ("San Martín (parte francesa)", "Saint Martin"),
    "BL": ("San Bartolomé", "Saint Barthélemy"),
    "GP": ("Guadalupe", "Guadeloupe"),
    "MQ": ("Martinica", "Martinique"),
    # South America
    "AR": ("Argentina", "Argentina"),
    "BO": ("Bolivia", "Bolivia"),
    "BR": ("Brasil", "Brazil"),
    "CL": ("Chile", "Chile"),
    "CO": ("Colombia", "Colombia"),
    "EC": ("Ecuador", "Ecuador"),
    "GY": ("Guyana", "Guyana"),
    "PY": ("Paraguay", "Paraguay"),
    "PE": ("Perú", "Peru"),
    "SR": ("Surinam", "Suriname"),
    "UY": ("Uruguay", "Uruguay"),
    "VE": ("Venezuela", "Venezuela"),
    "GF": ("Guayana Francesa", "French Guiana"),
    "FK": ("Islas Malvinas", "Falkland Islands"),
    # Europe
    "ES": ("España", "Spain"),
    "PT": ("Portugal", "Portugal"),
    "FR": ("Francia", "France"),
    "IT": ("Italia", "Italy"),
    "DE": ("Alemania", "Germany"),
    "GB": ("Reino Unido", "United Kingdom"),
    "IE": ("Irlanda", "Ireland"),
    "NL": ("Países Bajos", "Netherlands"),
    "BE": ("Bélgica", "Belgium"),
    "CH": ("Suiza", "Switzerland"),
    "SE": ("Suecia", "Sweden"),
    "NO": ("Noruega", "Norway"),
    "PL": ("Polonia", "Poland"),
    "RO": ("Rumania", "Romania"),
    "UA": ("Ucrania", "Ukraine"),
    "RU": ("Rusia", "Russia"),
    # Asia and the Middle East
    "CN": ("China", "China"),
    "TW": ("Taiwán", "Taiwan"),
    "HK": ("Hong Kong", "Hong Kong"),
    "JP": ("Japón", "Japan"),
    "KR": ("Corea del Sur", "South Korea"),
    "IN": ("India", "India"),
    "PK": ("Pakistán", "Pakistan"),
    "BD": ("Bangladés", "Bangladesh"),
    "NP": ("Nepal", "Nepal"),
    "LK": ("Sri Lanka", "Sri Lanka"),
    "PH": ("Filipinas", "Philippines"),
    "VN": ("Vietnam", "Vietnam"),
    "TH": ("Tailandia", "Thailand"),
    "KH": ("Camboya", "Cambodia"),
    "MM": ("Myanmar", "Myanmar"),
    "ID": ("Indonesia", "Indonesia"),
    "MY": ("Malasia", "Malaysia"),
    "AF": ("Afganistán", "Afghanistan"),
    "IR": ("Irán", "Iran"),
    "IQ": ("Irak", "Iraq"),
    "SY": ("Siria", "Syria"),
    "TR": ("Turquía", "Turkey"),
    "IL": ("Israel", "Israel"),
    "SA": ("Arabia Saudita", "Saudi Arabia"),
    "AE": ("Emiratos Árabes Unidos", "United Arab Emirates"),
    # Africa
    "NG": ("Nigeria", "Nigeria"),
    "GH": ("Ghana", "Ghana"),
    "CM": ("Camerún", "Cameroon"),
    "SN": ("Senegal", "Senegal"),
    "GN": ("Guinea", "Guinea"),
    "CD": ("República Democrática del Congo", "Democratic Republic of the Congo"),
    "AO": ("Angola", "Angola"),
    "ER": ("Eritrea", "Eritrea"),
    "ET": ("Etiopía", "Ethiopia"),
    "SO": ("Somalia", "Somalia"),
    "MA": ("Marruecos", "Morocco"),
    "EG": ("Egipto", "Egypt"),
    "ZA": ("Sudáfrica", "South Africa"),
    # Oceania
    "AU": ("Australia", "Australia"),
    "NZ": ("Nueva Zelanda", "New Zealand"),
}

COUNTRIES: Final[dict[str, str]] = {code: names[0] for code, names in _COUNTRY_NAMES.items()}
"""ISO 3166-1 alpha-2 code -> Spanish country name."""

COUNTRIES_EN: Final[dict[str, str]] = {code: names[1] for code, names in _COUNTRY_NAMES.items()}
"""ISO 3166-1 alpha-2 code -> English country name (same keys as ``COUNTRIES``)."""


# --------------------------------------------------------------------------- #
# Languages (ISO 639-3)
# --------------------------------------------------------------------------- #

LANGUAGES: Final[dict[str, str]] = {
    "spa": "Español",
    "eng": "Inglés",
    # Mayan languages of Guatemala (names as written by the ALMG)
    "quc": "K'iche'",
    "kek": "Q'eqchi'",
    "cak": "Kaqchikel",
    "mam": "Mam",
    "tzj": "Tz'utujil",
    "poh": "Poqomchi'",
    "acr": "Achi",
    "kjb": "Q'anjob'al",
    "ixl": "Ixil",
    "cac": "Chuj",
    "jac": "Popti' (Jakalteko)",
    "knj": "Akateko",
    "agu": "Awakateko",
    "caa": "Ch'orti'",
    "itz": "Itza'",
    "mop": "Mopan",
    "poc": "Poqomam",
    "quv": "Sakapulteko",
    "qum": "Sipakapense",
    "ttc": "Tektiteko",
    "usp": "Uspanteko",
    # Chalchiteko has no ISO 639-3 code of its own (SIL counts it as a variety of
    # Awakateko, ``agu``; ``can`` is Chambri of Papua New Guinea), so it takes a code
    # from the ISO 639-2 local-use range qaa-qtz.
    "qaa": "Chalchiteko",
    # Other languages of Guatemala
    "cab": "Garífuna",
    "xin": "Xinka",
    "gsm": "Lengua de Señas de Guatemala (LENSEGUA)",
}


# --------------------------------------------------------------------------- #
# Peoples (self-identification categories of the national census)
# --------------------------------------------------------------------------- #

PEOPLES: Final[dict[str, str]] = {
    "maya": "Maya",
    "garifuna": "Garífuna",
    "xinka": "Xinka",
    "ladino": "Ladino / Mestizo",
    "other": "Otro",
    "unknown": "No indica / desconocido",
}


# The language names that differ in English (the Mayan and other languages keep their own names).
LANGUAGES_EN: Final[dict[str, str]] = {
    **LANGUAGES,
    "spa": "Spanish",
    "eng": "English",
    "gsm": "Guatemalan Sign Language (LENSEGUA)",
}


def collation_key(name: str) -> str:
    """Sort key for names in Spanish or English: accents and case ignored, ñ after n.

    Written here rather than with locale.strxfrm because the es_GT / en_US locales need not be installed
    on the server, and ICU (PyICU) is a heavy dependency for sorting a few hundred names.
    """
    import unicodedata

    key = []
    for ch in name.casefold():
        if ch == "ñ":
            key.append("n\uffff")  # after every other n
            continue
        key.extend(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return "".join(key)


def _in_english(language: str | None) -> bool:
    return bool(language) and str(language).startswith("en")


def country_name(code: str, language: str = "es") -> str:
    """The country's name in the given language (Spanish or English), or the code if unknown."""
    names = COUNTRIES_EN if _in_english(language) else COUNTRIES
    return names.get(code, code)


def country_choices(language: str | None, exclude: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted in the given language."""
    names = COUNTRIES_EN if _in_english(language) else COUNTRIES
    return sorted(((c, n) for c, n in names.items() if c not in exclude), key=lambda kv: collation_key(kv[1]))


def language_name(code: str, language: str | None = "es") -> str:
    """The name of a language (ISO 639-3 code) in the given interface language, or the code if unknown."""
    return (LANGUAGES_EN if _in_english(language) else LANGUAGES).get(code, code)


def language_choices(language: str | None) -> list[tuple[str, str]]:
    """(code, name) of every language, named and sorted in the given interface language."""
    names = LANGUAGES_EN if _in_english(language) else LANGUAGES
    return sorted(names.items(), key=lambda kv: collation_key(kv[1]))
