"""Regenerate ``near_duplicates.jsonl``: the labelled corpus for near-duplicate search.

It measures :mod:`contentcal.checking.similarity`.

    .venv/bin/python tests/data/make_corpus.py

Every line is one pair of posts: ``{"a", "b", "label", "lang", "kind"}``. ``label`` 1 means the
two are the same copy with cross-posting edits (hashtags, emoji, links, @mentions, typos,
abbreviations and word swaps, moved sentences, "Link in bio!", another call to action); 0
means the two say different things although they share the shop's boilerplate (greeting,
long sign-off, call to action, hashtag block, the opening of a series). ``kind`` names the
edit or what is shared.

The posts are assembled from hand-written templates for ten small businesses around
Cikarang and Bekasi, drawn from one fixed-seed random stream, so the output is the same on
every run and every machine (``test_corpus_is_reproducible`` checks it). Edit this script,
not the JSONL.

Template blocks: one entry per line; an indented line continues the entry above it; " | "
separates alternative wordings, of which each post picks one.
"""

from __future__ import annotations

import json
import random
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20240917
POSITIVES = 330
NEGATIVES = 330
MAX_LENGTH = 600
OUT = Path(__file__).with_name("near_duplicates.jsonl")


def entries(block: str) -> list[str]:
    """The entries of a template block (see the module docstring)."""
    result: list[str] = []
    for line in textwrap.dedent(block).strip("\n").splitlines():
        if line[:1].isspace():
            result[-1] += " " + line.strip()
        elif line.strip():
            result.append(line.strip())
    return result


def words(block: str) -> list[str]:
    return block.split()


@dataclass
class Shop:
    """One business: its voice, its boilerplate and what it sells."""

    name: str
    lang: str
    handle: str
    site: str
    openings: list[str]
    signoffs: list[str]
    hashtags: list[str]
    ctas: list[str]
    products: list[tuple[str, int]]
    messages: dict[str, list[str]]
    extra: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, *, products: str, messages: dict[str, str], **fields: object) -> Shop:
        """Parse ``name | price`` product lines and template blocks."""
        priced = [entry.rsplit(" | ", 1) for entry in entries(products)]
        return cls(
            products=[(name, int(price)) for name, price in priced],
            messages={kind: entries(block) for kind, block in messages.items()},
            **fields,  # type: ignore[arg-type]
        )


DAYS_ID = words("Senin Selasa Rabu Kamis Jumat Sabtu Minggu")
DAYS_EN = words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS_ID = words("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November")
MONTHS_EN = words("January February March April May June July August September October November")
TIMES_ID = words("07.00 09.00 10.00 13.00 15.30 16.00 19.00 19.30")
TIMES_EN = words("7am 9am 10am 1pm 3.30pm 4pm 7pm 7.30pm")
EMOJI = words("✨ 🔥 🙏 😍 🥰 👉 📍 🎉 💛 🤩 😋 🛵 📦 ⏰ ✅ ‼️ 👇 🙌 💯 🌿")
NAMES = entries("""
    Bu Sari
    Mbak Dewi
    Kak Rina
    Pak Hendra
    Mas Yoga
    Teh Euis
    Bu Ningsih
    Kak Putri
    Mas Adit
    Bu Lestari
    Kak Bayu
    Mbak Tari
""")
CUSTOMERS_ID = entries("""
    PT Sinar Jaya
    Kak Nadia
    keluarga Pak Anton
    SMA Negeri 2 Cikarang
    PT Mitsuba Indonesia
    Bu Dian
    tim HRD Jababeka
""")
CUSTOMERS_EN = entries("""
    PT Sinar Jaya
    Nadia
    the Anton family
    SMA Negeri 2 Cikarang
    PT Mitsuba Indonesia
    Dian
    the HR team at Jababeka
""")
PARTNERS = words("""
    @kulinercikarang @infobekasi @jababeka.update @lippocikarang.info @fotografer.dimas
    @umkmbekasi @cikarangfoodies @tambunhits
""")

BATIK = Shop.build(
    name="Batik Sekar Arum",
    lang="id",
    handle="@batiksekararum",
    site="sekararum.id",
    openings=entries("""
        Halo Sobat Sekar! 👋
        Selamat pagi, Kak!
        Hai pecinta batik!
        Sobat Sekar, apa kabar hari ini?
    """),
    signoffs=entries("""
        Kunjungi galeri kami di Ruko Sentra Niaga Blok B2 No. 7, Lippo Cikarang (buka
            Senin–Sabtu, 09.00–18.00). Pemesanan dan info lebih lanjut via WhatsApp
            0812-8830-4417. Terima kasih sudah mendukung pengrajin batik lokal!
        Batik Sekar Arum — dibuat dengan tangan oleh pengrajin Cikarang sejak 2009. Galeri: Ruko
            Sentra Niaga B2/7, Lippo Cikarang. Order via WA 0812-8830-4417 atau klik link di bio.
    """),
    hashtags=words("""
        #BatikSekarArum #BatikTulis #BatikIndonesia #Cikarang #LippoCikarang
        #BanggaBuatanIndonesia #UMKMNaikKelas #WastraNusantara #BatikCap #OOTDBatik
    """),
    ctas=entries("""
        Yuk mampir ke galeri!
        Order sekarang sebelum kehabisan ya.
        Pesan lewat WA, bisa COD untuk area Cikarang.
        Klik link di bio untuk katalog lengkap.
    """),
    products="""
        kemeja batik tulis motif parang | 485000
        kain batik cap mega mendung | 275000
        selendang sutra batik pewarna alami | 350000
        dress batik kombinasi linen | 420000
        outer batik encim | 310000
        kemeja batik anak motif kawung | 165000
        sarung batik tulis lasem | 650000
        tas batik tote | 125000
    """,
    messages={
        "launch": """
            Koleksi baru sudah datang: {product}! | Baru rilis minggu ini: {product}!
            Kami baru saja merilis {product}, dikerjakan selama {weeks} minggu oleh pengrajin
                kami.
            Motifnya terinspirasi dari {inspiration}, warnanya lembut dan cocok untuk {occasion}.
            Harga perkenalan {price}, hanya untuk {qty} potong pertama.
            Tersedia ukuran S sampai XXL, bahan katun primisima yang adem dipakai seharian.
                | Ukurannya lengkap dari S sampai XXL dan bahannya adem.
        """,
        "promo": """
            Promo {day}: diskon {disc}% untuk {product}!
            Dari {old_price} jadi {price} saja, berlaku sampai {date}.
            Khusus pembelian di galeri, dapat gratis tas kain untuk setiap transaksi di atas
                Rp300.000.
            Stok promo terbatas, siapa cepat dia dapat. | Jumlahnya terbatas, jangan ditunda ya.
        """,
        "workshop": """
            Workshop membatik akan diadakan hari {day}, {date}, pukul {time} WIB.
            Peserta akan belajar menggunakan canting dan malam, lalu membawa pulang sapu tangan
                batik buatan sendiri.
            Biaya {price} sudah termasuk bahan, snack, dan sertifikat.
            Kuota hanya {qty} orang, cocok untuk anak mulai usia 10 tahun.
        """,
        "care": """
            Tips merawat batik tulis: cuci dengan lerak atau sabun bayi, jangan dikucek terlalu
                keras. | Cara mencuci batik tulis: pakai lerak, kucek pelan-pelan saja.
            Jemur di tempat teduh agar warna alaminya tidak cepat pudar.
            Setrika dari bagian dalam kain dengan suhu sedang.
            Simpan dengan kapur barus yang dibungkus kain supaya tidak langsung menempel.
        """,
        "story": """
            Di balik selembar {product} ada {weeks} minggu kerja {staff} dan tim.
            Prosesnya dimulai dari membuat pola, mencanting, mewarnai, sampai melorod malam
                dengan air mendidih.
            Setiap goresan dibuat dengan tangan, jadi tidak ada dua kain yang benar-benar sama.
            Terima kasih sudah menghargai proses panjang ini.
        """,
        "hours": """
            Info jam buka: hari {day}, {date}, galeri tutup lebih awal pukul {time} WIB karena
                ada acara keluarga.
            Pesanan online tetap kami proses seperti biasa.
            Mohon maaf atas ketidaknyamanannya ya.
        """,
        "testimonial": """
            Terima kasih {customer} sudah mempercayakan seragam batik kantornya kepada kami!
            Sebanyak {qty} kemeja selesai tepat waktu untuk acara ulang tahun perusahaan.
            Senang sekali melihat hasilnya dipakai bersama-sama.
        """,
        "restock": """
            Restock! {product} yang kemarin sold out sudah tersedia lagi.
                | {product} sudah ready lagi setelah sold out!
            Kali ini ada {qty} potong dengan pilihan warna biru indigo dan cokelat soga.
            Yang sudah masuk daftar tunggu akan kami hubungi duluan lewat WA.
        """,
    },
    extra={
        "inspiration": entries("""
            bunga melati
            ombak pantai utara
            daun jati
            burung merak
        """),
        "occasion": words("kondangan lamaran wisuda arisan"),
    },
)

KOPI = Shop.build(
    name="Kopi Teduh",
    lang="id",
    handle="@kopiteduh.jbk",
    site="kopiteduh.com",
    openings=entries("""
        Halo Sobat Teduh! ☕
        Selamat pagi, pejuang Senin!
        Sore-sore enaknya ngopi nih.
        Hai Sobat Teduh!
    """),
    signoffs=entries("""
        Kopi Teduh buka setiap hari pukul 07.00–22.00 di Jl. Niaga Raya Kav. 3, Jababeka,
            Cikarang. Bisa juga pesan lewat GoFood, GrabFood, dan ShopeeFood. Sampai ketemu di
            meja favoritmu!
        Temukan kami di Jl. Niaga Raya Kav. 3, Jababeka (seberang Sentra Bisnis). Free Wi-Fi,
            colokan di setiap meja, dan parkir luas. Sampai ketemu, Sobat Teduh!
    """),
    hashtags=words("""
        #KopiTeduh #KopiCikarang #Jababeka #NgopiDulu #CoffeeShopCikarang #KopiSusuGulaAren
        #KulinerCikarang #WFC #KopiLokal
    """),
    ctas=entries("""
        Yuk ngopi!
        Order lewat aplikasi favoritmu ya.
        Tag teman ngopimu di kolom komentar!
        Mampir sepulang kerja, kami tunggu.
    """),
    products="""
        es kopi susu gula aren | 22000
        kopi tubruk Toraja | 18000
        matcha latte | 28000
        cold brew literan | 95000
        americano | 20000
        croissant almond | 26000
        roti bakar srikaya | 19000
        kopi pandan kelapa | 25000
    """,
    messages={
        "launch": """
            Menu baru: {product}! ☕ | Ada yang baru di Kopi Teduh: {product}!
            Kami racik dari biji {origin} yang disangrai sendiri setiap {day}.
            Rasanya {taste}, pas buat menemani kerja sore.
            Cobain mulai hari ini seharga {price}.
        """,
        "promo": """
            Promo {day}: beli 2 {product} cuma {price}!
            Berlaku sampai {date} atau selama persediaan masih ada.
            Tunjukkan postingan ini ke barista untuk klaim promonya.
            Khusus dine-in dan take away, tidak berlaku di aplikasi ojek online.
        """,
        "event": """
            Nanti malam ada live acoustic bareng {band} mulai pukul {time} WIB.
                | Live music malam ini: {band}, mulai {time} WIB!
            Gratis masuk, cukup pesan minimal satu minuman.
            Datang lebih awal supaya kebagian tempat duduk di teras.
        """,
        "hours": """
            Pengumuman: hari {day}, {date}, kami buka lebih siang, pukul {time} WIB.
            Ada perawatan mesin espresso di pagi hari.
            Terima kasih atas pengertiannya, Sobat Teduh.
        """,
        "brew": """
            Tips seduh V60 di rumah: pakai rasio 1:15, air 92 derajat, dan gilingan medium.
            Tuang air perlahan dalam tiga tahap, total waktu seduh sekitar tiga menit.
            Biji kopi {origin} kami juga dijual dalam kemasan 200 gram seharga {price}.
        """,
        "hiring": """
            Kopi Teduh membuka lowongan barista dan kasir untuk cabang Jababeka.
                | Lowongan kerja: barista dan kasir untuk Kopi Teduh Jababeka.
            Syarat: domisili Cikarang, bisa kerja shift, dan suka belajar hal baru.
            Kirim CV ke email kami paling lambat {date}.
        """,
        "loyalty": """
            Kartu stempel baru sudah bisa diambil di kasir. | Kartu stempel edisi baru sudah ada!
            Kumpulkan {qty} stempel dan tukarkan dengan satu {product} gratis.
            Stempel lama masih berlaku sampai {date}, jangan lupa dipakai ya.
        """,
        "rain": """
            Hujan-hujan begini paling enak ditemani {product} hangat.
            Kami juga sediakan payung pinjaman buat yang kehujanan di jalan.
            Stay dry dan hati-hati di jalan, Sobat Teduh.
        """,
    },
    extra={
        "origin": entries("""
            Gayo
            Kintamani
            Toraja
            Java Preanger
            Flores Bajawa
        """),
        "taste": entries("""
            manis legit dengan aroma karamel
            segar dengan sedikit rasa asam buah
            creamy dan tidak terlalu manis
        """),
        "band": entries("""
            Senja Akustik
            Duo Rintik
            Kopi Band Cikarang
        """),
    },
)

ROTI = Shop.build(
    name="Dapur Roti Bu Ratna",
    lang="id",
    handle="@dapurrotiburatna",
    site="dapurrotiburatna.id",
    openings=entries("""
        Halo Kak! 🍞
        Selamat pagi, warga Bekasi!
        Haii pecinta roti!
        Kabar gembira dari dapur kami!
    """),
    signoffs=entries("""
        Dapur Roti Bu Ratna, Jl. Cut Meutia No. 88, Bekasi Timur. Buka setiap hari 06.00–20.00.
            Pemesanan kue ulang tahun dan hampers minimal H-2 via WhatsApp 0813-1122-0945.
            Selamat menikmati, Kak!
        Semua roti kami dipanggang tanpa pengawet setiap pagi. Pesan via WA 0813-1122-0945, bisa
            kirim ke Bekasi, Cikarang, dan Tambun. Terima kasih sudah jadi pelanggan setia!
    """),
    hashtags=words("""
        #DapurRotiBuRatna #RotiBekasi #KueBekasi #BakeryBekasi #RotiRumahan #TanpaPengawet
        #KulinerBekasi #JajananBekasi
    """),
    ctas=entries("""
        Pesan sekarang ya, Kak!
        Bisa pre-order lewat WA.
        Jangan sampai kehabisan!
        Yuk sarapan roti hangat!
    """),
    products="""
        roti sobek cokelat keju | 32000
        bolu pandan kukus | 45000
        lapis legit premium | 285000
        roti tawar gandum | 24000
        donat kentang isi 6 | 30000
        bika ambon | 90000
        nastar wisman | 135000
        pie susu teflon | 40000
    """,
    messages={
        "launch": """
            Menu baru dari dapur kami: {product}! | Kenalan dulu sama menu baru kami: {product}!
            Teksturnya {texture} dan manisnya pas, tidak bikin eneg.
            Dijual mulai {price} per kotak, ready setiap hari mulai pukul {time}.
            Cocok untuk bekal anak sekolah atau teman ngeteh sore.
        """,
        "preorder": """
            Pre-order {product} untuk Lebaran sudah dibuka!
            Harga {price} per toples, isi sekitar {qty} butir.
            PO ditutup tanggal {date} atau saat kuota terpenuhi.
            Pengiriman mulai H-7 Lebaran ke seluruh Bekasi dan Cikarang.
        """,
        "promo": """
            Promo {day} hemat: {product} diskon {disc}%!
            Dari {old_price} jadi {price}, khusus pembelian langsung di toko.
            Berlaku hari ini saja sampai roti habis.
        """,
        "custom": """
            Terima pesanan kue ulang tahun custom dengan tema apa saja.
                | Mau kue ulang tahun dengan tema sendiri? Bisa!
            Minggu lalu kami membuat kue tema {theme} untuk {customer}, dan hasilnya bikin
                senyum.
            Pesan minimal H-3, harga mulai {price} untuk diameter 20 cm.
        """,
        "behind": """
            Jam 03.00 pagi dapur kami sudah mulai menguleni adonan.
            {staff} memastikan setiap roti mengembang sempurna sebelum masuk oven.
            Makanya roti kami selalu hangat waktu toko dibuka.
        """,
        "closed": """
            Info: toko tutup hari {day}, {date}, karena karyawan kami ikut acara keluarga.
            Pesanan yang sudah masuk tetap diantar sesuai jadwal.
            Kami buka kembali keesokan harinya pukul {time}.
        """,
        "tips": """
            Tips menyimpan roti tawar supaya tidak cepat berjamur: simpan di wadah kedap udara.
            Kalau mau tahan seminggu, iris dulu lalu bekukan di freezer.
            Tinggal dipanggang sebentar, rasanya seperti baru keluar oven.
        """,
        "giveaway": """
            Giveaway! Kami bagikan {qty} kotak {product} untuk pemenang yang beruntung.
            Caranya: follow akun kami, like postingan ini, dan tag tiga temanmu.
            Pemenang diumumkan hari {day}, {date}, lewat story.
        """,
    },
    extra={
        "texture": entries("""
            lembut dan empuk
            renyah di luar, lembut di dalam
            padat tapi moist
        """),
        "theme": entries("""
            dinosaurus
            Frozen
            sepak bola
            unicorn
            mobil balap
        """),
    },
)

SAMBAL = Shop.build(
    name="Sambal Dapur Ibu",
    lang="id",
    handle="@sambaldapuribu",
    site="sambaldapuribu.com",
    openings=entries("""
        Assalamualaikum, Kak!
        Halo pecinta pedas! 🌶️
        Sobat Dapur Ibu, sudah makan?
        Halo semuanya!
    """),
    signoffs=entries("""
        Sambal Dapur Ibu dibuat dari cabai segar tanpa pengawet dan tanpa MSG. Tersedia di
            Tambun, Cibitung, dan Cikarang. Order via WA 0857-7712-3390 atau Shopee: Sambal
            Dapur Ibu Official.
        Dapur kami: Perumahan Griya Asri Blok C5 No. 12, Tambun Selatan. Kirim ke seluruh
            Indonesia pakai botol kaca dan bubble wrap tebal. WA 0857-7712-3390.
    """),
    hashtags=words("""
        #SambalDapurIbu #SambalRumahan #SambalBawang #KulinerTambun #UMKMBekasi #PedasNampol
        #SambalEnak #OlehOlehBekasi
    """),
    ctas=entries("""
        Langsung order ya, Kak!
        Yang suka pedas wajib coba.
        Stok hari ini terbatas!
        Cek keranjang kuning di Shopee.
    """),
    products="""
        sambal bawang original | 35000
        sambal roa Manado | 55000
        sambal cumi asin | 60000
        sambal teri kacang | 45000
        sambal matah botol | 40000
        nasi box ayam bakar | 28000
        paket sambal trio | 120000
    """,
    messages={
        "launch": """
            Varian baru: {product}! 🌶️ | Akhirnya rilis juga: {product}!
            Level pedasnya bisa pilih dari level 1 sampai level 5.
            Isi 150 gram, harga {price}, tahan sebulan di kulkas.
        """,
        "promo": """
            Promo gajian: beli {qty} botol {product} cuma {price}!
            Gratis ongkir untuk wilayah Tambun dan Cibitung.
            Berlaku sampai {date}.
        """,
        "catering": """
            Terima pesanan nasi box untuk arisan, pengajian, dan acara kantor.
                | Ada acara? Kami terima pesanan nasi box.
            Menu {product} lengkap dengan lalapan, tahu, tempe, dan sambal pilihan.
            Minimal {qty} box, pesan paling lambat H-2.
        """,
        "recipe": """
            Resep simpel malam ini: telur ceplok disiram {product}.
            Tambahkan irisan jeruk limau supaya lebih segar.
            Dijamin nambah nasi terus!
        """,
        "reseller": """
            Dibuka pendaftaran reseller {product} untuk wilayah {city}.
            Harga khusus reseller mulai pembelian {qty} botol.
            Daftar lewat WA dengan format: Nama – Kota – Reseller.
        """,
        "closed": """
            Pengiriman libur hari {day}, {date}.
            Pesanan yang masuk akan dikirim hari berikutnya mulai pukul {time}.
            Terima kasih sudah sabar menunggu, Kak.
        """,
        "testimonial": """
            Kiriman foto dari {customer} yang pesan {product} untuk oleh-oleh ke Makassar.
            Katanya botolnya aman sampai tujuan dan sambalnya habis dalam dua hari.
            Terima kasih sudah repeat order!
        """,
    },
    extra={
        "city": entries("""
            Karawang
            Bekasi Barat
            Cikarang Utara
            Jakarta Timur
            Bogor
        """)
    },
)

LAUNDRY = Shop.build(
    name="Laundry Wangi Express",
    lang="id",
    handle="@laundrywangi.cbt",
    site="laundrywangi.id",
    openings=entries("""
        Halo Kak!
        Cucian numpuk? Tenang!
        Selamat pagi, warga Cibitung!
        Hai Kak, musim hujan nih!
    """),
    signoffs=entries("""
        Laundry Wangi Express, Ruko Cibitung Square No. 15. Buka 07.00–21.00, antar jemput
            gratis radius 3 km. Hubungi WA 0821-4455-7788 untuk penjemputan. Bersih, wangi, rapi!
        Outlet kami: Ruko Cibitung Square No. 15 dan Jl. Raya Setu No. 2. Antar jemput gratis,
            pembayaran bisa QRIS. Chat WA 0821-4455-7788 ya, Kak!
    """),
    hashtags=words("""
        #LaundryWangi #LaundryCibitung #LaundryKiloan #AntarJemputGratis #LaundryBekasi
        #CucianBeres
    """),
    ctas=entries("""
        Chat kami sekarang!
        Jadwalkan penjemputan hari ini.
        Serahkan cucianmu ke kami.
        Tinggal duduk manis, cucian beres.
    """),
    products="""
        cuci setrika kiloan | 8000
        express 6 jam | 15000
        cuci bed cover | 35000
        dry clean jas | 45000
        cuci sepatu | 30000
        cuci karpet | 20000
    """,
    messages={
        "promo": """
            Promo {day}: {product} diskon {disc}%!
            Minimal 3 kg, berlaku sampai {date}.
            Tinggal sebut kode WANGI saat penjemputan.
        """,
        "service": """
            Layanan {product} sekarang tersedia di semua outlet.
            Harga mulai {price}, selesai dalam {hours} jam.
            Semua cucian dipisah per pelanggan, tidak dicampur.
        """,
        "tips": """
            Tips agar baju putih tidak kusam: pisahkan dari pakaian berwarna dan jangan direndam
                terlalu lama.
            Gunakan air dingin dan jemur di bawah sinar matahari pagi.
            Kalau malas ribet, serahkan saja ke kami.
        """,
        "hours": """
            Info: outlet Jl. Raya Setu tutup sementara hari {day}, {date}, untuk renovasi.
            Penjemputan tetap jalan dari outlet Cibitung Square.
            Mohon maaf atas ketidaknyamanannya.
        """,
        "member": """
            Sekarang ada kartu member Laundry Wangi! | Kartu member Laundry Wangi sudah bisa dibuat!
            Setiap {qty} kg cucian dapat gratis 1 kg.
            Daftar gratis di kasir, cukup tunjukkan nomor WA.
        """,
        "hiring": """
            Dicari karyawan laundry bagian setrika untuk outlet Cibitung.
                | Lowongan: tenaga setrika untuk outlet Cibitung.
            Jam kerja 08.00–17.00, gaji sesuai UMR ditambah bonus lembur.
            Kirim lamaran lewat WA paling lambat {date}.
        """,
    },
    extra={"hours": words("6 24 48 12")},
)

BAKE_EN = Shop.build(
    name="Little Loaf Bakery",
    lang="en",
    handle="@littleloaf.bekasi",
    site="littleloaf.co",
    openings=entries("""
        Good morning, Bekasi! 🥐
        Hello loaf lovers!
        Happy weekend, friends!
        Guess what just came out of the oven?
    """),
    signoffs=entries("""
        Little Loaf Bakery, Summarecon Bekasi, Ruko Emerald Blok UA No. 21. Open daily 7am–8pm.
            Pre-orders via WhatsApp +62 812-9001-2233. Baked fresh every morning, no
            preservatives.
        Find us at Ruko Emerald Blok UA No. 21, Summarecon Bekasi. We deliver to Bekasi and
            Cikarang every day except Monday. WhatsApp +62 812-9001-2233 to order. See you soon!
    """),
    hashtags=words("""
        #LittleLoafBakery #BekasiBakery #Sourdough #FreshBread #BekasiFood #SummareconBekasi
        #BakedWithLove #SupportLocal
    """),
    ctas=entries("""
        Order now!
        Pre-order through WhatsApp.
        Come early, they sell out fast!
        Tag someone who needs this today.
    """),
    products="""
        country sourdough loaf | 65000
        cinnamon rolls | 28000
        pandan chiffon cake | 85000
        almond croissant | 32000
        banana bread | 55000
        custom birthday cake | 350000
        cheese danish | 27000
        whole wheat sandwich bread | 38000
    """,
    messages={
        "launch": """
            New on the shelf: {product}! | Say hello to our newest bake: {product}!
            We tested this recipe for {weeks} weeks before we were happy with it.
            It is {texture}, and it goes perfectly with a cup of tea.
            Available from {day} at {price}.
        """,
        "promo": """
            {day} deal: {disc}% off all {product}!
            Was {old_price}, now {price} until {date}.
            Walk-in purchases only, while stocks last.
        """,
        "preorder": """
            Pre-orders for {product} are now open.
            Each one is {price}, and we can only bake {qty} per day.
            Orders close on {date}, so message us early.
        """,
        "behind": """
            Our sourdough starter is {years} years old and we feed it twice a day.
            Every loaf ferments for 18 hours before it goes into the oven.
            That slow rise is where the flavour comes from.
        """,
        "hours": """
            Heads up: we are closed on {day}, {date}, for a staff training day.
            Delivery orders will go out the next morning.
            Thank you for understanding!
        """,
        "workshop": """
            Join our bread-making class on {day}, {date}, at {time}.
            You will shape and bake your own loaf and take it home warm.
            The fee is {price} including all ingredients and an apron.
            Only {qty} seats available.
        """,
        "thanks": """
            Thank you to {customer} for ordering {qty} boxes of {product} for their office party!
            We love baking for celebrations big and small.
            Send us a photo next time, we would love to see it.
        """,
    },
    extra={
        "texture": entries("""
            crusty outside and soft inside
            light, fluffy and not too sweet
            rich, buttery and flaky
        """),
        "years": words("three four five"),
    },
)

COFFEE_EN = Shop.build(
    name="Harbor Bean Coffee",
    lang="en",
    handle="@harborbean.ckr",
    site="harborbean.coffee",
    openings=entries("""
        Morning, coffee people! ☕
        Hey Cikarang!
        Midweek pick-me-up time.
        Hello friends!
    """),
    signoffs=entries("""
        Harbor Bean Coffee, Jl. Cikarang Baru Raya No. 5, Lippo Cikarang. Open 7am–10pm every
            day, free Wi-Fi, plenty of plugs and a quiet upstairs room for meetings. See you there!
        Visit us in Lippo Cikarang (Jl. Cikarang Baru Raya No. 5) or order on GrabFood and
            GoFood. Bring your own cup and get Rp3.000 off every drink. Stay caffeinated!
    """),
    hashtags=words("""
        #HarborBean #CikarangCoffee #LippoCikarang #SpecialtyCoffee #CoffeeTime #WorkFromCafe
        #IndonesianCoffee #CoffeeLovers
    """),
    ctas=entries("""
        See you soon!
        Order on your favourite app.
        Drop by after work!
        Tell us your go-to order in the comments.
    """),
    products="""
        iced palm sugar latte | 30000
        flat white | 32000
        single origin pour-over | 38000
        cold brew tonic | 35000
        matcha cloud | 36000
        banana walnut muffin | 24000
        tuna melt toast | 42000
    """,
    messages={
        "launch": """
            New on the menu: {product}! | Just added to the menu: {product}!
            We use beans from {origin}, roasted in small batches every {day}.
            It tastes {taste}.
            Try it from today for {price}.
        """,
        "promo": """
            {day} special: buy one {product}, get the second for {price}!
            Valid until {date} for dine-in and takeaway.
            Show this post at the counter to claim it.
        """,
        "event": """
            Latte art throwdown this {day} at {time}! | Our latte art throwdown is on {day}!
            Baristas from {qty} cafes around Cikarang will compete for the trophy.
            Entry is free, and the first fifty guests get a free drink.
        """,
        "hours": """
            Schedule change: on {day}, {date}, we open at {time} because of a machine service.
            Delivery apps will be back online from noon.
            Sorry for the inconvenience!
        """,
        "hiring": """
            We are hiring a full-time barista for our Lippo Cikarang store.
            No experience needed, we will train you, but you must love people and coffee.
            Send your CV before {date}.
        """,
        "beans": """
            Our {origin} beans are now available in 250 g bags for {price}.
            Ask us to grind them for your brewer at home.
            Brewing tip: 1:16 ratio and water just off the boil.
        """,
    },
    extra={
        "origin": entries("""
            Gayo, Aceh
            Kintamani, Bali
            Toraja
            Flores
            West Java
        """),
        "taste": entries("""
            like caramel and roasted nuts
            bright, with a hint of citrus
            smooth, chocolatey and very easy to drink
        """),
    },
)

BATIK_EN = Shop.build(
    name="Sekar Batik Studio",
    lang="en",
    handle="@sekarbatik.studio",
    site="sekarbatik.studio",
    openings=entries("""
        Hello from our studio in Cikarang!
        Good afternoon, batik friends!
        Hi everyone! 👋
        New week, new batik!
    """),
    signoffs=entries("""
        Sekar Batik Studio is a small workshop in Lippo Cikarang where every piece is drawn and
            dyed by hand. Visit us Monday to Saturday, 9am–6pm, or order via WhatsApp
            +62 812-8830-4417.
        All our pieces are handmade by local artisans in Cikarang. We ship worldwide and offer
            free gift wrapping. Message us on WhatsApp +62 812-8830-4417 for orders and custom
            work.
    """),
    hashtags=words("""
        #SekarBatikStudio #Batik #HandmadeBatik #IndonesianTextile #Cikarang #SlowFashion
        #NaturalDye #WearBatik
    """),
    ctas=entries("""
        Send us a message to order.
        Shop the collection through the link in bio.
        Book your spot today!
        Drop by the studio anytime.
    """),
    products="""
        hand-drawn silk scarf | 350000
        indigo batik shirt | 485000
        batik tote bag | 125000
        naturally dyed table runner | 240000
        kids' batik shirt | 165000
        batik wrap skirt | 390000
    """,
    messages={
        "launch": """
            Just launched: our {product}! | Fresh from the dye bath: our {product}!
            Each one took {weeks} weeks from the first sketch to the final wash.
            The pattern is inspired by {inspiration}.
            Priced at {price}, with only {qty} pieces made.
        """,
        "workshop": """
            Batik workshop this {day}, {date}, from {time}.
            Learn to use a canting, apply wax and dye your own handkerchief.
            The fee is {price} per person, materials included.
            Suitable for beginners and kids over ten.
        """,
        "care": """
            How to care for hand-drawn batik: wash gently by hand with mild soap.
                | Batik care 101: hand wash only, with a mild soap.
            Dry it in the shade so the natural dyes keep their colour.
            Iron on the reverse side at a medium setting.
        """,
        "story": """
            Meet {staff}, who has been drawing batik for over twenty years.
            She learned from her mother and now teaches young artisans in our studio.
            Every line you see on our {product} comes from her steady hand.
        """,
        "sale": """
            End of season sale: {disc}% off our {product}!
            Was {old_price}, now {price}, until {date}.
            Limited sizes left, so come early.
        """,
        "custom": """
            We now take custom orders for company uniforms and wedding souvenirs.
            Last month we made {qty} shirts for {customer}.
            Tell us your idea and we will sketch a design for free.
        """,
    },
    extra={
        "inspiration": entries("""
            jasmine flowers
            the north coast waves
            teak leaves
            peacock feathers
        """)
    },
)

FLORIST = Shop.build(
    name="Toko Bunga Melati",
    lang="id",
    handle="@tokobungamelati",
    site="bungamelati.id",
    openings=entries("""
        Halo Kak! 💐
        Selamat siang, Sobat Melati!
        Mau kasih kejutan?
        Hai Kak, ada momen spesial?
    """),
    signoffs=entries("""
        Toko Bunga Melati melayani buket, papan bunga, dan dekorasi acara di Bekasi dan
            Cikarang. Toko: Jl. Ahmad Yani No. 40, Bekasi. Pesan via WA 0811-2020-3131, bisa
            kirim hari ini juga.
        Kirim bunga ke seluruh Bekasi dan Cikarang dalam 3 jam. Toko kami di Jl. Ahmad Yani
            No. 40 buka setiap hari pukul 08.00–20.00. WA 0811-2020-3131.
    """),
    hashtags=words("""
        #TokoBungaMelati #BuketBunga #FloristBekasi #PapanBunga #BungaSegar #KadoWisuda
        #FloristCikarang
    """),
    ctas=entries("""
        Pesan sekarang ya, Kak!
        Chat kami untuk konsultasi gratis.
        Bisa same day delivery!
        Yuk, kasih kejutan!
    """),
    products="""
        buket mawar merah | 250000
        buket wisuda | 175000
        papan bunga ucapan | 650000
        bunga meja kantor | 300000
        buket snack | 150000
        standing flower | 850000
    """,
    messages={
        "promo": """
            Promo wisuda: {product} mulai {price}! | Musim wisuda, {product} cuma {price}!
            Bisa tambah boneka dan kartu ucapan tanpa biaya tambahan.
            Berlaku sampai {date}.
        """,
        "valentine": """
            Pre-order {product} untuk Hari Valentine sudah dibuka.
            Kuota hanya {qty} buket per hari supaya bunganya tetap segar.
            Pesan paling lambat {date}.
        """,
        "condolence": """
            Kami juga melayani papan bunga duka cita ke rumah duka di Bekasi dan Cikarang.
            Pesanan sebelum pukul {time} bisa dikirim di hari yang sama.
            Semoga keluarga yang ditinggalkan diberi ketabahan.
        """,
        "tips": """
            Tips supaya buket tahan lama: potong batang miring dan ganti air setiap hari.
                | Biar buket awet: potong batangnya miring, ganti airnya tiap hari.
            Jauhkan dari sinar matahari langsung dan buah yang matang.
            Dengan cara ini, mawar bisa segar sampai seminggu.
        """,
        "decor": """
            Dekorasi lamaran untuk {customer} minggu lalu, serba putih dan hijau.
            Kami pakai {qty} tangkai mawar putih dan daun eucalyptus.
            Konsultasi dekorasi gratis, langsung chat kami.
        """,
    },
)

GYM_EN = Shop.build(
    name="FitHouse Cikarang",
    lang="en",
    handle="@fithouse.cikarang",
    site="fithouse.id",
    openings=entries("""
        Rise and grind, FitHouse fam! 💪
        Hey team!
        Monday motivation!
        Ready to sweat?
    """),
    signoffs=entries("""
        FitHouse Cikarang, Jababeka Business Park Block F3. Open 5am–11pm, seven days a week.
            Free trial for first-timers, just bring a towel and your ID. Questions? DM us or
            WhatsApp +62 821-7000-1122.
        Find us at Jababeka Business Park Block F3 with free parking and showers. Membership
            from Rp299.000 per month. WhatsApp +62 821-7000-1122 to book a free trial.
    """),
    hashtags=words("""
        #FitHouseCikarang #CikarangFitness #GymLife #Jababeka #FitnessIndonesia #NoExcuses
        #HealthyHabits
    """),
    ctas=entries("""
        Book your spot now!
        DM us to join.
        Bring a friend!
        See you on the mat.
    """),
    products="""
        HIIT class | 75000
        yoga flow class | 80000
        personal training pack | 1500000
        monthly membership | 299000
        spin class | 70000
        boxing basics | 90000
    """,
    messages={
        "class": """
            New class alert: {product} every {day} at {time}!
            Coach {staff} will take you through {minutes} minutes of {focus}.
            Drop-in price is {price}, free for members.
        """,
        "promo": """
            {day} promo: {disc}% off the {product}!
            Sign up before {date} to lock in the price.
            Valid for new members only.
        """,
        "hours": """
            Holiday hours: on {day}, {date}, we will open from {time} to 6pm.
            All classes that day are cancelled except morning yoga.
            Enjoy the long weekend!
        """,
        "challenge": """
            The 30-day plank challenge starts this {day}! | Plank challenge, 30 days, from {day}!
            Log your plank time at the front desk every day.
            The top {qty} finishers win a month of free membership.
        """,
        "tips": """
            Quick tip: drink at least two litres of water on training days.
            Eat some protein within an hour after your workout.
            And please, do not skip your warm-up.
        """,
        "story": """
            Meet {customer}, who lost twelve kilos in six months with our {product}.
            They trained three times a week and never missed a session.
            So proud of you!
        """,
    },
    extra={
        "minutes": words("30 45 60"),
        "focus": entries("""
            strength and cardio
            mobility and balance
            core and conditioning
        """),
    },
)

SHOPS = [BATIK, KOPI, ROTI, SAMBAL, LAUNDRY, BAKE_EN, COFFEE_EN, BATIK_EN, FLORIST, GYM_EN]

# Informal spellings and abbreviations people switch between from one platform to the next.
SWAPS_ID = dict(
    entry.split(" -> ")
    for entry in entries("""
        yang -> yg
        untuk -> utk
        dengan -> dgn
        sudah -> udah
        tidak -> gak
        sekarang -> skrg
        saja -> aja
        banget -> bgt
        terima kasih -> makasih
        pesan -> order
        harga -> harganya
        mulai -> mulai dari
        gratis -> free
        hari ini -> hari ini juga
        kami -> kita
        bisa -> bs
    """)
)
SWAPS_EN = dict(
    entry.split(" -> ")
    for entry in entries("""
        you -> u
        your -> ur
        and -> &
        until -> till
        tomorrow -> tmrw
        please -> pls
        because -> bc
        today -> this morning
        new -> brand new
        every -> each
        free -> complimentary
        message -> DM
        with -> w/
    """)
)
ADDITIONS_ID = entries("""
    Link di bio ya!
    Cek story kami!
    Yuk buruan!
    Info lengkap di bio.
    Share ke temanmu ya!
    Jangan lupa follow kami.
    Swipe untuk lihat foto lainnya.
""")
ADDITIONS_EN = entries("""
    Link in bio!
    Check our stories!
    Swipe for more photos.
    Don't miss it!
    Share with a friend!
    Follow us for more.
""")


class Writer:
    """Fills templates and assembles posts from one seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def slots(self, shop: Shop) -> dict[str, str]:
        rng = self.rng
        product, price = rng.choice(shop.products)
        disc = rng.choice([10, 15, 20, 25, 30, 40, 50])
        english = shop.lang == "en"
        month = rng.choice(MONTHS_EN if english else MONTHS_ID)
        date = f"{month} {rng.randint(1, 28)}" if english else f"{rng.randint(1, 28)} {month}"
        values = {
            "product": product,
            "price": rupiah(price * (100 - disc) // 100, rng),
            "old_price": rupiah(price, rng),
            "disc": str(disc),
            "day": rng.choice(DAYS_EN if english else DAYS_ID),
            "date": date,
            "time": rng.choice(TIMES_EN if english else TIMES_ID),
            "qty": str(rng.choice([3, 5, 8, 10, 12, 15, 20, 25, 30, 50])),
            "weeks": str(rng.randint(2, 8)),
            "staff": rng.choice(NAMES),
            "customer": rng.choice(CUSTOMERS_EN if english else CUSTOMERS_ID),
        }
        for key, options in shop.extra.items():
            values[key] = rng.choice(options)
        return values

    def wording(self, template: str) -> str:
        """One of a template's alternative wordings."""
        return self.rng.choice(template.split(" | "))

    def message(self, shop: Shop, kind: str) -> list[str]:
        """Sentences of one message; drops some optional ones so messages vary in length."""
        rng = self.rng
        values = self.slots(shop)
        templates = shop.messages[kind]
        keep = [templates[0]] + [t for t in templates[1:] if rng.random() < 0.75]
        return [self.wording(t).format(**values) for t in keep]

    def post(
        self,
        shop: Shop,
        message: list[str],
        *,
        opening: str | None,
        signoff: str | None,
        hashtags: list[str] | None,
        cta: str | None,
        layout: str,
    ) -> list[str]:
        """The post as a list of blocks; ``render`` joins them."""
        rng = self.rng
        body = [s + (" " + rng.choice(EMOJI) if rng.random() < 0.25 else "") for s in message]
        blocks: list[str] = []
        if opening:
            blocks.append(opening)
        if layout == "lines":
            blocks.extend(body)
        else:
            blocks.append(" ".join(body))
        if cta:
            blocks.append(cta)
        if signoff:
            blocks.append(signoff)
        if hashtags:
            blocks.append(" ".join(hashtags))
        return blocks

    def boilerplate(self, shop: Shop, size: str) -> dict[str, object]:
        """Greeting, sign-off, CTA and hashtags of one post, scaled to a target length."""
        rng = self.rng
        if size == "short":
            return {
                "opening": None,
                "signoff": None,
                "hashtags": rng.sample(shop.hashtags, 2) if rng.random() < 0.5 else None,
                "cta": None,
                "layout": "paragraph",
            }
        return {
            "opening": rng.choice(shop.openings) if rng.random() < 0.8 else None,
            "signoff": rng.choice(shop.signoffs) if size == "long" else None,
            "hashtags": rng.sample(shop.hashtags, rng.randint(3, len(shop.hashtags)))
            if rng.random() < 0.8
            else None,
            "cta": rng.choice(shop.ctas) if rng.random() < 0.6 else None,
            "layout": rng.choice(["lines", "paragraph"]),
        }


def rupiah(amount: int, rng: random.Random) -> str:
    """A price the way Indonesian posts write it: Rp35.000, Rp 35.000 or 35K."""
    thousands = amount // 1000
    style = rng.randrange(3)
    if style == 0:
        return f"Rp{thousands * 1000:,}".replace(",", ".")
    if style == 1:
        return f"Rp {thousands * 1000:,}".replace(",", ".")
    if thousands < 1000:
        return f"{thousands}K"
    return f"Rp{thousands // 1000},{thousands % 1000 // 100} jt"


def render(blocks: list[str]) -> str:
    return "\n".join(blocks)


def short_post(writer: Writer, shop: Shop, kind: str) -> list[str]:
    """One or two sentences: the X/Threads version of a message."""
    message = writer.message(shop, kind)
    return message[: writer.rng.choice([1, 1, 2])]


# --- edits that keep the copy the same ---------------------------------------------------------


def typo(text: str, rng: random.Random) -> str:
    """Swap, drop, double or mistype one letter of a word of four letters or more."""
    match = rng.choice(list(re.finditer(r"[A-Za-z]{4,}", text)))
    word = match.group()
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif kind == 1:
        new = word[:i] + word[i + 1 :]
    elif kind == 2:
        new = word[:i] + word[i] + word[i:]
    else:
        new = word[:i] + rng.choice("qwertyuiopasdfghjklzxcvbnm") + word[i + 1 :]
    return text[: match.start()] + new + text[match.end() :]


def swap_words(text: str, rng: random.Random, lang: str) -> str:
    """Abbreviate a word, or spell an abbreviation out, once or several times."""
    table = SWAPS_ID if lang == "id" else SWAPS_EN
    options = [(k, v) for k, v in table.items() if re.search(rf"\b{re.escape(k)}\b", text)]
    options += [(v, k) for k, v in table.items() if re.search(rf"\b{re.escape(v)}\b", text)]
    if not options:
        return typo(text, rng)
    old, new = rng.choice(options)
    return re.sub(rf"\b{re.escape(old)}\b", new, text, count=rng.choice([1, 2, 5]))


def edit_blocks(blocks: list[str], kind: str, shop: Shop, rng: random.Random) -> list[str]:
    """Apply one structural edit of `kind` to a post's blocks."""
    blocks = list(blocks)
    hashtag_at = next((i for i, b in enumerate(blocks) if b.startswith("#")), None)
    body_at = [i for i, b in enumerate(blocks) if not b.startswith("#")]
    end = hashtag_at if hashtag_at is not None else len(blocks)
    additions = ADDITIONS_ID if shop.lang == "id" else ADDITIONS_EN
    if kind == "hashtags":
        new = " ".join(rng.sample(shop.hashtags, rng.randint(2, len(shop.hashtags))))
        if hashtag_at is None:
            blocks.append(new)
        elif rng.random() < 0.5:
            del blocks[hashtag_at]
        else:
            blocks[hashtag_at] = new
    elif kind == "emoji":
        i = rng.choice(body_at)
        if rng.random() < 0.5:
            blocks[i] = rng.choice(EMOJI) + " " + blocks[i]
        else:
            blocks[i] = re.sub(r"[^\w\s.,:;!?()&/'’\"#@%+–-]+", "", blocks[i]).strip() or blocks[i]
            blocks[i] += " " + "".join(rng.sample(EMOJI, rng.randint(1, 3)))
    elif kind == "url":
        url = rng.choice(
            [
                f"https://{shop.site}",
                f"https://{shop.site}/promo",
                shop.site,
                f"https://bit.ly/{shop.handle[1:6]}{rng.randint(10, 99)}",
                f"https://wa.me/62812{rng.randint(1000000, 9999999)}",
            ]
        )
        i = rng.choice(body_at)
        blocks[i] = blocks[i] + (" " if rng.random() < 0.5 else "\n") + url
    elif kind == "mention":
        mention = rng.choice([*PARTNERS, shop.handle])
        i = rng.choice(body_at)
        blocks[i] += f" {mention}" if rng.random() < 0.5 else f" (📸: {mention})"
    elif kind == "cta":
        # Instagram says "link in bio"; Facebook and WhatsApp get another call to action.
        ctas = [i for i in body_at if blocks[i] in shop.ctas]
        if ctas:
            blocks[ctas[0]] = rng.choice(additions)
        else:
            blocks.insert(end, rng.choice(additions))
    elif kind == "addition":
        blocks.insert(end, rng.choice(additions))
    elif kind == "reorder":
        if len(body_at) >= 2:
            i, j = rng.sample(body_at, 2)
            blocks[i], blocks[j] = blocks[j], blocks[i]
        else:
            sentences = re.split(r"(?<=[.!?]) ", blocks[body_at[0]])
            rng.shuffle(sentences)
            blocks[body_at[0]] = " ".join(sentences)
    elif kind == "case":
        i = rng.choice(body_at)
        if rng.random() < 0.3:
            blocks[i] = blocks[i].upper()
        else:
            shout = r"\b(promo|diskon|baru|new|sale|gratis|free)\b"
            blocks[i] = re.sub(shout, lambda m: m.group().upper(), blocks[i], flags=re.IGNORECASE)
    elif kind == "layout":
        joiner = " " if len(blocks) > 1 and rng.random() < 0.5 else "\n\n"
        blocks = [joiner.join(blocks)]
    return blocks


POSITIVE_KINDS = words("""
    hashtags emoji url mention typo swap reorder addition case layout mixed platform cta
""")


def positive(writer: Writer, shop: Shop, index: int) -> dict[str, object]:
    """The same copy twice, the second edited the way it is when posted elsewhere."""
    rng = writer.rng
    kind = POSITIVE_KINDS[index % len(POSITIVE_KINDS)]
    size = rng.choice(["short", "medium", "medium", "long", "long"])
    message_kind = rng.choice(list(shop.messages))
    if size == "short":
        message = short_post(writer, shop, message_kind)
    else:
        message = writer.message(shop, message_kind)
    base = writer.post(shop, message, **writer.boilerplate(shop, size))  # type: ignore[arg-type]
    text = render(base)
    if kind == "typo":
        other = text
        for _ in range(rng.randint(1, 3)):
            other = typo(other, rng)
    elif kind == "swap":
        other = swap_words(text, rng, shop.lang)
    elif kind == "mixed":
        blocks = base
        for edit in rng.sample(["hashtags", "emoji", "url", "mention", "addition", "case"], 2):
            blocks = edit_blocks(blocks, edit, shop, rng)
        other = render(blocks)
        other = typo(other, rng) if rng.random() < 0.5 else swap_words(other, rng, shop.lang)
    elif kind == "platform":
        # What people change when they move a post from Instagram to Facebook or X.
        other = text
        for old, new in [
            ("link di bio", "link berikut"),
            ("Link di bio", "Link berikut"),
            ("link in bio", "link below"),
        ]:
            other = other.replace(old, new)
        blocks = [b for b in other.split("\n") if not b.startswith("#")]
        other = render(blocks) + f"\n👉 https://{shop.site}"
    else:
        other = render(edit_blocks(base, kind, shop, rng))
    if other == text:
        other = typo(text, rng)
    if rng.random() < 0.5:
        text, other = other, text
    return {"a": text, "b": other, "label": 1, "lang": shop.lang, "kind": kind}


NEGATIVE_KINDS = words("""
    shared-boilerplate shared-signoff shared-opening shared-hashtags same-template
    short-message short-shared-prefix
""")


def negative(writer: Writer, shop: Shop, index: int) -> dict[str, object]:
    """Two posts of one shop that say different things inside the same boilerplate."""
    rng = writer.rng
    kind = NEGATIVE_KINDS[index % len(NEGATIVE_KINDS)]
    kinds = list(shop.messages)
    first_kind = rng.choice(kinds)
    second_kind = rng.choice([k for k in kinds if k != first_kind])
    if kind == "short-shared-prefix":
        prefix = rng.choice([f"{shop.name}:", f"{shop.name} update:", "Info:", "PSA:"])
        a = f"{prefix} {short_post(writer, shop, first_kind)[0]}"
        b = f"{prefix} {short_post(writer, shop, second_kind)[0]}"
        return {"a": a, "b": b, "label": 0, "lang": shop.lang, "kind": kind}
    if kind == "same-template":
        # A series: the same opening template with another product, price, day and date,
        # followed by a different message.
        first, second = writer.slots(shop), writer.slots(shop)
        while second["product"] == first["product"] or second["day"] == first["day"]:
            second = writer.slots(shop)
        opener = writer.wording(shop.messages[first_kind][0])
        message_a = [opener.format(**first), *writer.message(shop, first_kind)[1:]]
        message_b = [opener.format(**second), *writer.message(shop, second_kind)]
    elif kind == "short-message":
        # The hardest case: one-sentence messages inside a long shared greeting and sign-off.
        message_a = writer.message(shop, first_kind)[:1]
        message_b = writer.message(shop, second_kind)[:1]
    else:
        message_a = writer.message(shop, first_kind)
        message_b = writer.message(shop, second_kind)
    size = "long" if kind == "short-message" else rng.choice(["medium", "long", "long"])
    shared = writer.boilerplate(shop, size)
    if kind == "shared-signoff":
        shared["signoff"] = shared["signoff"] or rng.choice(shop.signoffs)
        shared["opening"] = None
    elif kind == "shared-opening":
        shared["opening"] = shared["opening"] or rng.choice(shop.openings)
    elif kind == "shared-hashtags":
        shared["hashtags"] = rng.sample(shop.hashtags, len(shop.hashtags))
    else:
        shared["opening"] = shared["opening"] or rng.choice(shop.openings)
        shared["signoff"] = shared["signoff"] or rng.choice(shop.signoffs)
        shared["hashtags"] = shared["hashtags"] or rng.sample(shop.hashtags, 5)
    a = render(writer.post(shop, message_a, **shared))  # type: ignore[arg-type]
    b = render(writer.post(shop, message_b, **shared))  # type: ignore[arg-type]
    return {"a": a, "b": b, "label": 0, "lang": shop.lang, "kind": kind}


def build() -> list[dict[str, object]]:
    """All rows: positives first, then negatives, cycling through the shops."""
    writer = Writer(random.Random(SEED))
    rows: list[dict[str, object]] = []
    makers: list[tuple[Callable[[Writer, Shop, int], dict[str, object]], int]] = [
        (positive, POSITIVES),
        (negative, NEGATIVES),
    ]
    seen: set[tuple[str, str]] = set()
    for maker, count in makers:
        made = 0
        while made < count:
            row = maker(writer, SHOPS[made % len(SHOPS)], made)
            pair = (str(row["a"]), str(row["b"]))
            if pair in seen or pair[0] == pair[1] or max(map(len, pair)) > MAX_LENGTH:
                continue
            seen.add(pair)
            rows.append(row)
            made += 1
    return rows


def render_jsonl(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)


def main() -> None:
    OUT.write_text(render_jsonl(build()), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
