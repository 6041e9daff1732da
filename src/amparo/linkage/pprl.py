"""Privacy-preserving record linkage with partner countries: hardened Bloom-filter encodings (CLKs).

What is done here, and why not with clkhash:
- clkhash 0.18.3 (the last release) pins ``cryptography<41``; Amparo runs cryptography 50 (security fixes),
  so clkhash cannot be installed beside it. Its scheme is small and well documented (Schnell et al.'s
  cryptographic long-term keys, as in clkhash's "v2" schema), so it is implemented below, with the
  hardening choices made explicit. anonlink (0.15.3) installs and works: it computes the Dice
  similarities of candidate pairs and solves the one-to-one assignment.
- Keyed hashing: every token (name bigram, phonetic code, birth year, document...) is hashed with
  HMAC-SHA256 under a key derived (HKDF) from the secret shared only by the linking agencies and the
  field's name; its bit positions come from the digest ("random hashing"), not from double hashing, whose
  structure is what the Kroll-Steinmetzer attack exploits.
- XOR folding: a 2048-bit filter is folded to 1024 bits (left half XOR right half). Folding destroys the
  one-to-one relation between set bits and tokens that pattern-mining and frequency attacks rely on, at a
  small cost in precision (Schnell, Borgs and Encheva 2016).
- Blocking uses no extra key: locality-sensitive hashing (keyed bit sampling) on the filters themselves,
  computed by the receiving side, so the file carries nothing but the filters.
- The file is authenticated: a key-check value proves both sides hold the same secret, and an HMAC over
  the whole content detects truncation or tampering. Nothing is imported unless everything checks out.

The threat model and residual risks are in docs/linkage.md.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from amparo.core.normalize import normalize_document

from .records import UNKNOWN_GENDER, LinkRecord, birth_years, given_variants, name_parts, phonetic

FORMAT = "amparo-pprl"
SCHEMA = "amparo-clk"
SCHEMA_VERSION = 1
FILTER_BITS = 2048  # before folding
FOLDED_BITS = FILTER_BITS // 2
FOLDED_BYTES = FOLDED_BITS // 8
MIN_SECRET_BYTES = 32
# Dice similarity from which a pair becomes a candidate link. The best value depends on the fields the two
# registers fill and on how many namesakes they hold (docs/benchmarks.md §8, partner linkage): 0.78 is the
# best at 100,000 records per side of the synthetic set; a small register or a file with fewer fields does
# better lower (FEBRL 4: 0.909 at 0.5), which ``linkage_import --threshold`` allows. Under MIN_THRESHOLD most
# candidate links of a large register would be namesakes.
MATCH_THRESHOLD = 0.78
MIN_THRESHOLD = 0.5
# Optionally (``linkage_import --lead``), under the threshold down to MIN_THRESHOLD, a link is still a
# candidate when it is unambiguous: its Dice leads every other candidate of either record by at least the
# lead. Only for registers that share most persons (a partner's list of persons it repatriated to us): a copy
# with many errors then has no close rival. Where few persons are shared, a stranger's best candidate is as
# often unambiguous, and the rule adds false links (benchmarks.md §8: 10,000 per side, 5 % shared, F1 0.869
# -> 0.372 at a lead of 0.05; FEBRL 4, every person shared, 0.831 -> 0.890). So it is off by default.
SUGGESTED_LEAD = 0.05
# Hash functions per token, per field: strong identifiers set more bits.
FIELD_K = {
    "given": 8,
    "given_ph": 6,
    "surname": 8,
    "surname_ph": 6,
    "birth_year": 4,
    "dob": 6,
    "sex": 2,
    "nationality": 3,
    "document": 12,
}


class PartnerFileError(Exception):
    """A partner file that cannot be accepted; the message says why (translated, no data in it)."""


def _hkdf(secret: bytes, info: str, length: int = 32) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"amparo-pprl-v1", info=info.encode()).derive(secret)


def _bigrams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def tokens(record: LinkRecord) -> dict[str, list[str]]:
    """The tokens of each field (normalized exactly as for duplicate detection)."""
    given = name_parts(record["given_names"])
    surnames = name_parts(record["surnames"])
    lo, hi = birth_years(record)
    years = [str(y) for y in range(lo, hi + 1)] if lo is not None and hi is not None and hi - lo <= 10 else []
    gender = record["gender"] if record["gender"] != UNKNOWN_GENDER else ""
    return {
        "given": [b for w in given for b in _bigrams(w)],
        "given_ph": [phonetic(v) for v in given_variants(given[0])] if given else [],
        "surname": [b for w in surnames for b in _bigrams(w)],
        "surname_ph": sorted({phonetic(w) for w in surnames}),
        "birth_year": years,
        "dob": [record["date_of_birth"]] if record["date_of_birth"] else [],
        "sex": [gender] if gender else [],
        "nationality": [record["nationality"]] if record["nationality"] else [],
        "document": sorted({d for d in (normalize_document(n) for n in record["documents"]) if d}),
    }


class Encoder:
    """CLK encoder under one shared secret. Token filters are cached (names repeat), so encoding is
    a few big-integer ORs per record."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise PartnerFileError(_("The shared secret must be at least 32 bytes long."))
        self.field_keys = {name: _hkdf(secret, f"field:{name}") for name in FIELD_K}
        self.mac_key = _hkdf(secret, "file-mac")
        self.key_check = hmac.new(_hkdf(secret, "key-check"), b"amparo-pprl-key-check", hashlib.sha256).hexdigest()
        self.lsh_seed = _hkdf(secret, "lsh-bit-sampling")
        self._cache: dict[tuple[str, str], int] = {}

    def _token_filter(self, field: str, token: str) -> int:
        key = (field, token)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        digest = hmac.digest(self.field_keys[field], token.encode(), "sha256")
        value = 0
        for i in range(FIELD_K[field]):  # 11 bits per position, from 2 bytes of the digest each
            value |= 1 << (int.from_bytes(digest[2 * i : 2 * i + 2], "big") % FILTER_BITS)
        if field != "document" and len(self._cache) < 500_000:
            self._cache[key] = value
        return value

    def _word_filter(self, field: str, word: str) -> int:
        """All bigrams of a name word (cached: the same words recur across records)."""
        key = (f"{field}:word", word)
        cached = self._cache.get(key)
        if cached is None:
            cached = 0
            for bigram in _bigrams(word):
                cached |= self._token_filter(field, bigram)
            self._cache[key] = cached
        return cached

    def _given_filter(self, text: str) -> int:
        key = ("given:text", text)
        cached = self._cache.get(key)
        if cached is None:
            cached = 0
            given = name_parts(text)
            for word in given:
                cached |= self._word_filter("given", word)
            for variant in given_variants(given[0]) if given else ():
                cached |= self._token_filter("given_ph", phonetic(variant))
            self._cache[key] = cached
        return cached

    def _surnames_filter(self, text: str) -> int:
        key = ("surname:text", text)
        cached = self._cache.get(key)
        if cached is None:
            cached = 0
            for word in name_parts(text):
                cached |= self._word_filter("surname", word) | self._token_filter("surname_ph", phonetic(word))
            self._cache[key] = cached
        return cached

    def encode(self, record: LinkRecord) -> bytes:
        """The record's folded filter; the same tokens as ``tokens()``, combined per word for speed."""
        value = self._given_filter(record["given_names"]) | self._surnames_filter(record["surnames"])
        lo, hi = birth_years(record)
        if lo is not None and hi is not None and hi - lo <= 10:
            for year in range(lo, hi + 1):
                value |= self._token_filter("birth_year", str(year))
        if record["date_of_birth"]:
            value |= self._token_filter("dob", record["date_of_birth"])
        if record["gender"] and record["gender"] != UNKNOWN_GENDER:
            value |= self._token_filter("sex", record["gender"])
        if record["nationality"]:
            value |= self._token_filter("nationality", record["nationality"])
        for number in record["documents"]:
            normalized = normalize_document(number)
            if normalized:
                value |= self._token_filter("document", normalized)
        folded = (value >> FOLDED_BITS) ^ (value & ((1 << FOLDED_BITS) - 1))
        return folded.to_bytes(FOLDED_BYTES, "big")

    def encode_many(self, records: Sequence[LinkRecord], processes: int = 1, min_records: int = 20_000) -> list[bytes]:
        """``encode`` over many records, optionally on several cores. The workers are forked: they inherit
        the records and this encoder (keys, warm cache) from memory, so no identity goes through a pipe or a
        file; only the filters come back. Small inputs, or platforms without fork, stay in this process.

        One process is the default: names repeat, so once the per-token cache is warm a record costs a few
        big-integer ORs (1,000,000 synthetic records in 14 s), and two forked workers were slower (17 s:
        each warms its own cache, and touching the inherited records copies their memory pages). Several
        processes pay off only when most tokens are new (many distinct names and documents)."""
        import multiprocessing

        global _FORKED
        n = len(records)
        chunk = max(1, -(-n // (processes * 8)))
        if processes <= 1 or n < min_records or "fork" not in multiprocessing.get_all_start_methods():
            return [self.encode(r) for r in records]
        _FORKED = (self, records)
        # Not ``with Pool()``: its exit terminates the workers, and a worker killed while it holds the task
        # queue's lock leaves another waiting for it forever (seen once in the test suite: a run hung for
        # minutes in Pool.terminate). Closed after the work, the workers leave on their own.
        pool = multiprocessing.get_context("fork").Pool(processes)
        try:
            parts = pool.map(_encode_range, [(i, min(n, i + chunk)) for i in range(0, n, chunk)])
        except BaseException:
            pool.terminate()
            raise
        else:
            pool.close()
        finally:
            pool.join()
            _FORKED = None
        return [part[i : i + FOLDED_BYTES] for part in parts for i in range(0, len(part), FOLDED_BYTES)]

    def encode_from_tokens(self, record: LinkRecord) -> bytes:
        """Reference implementation (token by token); ``encode`` must give the same bytes."""
        value = 0
        for field, items in tokens(record).items():
            for token in items:
                value |= self._token_filter(field, token)
        folded = (value >> FOLDED_BITS) ^ (value & ((1 << FOLDED_BITS) - 1))
        return folded.to_bytes(FOLDED_BYTES, "big")


_FORKED: tuple[Encoder, Sequence[LinkRecord]] | None = None


def _encode_range(bounds: tuple[int, int]) -> bytes:
    """In a forked worker: the filters of records[start:end], concatenated (fixed size, split by the caller)."""
    assert _FORKED is not None
    encoder, records = _FORKED
    return b"".join(encoder.encode(records[i]) for i in range(*bounds))


def export_id(person_id: str, partner: str) -> str:
    """An opaque, stable reference for a partner: keyed with our own master key, so only we can resolve it."""
    from amparo.core.keys import get_keyring

    keyring = get_keyring()
    key = keyring.derive(keyring.active_kid, f"pprl-export-id:{partner}")
    return hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()[:24]


def write_file(
    out: io.TextIOBase | Any, encoder: Encoder, items: Iterable[tuple[str, bytes]], *, sender: str, partner: str
) -> int:
    """Header line, one ``id<TAB>base64`` line per record, a trailer with the count and the HMAC of it all."""
    mac = hmac.new(encoder.mac_key, digestmod=hashlib.sha256)
    header = json.dumps(
        {
            "format": FORMAT,
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "bits": FOLDED_BITS,
            "sender": sender,
            "partner": partner,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "key_check": encoder.key_check,
        },
        sort_keys=True,
    )
    out.write(header + "\n")
    mac.update(header.encode() + b"\n")
    count = 0
    for ref, clk in items:
        line = f"{ref}\t{base64.b64encode(clk).decode()}\n"
        out.write(line)
        mac.update(line.encode())
        count += 1
    mac.update(f"count:{count}".encode())
    out.write(json.dumps({"count": count, "mac": mac.hexdigest()}) + "\n")
    return count


@dataclass
class PartnerFile:
    header: dict[str, Any]
    refs: list[str]
    clks: list[bytes]
    sha256: str


def read_file(data: bytes, encoder: Encoder) -> PartnerFile:
    """Parse and verify a partner file completely; raises PartnerFileError with a clear reason."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PartnerFileError(_("This is not a partner linkage file.")) from exc
    lines = text.split("\n")
    if not lines or not lines[0].startswith("{"):
        raise PartnerFileError(_("This is not a partner linkage file."))
    try:
        header = json.loads(lines[0])
    except ValueError as exc:
        raise PartnerFileError(_("This is not a partner linkage file.")) from exc
    if header.get("format") != FORMAT:
        raise PartnerFileError(_("This is not a partner linkage file."))
    if header.get("schema") != SCHEMA or header.get("bits") != FOLDED_BITS:
        raise PartnerFileError(_("The file uses another encoding schema; both sides must use the same one."))
    if header.get("version") != SCHEMA_VERSION:
        raise PartnerFileError(
            _("The file uses encoding version %(theirs)s; this system reads version %(ours)s.")
            % {"theirs": header.get("version"), "ours": SCHEMA_VERSION}
        )
    if not hmac.compare_digest(str(header.get("key_check", "")), encoder.key_check):
        raise PartnerFileError(_("The file was encoded with another shared secret."))
    if text.endswith("\n"):
        lines = lines[:-1]
    if len(lines) < 2:
        raise PartnerFileError(_("The file is incomplete (truncated)."))
    try:
        trailer = json.loads(lines[-1])
        count, tag = int(trailer["count"]), str(trailer["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PartnerFileError(_("The file is incomplete (truncated).")) from exc
    body = lines[1:-1]
    mac = hmac.new(encoder.mac_key, digestmod=hashlib.sha256)
    mac.update(lines[0].encode() + b"\n")
    for line in body:
        mac.update(line.encode() + b"\n")
    mac.update(f"count:{count}".encode())
    if count != len(body) or not hmac.compare_digest(mac.hexdigest(), tag):
        raise PartnerFileError(_("The file is incomplete or was altered: its authentication does not match."))
    refs, clks = [], []
    for line in body:
        ref, _sep, b64 = line.partition("\t")
        clk = base64.b64decode(b64)
        if len(clk) != FOLDED_BYTES:
            raise PartnerFileError(_("The file holds a record of the wrong size."))
        refs.append(ref)
        clks.append(clk)
    return PartnerFile(header=header, refs=refs, clks=clks, sha256=hashlib.sha256(data).hexdigest())


# Bit-sampling LSH for blocking: each band is a keyed random choice of bits; two filters share a block when
# they agree on every sampled bit of a band. Computed on the filters only (no extra identity-derived key).
LSH_BANDS = 48
LSH_BITS = 28  # at most 32 (a band value is packed in 4 bytes)
MAX_BLOCK = 100  # a band value shared by more partner records than this is too common to block on
_CHUNK = 1_000_000


def _bits(clks: Sequence[bytes]) -> Any:
    import numpy as np

    return np.frombuffer(b"".join(clks), dtype=np.uint8).reshape(len(clks), FOLDED_BYTES)


def _band_keys(encoder: Encoder, packed: Any) -> Any:
    import numpy as np

    rng = np.random.default_rng(int.from_bytes(encoder.lsh_seed[:8], "big"))
    idx = np.concatenate([rng.choice(FOLDED_BITS, size=LSH_BITS, replace=False) for _band in range(LSH_BANDS)])
    keys = np.empty((len(packed), LSH_BANDS), dtype=np.int64)
    # All bands at once, by slices of records (bounded memory): gather the sampled bits, pack each band's
    # bits into 4 bytes (the last one padded with zeros) and read them as one 32-bit value.
    for start in range(0, len(packed), 20_000):
        part = np.unpackbits(packed[start : start + 20_000], axis=1)
        sampled = part.take(idx, axis=1).reshape(len(part), LSH_BANDS, LSH_BITS)
        four = np.packbits(sampled, axis=2)  # (records, bands, 4)
        keys[start : start + len(part)] = four.view(np.uint32)[:, :, 0]
    return keys


def candidate_pairs(encoder: Encoder, ours: Sequence[bytes], theirs: Sequence[bytes]) -> tuple[Any, Any]:
    """Index pairs (ours, theirs) that share at least one LSH band value."""
    import numpy as np

    keys_a, keys_b = _band_keys(encoder, _bits(ours)), _band_keys(encoder, _bits(theirs))
    found = []
    for band in range(LSH_BANDS):
        ka, kb = keys_a[:, band], keys_b[:, band]
        order = np.argsort(kb, kind="stable")
        sorted_b = kb[order]
        left = np.searchsorted(sorted_b, ka, "left")
        counts = np.searchsorted(sorted_b, ka, "right") - left
        counts[counts > MAX_BLOCK] = 0
        total = int(counts.sum())
        if not total:
            continue
        ia = np.repeat(np.arange(len(ka), dtype=np.int64), counts)
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        ib = order[np.repeat(left, counts) + offsets]
        found.append(ia * len(kb) + ib)
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    pairs = np.concatenate(found)
    pairs.sort()
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    return pairs // len(theirs), pairs % len(theirs)


def dice(ours: Sequence[bytes], theirs: Sequence[bytes], ia: Any, ib: Any) -> Any:
    """Dice coefficients 2|A∩B| / (|A| + |B|) of the given index pairs (vectorized popcounts)."""
    import numpy as np

    a = _bits(ours).view(np.uint64)
    b = _bits(theirs).view(np.uint64)
    count_a = np.bitwise_count(a).sum(axis=1, dtype=np.int64)
    count_b = np.bitwise_count(b).sum(axis=1, dtype=np.int64)
    result = np.empty(len(ia), dtype=np.float64)
    for start in range(0, len(ia), _CHUNK):
        sa, sb = ia[start : start + _CHUNK], ib[start : start + _CHUNK]
        inter = np.bitwise_count(a[sa] & b[sb]).sum(axis=1, dtype=np.int64)
        denominator = count_a[sa] + count_b[sb]
        result[start : start + _CHUNK] = np.where(denominator > 0, 2.0 * inter / np.maximum(denominator, 1), 0.0)
    return result


@dataclass
class Link:
    ours: int  # index in our records
    theirs: int  # index in the partner's records
    dice: float
    # how far the Dice leads the best other candidate of either record (the whole Dice if there is none)
    lead: float


DICE_BAND = 0.05


Scored = tuple[Any, Any, Any]  # candidate pairs after blocking: our indices, theirs, Dice similarities


def scored_candidates(encoder: Encoder, ours: Sequence[bytes], theirs: Sequence[bytes]) -> Scored:
    """LSH blocking, then the Dice similarity of every candidate pair (numpy arrays)."""
    import numpy as np

    if not ours or not theirs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    ia, ib = candidate_pairs(encoder, ours, theirs)
    return ia, ib, dice(ours, theirs, ia, ib)


def dice_bands(scored: Scored, partner_records: int) -> list[list[float]]:
    """How many partner records have their best candidate in each Dice band of 0.05 from MIN_THRESHOLD up:
    [[band's lower bound, count], ...]. Counts only, no identity. With no labels, this is what an agency can
    choose a threshold from: the copies make a hump near 1, the namesakes and strangers one lower down, and
    the threshold belongs in the valley between them (benchmarks.md §8)."""
    import numpy as np

    edges = [round(MIN_THRESHOLD + i * DICE_BAND, 2) for i in range(round((1 - MIN_THRESHOLD) / DICE_BAND))]
    _ia, ib, sims = scored
    best = np.zeros(partner_records)
    np.maximum.at(best, ib, sims)
    index = np.floor((best - MIN_THRESHOLD) / DICE_BAND + 1e-9).astype(int)
    counts = np.bincount(np.clip(index[index >= 0], 0, len(edges) - 1), minlength=len(edges))
    return [[edge, int(count)] for edge, count in zip(edges, counts, strict=True)]


class Rivals:
    """For each record on both sides: its best candidate's Dice, that candidate and the second best Dice
    (0 where there is none), among all the scored candidates; then how far a pair leads its rivals."""

    def __init__(self, scored: Scored, n_ours: int, n_theirs: int) -> None:
        ia, ib, sims = scored
        self.ours = self._best_two(ia, ib, sims, n_ours)
        self.theirs = self._best_two(ib, ia, sims, n_theirs)

    @staticmethod
    def _best_two(index: Any, other: Any, sims: Any, size: int) -> tuple[Any, Any, Any]:
        import numpy as np

        # unbuffered per-record maxima (ufunc.at) rather than sorting the candidates: at 27 million pairs a
        # sort held five arrays of their length at once (0.9 GB more at the peak)
        best, partner, second = np.zeros(size), np.full(size, -1), np.zeros(size)
        if not len(sims):
            return best, partner, second
        np.maximum.at(best, index, sims)
        top = np.flatnonzero(sims == best[index])
        partner[index[top]] = other[top]  # one of them where several tie (the lead is then 0)
        rest = np.flatnonzero(other != partner[index])
        np.maximum.at(second, index[rest], sims[rest])
        return best, partner, second

    def mutual_best(self, ia: Any, ib: Any) -> Any:
        """Whether each pair (ia, ib) is the best candidate of both its records (one of them, on a tie)."""
        return (self.ours[1][ia] == ib) & (self.theirs[1][ib] == ia)

    def leads(self, ia: Any, ib: Any, sims: Any) -> Any:
        """How far each pair (ia, ib) with Dice ``sims`` leads the best other candidate of either record."""
        import numpy as np

        best_a, partner_a, second_a = self.ours
        best_b, partner_b, second_b = self.theirs
        rival_a = np.where(partner_a[ia] == ib, second_a[ia], best_a[ia])
        rival_b = np.where(partner_b[ib] == ia, second_b[ib], best_b[ib])
        return sims - np.maximum(rival_a, rival_b)


def match(
    encoder: Encoder,
    ours: Sequence[bytes],
    theirs: Sequence[bytes],
    threshold: float = MATCH_THRESHOLD,
    scored: Scored | None = None,
    lead: float | None = None,
) -> list[Link]:
    """LSH blocking and Dice similarity (numpy; or ``scored``, the candidates ``scored_candidates`` already
    gave), then anonlink's greedy one-to-one assignment of the pairs at Dice ``threshold`` or more. With a
    ``lead``, under the threshold from MIN_THRESHOLD, a pair is linked too when its Dice leads every other
    candidate of either record by ``lead`` or more (and by more than 0): it is the best candidate of both, so the greedy
    assignment over all pairs from MIN_THRESHOLD would have linked it too, and it can take no record from
    a link above the threshold. Taking them apart keeps the greedy solver to the pairs above the threshold
    (100,000 per side with a lead of 0.05: 14.4 s and 2.25 GB max RSS, against 31 s and 3.2 GB with every
    pair from 0.5).

    anonlink's own candidate generation takes the blocking function record by record in Python, which
    took 30 s for 10,000 x 7,500 records here; vectorized, 100,000 x 100,000 fits the 2-minute target.
    Its greedy solver is used as is (each record is linked at most once, best similarity first); anonlink
    has no rule for unambiguous links under the threshold, so the lead is computed here."""
    from array import array

    import anonlink
    import numpy as np

    if not ours or not theirs:
        return []
    scored = scored if scored is not None else scored_candidates(encoder, ours, theirs)
    ia, ib, sims = scored
    above = sims >= threshold
    ga, gb, gs = ia[above], ib[above], sims[above]
    order = np.lexsort((gb, ga, -gs))
    ga, gb, gs = ga[order], gb[order], gs[order]
    candidates = (
        array("d", gs.astype(np.float64).tobytes()),
        (array("I", [0]) * len(gs), array("I", [1]) * len(gs)),
        (array("I", ga.astype(np.uint32).tobytes()), array("I", gb.astype(np.uint32).tobytes())),
    )
    similarity = {(int(a), int(b)): float(s) for a, b, s in zip(ga, gb, gs, strict=True)}
    linked = [
        (next(r for d, r in group if d == 0), next(r for d, r in group if d == 1))
        for group in anonlink.solving.greedy_solve(candidates)
    ]
    la = np.array([a for a, _b in linked], dtype=np.int64)
    lb = np.array([b for _a, b in linked], dtype=np.int64)
    ls = np.array([similarity[pair] for pair in linked], dtype=np.float64)
    rivals = Rivals(scored, len(ours), len(theirs))
    # a positive lead needs the pair to be the best candidate of both records: only those are measured
    below = np.flatnonzero((sims >= min(threshold, MIN_THRESHOLD)) & ~above) if lead is not None else np.zeros(0, int)
    below = below[rivals.mutual_best(ia[below], ib[below])]
    wa, wb, ws = ia[below], ib[below], sims[below]
    wl = rivals.leads(wa, wb, ws)
    unambiguous = (wl >= (lead or 0.0) - 1e-9) & (wl > 0)
    all_a = np.concatenate([la, wa[unambiguous]])
    all_b = np.concatenate([lb, wb[unambiguous]])
    all_s = np.concatenate([ls, ws[unambiguous]])
    all_l = np.concatenate([rivals.leads(la, lb, ls), wl[unambiguous]])
    return [
        Link(ours=int(a), theirs=int(b), dice=float(s), lead=float(m))
        for a, b, s, m in zip(all_a, all_b, all_s, all_l, strict=True)
    ]
