#!/usr/bin/env python3
"""Writes the synthetic demo data set for Almaty city (750000000) and Almaty Region (190000000).

Run from anywhere: python3 data/demo/generate.py. It needs only the Python 3 standard library and
data/reference/*.geojson. The output is deterministic (fixed seeds, sorted keys), so the committed files can be
regenerated and diffed. Every base point is drawn inside its district polygon and at least MARGIN_M metres from the
district's edge, so the point also lies inside the repaired polygon PostGIS holds (the import repairs a few
self-intersections). Nothing here is real: names, people, phone numbers, frequencies and call signs are invented.
"""

import json
import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "reference"
MARGIN_M = 150.0
NOTE = ("Synthetic demo data for Almaty city and Almaty Region: every name, person, phone number, frequency, "
        "call sign, quantity and zone is invented for demonstration and must not be used operationally.")

# ---------------------------------------------------------------------------------------------- geometry


def load_polygons():
    polygons = {}
    for name, key in (("kz_adm1_regions_2024.geojson", "KATO"), ("kz_adm2_districts_2024.geojson", "KATO")):
        for f in json.loads((REFERENCE / name).read_text(encoding="utf-8"))["features"]:
            kato = f["properties"][key]
            if kato[:2] in ("75", "19"):
                g = f["geometry"]
                polygons[kato] = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
    return polygons


def inside_ring(x, y, ring):
    result = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            result = not result
        j = i
    return result


def inside(x, y, multipolygon):
    return any(inside_ring(x, y, poly[0]) and not any(inside_ring(x, y, hole) for hole in poly[1:]) for poly in multipolygon)


def edge_distance_m(x, y, multipolygon):
    kx = 111320.0 * math.cos(math.radians(y))
    ky = 110540.0
    best = float("inf")
    for poly in multipolygon:
        for ring in poly:
            for (ax, ay), (bx, by) in zip(ring, ring[1:]):
                ax_, ay_, bx_, by_ = (ax - x) * kx, (ay - y) * ky, (bx - x) * kx, (by - y) * ky
                dx, dy = bx_ - ax_, by_ - ay_
                length2 = dx * dx + dy * dy
                t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax_ * dx + ay_ * dy) / length2))
                best = min(best, math.hypot(ax_ + t * dx, ay_ + t * dy))
    return best


def well_inside(x, y, kato):
    region = kato[:2] + "0000000"
    return all(inside(x, y, POLYGONS[k]) and edge_distance_m(x, y, POLYGONS[k]) >= MARGIN_M for k in {kato, region})


def offset(lon, lat, east_m, north_m):
    return lon + east_m / (111320.0 * math.cos(math.radians(lat))), lat + north_m / 110540.0


def sample(rng, kato, centre, radius_m, box=None):
    """A point within radius_m of centre, inside the district (and the optional lon/lat box), away from its edges."""
    for _ in range(5000):
        r = radius_m * math.sqrt(rng.random())
        a = rng.random() * 2 * math.pi
        lon, lat = offset(centre[0], centre[1], r * math.cos(a), r * math.sin(a))
        if box and not (box[0] <= lon <= box[2] and box[1] <= lat <= box[3]):
            continue
        if well_inside(lon, lat, kato):
            return [round(lon, 6), round(lat, 6)]
    raise SystemExit(f"no point found in {kato} near {centre}")


def corridor(line, half_width_m):
    """A simple polygon around a polyline whose bends are gentle (used for the emergency zone)."""
    left, right = [], []
    for i, (lon, lat) in enumerate(line):
        a = line[max(i - 1, 0)]
        b = line[min(i + 1, len(line) - 1)]
        kx = 111320.0 * math.cos(math.radians(lat))
        dx, dy = (b[0] - a[0]) * kx, (b[1] - a[1]) * 110540.0
        n = math.hypot(dx, dy)
        ex, ey = -dy / n * half_width_m, dx / n * half_width_m
        left.append(offset(lon, lat, ex, ey))
        right.append(offset(lon, lat, -ex, -ey))
    ring = left + right[::-1]
    ring.append(ring[0])
    return [[[round(x, 6), round(y, 6)] for x, y in ring]]


def circle_sector(centre, radius_m, bearing_deg, angle_deg, steps=24):
    """A sector of a circle: apex at centre, opening angle_deg around bearing_deg (0 = north, clockwise)."""
    ring = [centre]
    for i in range(steps + 1):
        b = math.radians(bearing_deg - angle_deg / 2 + angle_deg * i / steps)
        ring.append(offset(centre[0], centre[1], radius_m * math.sin(b), radius_m * math.cos(b)))
    ring.append(centre)
    return [[[round(x, 6), round(y, 6)] for x, y in ring]]


POLYGONS = load_polygons()

# ---------------------------------------------------------------------------------------------- territories

CITY = "750000000"
REGION = "190000000"

# Almaty city districts: code suffix, short Russian name, and a box around the built-up part so bases are not put on the slopes.
CITY_DISTRICTS = [
    ("751110000", "ALM", "Алмалинский", (76.864, 43.233, 76.948, 43.270)),
    ("751210000", "ALT", "Алатауский", (76.760, 43.240, 76.921, 43.355)),
    ("751310000", "AUE", "Ауэзовский", (76.809, 43.193, 76.885, 43.257)),
    ("751410000", "BOS", "Бостандыкский", (76.864, 43.190, 76.995, 43.242)),
    ("751510000", "ZHE", "Жетысуский", (76.886, 43.259, 76.974, 43.382)),
    ("751710000", "MED", "Медеуский", (76.911, 43.200, 77.000, 43.300)),
    ("751810000", "NAU", "Наурызбайский", (76.770, 43.170, 76.905, 43.238)),
    ("751910000", "TUR", "Турксибский", (76.930, 43.293, 77.060, 43.404)),
]

# Almaty Region: district, code suffix, Russian label, and its towns (name, lon, lat) where bases go.
REGION_DISTRICTS = [
    ("191000000", "KON", "г. Конаев", [("Конаев", 77.070, 43.870)]),
    ("191800000", "ALT", "г. Алатау", [("Алатау", 76.912, 43.595)]),
    ("193600000", "BAL", "Балхашский р-н", [("Баканас", 76.270, 44.810)]),
    ("194000000", "ENB", "Енбекшиказахский р-н", [("Есик", 77.452, 43.355), ("Шелек", 78.257, 43.596)]),
    ("194200000", "ZHA", "Жамбылский р-н", [("Узынагаш", 76.310, 43.222)]),
    ("194400000", "KEG", "Кегенский р-н", [("Кеген", 79.222, 42.978)]),
    ("195200000", "KAR", "Карасайский р-н", [("Каскелен", 76.620, 43.200), ("Шамалган", 76.620, 43.370)]),
    ("195800000", "RAI", "Райымбекский р-н", [("Нарынкол", 80.190, 42.728)]),
    ("196200000", "TAL", "Талгарский р-н", [("Талгар", 77.238, 43.302)]),
    ("196600000", "UYG", "Уйгурский р-н", [("Чунджа", 79.465, 43.540)]),
    ("196800000", "ILE", "Илийский р-н", [("Отеген батыр", 77.022, 43.418), ("Боралдай", 76.855, 43.356)]),
]


def city_point(rng, kato, box):
    return sample(rng, kato, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), 20000, box)


def town_point(rng, kato, town, radius_m=1800):
    return sample(rng, kato, (town[1], town[2]), radius_m)


# ---------------------------------------------------------------------------------------------- people, phones, radio

SURNAMES = ["Ахметов", "Байжанов", "Валиев", "Габдуллин", "Дюсенов", "Ермеков", "Жумабаев", "Ибраев", "Калиев", "Лукин",
            "Муканов", "Нуржанов", "Оспанов", "Петров", "Рахимов", "Сериков", "Тулегенов", "Усенов", "Фролов", "Шарипов"]
INITIALS = "АБГДЕЖКМНОРСТ"
phone_counter = [0]
radio_counter = [0]


def officer(rng):
    return f"{rng.choice(SURNAMES)} {rng.choice(INITIALS)}. {rng.choice(INITIALS)}. (демо)"


def demo_phone():
    # +7 700 000 xx xx: an unassigned-looking block, obviously not a working number.
    phone_counter[0] += 1
    n = phone_counter[0]
    return f"+7 700 000 {n // 100:02d} {n % 100:02d}"


def radio(call_sign):
    radio_counter[0] += 1
    return f"УКВ {148.000 + radio_counter[0] * 0.125:.3f} МГц (демо), позывной «{call_sign}»"


services = []


def service(code, kind, name, kato, call_sign, shorts=(), data_link=False, email=True, satellite=False, rng=None):
    """A service with two to four channels: its short number, a direct line, radio, and one data or backup channel."""
    phone = demo_phone()
    channels = [{"kind": "PHONE", "address": short, "label": "короткий номер"} for short in shorts[:1]]
    channels.append({"kind": "PHONE", "address": phone, "label": "прямой номер дежурного (демо)"})
    channels.append({"kind": "RADIO", "address": radio(call_sign), "label": "основной радиоканал"})
    if data_link:
        channels.append({"kind": "DATA_LINK", "address": f"https://{code.lower()}.demo.invalid/api", "label": "обмен данными (демо)"})
    elif satellite:
        channels.append({"kind": "SATELLITE", "address": f"+8816 0000 {len(services):04d} (демо)", "label": "спутниковый резерв"})
    elif email:
        channels.append({"kind": "EMAIL", "address": f"{code.lower()}@demo.invalid", "label": "почта дежурного"})
    services.append({
        "code": code, "kind": kind, "name": name, "territoryKato": kato, "dutyOfficer": officer(rng),
        "phones": list(shorts) + [phone], "callSigns": [call_sign], "channels": channels,
    })
    return code


units = []


def unit(rng, service_code, call_sign, profile, vehicles, base_name, base):
    roll = rng.random()
    status = "OUT_OF_SERVICE" if roll < 0.06 else "HIGH_READINESS" if roll < 0.14 else "AVAILABLE"
    personnel = sum(count * CREW[kind] for kind, count in vehicles)
    units.append({
        "type": "Feature",
        "properties": {
            "service": service_code, "callSign": call_sign, "profile": profile, "status": status, "personnel": personnel,
            "vehicles": [{"type": kind, "count": count} for kind, count in vehicles], "baseName": base_name,
        },
        "geometry": {"type": "Point", "coordinates": base},
    })


CREW = {
    "fire engine AC-40": 6, "fire engine AC-3.2-40": 5, "ladder AL-30": 3, "ladder AL-50": 3, "hose truck AR-2": 2,
    "foam engine AP-5": 3, "gas rescue vehicle AG": 4, "rescue vehicle ASA": 5, "water rescue boat": 3, "all-terrain vehicle TREKOL": 4,
    "mountain rescue vehicle": 4, "chemical reconnaissance vehicle": 4, "decontamination unit ARS-14": 3,
    "patrol car": 2, "patrol SUV": 2, "police van": 4, "ambulance GAZelle": 3, "ambulance ICU Mercedes Sprinter": 4,
    "gas emergency van (104)": 3, "water utility emergency truck": 4, "power line repair truck": 3,
    "heating network repair truck": 4, "excavator": 1, "medical helicopter Ansat": 4, "medical helicopter EC145": 4,
    "ground transfer ambulance": 3,
}

# ---------------------------------------------------------------------------------------------- services and units


def territory_services(rng, prefix, kato, place, call):
    """One service of each of the eight kinds for the territory, by kind."""
    p = prefix
    return {
        "UDDS_112": service(f"DEMO-{p}-112", "UDDS_112", f"Демо: ЕДДС 112 ДЧС {place} / Demo: 112 unified duty-dispatch service",
                            kato, f"{call}-112", ("112", "101"), data_link=True, rng=rng),
        "POLICE": service(f"DEMO-{p}-102", "POLICE", f"Демо: Центр оперативного управления ДП {place} / Demo: police operations centre",
                          kato, f"{call}-102", ("102",), data_link=True, rng=rng),
        "AMBULANCE": service(f"DEMO-{p}-103", "AMBULANCE", f"Демо: диспетчерская станции скорой помощи {place} / Demo: ambulance station dispatch",
                             kato, f"{call}-103", ("103",), data_link=True, rng=rng),
        "MEDICAL_AVIATION": service(f"DEMO-{p}-AVIA", "MEDICAL_AVIATION", f"Демо: филиал санитарной авиации {place} / Demo: medical aviation dispatch",
                                    kato, f"{call}-Санавиа", satellite=True, rng=rng),
        "NATIONAL_SECURITY": service(f"DEMO-{p}-KNB", "NATIONAL_SECURITY", f"Демо: дежурная служба ДКНБ {place} / Demo: national security duty service",
                                     kato, f"{call}-Щит", rng=rng),
        "AIR_SEARCH_RESCUE": service(f"DEMO-{p}-PSC", "AIR_SEARCH_RESCUE",
                                     f"Демо: поисково-спасательный координационный центр {place} / Demo: aeronautical search-and-rescue coordination centre",
                                     kato, f"{call}-Поиск", satellite=True, rng=rng),
        "UTILITY_EMERGENCY": service(f"DEMO-{p}-UTIL", "UTILITY_EMERGENCY", f"Демо: ДДС ЖКХ акимата {place} / Demo: utilities emergency dispatch",
                                     kato, f"{call}-Ресурс", data_link=True, rng=rng),
        "TELECOM_REFERENCE": service(f"DEMO-{p}-TEL", "TELECOM_REFERENCE", f"Демо: справочная служба оператора связи {place} / Demo: telecom operator reference service",
                                     kato, f"{call}-Связь", rng=rng),
    }


def build_city(rng):
    s = territory_services(rng, "ALA", CITY, "г. Алматы", "Алатау")
    gas = service("DEMO-ALA-104", "UTILITY_EMERGENCY", "Демо: аварийная газовая служба 104 г. Алматы / Demo: gas emergency service 104",
                  CITY, "Алатау-104", ("104",), rng=rng)

    station = 0
    for i, (kato, abbr, name, box) in enumerate(CITY_DISTRICTS):
        # Fire stations: two per district, each with two or three crews.
        for _ in range(2):
            station += 1
            base = city_point(rng, kato, box)
            crews = [["fire engine AC-40"], ["fire engine AC-3.2-40"]] + ([["ladder AL-30"]] if station % 2 else [["hose truck AR-2"]])
            for n, crew in enumerate(crews, 1):
                unit(rng, s["UDDS_112"], f"Пламя-{station:02d}{n:02d}", "FIRE", [(v, 1) for v in crew],
                     f"Демо: пожарная часть №{station}, {name} р-н", base)

        # District police department with two precinct posts.
        police = service(f"DEMO-ALA-102-{abbr}", "POLICE", f"Демо: управление полиции, {name} р-н г. Алматы / Demo: district police department",
                         kato, f"Беркут-{i + 1}", rng=rng)
        posts = [("здание УП", city_point(rng, kato, box))] + [(f"УПП №{k}", city_point(rng, kato, box)) for k in (1, 2)]
        for n in range(8):
            post_name, base = posts[n % 3]
            vehicles = [("police van", 1)] if n == 7 else [("patrol SUV" if n % 3 == 2 else "patrol car", 1)]
            unit(rng, police, f"Беркут-{i + 1}{n + 1:02d}", "POLICE", vehicles, f"Демо: {post_name}, {name} р-н", base)

        # One ambulance substation per district.
        substation = service(f"DEMO-ALA-103-{abbr}", "AMBULANCE", f"Демо: подстанция скорой помощи №{i + 1}, {name} р-н / Demo: ambulance substation",
                             kato, f"Медик-{i + 1}", rng=rng)
        base = city_point(rng, kato, box)
        for n in range(6):
            vehicle = "ambulance ICU Mercedes Sprinter" if n == 0 else "ambulance GAZelle"
            unit(rng, substation, f"Медик-{i + 1:02d}{n + 1:02d}", "MEDICAL", [(vehicle, 1)],
                 f"Демо: подстанция СМП №{i + 1}, {name} р-н", base)

    by_abbr = {d[1]: d for d in CITY_DISTRICTS}
    almaly, auezov, bostandyk, medeu, turksib = (by_abbr[k] for k in ("ALM", "AUE", "BOS", "MED", "TUR"))
    centre = city_point(rng, almaly[0], almaly[3])
    for n in range(4):
        unit(rng, s["AMBULANCE"], f"Медик-00{n + 1:02d}", "MEDICAL", [("ambulance ICU Mercedes Sprinter", 1)],
             "Демо: центральная станция СМП, Алмалинский р-н", centre)
    battalion = city_point(rng, almaly[0], almaly[3])
    for n in range(6):
        unit(rng, s["POLICE"], f"Беркут-00{n + 1:02d}", "POLICE", [("patrol car", 2)], "Демо: батальон патрульной полиции", battalion)

    rescue = city_point(rng, bostandyk[0], bostandyk[3])
    for n, vehicles in enumerate([[("rescue vehicle ASA", 1)]] * 4 + [[("all-terrain vehicle TREKOL", 1)], [("water rescue boat", 1)]], 1):
        unit(rng, s["UDDS_112"], f"Спас-{n:02d}", "RESCUE", vehicles, "Демо: городской аварийно-спасательный отряд", rescue)
    # The mountain post above Medeu: a base outside the built-up box on purpose.
    mountain = sample(rng, medeu[0], (77.058, 43.158), 600)
    for n in (7, 8):
        unit(rng, s["UDDS_112"], f"Спас-{n:02d}", "RESCUE", [("mountain rescue vehicle", 1)], "Демо: горноспасательный пост Медеу", mountain)

    hazmat = city_point(rng, turksib[0], turksib[3])
    for n, vehicles in enumerate([[("chemical reconnaissance vehicle", 1)], [("decontamination unit ARS-14", 1)],
                                  [("gas rescue vehicle AG", 1)], [("foam engine AP-5", 1)]], 1):
        unit(rng, s["UDDS_112"], f"Химик-{n:02d}", "HAZMAT", vehicles, "Демо: отряд РХБЗ, Турксибский р-н", hazmat)

    utilities = [("water utility emergency truck", 4), ("heating network repair truck", 3), ("power line repair truck", 3), ("excavator", 2)]
    n = 0
    for kind, count in utilities:
        for _ in range(count):
            n += 1
            kato, _, name, box = CITY_DISTRICTS[n % len(CITY_DISTRICTS)]
            unit(rng, s["UTILITY_EMERGENCY"], f"Сервис-{n:02d}", "UTILITY", [(kind, 1)], f"Демо: аварийная база ЖКХ, {name} р-н",
                 city_point(rng, kato, box))
    for n in range(1, 6):
        kato, _, name, box = CITY_DISTRICTS[(n * 3) % len(CITY_DISTRICTS)]
        unit(rng, gas, f"Газ-{n:02d}", "UTILITY", [("gas emergency van (104)", 1)], f"Демо: участок газовой службы 104, {name} р-н",
             city_point(rng, kato, box))

    helipad = city_point(rng, auezov[0], auezov[3])
    unit(rng, s["MEDICAL_AVIATION"], "Авиамед-1", "MEDICAL_AVIATION", [("medical helicopter Ansat", 1)], "Демо: вертолётная площадка больницы", helipad)
    unit(rng, s["MEDICAL_AVIATION"], "Авиамед-2", "MEDICAL_AVIATION", [("medical helicopter EC145", 1)], "Демо: вертолётная площадка больницы", helipad)
    unit(rng, s["MEDICAL_AVIATION"], "Авиамед-3", "MEDICAL_AVIATION", [("ground transfer ambulance", 1)], "Демо: вертолётная площадка больницы", helipad)


def build_region(rng):
    s = territory_services(rng, "ALO", REGION, "Алматинской области", "Иле")
    towns = [(kato, name, town) for kato, _, name, ts in REGION_DISTRICTS for town in ts]

    station = 0
    for kato, name, town in towns:
        stations = 2 if town[0] in ("Конаев", "Каскелен", "Талгар") else 1
        for _ in range(stations):
            station += 1
            base = town_point(rng, kato, town)
            crews = [["fire engine AC-40"], ["fire engine AC-3.2-40"]]
            if town[0] in ("Конаев", "Каскелен", "Талгар", "Есик"):
                crews.append(["ladder AL-30"] if station % 2 else ["hose truck AR-2"])
            for n, crew in enumerate(crews, 1):
                unit(rng, s["UDDS_112"], f"Жалын-{station:02d}{n:02d}", "FIRE", [(v, 1) for v in crew],
                     f"Демо: пожарная часть №{station}, {town[0]}", base)

    for i, (kato, abbr, name, ts) in enumerate(REGION_DISTRICTS):
        police = service(f"DEMO-ALO-102-{abbr}", "POLICE", f"Демо: отдел полиции, {name} / Demo: district police department",
                         kato, f"Сокол-{i + 1}", rng=rng)
        ambulance = service(f"DEMO-ALO-103-{abbr}", "AMBULANCE", f"Демо: отделение скорой помощи, {name} / Demo: district ambulance service",
                            kato, f"Емші-{i + 1}", rng=rng)
        for n in range(4):
            town = ts[n % len(ts)]
            unit(rng, police, f"Сокол-{i + 1:02d}{n + 1:02d}", "POLICE", [("patrol SUV" if n % 2 else "patrol car", 1)],
                 f"Демо: ОП, {town[0]}", town_point(rng, kato, town))
        for n in range(3):
            town = ts[n % len(ts)]
            unit(rng, ambulance, f"Емші-{i + 1:02d}{n + 1:02d}", "MEDICAL", [("ambulance GAZelle", 1)],
                 f"Демо: отделение СМП, {town[0]}", town_point(rng, kato, town))

    by_town = {town[0]: (kato, town) for kato, _, town in towns}
    konaev = by_town["Конаев"]
    for n in range(4):
        unit(rng, s["POLICE"], f"Сокол-00{n + 1:02d}", "POLICE", [("patrol SUV", 1)], "Демо: батальон дорожной полиции, Конаев",
             town_point(rng, *konaev))
    for n in range(3):
        unit(rng, s["AMBULANCE"], f"Емші-00{n + 1:02d}", "MEDICAL", [("ambulance ICU Mercedes Sprinter", 1)], "Демо: областная станция СМП, Конаев",
             town_point(rng, *konaev))

    rescue_bases = [("Конаев", 4), ("Талгар", 2), ("Каскелен", 2), ("Есик", 2), ("Баканас", 1)]
    n = 0
    for town_name, count in rescue_bases:
        kato, town = by_town[town_name]
        base = town_point(rng, kato, town)
        for k in range(count):
            n += 1
            vehicles = [("water rescue boat", 1)] if town_name in ("Конаев", "Баканас") and k == 0 else [("rescue vehicle ASA", 1)]
            unit(rng, s["UDDS_112"], f"Құтқару-{n:02d}", "RESCUE", vehicles, f"Демо: оперативно-спасательный отряд, {town_name}", base)

    for n, (town_name, vehicles) in enumerate([("Конаев", [("chemical reconnaissance vehicle", 1)]), ("Конаев", [("decontamination unit ARS-14", 1)]),
                                              ("Отеген батыр", [("gas rescue vehicle AG", 1)])], 1):
        kato, town = by_town[town_name]
        unit(rng, s["UDDS_112"], f"Реагент-{n:02d}", "HAZMAT", vehicles, f"Демо: группа РХБЗ, {town_name}", town_point(rng, kato, town))

    for n, (town_name, kind) in enumerate([("Конаев", "water utility emergency truck"), ("Конаев", "power line repair truck"),
                                          ("Талгар", "water utility emergency truck"), ("Каскелен", "gas emergency van (104)"),
                                          ("Каскелен", "heating network repair truck"), ("Есик", "power line repair truck"),
                                          ("Отеген батыр", "gas emergency van (104)"), ("Узынагаш", "water utility emergency truck")], 1):
        kato, town = by_town[town_name]
        unit(rng, s["UTILITY_EMERGENCY"], f"Ресурс-{n:02d}", "UTILITY", [(kind, 1)], f"Демо: аварийная служба ЖКХ, {town_name}",
             town_point(rng, kato, town))

    airfield = town_point(rng, *konaev)
    unit(rng, s["MEDICAL_AVIATION"], "Санавиа-1", "MEDICAL_AVIATION", [("medical helicopter Ansat", 1)], "Демо: площадка санавиации, Конаев", airfield)
    unit(rng, s["MEDICAL_AVIATION"], "Санавиа-2", "MEDICAL_AVIATION", [("medical helicopter Ansat", 1)], "Демо: площадка санавиации, Конаев", airfield)
    kato, town = by_town["Талгар"]
    unit(rng, s["MEDICAL_AVIATION"], "Санавиа-3", "MEDICAL_AVIATION", [("ground transfer ambulance", 1)], "Демо: пост санавиации, Талгар",
         town_point(rng, kato, town))


# ---------------------------------------------------------------------------------------------- hazards

def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def point_in(kato, lon, lat):
    if not well_inside(lon, lat, kato):
        raise SystemExit(f"({lon}, {lat}) is not well inside {kato}")
    return {"type": "Point", "coordinates": [lon, lat]}


def contact(rng, role):
    return {"name": officer(rng), "role": role, "phone": demo_phone()}


def hazards(rng):
    # On the south-eastern edge, where the city takes its water from the mountain rivers.
    chlorine = (77.012, 43.188)
    objects = [
        feature({
            "externalRef": "DEMO:ALA-WTP-CHLORINE", "name": "Демо: хлораторная водоочистной станции / Demo: water treatment plant chlorine store",
            "hazardClass": "CHEMICAL", "objectKind": "chlorine store", "operator": "Демо: ТОО «Водоканал-Демо»",
            "substances": [{"name": "chlorine", "unNumber": "1017", "casNumber": "7782-50-5", "quantityTonnes": 40, "state": "LIQUEFIED_GAS"}],
            "contacts": [contact(rng, "начальник смены"), contact(rng, "инженер по технике безопасности")],
        }, point_in("751710000", *chlorine)),
        feature({
            "externalRef": "DEMO:ALA-COLD-AMMONIA", "name": "Демо: холодильный комбинат (аммиак) / Demo: ammonia refrigeration plant",
            "hazardClass": "CHEMICAL", "objectKind": "ammonia refrigeration plant", "operator": "Демо: АО «Хладокомбинат-Демо»",
            "substances": [{"name": "ammonia, anhydrous", "unNumber": "1005", "casNumber": "7664-41-7", "quantityTonnes": 18, "state": "LIQUEFIED_GAS"}],
            "contacts": [contact(rng, "главный механик"), contact(rng, "дежурный по комбинату")],
        }, point_in("751910000", 76.944, 43.330)),
        feature({
            "externalRef": "DEMO:ALO-FUEL-DEPOT", "name": "Демо: нефтебаза / Demo: fuel depot",
            "hazardClass": "FIRE", "objectKind": "fuel depot", "operator": "Демо: ТОО «Нефтебаза-Демо»",
            "substances": [
                {"name": "gasoline", "unNumber": "1203", "casNumber": "86290-81-5", "quantityTonnes": 4200, "state": "LIQUID"},
                {"name": "diesel fuel", "unNumber": "1202", "casNumber": "68334-30-5", "quantityTonnes": 6500, "state": "LIQUID"},
            ],
            "contacts": [contact(rng, "начальник нефтебазы"), contact(rng, "диспетчер")],
        }, point_in("196200000", 77.045, 43.440)),
        feature({
            "externalRef": "DEMO:ALO-GAS-GRS", "name": "Демо: газораспределительная станция / Demo: gas distribution station",
            "hazardClass": "EXPLOSIVE", "objectKind": "gas distribution station", "operator": "Демо: АО «Газсеть-Демо»",
            "substances": [{"name": "natural gas (methane)", "unNumber": "1971", "casNumber": "74-82-8", "quantityTonnes": 3, "state": "GAS"}],
            "contacts": [contact(rng, "оператор ГРС")],
        }, point_in("195200000", 76.660, 43.215)),
        feature({
            "externalRef": "DEMO:ALO-LPG-KONAEV", "name": "Демо: газонаполнительная станция (пропан-бутан) / Demo: LPG filling station",
            "hazardClass": "EXPLOSIVE", "objectKind": "LPG filling station", "operator": "Демо: ТОО «СУГ-Демо»",
            "substances": [{"name": "petroleum gases, liquefied (propane-butane)", "unNumber": "1075", "casNumber": "68476-85-7", "quantityTonnes": 150,
                            "state": "LIQUEFIED_GAS"}],
            "contacts": [contact(rng, "начальник станции"), contact(rng, "сменный мастер")],
        }, point_in("191000000", 77.040, 43.880)),
    ]

    synthetic = "Синтетический пример для демонстрации (demo data), не документ и не расчёт."
    zones = [
        feature({"object": "DEMO:ALA-WTP-CHLORINE", "kind": "SANITARY_PROTECTION", "name": "Демо: СЗЗ 1000 м",
                 "basis": synthetic + " Класс I по схеме 1000/500/300/100/50 м; радиус не сверен с ҚР ДСМ-2.", "bufferMeters": 1000}, None),
        feature({"object": "DEMO:ALA-WTP-CHLORINE", "kind": "CHEMICAL_CONTAMINATION", "name": "Демо: сектор возможного заражения, ветер с юга",
                 "basis": synthetic + " Сектор 90° радиусом 4 км к северу; форма по RD 52.04.253-90, числа условные."},
                {"type": "Polygon", "coordinates": circle_sector(chlorine, 4000, 0, 90)}),
        feature({"object": "DEMO:ALA-COLD-AMMONIA", "kind": "SANITARY_PROTECTION", "name": "Демо: СЗЗ 300 м",
                 "basis": synthetic, "bufferMeters": 300}, None),
        feature({"object": "DEMO:ALO-FUEL-DEPOT", "kind": "SANITARY_PROTECTION", "name": "Демо: СЗЗ 500 м",
                 "basis": synthetic, "bufferMeters": 500}, None),
        feature({"object": "DEMO:ALO-FUEL-DEPOT", "kind": "EXPLOSION", "name": "Демо: зона возможного поражения при взрыве 250 м",
                 "basis": synthetic, "bufferMeters": 250}, None),
        feature({"object": "DEMO:ALO-GAS-GRS", "kind": "SANITARY_PROTECTION", "name": "Демо: СЗЗ 300 м",
                 "basis": synthetic, "bufferMeters": 300}, None),
        feature({"object": "DEMO:ALO-LPG-KONAEV", "kind": "EXPLOSION", "name": "Демо: зона возможного поражения при взрыве 500 м",
                 "basis": synthetic, "bufferMeters": 500}, None),
        # Downstream of the Kapchagay dam the Ili runs north-west towards Bakanas; a 3 km-wide corridor over the first
        # ~75 km stands in for a breach-wave zone that would come from a DEM model (DOMAIN-NOTES §3.4).
        feature({"object": "GPPD:WRI1000297", "kind": "FLOOD", "name": "Демо: зона возможного затопления ниже плотины Капшагайской ГЭС",
                 "basis": synthetic + " Коридор 3 км вдоль р. Или на ~75 км ниже плотины; не модель прорыва, без ЦМР.", "bufferMeters": 1500},
                {"type": "LineString", "coordinates": [[77.092, 43.928], [77.02, 43.975], [76.93, 44.03], [76.84, 44.10], [76.76, 44.17],
                                                       [76.68, 44.25], [76.60, 44.33], [76.52, 44.40]]}),
    ]

    # A spring-flood watch along the lower Kaskelen river, north of Kaskelen town.
    river = [[76.628, 43.215], [76.632, 43.245], [76.640, 43.275], [76.652, 43.305], [76.661, 43.335], [76.668, 43.365]]
    emergency = [
        feature({"name": "Демо: возможное подтопление, р. Каскелен (паводок)", "kind": "POTENTIAL", "hazard": "FLOOD",
                 "note": synthetic + " Полоса 600 м вдоль русла."},
                {"type": "Polygon", "coordinates": corridor(river, 300)}),
    ]
    return objects, zones, emergency


# ---------------------------------------------------------------------------------------------- output

def write(name, document, items):
    """One record per line, so a change to one unit is a one-line diff."""
    head = {k: v for k, v in document.items() if k != items}
    lines = [json.dumps(item, ensure_ascii=False) for item in document[items]]
    text = json.dumps(head, ensure_ascii=False, indent=2)[:-2] + f',\n  "{items}": [\n   ' + ",\n   ".join(lines) + "\n  ]\n}\n"
    json.loads(text)
    (HERE / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(document[items])} records")


def collection(features):
    return {"type": "FeatureCollection", "note": NOTE, "license": "CC0-1.0", "features": features}


def main():
    rng = random.Random("dispatch-gis demo 2025")
    build_city(rng)
    build_region(rng)
    objects, zones, emergency = hazards(rng)
    write("services.json", {"note": NOTE, "license": "CC0-1.0", "services": services}, "services")
    write("units.geojson", collection(units), "features")
    write("dangerous_objects.geojson", collection(objects), "features")
    write("hazard_zones.geojson", collection(zones), "features")
    write("emergency_zones.geojson", collection(emergency), "features")
    profiles = {}
    for u in units:
        profiles[u["properties"]["profile"]] = profiles.get(u["properties"]["profile"], 0) + 1
    print(f"{len(services)} services, {sum(len(s['channels']) for s in services)} channels, {len(units)} units {profiles}")


if __name__ == "__main__":
    main()
