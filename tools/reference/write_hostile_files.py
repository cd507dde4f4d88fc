"""Writes hostile and broken files that must cost bounded time and memory: each is refused, or loaded, by Osprey.

    /usr/bin/python3 tools/reference/write_hostile_files.py            # small files -> tests/fixtures/hostile/bounded
    /usr/bin/python3 tools/reference/write_hostile_files.py --big DIR  # large ones (MBs, bombs) -> DIR, at test time

A friend of write_hostile_pickles.py (whose files carry code payloads): these carry no code, they attack resources.
Each directory gets a manifest.json: for each file, the reader to open it with (torch = TorchLoad.Load,
state-dict = TorchLoad.LoadStateDict, checkpoint = TrainingCheckpoint.Load, image = ImageCodec.Read), the outcome
("refused" with text the error must contain, or "loaded"), and the most memory (MB) loading may add. The classes:
hash flooding, shared-object graphs, nesting built top-down, decompression bombs (deflated pickle, overlapping zip
members, deflated storage), bad CRC, encrypted members, tensor views with bad metadata, plain pickles, malformed
training-checkpoint metadata, and image headers declaring huge images.
"""
import io
import json
import os
import pickle
import struct
import sys
import zipfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import FIXTURES  # noqa: E402
from write_hostile_pickles import (  # noqa: E402
    EMPTY_LIST, MARK, NEWFALSE, NONE, POP, PROTO2, SETITEMS, STOP, TUPLE, APPEND, call, glob, int1, pickle_of, text)

SMALL_OUT = os.path.join(FIXTURES, "hostile", "bounded")


def binint(v):
    return b"J" + struct.pack("<i", v)


def long8(v):  # LONG1 with 8 bytes, signed
    return b"\x8a\x08" + struct.pack("<q", v)


def tuple_of(*items):
    return MARK + b"".join(items) + TUPLE


def storage_pid(key, numel, storage="FloatStorage"):
    return MARK + text("storage") + glob("torch", storage) + text(key) + text("cpu") + long8(numel) + TUPLE + b"Q"


def tensor(key, numel, offset, size, stride):
    return call(glob("torch._utils", "_rebuild_tensor_v2"), storage_pid(key, numel), long8(offset),
                tuple_of(*map(long8, size)), tuple_of(*map(long8, stride)), NEWFALSE, NONE)


def state_dict(entries):
    """data.pkl of an OrderedDict name -> tensor pickle bytes."""
    return pickle_of(call(glob("collections", "OrderedDict")) + MARK + b"".join(text(k) + v for k, v in entries) + SETITEMS)


def torch_zip(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in members:
            z.writestr(f"archive/{name}", data)
        z.writestr("archive/version", "3\n")
    return buffer.getvalue()


def zeros_deflated(total, chunk=1 << 20):
    """A raw deflate stream of `total` zero bytes (what zipfile writes for ZIP_DEFLATED), and its CRC-32."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block, parts, crc, left = bytes(chunk), [], 0, total
    while left:
        n = min(chunk, left)
        parts.append(packer.compress(block[:n]))
        crc = zlib.crc32(block[:n], crc)
        left -= n
    parts.append(packer.flush())
    return b"".join(parts), crc


def raw_zip(members):
    """A zip written by hand: members = [(name, method, crc, size, data)], data already compressed for method 8."""
    out, offsets = io.BytesIO(), []
    for name, method, crc, size, data in members:
        nb = name.encode()
        offsets.append(out.tell())
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, method, 0, 0, crc, len(data), size, len(nb), 0) + nb + data)
    cd_start = out.tell()
    for (name, method, crc, size, data), offset in zip(members, offsets):
        nb = name.encode()
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, method, 0, 0, crc, len(data), size,
                              len(nb), 0, 0, 0, 0, 0, offset) + nb)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(members), len(members), cd_size, cd_start, 0))
    return out.getvalue()


def safetensors(header, data=b""):
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def training_checkpoint(tensors_header=None, metadata=None, data=None):
    meta = {"format": "osprey.training-checkpoint", "version": "1", "epoch": "1", "iteration": "10"}
    meta.update(metadata or {})
    meta = {k: v for k, v in meta.items() if v is not None}
    header = {"__metadata__": meta}
    header.update(tensors_header if tensors_header is not None else
                  {"model.w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})
    return safetensors(header, data if data is not None else bytes(8))


def jpeg_declaring(width, height):
    """A small real JPEG whose SOF header is patched to declare width x height (its scan data stays tiny)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 120, 200)).save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        i += 2 + length
    raise RuntimeError("no SOF marker")


def jpeg_tables_only():
    """An abbreviated JPEG: quantization and Huffman tables, no frame (TurboJPEG's header call "succeeds" on it)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (8, 8), 128).save(buffer, "JPEG")
    data, out, i = buffer.getvalue(), bytearray(b"\xff\xd8"), 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xDB, 0xC4):
            out += data[i:i + 2 + length]
        if marker == 0xDA:
            break
        i += 2 + length
    return bytes(out + b"\xff\xd9")


def png_declaring(width, height, bit_depth, color_type, rows):
    """A PNG whose IHDR declares width x height, with compressed (zero) data for only `rows` rows."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" + bytes(width * channels * bit_depth // 8)
    idat = zlib.compress(row * rows, 9)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def valid_state_dict_zip():
    import torch

    buffer = io.BytesIO()
    torch.save({"w": torch.arange(6, dtype=torch.float32)}, buffer)
    return bytearray(buffer.getvalue())


def small_corpus():
    """(name, bytes, reader, outcome text or None for loaded, MB budget)."""
    items = []
    add = lambda name, data, reader, expect, budget=64: items.append((name, bytes(data), reader, expect, budget))

    # Zip integrity: a flipped storage byte (CRC), and the encryption flag set on data.pkl.
    archive = valid_state_dict_zip()
    with zipfile.ZipFile(io.BytesIO(bytes(archive))) as z:
        storage = next(i for i in z.infolist() if i.filename.endswith("/data/0"))
        pkl = next(i for i in z.infolist() if i.filename.endswith("data.pkl"))
    name_len, extra_len = struct.unpack("<HH", archive[storage.header_offset + 26:storage.header_offset + 30])
    bad_crc = bytearray(archive)
    bad_crc[storage.header_offset + 30 + name_len + extra_len + 5] ^= 0x40
    add("bad_crc.pt", bad_crc, "torch", "fails its CRC-32 check")
    encrypted = bytearray(archive)
    encrypted[pkl.header_offset + 6] |= 1
    at = 0
    while True:  # bit 0 of the general-purpose flags in data.pkl's central record too
        at = bytes(encrypted).find(b"PK\x01\x02", at)
        if at < 0:
            break
        n = struct.unpack("<H", encrypted[at + 28:at + 30])[0]
        if encrypted[at + 46:at + 46 + n].endswith(b"data.pkl"):
            encrypted[at + 8] |= 1
        at += 4
    add("encrypted_member.pt", encrypted, "torch", "is encrypted")
    # A zip64 end record whose directory offset + size overflow 64 bits (found by bench/fuzz.sh).
    zip64 = bytearray(archive)
    end64 = bytes(zip64).rfind(b"PK\x06\x06")
    zip64[end64 + 40:end64 + 56] = struct.pack("<QQ", 0x7766554433221100, 0x6F6F6F6F6F6F6F6F)
    add("zip64_directory_overflow.pt", zip64, "torch", "lies outside the file")

    # Tensor metadata: a negative size after a zero one; an element count overflowing 64 bits.
    add("view_negative_after_zero.pt", torch_zip([("data.pkl", state_dict([("w", tensor("0", 2, 0, (0, -5), (1, 1)))])),
                                                  ("data/0", bytes(8))]), "torch", "dimension 1 has a negative size")
    add("view_numel_overflow.pt", torch_zip([("data.pkl", state_dict([("w", tensor("0", 2, 0, (1 << 40, 1 << 40), (0, 0)))])),
                                             ("data/0", bytes(8))]), "torch", "overflows 64 bits")
    add("storage_record_short.pt", torch_zip([("data.pkl", state_dict([("w", tensor("0", 1000, 0, (2,), (1,)))])),
                                              ("data/0", bytes(8))]), "torch", "holds 8 bytes, but 1000 x float32 needs 4000")

    # A plain pickle is refused on its magic number, whatever follows.
    add("plain_pickle.pkl", pickle.dumps({"a": list(range(1000))}, protocol=2), "torch", "wrong magic number")

    # Our own training checkpoint, malformed field by field.
    add("ckpt_tensor_null.ckpt", training_checkpoint({"model.w": None}), "checkpoint", "tensor 'model.w' is null or missing")
    add("ckpt_missing_dtype.ckpt", training_checkpoint({"model.w": {"shape": [2], "data_offsets": [0, 8]}}), "checkpoint",
        "tensor 'model.w': field 'dtype' is null or missing")
    add("ckpt_shape_not_ints.ckpt", training_checkpoint({"model.w": {"dtype": "F32", "shape": ["2"], "data_offsets": [0, 8]}}),
        "checkpoint", "field 'shape' item 0")
    add("ckpt_span_mismatch.ckpt", training_checkpoint({"model.w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}),
        "checkpoint", "spans 8 bytes, but shape [3] of F32 needs 12")
    add("ckpt_overlapping_tensors.ckpt", training_checkpoint({
        "model.a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "model.b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}), "checkpoint", "share bytes")
    add("ckpt_epoch_negative.ckpt", training_checkpoint(metadata={"epoch": "-5"}), "checkpoint", "metadata 'epoch' = -5 is impossible")
    add("ckpt_epoch_past_run.ckpt", training_checkpoint(metadata={"epoch": "9", "options": json.dumps({"epochs": 4})}),
        "checkpoint", "metadata 'epoch' = 9 is past the run's 4 epochs")
    add("ckpt_iteration_missing.ckpt", training_checkpoint(metadata={"iteration": None}), "checkpoint", "lacks 'iteration'")
    add("ckpt_optimizer_no_type.ckpt", training_checkpoint(metadata={"optimizer": json.dumps({"param_groups": []})}),
        "checkpoint", "metadata 'optimizer' field 'type'")

    # Image headers declaring huge images (the data is a few rows): refused from the header, nothing allocated.
    add("jpeg_30000x30000.jpg", jpeg_declaring(30000, 30000), "image", "30000 x 30000 = 900,000,000 pixels, over the limit of 89,478,485")
    add("png16_20000x20000_header.png", png_declaring(20000, 20000, 16, 0, 4), "image", "20000 x 20000 = 400,000,000 pixels")
    add("jpeg_tables_only.jpg", jpeg_tables_only(), "image", "declares no image")  # found by bench/fuzz.sh
    add("png_1x100000000.png", png_declaring(1, 100_000_000, 8, 0, 16), "image", "over the limit of 89,478,485")
    return items


def nested_top_down(depth):
    """Lists nested `depth` deep, each appended to its parent while still empty (memo 0 = the root)."""
    body = [EMPTY_LIST, b"r" + struct.pack("<I", 0)]
    for i in range(1, depth + 1):
        body += [EMPTY_LIST, b"r" + struct.pack("<I", i), APPEND, POP, b"j" + struct.pack("<I", i)]
    body += [POP, b"j" + struct.pack("<I", 0)]
    return pickle_of(b"".join(body))


def shared_tuple_dag(levels, tag):
    """t_0 = (tag,), t_i = (t_{i-1}, t_{i-1}): 2^levels leaves in 2*levels memo references."""
    body = [MARK, text(tag), TUPLE, b"r" + struct.pack("<I", 0), POP]
    for i in range(1, levels + 1):
        body += [b"j" + struct.pack("<I", i - 1), b"j" + struct.pack("<I", i - 1), b"\x86", b"r" + struct.pack("<I", i), POP]
    return b"".join(body), i


def big_corpus():
    import torch

    items = []
    add = lambda name, data, reader, expect, budget: items.append((name, bytes(data), reader, expect, budget))

    def saved(obj):
        buffer = io.BytesIO()
        torch.save(obj, buffer)
        return buffer.getvalue()

    # Hash flooding: integer keys k*(2^32+1) and doubles whose two 32-bit halves are equal all collide in .NET's
    # own GetHashCode. Python loads these in a fraction of a second; so must we.
    add("hash_flood_int_keys.pt", saved({k * (2 ** 32 + 1): 0 for k in range(150_000)}), "torch", None, 256)
    doubles = [struct.unpack("<d", struct.pack("<Q", (x << 32) | x))[0] for x in range(0x3FF00000, 0x3FF00000 + 100_000)]
    add("hash_flood_double_keys.pt", saved({d: 0 for d in doubles}), "torch", None, 256)

    # Shared objects: a module 40 levels deep whose every level holds its child twice (2^40 state-dict paths).
    child = torch.nn.Linear(1, 1)
    for _ in range(40):
        child = torch.nn.Sequential(child, child)
    add("shared_module_graph.pt", saved(child), "state-dict", "MaxStateDictVisits", 256)
    # One 200,000-item tuple used as the key of 20,000 dicts: hashed once, compared by identity.
    big_key = tuple(range(200_000))
    add("big_tuple_key_shared.pt", saved([{big_key: i} for i in range(20_000)]), "torch", None, 256)
    # Two equal but distinct tuple DAGs of 2^40 leaves as keys of one dict: comparing them is bounded and refused.
    dag_a, top_a = shared_tuple_dag(40, "x")
    body = dag_a + b"".join([MARK, text("x"), TUPLE, b"r" + struct.pack("<I", 100), POP] + [
        b"j" + struct.pack("<I", 100 + i - 1) + b"j" + struct.pack("<I", 100 + i - 1) + b"\x86" + b"r" + struct.pack("<I", 100 + i) + POP
        for i in range(1, 41)])
    dict_pickle = pickle_of(body + b"}" + MARK + b"j" + struct.pack("<I", top_a) + int1(1) + b"j" + struct.pack("<I", 140) + int1(2) + SETITEMS)
    add("equal_distinct_dag_keys.pt", torch_zip([("data.pkl", dict_pickle)]), "torch", "too much work to compare", 256)

    # Depth: 100,000 nested lists built top-down.
    add("nested_top_down.pt", torch_zip([("data.pkl", nested_top_down(100_000))]), "torch", "nest deeper than 1000 levels", 256)

    # Decompression: a 400 MB string deflated into data.pkl (0.4 MB).
    text_size = 400 << 20
    header = PROTO2 + b"X" + struct.pack("<I", text_size)
    packer, crc = zlib.compressobj(9, zlib.DEFLATED, -15), zlib.crc32(header)
    parts = [packer.compress(header)]
    block = b"a" * (1 << 20)
    for _ in range(text_size >> 20):
        parts.append(packer.compress(block))
        crc = zlib.crc32(block, crc)
    parts.append(packer.compress(STOP))
    crc = zlib.crc32(STOP, crc)
    parts.append(packer.flush())
    add("deflated_string_bomb.pt", raw_zip([("archive/data.pkl", 8, crc, len(header) + text_size + 1, b"".join(parts))]),
        "torch", "over the 268435456-byte limit", 256)
    # Overlap bomb: 20 storage records that all point at one deflated stream of 50 MB of zeros.
    stream, zcrc = zeros_deflated(50 << 20)
    entries = [(f"w{k}", tensor(str(k), 50 << 18, 0, (50 << 18,), (1,))) for k in range(20)]
    members = [(f"archive/data/{k}", 8, zcrc, 50 << 20, stream) for k in range(20)]
    pkl = state_dict(entries)
    add("overlap_bomb.pt", _overlap(pkl, members), "torch", "overlap", 256)
    # Storage bomb: one storage record of 400 MB of zeros, deflated to ~0.4 MB, declared as such by the pickle.
    stream, zcrc = zeros_deflated(400 << 20)
    pkl = state_dict([("w", tensor("0", 100 << 20, 0, (100 << 20,), (1,)))])
    add("storage_bomb.pt", raw_zip([("archive/data.pkl", 0, zlib.crc32(pkl), len(pkl), pkl),
                                    ("archive/data/0", 8, zcrc, 400 << 20, stream)]), "torch", "MaxInflatedBytes", 256)
    # A plain pickle of 20 MB: refused on its magic number before any of it is unpickled.
    add("plain_pickle_big.pkl", pickle.dumps(list(range(2_000_000)), protocol=2), "torch", "wrong magic number", 128)
    return items


def _overlap(pkl, members):
    """data.pkl (stored) then one local header + deflated stream that every storage member's central record points at."""
    out, central = io.BytesIO(), []
    nb = b"archive/data.pkl"
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, zlib.crc32(pkl), len(pkl), len(pkl), len(nb), 0) + nb + pkl)
    central.append((nb, 0, zlib.crc32(pkl), len(pkl), len(pkl), 0))
    shared_at = out.tell()
    name0, method, crc, size, data = members[0]
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, method, 0, 0, crc, len(data), size, len(name0), 0) + name0.encode() + data)
    for name, method, crc, size, data in members:
        central.append((name.encode(), method, crc, len(data), size, shared_at))
    cd_start = out.tell()
    for name, method, crc, compressed, size, offset in central:
        out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, method, 0, 0, crc, compressed, size,
                              len(name), 0, 0, 0, 0, 0, offset) + name)
    cd_size = out.tell() - cd_start
    out.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(central), len(central), cd_size, cd_start, 0))
    return out.getvalue()


def write(out, items):
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, data, reader, expect, budget in items:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        manifest.append({"file": name, "reader": reader, "outcome": "loaded" if expect is None else "refused",
                         "expect": expect or "", "budget_mb": budget})
        print(f"{name}: {len(data)} bytes, {reader}, {'loaded' if expect is None else 'refused: ' + expect}")
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def main():
    if "--big" in sys.argv:
        write(sys.argv[sys.argv.index("--big") + 1], big_corpus())
    else:
        write(SMALL_OUT, small_corpus())


if __name__ == "__main__":
    main()
