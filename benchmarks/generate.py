"""Generate a realistic synthetic plan of agency size, with known near-duplicates.

An agency runs the social-media accounts of a few dozen small businesses around Cikarang
and Bekasi (batik shops, coffee shops, bakeries, laundries, florists, caterers, barbers,
tailors, motorcycle workshops, plant shops) in one plan: P platforms (each business on three
to six networks) and N content items spread over one year, in Indonesian and English.

About 5 % of the items are cross-posts: the copy of another item of the same business, put on
another of its platforms with small edits (hashtags added or removed, an emoji, a word
swapped or replaced, a typo, "Link in bio!", an @mention). Which items are copies of which
is the ground truth that ``benchmarks/run.py`` scores near-duplicate detection against.

    .venv/bin/python benchmarks/generate.py --items 100000 --platforms 50 --out /tmp/bench-100k

writes

- ``plan.toml``: brand, goals, pillars, platforms (slots, ``respond_within``, ``min_gap``),
  ``[schedule]`` and ``[feeds]`` settings, ``include = ["items/*.csv", "items/*.jsonl"]``;
- ``items/<business>.csv``: the items that take a slot (no ``at``), one spreadsheet per
  business, plus drafts and ideas;
- ``items/pinned.jsonl``: items with an ``at`` (published posts, posts tied to a date);
- ``duplicates.csv``: the ground truth, one row per pair of item ids whose copy is the same
  post (``a,b,edits``; ``a < b``); every two members of one cross-posted group are a pair;
- ``manifest.json``: the arguments, counts and the ``now`` the plan is meant for.

The output depends only on the arguments (``--seed`` included): same arguments, same bytes.
Every platform has slots for its items in a year (slots per week x 52 >= items, with room
to spare), so a schedule from ``now`` places everything.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import itertools
import json
import math
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

NOW = dt.datetime(2027, 1, 4, 8, 0)  # noqa: DTZ001 - wall time in the brand's zone
"""The moment the plan is written for: Monday 4 January 2027, 08:00 in Jakarta (wall time)."""

ZONE = "Asia/Jakarta"
DUPLICATE_SHARE = 0.05
"""Share of the items that are cross-posted copies of another item."""

# Blackout days of the whole agency (Lebaran 2027, Christmas); no slot falls on them.
BLACKOUT = [
    ("2027-03-09..2027-03-12", "Lebaran"),
    ("2027-12-25", "Natal"),
]
BLACKOUT_DAYS = 5

# Slot times of a day, in the order platforms take them; a platform needing k posts a
# day uses the first k (min_gap stays below the smallest spacing, 60 minutes).
DAY_TIMES = [
    "19:00", "12:00", "08:00", "16:00", "21:00", "10:00", "14:00", "18:00", "07:00", "20:00",
    "11:00", "15:00", "09:00", "13:00", "17:00", "22:00",
]  # fmt: skip
DAY_NAMES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

# --- networks ----------------------------------------------------------------------------

# network -> (weight among optional networks, media kinds that fit, hashtag limit or None,
#             rough text limit in characters, or None)
NETWORKS: dict[str, tuple[float, tuple[str, ...], int | None, int | None]] = {
    "instagram": (0.0, ("image", "carousel", "short-video", "video", "story"), 5, 2200),
    "facebook": (0.0, ("image", "text", "link", "carousel", "video"), None, None),
    "whatsapp": (0.0, ("image", "text", "link"), None, None),
    "tiktok": (3.0, ("short-video", "video"), 5, 2200),
    "x": (1.5, ("text", "image", "link"), None, 280),
    "threads": (1.5, ("text", "image"), 1, 500),
    "youtube": (1.0, ("video", "short-video"), 15, 5000),
    "linkedin": (0.8, ("text", "image", "document", "link"), None, 3000),
    "google-business": (1.5, ("image", "text"), None, 1500),
    "pinterest": (0.6, ("image", "carousel"), None, 500),
    "blog": (0.5, ("text", "link"), None, None),
    "newsletter": (0.5, ("text", "link"), None, None),
    "bluesky": (0.3, ("text", "image"), None, 300),
    "mastodon": (0.2, ("text", "image"), None, 500),
}
NETWORK_NAMES = {
    "instagram": "Instagram", "facebook": "Facebook", "whatsapp": "WhatsApp",
    "tiktok": "TikTok", "x": "X", "threads": "Threads", "youtube": "YouTube",
    "linkedin": "LinkedIn", "google-business": "Google Business Profile",
    "pinterest": "Pinterest", "blog": "the blog", "newsletter": "the newsletter",
    "bluesky": "Bluesky", "mastodon": "Mastodon",
}  # fmt: skip
RESPOND_WITHIN = {
    "instagram": "2h", "facebook": "4h", "whatsapp": "1h", "tiktok": "4h", "x": "2h",
    "threads": "4h", "youtube": "1d", "linkedin": "1d", "google-business": "1d",
    "pinterest": "2d", "blog": "2d", "newsletter": "2d", "bluesky": "4h", "mastodon": "4h",
}  # fmt: skip

# --- businesses ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of small business: its words in both languages."""

    slug: str
    names: tuple[str, ...]
    """Name stems; a shop is named ``<stem> <word>`` (``Kopi Senja``)."""
    english: float
    """Share of the posts written in English."""
    products_id: tuple[str, ...]
    products_en: tuple[str, ...]
    qualities_id: tuple[str, ...]
    qualities_en: tuple[str, ...]
    facts_id: tuple[str, ...]
    """Sentences about the trade (know-how), Indonesian."""
    facts_en: tuple[str, ...]
    tags: tuple[str, ...]
    price: tuple[int, int]
    """Price range in thousands of rupiah."""


def words(text: str) -> tuple[str, ...]:
    """A vocabulary written compactly: ``"a | b | c"`` -> ``("a", "b", "c")``."""
    return tuple(word.strip() for word in text.split("|"))


KINDS = (
    Kind(
        slug="batik",
        names=words("Batik | Galeri Batik | Rumah Batik"),
        english=0.15,
        products_id=words(
            "kemeja batik cap | blus batik tulis | kain batik tulis | outer batik encim | "
            "selendang sutra | dress batik kawung | kemeja batik parang | batik mega mendung | "
            "sarung batik | masker batik | tas batik | batik truntum"
        ),
        products_en=words(
            "stamped batik shirt | hand-drawn batik blouse | batik tulis cloth | batik outer | "
            "silk shawl | kawung batik dress | parang batik shirt | mega mendung scarf"
        ),
        qualities_id=words(
            "adem dipakai seharian | warnanya tidak gampang pudar | motifnya dibuat sendiri | "
            "dijahit rapi sampai ke kerah | pas untuk Jumat batik | cocok untuk kondangan"
        ),
        qualities_en=words(
            "cool enough for a whole day | colourfast | drawn in our own workshop | "
            "stitched neatly down to the collar | made for Batik Friday"
        ),
        facts_id=(
            "Batik tulis dikerjakan dengan canting, satu lembar bisa makan waktu tiga minggu",
            "Batik cap dicetak dengan cap tembaga, jadi polanya berulang rapi",
            "Cuci batik dengan tangan pakai air dingin dan sabun lerak supaya warnanya awet",
            "Jemur batik terbalik di tempat teduh, jangan di bawah matahari langsung",
            "Motif kawung melambangkan kesucian dan umur panjang",
            "Malam yang terlalu panas membuat garis canting melebar",
        ),
        facts_en=(
            "Hand-drawn batik is made with a canting and one cloth can take three weeks",
            "Stamped batik uses copper stamps, which is why the pattern repeats so neatly",
            "Wash batik by hand in cold water so the colours last",
            "Dry batik inside out in the shade, never in direct sun",
        ),
        tags=words("batik | batikindonesia | jumatbatik | batiktulis | batikcap | wastra"),
        price=(85, 1250),
    ),
    Kind(
        slug="coffee",
        names=words("Kopi | Kedai Kopi | Warung Kopi"),
        english=0.45,
        products_id=words(
            "es kopi susu aren | kopi tubruk | V60 Gayo | cappuccino | matcha latte | "
            "cold brew Temanggung | kopi pandan | affogato | roti bakar keju | croffle | "
            "manual brew Kintamani | teh tarik"
        ),
        products_en=words(
            "iced palm sugar latte | pour-over Gayo | cappuccino | matcha latte | "
            "Temanggung cold brew | pandan latte | affogato | cheese toast | croffle | "
            "Kintamani filter coffee"
        ),
        qualities_id=words(
            "diseduh dari biji yang kami sangrai sendiri | manisnya pas | wangi banget | "
            "cocok buat teman lembur | pakai susu segar dari Lembang"
        ),
        qualities_en=words(
            "brewed from beans we roast ourselves | just sweet enough | made with fresh milk | "
            "the perfect overtime companion | smooth and low in acidity"
        ),
        facts_id=(
            "Biji kopi paling enak diseduh dua sampai empat minggu setelah disangrai",
            "Air 92 derajat membuat rasa kopi lebih seimbang daripada air mendidih",
            "Gilingan kasar cocok untuk French press, gilingan halus untuk espresso",
            "Simpan biji kopi di toples kedap udara, jauh dari sinar matahari",
            "Rasio satu banding lima belas jadi titik awal yang aman untuk V60",
        ),
        facts_en=(
            "Coffee tastes best two to four weeks after roasting",
            "Water at 92 degrees gives a more balanced cup than boiling water",
            "Use a coarse grind for French press and a fine grind for espresso",
            "Keep beans in an airtight jar away from sunlight",
            "A one to fifteen ratio is a safe starting point for pour-over",
        ),
        tags=words("kopi | coffee | ngopi | kopilokal | coffeeshop | manualbrew"),
        price=(18, 65),
    ),
    Kind(
        slug="bakery",
        names=words("Roti | Toko Kue | Bakery"),
        english=0.35,
        products_id=words(
            "roti sobek cokelat | croissant mentega | bolu pandan | nastar wisman | "
            "kue lapis legit | donat kentang | roti gandum | brownies panggang | cheesecake | "
            "pie susu | kastengel | banana bread"
        ),
        products_en=words(
            "butter croissant | pandan chiffon | pineapple tart | layer cake | potato doughnut | "
            "wholemeal loaf | baked brownies | cheesecake | milk pie | banana bread"
        ),
        qualities_id=words(
            "dipanggang setiap pagi | tanpa pengawet | lembut sampai hari ketiga | "
            "pakai mentega Wijsman | manisnya tidak bikin eneg"
        ),
        qualities_en=words(
            "baked every morning | free of preservatives | still soft on day three | "
            "made with real butter | not too sweet"
        ),
        facts_id=(
            "Adonan roti yang diistirahatkan semalam rasanya lebih dalam",
            "Simpan roti di suhu ruang, kulkas justru membuatnya cepat keras",
            "Oven perlu dipanaskan lima belas menit sebelum adonan masuk",
            "Telur dan mentega bersuhu ruang membuat kue lebih mengembang",
        ),
        facts_en=(
            "Dough rested overnight tastes deeper",
            "Keep bread at room temperature; the fridge makes it stale faster",
            "Preheat the oven for fifteen minutes before baking",
            "Room-temperature eggs and butter give a lighter cake",
        ),
        tags=words("roti | bakery | kuerumahan | homemade | freshbake | kuekering"),
        price=(12, 450),
    ),
    Kind(
        slug="laundry",
        names=words("Laundry | Cuci Bersih | Laundry Kiloan"),
        english=0.1,
        products_id=words(
            "cuci kiloan | cuci setrika express | cuci bed cover | cuci sepatu | dry clean jas | "
            "cuci karpet | cuci boneka | setrika saja | cuci gorden | paket kos bulanan"
        ),
        products_en=words(
            "wash and fold | express wash and iron | duvet cleaning | sneaker cleaning | "
            "suit dry cleaning | carpet cleaning | curtain cleaning | monthly boarder plan"
        ),
        qualities_id=words(
            "wangi sampai seminggu | dijemput dan diantar gratis | selesai dalam 24 jam | "
            "pakai deterjen ramah lingkungan | dilipat rapi per jenis"
        ),
        qualities_en=words(
            "fresh for a week | with free pick-up and delivery | ready within 24 hours | "
            "washed with eco-friendly detergent"
        ),
        facts_id=(
            "Pisahkan pakaian putih pada pencucian pertama supaya tidak kelunturan",
            "Kancing dan resleting yang ditutup dulu membuat baju lebih awet",
            "Noda kopi paling mudah hilang kalau langsung dibilas air dingin",
            "Sepatu kanvas jangan dijemur langsung di bawah matahari supaya tidak menguning",
        ),
        facts_en=(
            "Wash whites separately the first time so colours do not bleed",
            "Close buttons and zips before washing to make clothes last longer",
            "Coffee stains come out most easily when rinsed in cold water straight away",
        ),
        tags=words("laundry | laundrykiloan | cucibersih | laundryexpress | antarjemput"),
        price=(7, 120),
    ),
    Kind(
        slug="florist",
        names=words("Florist | Toko Bunga | Bunga"),
        english=0.4,
        products_id=words(
            "buket mawar merah | bunga papan ucapan | hand bouquet wisuda | standing flower | "
            "buket uang | rangkaian meja | buket bunga kering | parsel bunga dan cokelat | "
            "krans duka cita | bunga meja kantor"
        ),
        products_en=words(
            "red rose bouquet | graduation bouquet | congratulation board | standing flower | "
            "dried flower bouquet | table arrangement | flowers and chocolate hamper | "
            "office flower subscription"
        ),
        qualities_id=words(
            "dirangkai di hari yang sama | bunganya segar dari Lembang | bisa request warna | "
            "diantar tepat waktu | awet sampai seminggu"
        ),
        qualities_en=words(
            "arranged on the day | fresh from the Lembang growers | in the colours you choose | "
            "delivered on time | lasting a week"
        ),
        facts_id=(
            "Potong batang bunga miring supaya air lebih mudah terserap",
            "Ganti air vas setiap dua hari agar bunga lebih awet",
            "Jauhkan buket dari buah matang, gasnya membuat bunga cepat layu",
            "Mawar yang kuncupnya masih rapat akan mekar dua sampai tiga hari kemudian",
        ),
        facts_en=(
            "Cut stems at an angle so they drink more water",
            "Change the vase water every two days",
            "Keep bouquets away from ripe fruit; the gas wilts flowers",
            "Tight rose buds open two to three days later",
        ),
        tags=words("florist | buketbunga | bungasegar | flowers | hadiahwisuda"),
        price=(75, 1500),
    ),
    Kind(
        slug="catering",
        names=words("Catering | Dapur | Warung Makan"),
        english=0.1,
        products_id=words(
            "nasi kotak ayam bakar | tumpeng mini | paket prasmanan | nasi liwet | rendang sapi | "
            "ayam geprek sambal matah | soto betawi | paket makan siang kantor | "
            "snack box arisan | gudeg komplit | sop buntut | pecel lele"
        ),
        products_en=words(
            "grilled chicken rice box | mini tumpeng | buffet package | beef rendang | "
            "office lunch package | snack box | oxtail soup"
        ),
        qualities_id=words(
            "dimasak pagi ini juga | bumbunya meresap | porsinya kenyang | pedasnya bisa diatur | "
            "tanpa MSG"
        ),
        qualities_en=words(
            "cooked this morning | rich in spices | generous portions | as spicy as you like"
        ),
        facts_id=(
            "Pesan nasi kotak paling lambat H-2 supaya bahan bisa disiapkan segar",
            "Rendang dimasak empat jam sampai bumbunya kering dan hitam",
            "Sambal matah harus dibuat dadakan supaya serainya tetap wangi",
            "Untuk 100 tamu biasanya cukup tiga lauk utama dan dua sayur",
        ),
        facts_en=(
            "Order rice boxes two days ahead so everything is cooked fresh",
            "Rendang simmers four hours until the spices turn dark and dry",
        ),
        tags=words("catering | nasikotak | kulinerbekasi | makansiang | cateringkantor"),
        price=(15, 3500),
    ),
    Kind(
        slug="barber",
        names=words("Barbershop | Pangkas Rambut | Barber"),
        english=0.3,
        products_id=words(
            "potong rambut pria | fade cut | cukur jenggot | creambath | hair tattoo | "
            "potong rambut anak | pomade waterbased | hair spa | cat rambut | paket pengantin"
        ),
        products_en=words(
            "men's haircut | skin fade | beard trim | kids' haircut | water-based pomade | "
            "hair spa | grooming package"
        ),
        qualities_id=words(
            "rapi sampai dua minggu | dikerjakan barber berpengalaman | "
            "tanpa antre lewat booking | ruangannya dingin dan nyaman"
        ),
        qualities_en=words(
            "sharp for two weeks | by experienced barbers | no queue when you book ahead"
        ),
        facts_id=(
            "Potong rambut setiap tiga sampai empat minggu menjaga bentuk fade tetap rapi",
            "Pomade berbahan air lebih mudah dibilas daripada yang berbahan minyak",
            "Sisir rambut saat masih setengah basah supaya bentuknya bertahan",
        ),
        facts_en=(
            "A trim every three to four weeks keeps a fade sharp",
            "Water-based pomade rinses out more easily than oil-based",
        ),
        tags=words("barbershop | potongrambut | fadecut | grooming | barberbekasi"),
        price=(25, 350),
    ),
    Kind(
        slug="tailor",
        names=words("Konveksi | Penjahit | Busana"),
        english=0.1,
        products_id=words(
            "seragam kantor | kaos sablon | kemeja PDH | jaket bomber komunitas | "
            "seragam sekolah | gamis | kebaya modern | vermak jeans | polo bordir | hoodie custom"
        ),
        products_en=words(
            "office uniforms | printed T-shirts | community bomber jackets | school uniforms | "
            "modern kebaya | jeans alterations | embroidered polos | custom hoodies"
        ),
        qualities_id=words(
            "jahitannya rapi dan kuat | bisa bordir nama | bahannya tidak panas | "
            "selesai tepat waktu | ukuran sampai 5XL"
        ),
        qualities_en=words(
            "neatly and strongly stitched | with embroidered names | in breathable fabric | "
            "finished on time"
        ),
        facts_id=(
            "Sablon plastisol lebih tahan cuci daripada sablon rubber",
            "Katun combed 30s adem dan cocok untuk kaos harian",
            "Untuk seragam, minta satu contoh jadi sebelum produksi massal",
            "Ukur lingkar dada di bagian paling lebar, bukan di bawah ketiak",
        ),
        facts_en=(
            "Plastisol prints survive more washes than rubber prints",
            "Ask for one finished sample before a uniform goes into production",
        ),
        tags=words("konveksi | seragamkantor | kaossablon | jahitbaju | konveksibekasi"),
        price=(45, 450),
    ),
    Kind(
        slug="bengkel",
        names=words("Bengkel | Motor | Servis Motor"),
        english=0.05,
        products_id=words(
            "servis berkala | ganti oli | tune up injeksi | ganti kampas rem | servis CVT | "
            "ganti aki | balancing velg | cuci motor | ganti ban tubeless | servis kelistrikan"
        ),
        products_en=words(
            "regular service | oil change | injection tune-up | brake pad change | CVT service | "
            "battery change"
        ),
        qualities_id=words(
            "dikerjakan mekanik bersertifikat | sparepart asli | bisa ditunggu | ada garansi servis"
        ),
        qualities_en=words("by certified mechanics | with genuine parts | while you wait"),
        facts_id=(
            "Oli mesin motor matik sebaiknya diganti setiap 2.000 sampai 3.000 kilometer",
            "Tekanan ban yang kurang membuat bensin lebih boros",
            "Kampas rem yang tipis terdengar berdecit saat mengerem",
            "CVT perlu dibersihkan setiap 8.000 kilometer supaya tarikan tetap halus",
        ),
        facts_en=(
            "Change the oil of an automatic scooter every 2,000 to 3,000 kilometres",
            "Soft tyres waste fuel",
        ),
        tags=words("bengkelmotor | servismotor | motorsehat | otomotif | bengkelbekasi"),
        price=(35, 650),
    ),
    Kind(
        slug="plants",
        names=words("Kebun | Toko Tanaman | Green"),
        english=0.4,
        products_id=words(
            "monstera | janda bolong | lidah mertua | kaktus mini | pot terakota | media tanam | "
            "anggrek bulan | bibit cabai | sirih gading | calathea"
        ),
        products_en=words(
            "monstera | snake plant | mini cactus | terracotta pot | potting mix | moth orchid | "
            "chilli seedlings | pothos | calathea"
        ),
        qualities_id=words(
            "sudah diaklimatisasi | akarnya sehat | cocok untuk ruangan ber-AC | "
            "mudah dirawat pemula"
        ),
        qualities_en=words(
            "already acclimatised | with healthy roots | happy in air-conditioned rooms | "
            "easy for beginners"
        ),
        facts_id=(
            "Siram tanaman hias saat media tanam bagian atas sudah kering",
            "Pot tanpa lubang membuat akar mudah busuk",
            "Lidah mertua tahan di ruangan dengan cahaya sedikit",
            "Pupuk cair cukup diberikan dua minggu sekali di musim hujan",
        ),
        facts_en=words(
            "Water when the top of the soil is dry | Pots without drainage holes rot the roots | "
            "Snake plants cope with little light"
        ),
        tags=words("tanamanhias | urbanjungle | plantsofinstagram | berkebun | plantmom"),
        price=(10, 850),
    ),
)

SHOP_WORDS = words(
    "Senja | Sekar Arum | Nusantara | Mentari | Cahaya | Kenanga | Melati | Harapan | Sejahtera | "
    "Jaya | Lestari | Pelangi | Ceria | Bintang | Rembulan | Asri | Sentosa | Bahagia | Makmur | "
    "Permata | Cempaka | Teduh | Rindang | Kita | Sahabat | Keluarga | Berkah | Mekar | Abadi | "
    "Raya"
)
AREAS = words(
    "Cikarang Baru | Jababeka | Lippo Cikarang | MM2100 | Cibitung | Tambun | Bekasi Timur | "
    "Kota Deltamas | Karawang | Harapan Indah | Summarecon Bekasi | Cikarang Utara | Setu | "
    "Serang Baru | Kalimalang"
)
PEOPLE = words(
    "Sari | Budi | Dewi | Rina | Hendra | Yoga | Putri | Adit | Lestari | Bayu | Tari | Agus | "
    "Wulan | Eko | Ningsih | Fajar | Indah | Rizky | Maya | Dimas | Siti | Joko | Ayu | Bagus | "
    "Nadia | Irfan | Citra | Andi | Fitri | Reza"
)
CUSTOMERS = words(
    "Bu Sari | Mbak Dewi | Kak Rina | Pak Hendra | Mas Yoga | Teh Euis | Bu Ningsih | Kak Putri | "
    "Mas Adit | Bu Lestari | Kak Bayu | Mbak Tari | Pak Agus | Bu Wulan | Om Eko | Tante Maya"
)
DAYS_ID = words("Senin | Selasa | Rabu | Kamis | Jumat | Sabtu | Minggu")
DAYS_EN = words("Monday | Tuesday | Wednesday | Thursday | Friday | Saturday | Sunday")
MONTHS_ID = words(
    "Januari | Februari | Maret | April | Mei | Juni | Juli | Agustus | September | Oktober | "
    "November | Desember"
)
MONTHS_EN = words(
    "January | February | March | April | May | June | July | August | September | October | "
    "November | December"
)
EMOJI = words(
    "✨ | 🔥 | 🙏 | 😍 | 🥰 | 👉 | 📍 | 🎉 | 💛 | 🤩 | 😋 | 🛵 | "
    "📦 | ⏰ | ✅ | 👇 | 🙌 | 💯 | 🌿 | ☕ | 🧵 | 🌸 | ✂️ | 🍞"
)
PARTNERS = words(
    "@kulinercikarang | @infobekasi | @jababeka.update | @lippocikarang.info | @umkmbekasi | "
    "@cikarangfoodies | @tambunhits | @karawang.info"
)
GENERAL_TAGS = words(
    "umkm | cikarang | bekasi | localbusiness | supportlocal | promo | jababeka | karawang | "
    "bekasihits | umkmnaikkelas"
)

# Sentences by pillar and language. Fields: {product} {product2} {quality} {fact} {price}
# {percent} {day} {date} {time} {area} {customer} {count} {shop} {month} {number} {person}.
SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "communication": {
        "id": (
            "{product} kembali tersedia mulai {day}, {date}, dan {quality}.",
            "Khusus minggu ini {product} diskon {percent}%, jadi cuma Rp{price} saja.",
            "Mulai {date} kami buka jam {time} di cabang {area}.",
            "Stok {product} tinggal {count} lagi di {area}, siapa cepat dia dapat!",
            (
                "Pesanan {product} untuk acara {date} sudah bisa masuk dari sekarang, DP mulai "
                "Rp{price}."
            ),
            "Beli dua {product} gratis satu {product2} sampai hari {day}, {date}.",
            "Ada menu baru nih: {product}, {quality}, harganya Rp{price}.",
            "Tanggal {date} toko tutup sebentar untuk stok opname, buka lagi jam {time}.",
            "Gratis ongkir ke {area} untuk pembelian minimal Rp{price}.",
            (
                "Harga {product} naik mulai {month}, yuk amankan sebelum {date} selagi masih "
                "Rp{price}."
            ),
            (
                "Pesanan {product} sekarang bisa lewat GoFood dan GrabFood, ongkir ke {area} "
                "Rp{small_price}."
            ),
            "Paket hemat {product} plus {product2} cuma Rp{price} sampai {date}.",
            "Jam operasional berubah mulai {date}: buka {time} sampai malam, {day} tetap libur.",
            "Pre-order {product} untuk {month} dibuka, kuota {count} pesanan saja.",
            (
                "Pembayaran sekarang bisa pakai QRIS, transfer, atau bayar di tempat untuk wilayah "
                "{area}."
            ),
            "Voucher Rp{small_price} untuk {small} pembeli pertama {product} hari {day}.",
            "{person} standby di WhatsApp dari jam {time} untuk bantu pilih {product}.",
        ),
        "en": (
            "Our {product} is back from {day}, {date}, and it is {quality}.",
            "This week only, {product} is {percent}% off, now just Rp{price}.",
            "From {date} we open at {time} in {area}.",
            "Only {count} {product} left in {area}, first come first served!",
            "Orders of {product} for events on {date} are open now, with a Rp{price} deposit.",
            "Buy two {product} and get a {product2} free until {day}, {date}.",
            "New on the menu: {product}, {quality}, for Rp{price}.",
            "Free delivery to {area} on orders over Rp{price}.",
            "Prices of {product} go up in {month}, so grab yours at Rp{price} before {date}.",
            "A {product} and {product2} bundle for Rp{price} until {date}.",
            "Opening hours change from {date}: we open at {time}, closed on {day}s.",
            "Pre-orders of {product} for {month} are open, limited to {count} orders.",
            "We now take QRIS, bank transfer and cash on delivery in {area}.",
            "A Rp{small_price} voucher for the first {small} {product} orders on {day}.",
            "{person} is on WhatsApp from {time} to help you choose a {product}.",
        ),
    },
    "education": {
        "id": (
            "Tahukah kamu? {fact}.",
            "Tips dari {person} hari ini: {fact}.",
            "Pertanyaan {customer} dari {area} minggu ini: {fact_lower}?",
            "{fact}, begitu kata {person}, tim kami yang sudah {years} tahun di bidang ini.",
            "{person} menjelaskan cara memilih {product} di kelas tanggal {date} jam {time}.",
            "Harga {product} mulai Rp{price} karena prosesnya butuh {small} langkah.",
            (
                "Di video ini {person} menunjukkan {small} kesalahan yang sering terjadi pada "
                "{product}."
            ),
            "Ada {count} pertanyaan soal {product} minggu ini, kami jawab di story hari {day}.",
            "Bedanya {product} dan {product2}? {person} membahasnya di live {day} jam {time}.",
            "Kenapa {product} kami {quality}? {person} cerita prosesnya di reels hari {day}.",
            "Checklist sebelum beli {product}: ukuran, bahan, dan garansi {small} hari.",
            "Salah kaprah soal {product} yang sering kami dengar di {area}, dan jawabannya.",
        ),
        "en": (
            "Did you know? {fact}.",
            "{person}'s tip of the day: {fact_lower}.",
            "{customer} from {area} asked us this week: {fact_lower}?",
            "{fact}, says {person}, who has been doing this for {years} years.",
            "{person} explains how to choose a {product} in our class on {date} at {time}.",
            "A {product} starts at Rp{price} because it takes {small} steps to make.",
            "In this video {person} shows {small} common mistakes with {product}.",
            "We got {count} questions about {product} this week and answer them on {day}.",
            "{product} or {product2}? {person} compares them live on {day} at {time}.",
            "Why is our {product} {quality}? {person} tells the story in {day}'s reel.",
            "Before you buy a {product}, check three things; we give a {small}-day guarantee.",
            "Myths about {product} we hear in {area}, and what is actually true.",
        ),
    },
    "entertainment": {
        "id": (
            (
                "Kuis {day}: tebak berapa {product} yang terjual di {area} minggu lalu? Petunjuk: "
                "lebih dari {count}."
            ),
            (
                "Kalau {product} bisa ngomong ke {customer}, kira-kira bilang apa? Tulis di "
                "komentar sebelum jam {time}!"
            ),
            (
                "Tim {product} atau tim {product2}? Jawab di komentar, {small} jawaban terlucu "
                "dapat voucher Rp{small_price}."
            ),
            "{customer} datang jam {time} dari {area} cuma buat {product}, ada yang lebih niat?",
            "Throwback ke {date} waktu antrean {product} sampai ke parkiran {area}.",
            (
                "Tag teman yang selalu pesan {product} setiap {day}, {small} orang beruntung dapat "
                "diskon {percent}%!"
            ),
            (
                "Satu kata untuk {product} kami? Yang paling kreatif sampai {date} dapat voucher "
                "Rp{price}."
            ),
            "Behind the scene: {person} sedang menyiapkan {count} pesanan {product} untuk {area}.",
            "Cerita lucu dari {area}: {customer} salah kira {product} sebagai {product2}.",
            "Polling {day}: {product} paling enak dinikmati pagi, siang, atau malam?",
            "Tebak harga {product} ini! Yang paling dekat dengan Rp{price} dapat hadiah.",
        ),
        "en": (
            (
                "{day} quiz: how many {product} did we sell in {area} last week? Hint: more than "
                "{count}."
            ),
            (
                "Team {product} or team {product2}? The {small} funniest answers by {date} win "
                "Rp{small_price} vouchers."
            ),
            (
                "{customer} came all the way from {area} at {time} just for a {product}. "
                "Can anyone beat that?"
            ),
            (
                "Tag the friend who orders {product} every {day}; {small} lucky friends get "
                "{percent}% off!"
            ),
            (
                "One word for our {product}? The most creative answer by {date} wins a Rp{price} "
                "voucher."
            ),
            "Behind the scenes: {person} is packing {count} orders of {product} for {area}.",
            "Throwback to {date}, when the queue for {product} reached the {area} car park.",
            "A funny one from {area}: {customer} mistook our {product} for a {product2}.",
            "{day} poll: {product} in the morning, at lunch or late at night?",
            "Guess the price of this {product}! The closest to Rp{price} wins.",
        ),
    },
    "collaboration": {
        "id": (
            (
                "Terima kasih {customer} dari {area} yang sudah kirim foto {product} pesanannya "
                "tanggal {date}!"
            ),
            (
                "Kolaborasi bareng {partner}: {small} pemenang dapat {product} gratis, diumumkan "
                "{date}."
            ),
            (
                "Kirim foto kamu dengan {product} kami sebelum {date}, pakai tagar #{tag}, foto "
                "terbaik kami repost."
            ),
            "Minggu ini kami kerja sama dengan komunitas di {area} untuk {count} paket {product}.",
            "{customer} pesan {count} {product} untuk acara kantornya di {area}, terima kasih!",
            "Ikuti kelas bareng {person} tanggal {date} jam {time}, kuota cuma {small} orang.",
            (
                "Ulasan dari {customer} di {area}: {product} kami {quality}. Terima kasih atas "
                "kepercayaannya!"
            ),
            "Selamat untuk {customer}, pemenang giveaway {product} bulan {month}!",
            "Bareng {partner} kami bagikan {count} {product} untuk warga {area} tanggal {date}.",
            "Terima kasih {small} reseller baru dari {area} yang bergabung bulan {month}.",
        ),
        "en": (
            (
                "Thank you {customer} from {area} for sharing a photo of the {product} you ordered "
                "on {date}!"
            ),
            "Together with {partner}: {small} winners get a free {product}, announced on {date}.",
            "Share a photo with our {product} using #{tag} before {date}; we repost the best one.",
            "{customer} ordered {count} {product} for an office event in {area}. Thank you!",
            "Join {person}'s class on {date} at {time}; only {small} seats.",
            (
                "A review from {customer} in {area}: our {product} is {quality}. Thank you for "
                "trusting us!"
            ),
            "Congratulations {customer}, winner of the {month} {product} giveaway!",
            "With {partner} we are giving {count} {product} to neighbours in {area} on {date}.",
            "Welcome to the {small} new resellers from {area} who joined in {month}.",
        ),
    },
}
TITLES = {
    "communication": {
        "id": words(
            "Promo {product} | Info jam buka {date} | {product} ready lagi | Paket hemat {month} | "
            "Menu baru: {product}"
        ),
        "en": words(
            "{product} offer | Opening hours from {date} | {product} is back | {month} bundle | "
            "New: {product}"
        ),
    },
    "education": {
        "id": words("Tips merawat {product} | Tahukah kamu: {product} | Cara memilih {product}"),
        "en": words("How to care for {product} | Did you know: {product} | Choosing {product}"),
    },
    "entertainment": {
        "id": words("Kuis {day} | Tim {product} vs {product2} | Throwback {month}"),
        "en": words("{day} quiz | {product} vs {product2} | Behind the scenes: {product}"),
    },
    "collaboration": {
        "id": words("Foto pelanggan: {product} | Kolaborasi {partner} | Kelas bareng {person}"),
        "en": words("Customer photo: {product} | With {partner} | {person}'s class"),
    },
}
GREETINGS = {
    "id": words(
        "Halo Sobat {short}! {emoji} | Selamat pagi, Kak! | Hai warga {area}! | "
        "Sobat {short}, apa kabar? | Halo Kak {emoji}"
    ),
    "en": words(
        "Hi friends of {short}! {emoji} | Good morning! | Hello {area}! | Hey there {emoji}"
    ),
}
CALLS = {
    "id": words(
        "Order via WhatsApp {phone}. | Pesan lewat DM ya. | Klik link di bio untuk order. | "
        "Mampir ke toko kami di {area}. | Yuk pesan sekarang! | Info lengkap di {site}."
    ),
    "en": words(
        "Order on WhatsApp {phone}. | Send us a DM to order. | Order via the link in bio. | "
        "Visit us in {area}. | Order now! | More at {site}."
    ),
}
SIGNOFFS = {
    "id": (
        "{shop}, {area}. Buka setiap hari {open}.",
        "Terima kasih sudah mendukung usaha lokal! {shop} {handle}",
        "{shop} — melayani {area} dan sekitarnya sejak {year}.",
    ),
    "en": words(
        "{shop}, {area}. Open daily {open}. | Thank you for supporting local! {shop} {handle} | "
        "{shop}: serving {area} since {year}."
    ),
}
# Openers a writer puts before a sentence now and then.
OPENERS = {
    "id": words(
        "Kabar gembira! | Psst, | Jangan sampai ketinggalan: | Info penting: | "
        "Buat yang nanya-nanya, | Update dari {area}: | Catat ya, | Serius,"
    ),
    "en": words(
        "Good news! | Psst, | Heads up: | Quick one: | Update from {area}: | Mark your calendar: | "
        "Honestly,"
    ),
}
ADDITIONS = words(
    "Link in bio! | Cek link di bio ya! | Klik link di bio. | See you there! | DM untuk order. | "
    "Swipe untuk lihat detail. | Tag temanmu!"
)
SYNONYMS = {
    "diskon": "potongan harga",
    "pesan": "order",
    "gratis": "free",
    "kami": "kita",
    "sekarang": "sekarang juga",
    "minggu": "pekan",
    "cuma": "hanya",
    "foto": "potret",
    "terima kasih": "makasih",
    "order": "pesan",
    "free": "complimentary",
    "now": "today",
    "our": "the",
    "thank you": "thanks",
    "week": "weekend",
    "only": "just",
}


@dataclass
class Shop:
    """One business the agency works for."""

    name: str
    slug: str
    kind: Kind
    area: str
    handle: str
    site: str
    phone: str
    year: int
    owners: list[str]
    platforms: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class PlatformSpec:
    """One account of one shop, and the slots it needs."""

    id: str
    network: str
    shop: Shop
    owner: str
    weight: float
    timezone: str | None = None
    items: int = 0
    """Future items that need a slot (placed or pinned)."""
    slots: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    """Times of day of the cadence slots, for pinning items to a slot."""


@dataclass
class Item:
    """One generated content item, ready to be written as a CSV row or JSON line."""

    id: str
    platform: str
    title: str
    pillar: str
    goal: str
    copy: str
    media: str
    status: str
    at: str | None = None
    story: str | None = None
    tags: list[str] = field(default_factory=list)
    link: str | None = None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Generator:
    """Every random choice comes from one seeded stream, so the output is reproducible."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # -- shops and platforms --

    def shops(self, platform_count: int) -> list[Shop]:
        rng = self.rng
        shops: list[Shop] = []
        names: set[str] = set()
        people = list(PEOPLE)
        rng.shuffle(people)
        people_cycle = itertools.cycle(people)
        remaining = platform_count
        index = 0
        while remaining > 0:
            kind = KINDS[index % len(KINDS)] if index < len(KINDS) else rng.choice(KINDS)
            index += 1
            for _ in range(100):
                name = f"{rng.choice(kind.names)} {rng.choice(SHOP_WORDS)}"
                if name not in names:
                    break
            else:
                name = f"{name} {len(shops) + 1}"
            names.add(name)
            slug = slugify(name)
            size = min(remaining, rng.choice((3, 4, 4, 5, 5, 6)))
            remaining -= size
            shop = Shop(
                name=name,
                slug=slug,
                kind=kind,
                area=rng.choice(AREAS),
                handle="@" + slug.replace("-", ""),
                site=f"{slug.replace('-', '')}.id",
                phone=f"0812-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                year=rng.randint(2005, 2023),
                # Two people per shop of four or more platforms: three each at most.
                owners=[next(people_cycle) for _ in range(1 if size <= 3 else 2)],
                tags=[*kind.tags, *rng.sample(GENERAL_TAGS, 3)],
            )
            shop.platforms = self.networks_of(size)
            shops.append(shop)
        return shops

    def networks_of(self, size: int) -> list[str]:
        chosen = ["instagram", "facebook", "whatsapp"][:size]
        optional = [name for name, spec in NETWORKS.items() if spec[0] > 0]
        weights = [NETWORKS[name][0] for name in optional]
        while len(chosen) < size:
            pick = self.rng.choices(optional, weights=weights)[0]
            if pick not in chosen:
                chosen.append(pick)
        return chosen

    def platforms(self, shops: Sequence[Shop]) -> list[PlatformSpec]:
        rng = self.rng
        specs = []
        for shop in shops:
            for position, network in enumerate(shop.platforms):
                owner = shop.owners[position % len(shop.owners)]
                # Instagram and WhatsApp carry most posts; skew within a factor of three.
                weight = {"instagram": 2.0, "facebook": 1.3, "whatsapp": 1.0, "tiktok": 1.2}.get(
                    network, 0.8
                ) * rng.uniform(0.75, 1.25)
                spec = PlatformSpec(
                    id=f"{shop.slug}-{network}", network=network, shop=shop, owner=owner,
                    weight=weight,
                )  # fmt: skip
                # A few accounts speak to customers in other time zones.
                if network == "linkedin" and rng.random() < 0.5:
                    spec.timezone = "Asia/Singapore"
                elif network == "google-business" and rng.random() < 0.3:
                    spec.timezone = "Asia/Makassar"
                specs.append(spec)
        return specs

    # -- text --

    def fields(self, shop: Shop, lang: str) -> dict[str, str]:
        rng = self.rng
        kind = shop.kind
        products = kind.products_en if lang == "en" else kind.products_id
        product, product2 = rng.sample(products, 2)
        facts = kind.facts_en if lang == "en" else kind.facts_id
        fact = rng.choice(facts)
        day = rng.randrange(7)
        month = rng.randrange(12)
        date_day = rng.randint(1, 28)
        low, high = kind.price
        price = rng.randint(low, high) * 1000 + rng.choice((0, 0, 500, 900))
        months = MONTHS_EN if lang == "en" else MONTHS_ID
        return {
            "product": product,
            "product2": product2,
            "quality": rng.choice(kind.qualities_en if lang == "en" else kind.qualities_id),
            "fact": fact,
            "fact_lower": fact[0].lower() + fact[1:],
            "price": f"{price:,}".replace(",", "."),
            "percent": str(rng.choice((10, 15, 20, 25, 30, 40, 50))),
            "day": (DAYS_EN if lang == "en" else DAYS_ID)[day],
            "date": f"{date_day} {months[month]}",
            "month": months[month],
            "time": f"{rng.randint(7, 21):02}.{rng.choice(('00', '30'))}",
            "area": rng.choice(AREAS),
            "customer": rng.choice(CUSTOMERS),
            "count": str(rng.randint(12, 250)),
            "small": str(rng.randint(2, 10)),
            "years": str(rng.randint(3, 35)),
            "small_price": f"{rng.randint(5, 99) * 1000:,}".replace(",", "."),
            "person": rng.choice(PEOPLE),
            "partner": rng.choice(PARTNERS),
            "tag": rng.choice(shop.tags),
            "shop": shop.name,
            "number": str(rng.randint(1, 99)),
        }

    def copy(self, shop: Shop, pillar: str, lang: str, network: str) -> tuple[str, str]:
        """(title, copy) of one new post."""
        rng = self.rng
        values = self.fields(shop, lang)
        text_limit = NETWORKS[network][3]
        short_network = text_limit is not None and text_limit <= 300
        count = 2 if short_network else rng.choice((2, 3, 3, 4, 4))
        pool = SENTENCES[pillar][lang]
        others = [p for p in SENTENCES if p != pillar]
        templates = rng.sample(pool, min(count, len(pool)))
        if count >= 3 and rng.random() < 0.5:
            # Real posts mix: a promo with a tip, a quiz with an offer.
            templates[-1] = rng.choice(SENTENCES[rng.choice(others)][lang])
        # A shop has only a handful of facts of its trade: one per post at most, so two
        # posts that are not copies do not share most of their text by chance.
        facts = [i for i, template in enumerate(templates) if "{fact" in template]
        for i in facts[1:]:
            plain = [t for t in pool if "{fact" not in t and t not in templates]
            templates[i] = rng.choice(plain)
        body = []
        for template in templates:
            sentence = template.format(**values)
            if rng.random() < 0.2:
                opener = rng.choice(OPENERS[lang]).format(area=values["area"])
                sentence = f"{opener} {sentence[0].lower()}{sentence[1:]}"
            values = self.fields(shop, lang)  # each sentence gets its own details
            if rng.random() < 0.35:
                sentence += " " + rng.choice(EMOJI)
            body.append(sentence[0].upper() + sentence[1:])
        opens = rng.choice(("07", "08", "09", "10"))
        closes = rng.choice(("17", "20", "21", "22"))
        fill = {
            "short": shop.name.split()[-1],
            "emoji": rng.choice(EMOJI),
            "area": shop.area,
            "phone": shop.phone,
            "site": shop.site,
            "shop": shop.name,
            "handle": shop.handle,
            "open": f"{opens}.00–{closes}.00",
            "year": str(shop.year),
        }
        lines = []
        if not short_network and rng.random() < 0.5:
            lines.append(rng.choice(GREETINGS[lang]).format(**fill))
        lines.append(" ".join(body) if rng.random() < 0.6 else "\n".join(body))
        if rng.random() < 0.6:
            lines.append(rng.choice(CALLS[lang]).format(**fill))
        if not short_network and rng.random() < 0.3:
            lines.append(rng.choice(SIGNOFFS[lang]).format(**fill))
        limit = NETWORKS[network][2]
        hashtags = rng.randint(0, 6 if limit is None else min(limit, 5))
        if hashtags:
            lines.append(" ".join("#" + tag for tag in rng.sample(shop.tags, hashtags)))
        title_values = self.fields(shop, lang)
        title = rng.choice(TITLES[pillar][lang]).format(**title_values)
        return title[0].upper() + title[1:], "\n".join(lines)

    def edit(self, text: str) -> tuple[str, str]:
        """One light cross-posting edit: (new text, name of the edit)."""
        rng = self.rng
        lines = text.split("\n")
        has_tags = bool(lines) and lines[-1].startswith("#")
        kinds = ["add-hashtags", "emoji", "swap-words", "replace-word", "typo", "link-in-bio",
                 "mention", "drop-letter"]  # fmt: skip
        if has_tags:
            kinds.append("drop-hashtags")
        kind = rng.choice(kinds)
        if kind == "drop-hashtags":
            return "\n".join(lines[:-1]), kind
        if kind == "add-hashtags":
            tags = " ".join("#" + tag for tag in rng.sample(GENERAL_TAGS, rng.randint(1, 3)))
            if has_tags:
                return text + " " + tags, kind
            return text + "\n" + tags, kind
        if kind == "emoji":
            words = text.split(" ")
            words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
            return " ".join(words), kind
        if kind == "link-in-bio":
            return text + "\n" + rng.choice(ADDITIONS), kind
        if kind == "mention":
            return text.rstrip() + " " + rng.choice(PARTNERS), kind
        # The remaining edits touch a word of the message, not the hashtags.
        body_lines = len(lines) - 1 if has_tags else len(lines)
        line_index = rng.randrange(body_lines)
        words = lines[line_index].split(" ")
        candidates = [i for i, word in enumerate(words) if word.isalpha() and len(word) > 3]
        if not candidates:
            return text + "\n" + rng.choice(ADDITIONS), "link-in-bio"
        position = rng.choice(candidates)
        word = words[position]
        if kind == "swap-words" and position + 1 < len(words):
            words[position], words[position + 1] = words[position + 1], words[position]
        elif kind == "replace-word":
            key = word.lower()
            words[position] = SYNONYMS.get(key, rng.choice(list(SYNONYMS.values())))
        elif kind == "typo":
            i = rng.randrange(len(word) - 1)
            words[position] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:  # drop-letter
            i = rng.randrange(len(word))
            words[position] = word[:i] + word[i + 1 :]
            kind = "drop-letter"
        lines[line_index] = " ".join(words)
        return "\n".join(lines), kind


# --- the plan ----------------------------------------------------------------------------


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def cadence(per_week: int) -> list[str]:
    """Cadence entries giving `per_week` slots a week (at least one)."""
    per_week = max(1, per_week)
    daily, rest = divmod(per_week, 7)
    if daily > len(DAY_TIMES):
        raise SystemExit(
            f"a platform needs {per_week} slots a week, more than {len(DAY_TIMES)} a day; "
            "use more platforms for this many items"
        )
    entries = []
    if daily:
        entries.append("daily " + " ".join(DAY_TIMES[:daily]))
    if rest:
        # Spread the extra days over the week: MO,WE,FR rather than MO,TU,WE.
        days = sorted({round(i * 7 / rest) % 7 for i in range(rest)})
        day = 0
        while len(days) < rest:  # rounding can collide for rest close to 7
            if day not in days:
                days.append(day)
            day += 1
        time = DAY_TIMES[daily] if daily < len(DAY_TIMES) else DAY_TIMES[-1]
        entries.append(",".join(DAY_NAMES[d] for d in sorted(days)) + " " + time)
    return entries


def write_plan(
    out: Path,
    *,
    items: int,
    platform_count: int,
    seed: int,
) -> dict[str, object]:
    """Generate and write the plan directory; return the manifest."""
    gen = Generator(seed)
    rng = gen.rng
    shops = gen.shops(platform_count)
    specs = gen.platforms(shops)
    by_shop: dict[str, list[PlatformSpec]] = {}
    for spec in specs:
        by_shop.setdefault(spec.shop.slug, []).append(spec)

    # Pillars with target shares; items draw their pillar with the same shares.
    pillars = {"communication": 0.35, "education": 0.25, "entertainment": 0.2,
               "collaboration": 0.2}  # fmt: skip
    pillar_names = list(pillars)
    pillar_weights = list(pillars.values())

    # How many items each platform gets: proportional to its weight.
    total_weight = sum(spec.weight for spec in specs)
    spec_weights = [spec.weight / total_weight for spec in specs]

    now = NOW
    first_day = now.date()
    year_days = 365
    past_days = 60

    generated: list[Item] = []
    truth: list[tuple[str, str, str]] = []
    counters: dict[str, int] = {}
    taken_times: dict[str, set[str]] = {}

    def new_id(spec: PlatformSpec) -> str:
        counters[spec.id] = counters.get(spec.id, 0) + 1
        return f"{spec.id}-{counters[spec.id]:05d}"

    def goal_of(shop: Shop, pillar: str) -> str:
        return (
            f"{shop.slug}-{'followers' if pillar in ('entertainment', 'education') else 'orders'}"
        )

    def media_for(network: str) -> str:
        return rng.choice(NETWORKS[network][1])

    # Choose who is copied before writing: copies go to another platform of the same shop.
    duplicate_target = round(items * DUPLICATE_SHARE)
    copies_made = 0
    while len(generated) < items:
        spec = rng.choices(specs, weights=spec_weights)[0]
        shop = spec.shop
        lang = "en" if rng.random() < shop.kind.english else "id"
        pillar = rng.choices(pillar_names, weights=pillar_weights)[0]
        title, text = gen.copy(shop, pillar, lang, spec.network)
        roll = rng.random()
        if roll < 0.02:
            status = "cancelled"
        elif roll < 0.035:
            status = "draft"
        elif roll < 0.045:
            status = "idea"
        elif roll < 0.05:
            status = "review"
        elif roll < 0.09:
            status = "scheduled"
        else:
            status = "approved"
        original = Item(
            id=new_id(spec),
            platform=spec.id,
            title=title,
            pillar=pillar,
            goal=goal_of(shop, pillar),
            copy=text,
            media=media_for(spec.network),
            status=status,
            tags=rng.sample(shop.tags, rng.randint(0, 2)),
        )
        if original.media == "link" or rng.random() < 0.1:
            original.link = f"https://{shop.site}/p/{rng.randint(100, 99999)}"
        cluster = [(original, spec)]
        # Cross-post about 5 % of the items; cancelled items are not cross-posted, so the
        # ground truth holds only pairs the check is expected to see.
        remaining = items - len(generated) - 1
        siblings = [other for other in by_shop[shop.slug] if other is not spec]
        wanted = duplicate_target - copies_made
        if (
            status != "cancelled"
            and siblings
            and wanted > 0
            and remaining > 0
            and rng.random() < DUPLICATE_SHARE * 1.15
        ):
            count = min(remaining, wanted, len(siblings), rng.choice((1, 1, 1, 2)))
            story = f"{shop.slug}-story-{len(truth) + 1:05d}"
            original.story = story
            for target in rng.sample(siblings, count):
                edited, edits = text, []
                for _ in range(rng.choice((1, 1, 2))):
                    edited, edit = gen.edit(edited)
                    edits.append(edit)
                copy_item = Item(
                    id=new_id(target),
                    platform=target.id,
                    title=title,
                    pillar=pillar,
                    goal=goal_of(shop, pillar),
                    copy=edited,
                    media=media_for(target.network),
                    status="approved" if status in ("cancelled", "scheduled") else status,
                    story=story,
                    tags=list(original.tags),
                    link=original.link,
                )
                cluster.append((copy_item, target))
                copies_made += 1
                truth.append((original.id, copy_item.id, "+".join(edits)))
            for (a, _), (b, _) in itertools.combinations(cluster[1:], 2):
                truth.append((a.id, b.id, "copy-of-copy"))
        for item, _ in cluster:
            generated.append(item)

    # Times: ~6 % published in the last 60 days, ~3 % pinned to a future slot, ~0.5 % all-day.
    spec_by_id = {spec.id: spec for spec in specs}
    for item in generated:
        spec_of = spec_by_id[item.platform]
        roll = rng.random()
        if item.status in ("cancelled", "idea", "draft", "review"):
            continue
        if roll < 0.06:
            item.status = "published"
            day = first_day - dt.timedelta(days=rng.randint(1, past_days))
            item.at = unique_time(rng, taken_times, spec_of, day, ("19:00", "12:00", "08:00"))
        elif roll < 0.065:
            day = first_day + dt.timedelta(days=rng.randint(7, year_days - 30))
            item.at = day.isoformat()  # an all-day entry (an event day, a campaign)
        elif roll < 0.095:
            item.status = "scheduled"
            item.at = "PIN"  # a slot time is chosen once the cadence is known
        if item.at is None or item.at == "PIN":
            spec_of.items += 1

    # Slots: room for every future item in the year after blackouts, plus 15 %.
    weeks = (year_days - BLACKOUT_DAYS) / 7
    for spec in specs:
        per_week = math.ceil(spec.items * 1.15 / weeks)
        spec.slots = cadence(per_week)
        spec.times = DAY_TIMES[: max(1, per_week // 7)]
        if spec.network in ("facebook", "linkedin") and rng.random() < 0.3:
            # An RRULE on top: a monthly round-up, as agencies like them.
            spec.slots.append("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=30")

    blackout_days = blackout_dates()
    for item in generated:
        if item.at == "PIN":
            spec = spec_by_id[item.platform]
            for _ in range(1000):
                day = first_day + dt.timedelta(days=rng.randint(2, year_days - 30))
                if day not in blackout_days:
                    break
            item.at = unique_time(rng, taken_times, spec, day, tuple(spec.times))

    out.mkdir(parents=True, exist_ok=True)
    (out / "items").mkdir(exist_ok=True)
    for old in itertools.chain((out / "items").glob("*.csv"), (out / "items").glob("*.jsonl")):
        old.unlink()
    (out / "plan.toml").write_text(
        plan_toml(shops, specs, pillars, items=items, seed=seed), encoding="utf-8"
    )
    write_items(out, generated, shops)
    with (out / "duplicates.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["a", "b", "edits"])
        for first, second, how in sorted(
            (min(one, other), max(one, other), how) for one, other, how in truth
        ):
            writer.writerow([first, second, how])
    statuses: dict[str, int] = {}
    for item in generated:
        statuses[item.status] = statuses.get(item.status, 0) + 1
    manifest: dict[str, object] = {
        "generator": "benchmarks/generate.py",
        "items": items,
        "platforms": len(specs),
        "businesses": len(shops),
        "seed": seed,
        "now": NOW.isoformat(timespec="minutes"),
        "timezone": ZONE,
        "duplicate_pairs": len(truth),
        "copies": copies_made,
        "statuses": dict(sorted(statuses.items())),
        "with_at": sum(1 for item in generated if item.at is not None),
        "slots_per_week": sum(slots_per_week(spec.slots) for spec in specs),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def blackout_dates() -> set[dt.date]:
    days: set[dt.date] = set()
    for text, _reason in BLACKOUT:
        first, _, last = text.partition("..")
        start = dt.date.fromisoformat(first)
        end = dt.date.fromisoformat(last or first)
        while start <= end:
            days.add(start)
            start += dt.timedelta(days=1)
    return days


def unique_time(
    rng: random.Random,
    taken: dict[str, set[str]],
    spec: PlatformSpec,
    day: dt.date,
    times: Sequence[str],
) -> str:
    """A local date-time on `day` (or a later day) at one of `times`, unused on the platform."""
    used = taken.setdefault(spec.id, set())
    while True:
        for time in rng.sample(list(times), len(times)):
            value = f"{day.isoformat()} {time}"
            if value not in used:
                used.add(value)
                return value
        day += dt.timedelta(days=1)


def slots_per_week(slots: Sequence[str]) -> int:
    total = 0
    for slot in slots:
        if slot.startswith("FREQ="):
            continue
        days, *times = slot.split(" ")
        total += (7 if days == "daily" else len(days.split(","))) * len(times)
    return total


def plan_toml(
    shops: Sequence[Shop],
    specs: Sequence[PlatformSpec],
    pillars: dict[str, float],
    *,
    items: int,
    seed: int,
) -> str:
    out = io.StringIO()
    write = out.write
    write(
        f"# Synthetic agency plan: {items} items on {len(specs)} platforms of {len(shops)} "
        f"businesses.\n# Generated by benchmarks/generate.py --items {items} "
        f"--platforms {len(specs)} --seed {seed}; do not edit.\n\n"
        'include = ["items/*.csv", "items/*.jsonl"]\n\n'
    )
    write("[brand]\n")
    write('name = "Agensi Sosmed Cikarang"\n')
    write(f'timezone = "{ZONE}"\n')
    write('url = "https://agensi-sosmed.example"\n')
    write('domain = "agensi-sosmed.example"\n')
    write("blackout = [\n")
    for dates, reason in BLACKOUT:
        write(f'  {{ dates = "{dates}", reason = "{reason}" }},\n')
    write("]\n\n")
    due_short = dt.date(2027, 6, 30)
    due_long = dt.date(2027, 12, 31)
    for shop in shops:
        owner = shop.owners[0]
        baseline = 300 + (sum(map(ord, shop.slug)) * 37) % 4000
        write(f"[goals.{shop.slug}-followers]\n")
        statement = f"Grow the local following of {shop.name} in {shop.area}"
        write(f"statement = {toml_string(statement)}\n")
        write('metric = "Instagram followers"\n')
        write(f"baseline = {baseline}\ntarget = {baseline * 2}\ndue = {due_short}\n")
        write(f'horizon = "short"\nowner = "{owner}"\n')
        relevance = "Neighbours who follow the shop are the ones who walk in."
        write(f"relevance = {toml_string(relevance)}\n\n")
        write(f"[goals.{shop.slug}-orders]\n")
        write(f"statement = {toml_string(f'More orders for {shop.name} through chat')}\n")
        write('metric = "orders per month received on WhatsApp"\n')
        write(f"baseline = {baseline // 20}\ntarget = {baseline // 10}\ndue = {due_long}\n")
        write(f'horizon = "long"\nowner = "{owner}"\n')
        write(f"relevance = {toml_string('Chat orders are the steadiest income of the shop.')}\n\n")
    colors = {"communication": "steelblue", "education": "saddlebrown",
              "entertainment": "goldenrod", "collaboration": "seagreen"}  # fmt: skip
    for pillar, share in pillars.items():
        write(f'[pillars.{pillar}]\nshare = {share}\ncolor = "{colors[pillar]}"\n\n')
    for spec in specs:
        shop = spec.shop
        write(f"[platforms.{spec.id}]\n")
        write(f'network = "{spec.network}"\n')
        write(
            f"handle = {toml_string(shop.handle if spec.network != 'whatsapp' else shop.phone)}\n"
        )
        write(f'owner = "{spec.owner}"\naccount = "business"\n')
        purpose = (
            f"{shop.name} on {NETWORK_NAMES[spec.network]}: reach customers around {shop.area}."
        )
        write(f"purpose = {toml_string(purpose)}\n")
        write("slots = [" + ", ".join(toml_string(slot) for slot in spec.slots) + "]\n")
        if spec.timezone:
            write(f'timezone = "{spec.timezone}"\n')
        write(f'respond_within = "{RESPOND_WITHIN[spec.network]}"\n')
        write('min_gap = "45m"\n\n')
    write('[schedule]\nduration = "15m"\nhorizon = "365d"\n\n')
    # The feed covers the whole year (and the published posts before `now`); one event per
    # post, so N items give about N events.
    write(
        '[feeds]\npast = "90d"\nahead = "366d"\nalarm = "15m"\nreply_events = false\n'
        'refresh = "1h"\n'
    )
    return out.getvalue()


COLUMNS = ["id", "platform", "title", "pillar", "goal", "media", "status", "at", "story",
           "tags", "link", "copy"]  # fmt: skip


def write_items(out: Path, generated: Sequence[Item], shops: Sequence[Shop]) -> None:
    """Items without a time go to one spreadsheet per business; pinned ones to JSON lines."""
    shop_of: dict[str, str] = {}
    for shop in shops:
        for network in shop.platforms:
            shop_of[f"{shop.slug}-{network}"] = shop.slug
    sheets: dict[str, list[Item]] = {shop.slug: [] for shop in shops}
    pinned: list[Item] = []
    for item in generated:
        (pinned if item.at is not None else sheets[shop_of[item.platform]]).append(item)
    for slug, rows in sheets.items():
        with (out / "items" / f"{slug}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(COLUMNS)
            for item in rows:
                writer.writerow(
                    [
                        item.id, item.platform, item.title, item.pillar, item.goal, item.media,
                        item.status, item.at or "", item.story or "", ", ".join(item.tags),
                        item.link or "", item.copy,
                    ]
                )  # fmt: skip
    with (out / "items" / "pinned.jsonl").open("w", encoding="utf-8") as stream:
        for item in pinned:
            record: dict[str, object] = {
                "id": item.id,
                "platform": item.platform,
                "title": item.title,
                "pillar": item.pillar,
                "goal": item.goal,
                "media": item.media,
                "status": item.status,
                "at": item.at,
                "tags": item.tags,
                "copy": item.copy,
            }
            if item.story:
                record["story"] = item.story
            if item.link:
                record["link"] = item.link
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000, help="number of items (N)")
    parser.add_argument("--platforms", type=int, default=50, help="number of platforms (P)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--out", type=Path, required=True, help="plan directory to write")
    args = parser.parse_args(argv)
    if args.items < 1 or args.platforms < 3:
        parser.error("need at least 1 item and 3 platforms")
    manifest = write_plan(args.out, items=args.items, platform_count=args.platforms, seed=args.seed)
    print(
        f"{args.out}/plan.toml: {manifest['items']} items on {manifest['platforms']} platforms "
        f"of {manifest['businesses']} businesses; {manifest['duplicate_pairs']} near-duplicate "
        f"pairs in duplicates.csv; {manifest['slots_per_week']} slots a week; "
        f"now = {manifest['now']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
