"""Scale benchmark for :func:`contentcal.checking.similarity.find_duplicates`.

Generates N posts of about 330 characters for N/250 shops of skewed size (every shop's posts
share its greeting, a two-sentence sign-off and a hashtag block), copies about 4 % of them to
one or two other platforms with one to three light edits, runs the exact and near-duplicate
search, and reports wall time, CPU time, peak memory and precision/recall against the known
copies (exact copies count as found when they are in one exact group).

    .venv/bin/python benchmarks/similarity_bench.py            # 100,000 posts
    .venv/bin/python benchmarks/similarity_bench.py -n 20000

The data is generated from a fixed seed, so every run sees the same posts.
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import time

from contentcal.checking.similarity import DEFAULT_THRESHOLD, Doc, find_duplicates


def words(block: str) -> list[str]:
    return block.split()


PLATFORMS = ["instagram", "facebook", "x", "threads", "tiktok", "linkedin", "whatsapp"]

COMMON_WORDS = words("""
    yang dan di ke dari untuk dengan ini itu ada kami kita kamu kak sobat semua hari ini besok
    pagi siang sore malam minggu bulan baru promo diskon harga murah spesial gratis ongkir
    order pesan beli coba rasa enak manis gurih hangat dingin segar kopi susu teh roti kue
    batik kain motif tulis cap warna biru merah hijau cokelat keju pandan aren gula pisang
    coklat bolu donat sambal ayam nasi goreng bakar pedas level toko outlet cabang buka tutup
    jam setiap libur tanggal sampai mulai stok terbatas habis ready pre pengiriman kirim antar
    jemput daerah cikarang bekasi jababeka lippo tambun cibitung karawang jakarta bandung kota
    kabupaten jalan raya nomor blok dekat stasiun pasar sekolah kantor rumah keluarga teman
    anak ibu bapak kakak adik acara arisan ulang tahun lebaran natal imlek kemerdekaan agustus
    ramadan puasa buka workshop kelas belajar membatik canting malam pewarna alami desain
    koleksi edisi terbaru ukuran bahan katun sutra rayon kemeja dress outer selendang hampers
    paket bundling hemat the and for with our your you we new fresh today tomorrow morning week
    weekend special offer free delivery order now shop store open close hours every only
    limited stock available taste sweet coffee milk bread cake pastry croissant latte espresso
    batch handmade local family friends thank thanks love best favorite try visit come see join
    class event booking online
""")

SYLLABLES = words("""
    ba be bi bo bu ca ci co da de di do du ga gi go ha hi ja ka ke ki ko ku la le li lo lu ma
    me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu wa
    wi ya yo an ang ar as at ek em en er in ir ong or ul un ur
""")

EMOJI = ["☕", "🥐", "🍰", "🎉", "🔥", "✨", "🙏", "😍", "👉", "📍", "🛵", "💛", "🌿", "👗", "🧵"]
ADDITIONS = [
    "Link in bio!",
    "Cek story kami ya!",
    "DM untuk order.",
    "Klik link di bio.",
    "Swipe untuk lihat detail.",
    "Tag temanmu!",
    "See you there!",
    "Order via WhatsApp.",
]


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """A long tail of made-up words: names, places, product and dish names."""
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


class Generator:
    """Posts, shops and edits, all drawn from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        tail = pseudo_words(self.rng, 30_000)
        self.vocabulary = COMMON_WORDS + tail
        # Zipf-like weights: common words dominate, the tail is long.
        weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.vocabulary))]
        self.cumulative = list(itertools.accumulate(weights))

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def sentence(self) -> str:
        words = self.words(self.rng.randint(5, 13))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), str(self.rng.randint(2, 250) * 1000))
        text = " ".join(words)
        return text[0].upper() + text[1:] + self.rng.choice([".", ".", "!", "?"])

    def shop(self) -> dict[str, str]:
        name = " ".join(self.words(2)).title()
        handle = "@" + name.replace(" ", "").lower()
        return {
            "greeting": f"Halo sobat {name.split()[0]}! {self.rng.choice(EMOJI)}",
            "signoff": " ".join(self.sentence() for _ in range(2)) + f" {handle}",
            "hashtags": " ".join("#" + "".join(self.words(1)).title() for _ in range(6)),
        }

    def post(self, shop: dict[str, str]) -> str:
        body: list[str] = []
        while sum(map(len, body)) < 80:
            sentence = self.sentence()
            if self.rng.random() < 0.4:
                sentence += " " + self.rng.choice(EMOJI)
            body.append(sentence)
        parts = [shop["greeting"], " ".join(body), shop["signoff"], shop["hashtags"]]
        if self.rng.random() < 0.3:
            parts.insert(
                3, f"https://{shop['hashtags'][1:9].lower()}.id/p/{self.rng.randint(1, 9999)}"
            )
        return "\n".join(parts)

    def edit(self, text: str) -> str:
        """One light cross-posting edit."""
        rng = self.rng
        kind = rng.randrange(8)
        if kind == 0:  # typo
            i = rng.randrange(1, len(text) - 1)
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if kind == 1:  # dropped letter
            i = rng.randrange(len(text))
            return text[:i] + text[i + 1 :]
        if kind == 2:  # swapped neighbouring words
            words = text.split(" ")
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
            return " ".join(words)
        if kind == 3:  # an addition
            return text + "\n" + rng.choice(ADDITIONS)
        if kind == 4:  # hashtags dropped (shorter platforms)
            return "\n".join(line for line in text.split("\n") if not line.startswith("#"))
        if kind == 5:  # emoji added
            i = rng.randrange(len(text))
            return text[:i] + rng.choice(EMOJI) + text[i:]
        if kind == 6:  # a word replaced
            words = text.split(" ")
            words[rng.randrange(len(words))] = self.words(1)[0]
            return " ".join(words)
        lines = text.split("\n")  # two lines swapped
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
        return "\n".join(lines)


def generate(count: int, seed: int = 2024) -> tuple[list[Doc], set[tuple[str, str]]]:
    """`count` docs and the set of (a, b) key pairs (a < b) that are copies of each other."""
    gen = Generator(seed)
    rng = gen.rng
    # Shop sizes are skewed: a few big shops post a lot, many small shops post a little.
    shops = [gen.shop() for _ in range(max(1, count // 250))]
    shop_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(shops))]
    docs: list[Doc] = []
    truth: set[tuple[str, str]] = set()
    while len(docs) < count:
        shop = rng.choices(shops, weights=shop_weights)[0]
        text = gen.post(shop)
        platforms = rng.sample(PLATFORMS, 3)
        cluster = [Doc(f"p{len(docs):06d}", platforms[0], text)]
        if rng.random() < 0.04:
            for platform in platforms[1 : rng.choice([2, 2, 2, 3])]:
                copy = text
                for _ in range(rng.randint(1, 3)):
                    copy = gen.edit(copy)
                cluster.append(Doc(f"p{len(docs) + len(cluster):06d}", platform, copy))
        docs.extend(cluster)
        truth.update(
            (min(a.key, b.key), max(a.key, b.key)) for a, b in itertools.combinations(cluster, 2)
        )
    return docs[:count], {(a, b) for a, b in truth if int(b[1:]) < count}


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    docs, truth = generate(args.count)
    by_key = {doc.key: doc for doc in docs}
    print(
        f"{len(docs)} posts, mean {sum(len(d.text) for d in docs) / len(docs):.0f} chars, "
        f"{len(truth)} copied pairs"
    )
    rss_before = current_rss_mib()
    wall, cpu = time.perf_counter(), time.process_time()
    found_all = find_duplicates(docs, threshold=args.threshold, workers=args.workers)
    groups, matches = found_all.exact, found_all.near
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    found = {(m.a, m.b) for m in matches}
    for group in groups:
        found.update(
            (a, b)
            for a, b in itertools.combinations(group, 2)
            if by_key[a].group != by_key[b].group
        )
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    print(f"threshold {args.threshold}: {len(groups)} exact groups, {len(matches)} near pairs")
    print(
        f"workers {args.workers}: wall {wall:.2f} s, cpu {cpu:.2f} s (this process), "
        f"precision {precision:.4f}, recall {recall:.4f}"
    )
    print(f"memory: {rss_before:.0f} MiB before the search, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
