#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
"""tests/interop/c2sp.py — a second, independent reading of the formats.

Written from the public specifications alone (RFC 6962 hashing and proofs,
C2SP signed-note, tlog-checkpoint, tlog-cosignature, tlog-witness and
tlog-tiles) and from docs/design.md's entry format, in Python with
nothing but the standard library and python3-cryptography's Ed25519; it
shares no code with liuhen's C. tests/test_interop.sh drives it:

  new-log DIR ORIGIN
      a log of this program's own: DIR/log.seed and DIR/log.vkey.
  witness DIR URL WITNESS_VKEY_FILE
      acts as that log towards a C2SP witness at URL (liuhen-witness):
      every status of tlog-witness, each cosignature verified.
  publication DIR LOG_VKEY_FILE [--witness VKEY_FILE ...]
              [--min-cosignatures N] [--ids FILE]
      checks a tlog-tiles directory as an outside auditor would: the
      checkpoint's signature and cosignatures, every tile against the leaf
      hashes, the root, then every leaf decoded: the author's signature,
      the entry id (SHA-256 of the Entry bytes as signed), author and case
      chains by entry id, keys enrolled before use. --ids writes
      "INDEX ENTRY_ID" lines for a comparison with liuhen's own output.

Each check prints "ok   ..." or "FAIL ..." (the shell tests' tally); the
exit status is the number of failures (at most 100).
"""
import base64
import hashlib
import os
import struct
import sys
import time
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

DASH = "\u2014"
FAILED = 0


def ok(what):
    print("ok   " + what, flush=True)


def fail(what):
    global FAILED
    FAILED += 1
    print("FAIL " + what, file=sys.stderr, flush=True)


def check(what, cond):
    (ok if cond else fail)(what)
    return cond


# ---- RFC 6962 ----------------------------------------------------------------

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(hashes):
    """The Merkle tree hash over a list of leaf hashes (RFC 6962 2.1)."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = split_point(len(hashes))
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def consistency_proof(m, hashes):
    """PROOF(m, D[n]) of RFC 6962 2.1.2, over leaf hashes."""

    def subproof(m, d, complete):
        if m == len(d):
            return [] if complete else [mth(d)]
        k = split_point(len(d))
        if m <= k:
            return subproof(m, d[:k], complete) + [mth(d[k:])]
        return subproof(m - k, d[k:], False) + [mth(d[:k])]

    return subproof(m, hashes, True) if 0 < m < len(hashes) else []


# ---- C2SP signed notes ---------------------------------------------------------

def key_id(name, sig_type, pub):
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + pub).digest()[:4]


class VKey:
    """A note verifier key: NAME+HEX(key id)+base64(type || public key)."""

    def __init__(self, text):
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise ValueError("a verifier key has three parts")
        self.name = parts[0]
        raw = base64.b64decode(parts[2], validate=True)
        self.type, self.pub = raw[0], raw[1:]
        if len(self.pub) != 32 or self.type not in (0x01, 0x04):
            raise ValueError("not an Ed25519 key of type 0x01 or 0x04")
        self.id = bytes.fromhex(parts[1])
        if self.id != key_id(self.name, self.type, self.pub):
            raise ValueError("the key id does not match the name and key")
        self.key = Ed25519PublicKey.from_public_bytes(self.pub)


def vkey_text(name, sig_type, pub):
    return "%s+%s+%s" % (name, key_id(name, sig_type, pub).hex(),
                         base64.b64encode(bytes([sig_type]) + pub).decode())


def split_note(note):
    """(text, [(name, blob)]) of a signed note, as Go's note.Open splits it."""
    at = note.rfind(b"\n\n")
    if at < 0:
        raise ValueError("no blank line before the signatures")
    text, sigs = note[:at + 1], note[at + 2:]
    lines = []
    for line in sigs.decode().split("\n")[:-1]:
        if not line.startswith(DASH + " "):
            raise ValueError("a signature line must start with an em dash")
        name, b64 = line[2:].rsplit(" ", 1)
        lines.append((name, base64.b64decode(b64, validate=True)))
    if not sigs.endswith(b"\n"):
        raise ValueError("the signatures must end with a newline")
    return text, lines


def verify_cosignature(w, text, blob):
    """The timestamp of a valid cosignature/v1 of w over the note text, or None."""
    if len(blob) != 4 + 8 + 64 or blob[:4] != w.id:
        return None
    (ts,) = struct.unpack(">Q", blob[4:12])
    msg = b"cosignature/v1\ntime %d\n" % ts + text
    try:
        w.key.verify(blob[12:], msg)
    except InvalidSignature:
        return None
    return ts


def verify_log_signature(log, text, blob):
    if len(blob) != 68 or blob[:4] != log.id:
        return False
    try:
        log.key.verify(blob[4:], text)
        return True
    except InvalidSignature:
        return False


class Checkpoint:
    def __init__(self, text):
        lines = text.decode().split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise ValueError("a checkpoint has at least three lines")
        self.origin = lines[0]
        if lines[1] != str(int(lines[1])):
            raise ValueError("the size is not a canonical decimal")
        self.size = int(lines[1])
        self.root = base64.b64decode(lines[2], validate=True)
        if len(self.root) != 32:
            raise ValueError("the root is not 32 bytes")


# ---- a log of our own, facing a witness -------------------------------------------

class OwnLog:
    def __init__(self, folder):
        self.seed = bytes.fromhex(open(os.path.join(folder, "log.seed")).read())
        self.sk = Ed25519PrivateKey.from_private_bytes(self.seed)
        pub = self.sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.vkey = VKey(open(os.path.join(folder, "log.vkey")).read())
        assert self.vkey.pub == pub

    def note(self, hashes, extra=(), signer=None, origin=None):
        origin = origin or self.vkey.name
        text = "%s\n%d\n%s\n" % (origin, len(hashes), base64.b64encode(mth(hashes)).decode())
        text = (text + "".join(line + "\n" for line in extra)).encode()
        sk = signer or self.sk
        pub = sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        sig = key_id(origin, 0x01, pub) + sk.sign(text)
        note = text + b"\n" + ("%s %s %s\n" % (DASH, origin, base64.b64encode(sig).decode())).encode()
        return text, note


def new_log(folder, origin):
    sk = Ed25519PrivateKey.generate()
    seed = sk.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    pub = sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "log.seed"), "w") as f:
        f.write(seed.hex())
    with open(os.path.join(folder, "log.vkey"), "w") as f:
        f.write(vkey_text(origin, 0x01, pub) + "\n")
    return 0


def post(url, body):
    req = urllib.request.Request(url + "/add-checkpoint", data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def body(old, proof, note):
    return ("old %d\n" % old).encode() + b"".join(
        base64.b64encode(h) + b"\n" for h in proof) + b"\n" + note


def witness(folder, url, wkey_file):
    log = OwnLog(folder)
    w = VKey(open(wkey_file).read())
    check("the witness's key is a cosignature key (type 0x04)", w.type == 0x04)
    leaves = [leaf_hash(b"interop leaf %d" % i) for i in range(40)]
    other = Ed25519PrivateKey.generate()

    def cosigned(what, old, hashes, proof, extra=()):
        text, note = log.note(hashes, extra)
        # A second signature by a key the witness does not know: ignored.
        stranger = Ed25519PrivateKey.generate()
        spub = stranger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        note += ("%s example.org/other %s\n" % (DASH, base64.b64encode(
            key_id("example.org/other", 0x01, spub) + stranger.sign(text)).decode())).encode()
        t0 = int(time.time())
        status, _, answer = post(url, body(old, proof, note))
        if not check("%s: 200" % what, status == 200):
            print(answer.decode(errors="replace"), file=sys.stderr)
            return
        good = 0
        lines = answer.decode().split("\n")
        check("%s: the answer ends with a newline" % what, lines[-1] == "")
        for line in lines[:-1]:
            if not line.startswith(DASH + " "):
                fail("%s: a line that is no signature line: %r" % (what, line))
                continue
            name, b64 = line[2:].rsplit(" ", 1)
            if name != w.name:
                continue
            ts = verify_cosignature(w, text, base64.b64decode(b64, validate=True))
            if check("%s: the cosignature verifies over cosignature/v1, time and the whole note text"
                     % what, ts is not None):
                check("%s: its time is now (%s)" % (what, ts), t0 - 5 <= ts <= time.time() + 5)
                good += 1
        check("%s: one cosignature of %s" % (what, w.name), good == 1)

    def refused(what, want, payload, size=None):
        status, ctype, answer = post(url, payload)
        if not check("%s: %d (got %d %s)" % (what, want, status,
                                            answer[:80].decode(errors="replace").strip()),
                     status == want):
            return
        if size is not None:
            check("%s: Content-Type text/x.tlog.size" % what,
                  ctype.split(";")[0].strip() == "text/x.tlog.size")
            check("%s: the body is the cosigned size %d and a newline" % (what, size),
                  answer == b"%d\n" % size)

    _, n3 = log.note(leaves[:3])
    refused("a proof from size 0", 422, body(0, [leaves[0]], n3))
    cosigned("size 3, from 0, with an extension line", 0, leaves[:3], [],
             extra=["interop-extension: yes"])
    cosigned("size 7, from 3", 3, leaves[:7], consistency_proof(3, leaves[:7]))
    _, n7 = log.note(leaves[:7])
    refused("size 7 again from 3", 409, body(3, consistency_proof(3, leaves[:7]), n7), size=7)
    refused("old size 0 once 7 is cosigned", 409, body(0, [], n7), size=7)
    cosigned("size 7 from 7, the same root", 7, leaves[:7], [])
    forked = leaves[:6] + [leaf_hash(b"another seventh leaf")]
    _, n7f = log.note(forked)
    refused("size 7 from 7, another root", 409, body(7, [], n7f), size=7)
    _, n12 = log.note(leaves[:12])
    refused("old size above the checkpoint's", 400, body(13, [], n12))
    proof = consistency_proof(7, leaves[:12])
    bad = list(proof)
    bad[0] = bytes([bad[0][0] ^ 1]) + bad[0][1:]
    refused("a consistency proof with one bit changed", 422, body(7, bad, n12))
    refused("a proof one hash short", 422, body(7, proof[:-1], n12))
    fork12 = forked + leaves[7:12]
    _, nf12 = log.note(fork12)
    refused("a fork of the cosigned tree, with its own valid proof", 422,
            body(7, consistency_proof(7, fork12), nf12))
    _, n12o = log.note(leaves[:12], signer=other)
    refused("signed by another key under the log's name", 403,
            body(7, proof, n12o))
    _, unknown = log.note(leaves[:12], signer=other, origin="interop.example/unknown")
    refused("an origin the witness does not know", 404, body(7, proof, unknown))
    refused("a body without its blank line", 400, b"old 7\n" + n12.split(b"\n\n")[0])
    refused("an old size with a leading zero", 400, body(7, proof, n12).replace(b"old 7", b"old 07", 1))
    cosigned("size 12, from 7", 7, leaves[:12], proof)
    cosigned("size 40, from 12", 12, leaves, consistency_proof(12, leaves))
    refused("size 12 after 40", 409, body(12, [], n12), size=40)
    return 0


# ---- protobuf, as far as the entry format needs ------------------------------------

def varint(buf, at):
    shift = value = 0
    while True:
        if at >= len(buf) or shift > 63:
            raise ValueError("a truncated varint")
        b = buf[at]
        at += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, at
        shift += 7


def fields(buf):
    """{field number: [values]} of a protobuf message (varints and bytes)."""
    out, at = {}, 0
    while at < len(buf):
        key, at = varint(buf, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = varint(buf, at)
        elif wire == 2:
            n, at = varint(buf, at)
            if at + n > len(buf):
                raise ValueError("a truncated field")
            value, at = buf[at:at + n], at + n
        elif wire == 1:
            value, at = buf[at:at + 8], at + 8
        elif wire == 5:
            value, at = buf[at:at + 4], at + 4
        else:
            raise ValueError("wire type %d" % wire)
        out.setdefault(number, []).append(value)
    return out


def one(f, number, default=None):
    return f.get(number, [default])[-1]


# Entry fields (proto/liuhen.proto).
E_ORIGIN, E_KIND, E_CASE, E_AUTHOR, E_SEQ, E_APREV, E_CPREV = 1, 2, 3, 4, 5, 6, 7
KIND_KEY_ENROLL, KIND_KEY_REVOKE = 14, 15
BODY_KEY_ENROLL, BODY_KEY_REVOKE = 33, 34


# ---- tlog-tiles ------------------------------------------------------------------

def tile_index(n):
    s = "%03d" % (n % 1000)
    n //= 1000
    while n > 0:
        s = "x%03d/%s" % (n % 1000, s)
        n //= 1000
    return s


def tile_path(level, n, width):
    p = "tile/%s/%s" % (level, tile_index(n))
    return p if width == 256 else p + ".p/%d" % width


def read(path):
    with open(path, "rb") as f:
        return f.read()


def publication(folder, vkey_file, witness_files, min_cosig, ids_file):
    log = VKey(open(vkey_file).read())
    text, sigs = split_note(read(os.path.join(folder, "checkpoint")))
    cp = Checkpoint(text)
    check("the checkpoint's origin is the log key's name (%s)" % cp.origin, cp.origin == log.name)
    check("the checkpoint is signed by the log key",
          any(n == log.name and verify_log_signature(log, text, b) for n, b in sigs))
    cosigs = 0
    for wf in witness_files:
        w = VKey(open(wf).read())
        good = [verify_cosignature(w, text, b) for n, b in sigs if n == w.name]
        if check("%s cosigned the published checkpoint" % w.name, any(t is not None for t in good)):
            cosigs += 1
    check("at least %d cosignatures of the given witnesses" % min_cosig, cosigs >= min_cosig)

    size = cp.size
    bundles = []
    for n in range((size + 255) // 256):
        width = min(256, size - n * 256)
        data, at = read(os.path.join(folder, tile_path("entries", n, width))), 0
        while at < len(data):
            (length,) = struct.unpack(">H", data[at:at + 2])
            bundles.append(data[at + 2:at + 2 + length])
            at += 2 + length
    check("the entry bundles hold %d leaves" % size, len(bundles) == size)
    hashes = [leaf_hash(b) for b in bundles]

    # Every tile at every level, each hash the root of its full subtree.
    level, tiles_ok, tiles = 0, True, 0
    while size >> (8 * level) > 0:
        span = 256 ** level
        count = size >> (8 * level)  # full subtrees of 2^(8*level) leaves
        for n in range((count + 255) // 256):
            width = min(256, count - n * 256)
            tile = read(os.path.join(folder, tile_path(level, n, width)))
            want = b"".join(mth(hashes[(n * 256 + k) * span:(n * 256 + k + 1) * span])
                            for k in range(width))
            tiles_ok &= tile == want
            tiles += 1
        level += 1
    check("%d tiles hold the hashes of the leaves (%d levels)" % (tiles, level), tiles_ok)
    check("the leaves' root is the checkpoint's", mth(hashes) == cp.root)

    authors, cases, seen, enrolled, revoked = {}, {}, set(), set(), set()
    problems, last_time, out = [], 0, []
    for i, leaf in enumerate(bundles):
        try:
            lf = fields(leaf)
            signed, at = one(lf, 1, b""), one(lf, 2, 0)
            sf = fields(signed)
            entry, sig = one(sf, 1, b""), one(sf, 2, b"")
            ef = fields(entry)
        except ValueError as e:
            problems.append("leaf %d does not decode: %s" % (i, e))
            continue
        eid = hashlib.sha256(entry).digest()
        out.append("%d %s" % (i, base64.b64encode(eid).decode()))
        author = one(ef, E_AUTHOR, b"")
        if at < last_time:
            problems.append("leaf %d: integrated_at goes backwards" % i)
        last_time = at
        try:
            Ed25519PublicKey.from_public_bytes(author).verify(sig, b"liuhen/entry/v1\n" + entry)
        except (InvalidSignature, ValueError):
            problems.append("leaf %d: the author's signature does not verify" % i)
        if one(ef, E_ORIGIN, b"").decode() != cp.origin:
            problems.append("leaf %d: another origin" % i)
        if eid in seen:
            problems.append("leaf %d: an entry id logged twice" % i)
        seen.add(eid)
        if i == 0 and author != log.pub:
            problems.append("leaf 0 is not authored by the log key")
        if i > 0 and (author not in enrolled or author in revoked):
            problems.append("leaf %d: its author's key is not enrolled" % i)
        seq, prev = one(ef, E_SEQ, 0), one(ef, E_APREV, b"")
        last = authors.get(author, (0, b""))
        if seq != last[0] + 1 or prev != last[1]:
            problems.append("leaf %d: author chain broken (seq %d after %d)" % (i, seq, last[0]))
        authors[author] = (seq, eid)
        case = one(ef, E_CASE, b"")
        if case:
            if one(ef, E_CPREV, b"") != cases.get(case, b""):
                problems.append("leaf %d: case chain of %s broken" % (i, case.decode()))
            cases[case] = eid
        kind = one(ef, E_KIND, 0)
        if kind == KIND_KEY_ENROLL:
            enrolled.add(one(fields(one(ef, BODY_KEY_ENROLL, b"")), 1, b""))
        elif kind == KIND_KEY_REVOKE:
            revoked.add(one(fields(one(ef, BODY_KEY_REVOKE, b"")), 1, b""))
    for p in problems[:20]:
        fail(p)
    check("%d leaves decoded: signatures, origins, entry ids, keys, %d author chains and "
          "%d case chains by entry id" % (len(bundles), len(authors), len(cases)), not problems)
    if ids_file:
        with open(ids_file, "w") as f:
            f.write("\n".join(out) + "\n")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "new-log":
        return new_log(argv[1], argv[2])
    if len(argv) == 4 and argv[0] == "witness":
        return witness(argv[1], argv[2], argv[3])
    if len(argv) >= 3 and argv[0] == "publication":
        wit, mins, ids, rest = [], 0, None, argv[3:]
        while rest:
            opt, val, rest = rest[0], rest[1], rest[2:]
            if opt == "--witness":
                wit.append(val)
            elif opt == "--min-cosignatures":
                mins = int(val)
            elif opt == "--ids":
                ids = val
            else:
                raise SystemExit("unknown option " + opt)
        return publication(argv[1], argv[2], wit, mins, ids)
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.exit(min(FAILED, 100))
