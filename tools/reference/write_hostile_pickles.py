"""Writes a corpus of hostile pickles and torch.save files that Osprey's loader must refuse.

    /usr/bin/python3 tools/reference/write_hostile_pickles.py [--no-prove]

Every payload runs `touch /tmp/osprey-hostile-marker-<name>`. Files go to tests/fixtures/hostile with
manifest.json: for each file, the text Osprey's error must contain, and whether Python itself creates the
marker when it loads the file (pickle.loads for .pkl, torch.load for .pt). That proof runs each file in a
subprocess (the payload only touches the marker, which is removed again); --no-prove skips it. Structural
cases (truncation, bad lengths, bad memo references, bad archives) fail in Python before any payload runs.
"""
import json
import os
import pickle
import struct
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import FIXTURES  # noqa: E402

OUT = os.path.join(FIXTURES, "hostile")
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C  # torch's legacy-format magic


def marker(name):
    return f"/tmp/osprey-hostile-marker-{name}"


def touch(name):
    return f"touch {marker(name)}"


# --- opcode helpers (protocol 2 unless noted) ---
PROTO2, PROTO4, STOP = b"\x80\x02", b"\x80\x04", b"."
MARK, TUPLE, REDUCE, EMPTY_LIST, APPEND, APPENDS = b"(", b"t", b"R", b"]", b"a", b"e"
NONE, POP, NEWFALSE, EMPTY_TUPLE, TUPLE2, SETITEMS, BINPERSID = b"N", b"0", b"\x89", b")", b"\x86", b"u", b"Q"


def glob(module, name):
    return b"c" + f"{module}\n{name}\n".encode()


def text(s):
    data = s.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def short_text(s):  # SHORT_BINUNICODE, protocol 4
    data = s.encode()
    return b"\x8c" + bytes([len(data)]) + data


def stack_glob(module, name):  # protocol 4
    return short_text(module) + short_text(name) + b"\x93"


def call(fn, *args):
    return fn + MARK + b"".join(args) + TUPLE + REDUCE


def int1(v):
    return b"K" + bytes([v])


def pickle_of(body, proto=PROTO2):
    return proto + body + STOP


def torch_zip(data_pkl, storages=None, compression=zipfile.ZIP_STORED):
    """A torch.save-shaped zip archive around the given data.pkl bytes."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        z.writestr("archive/data.pkl", data_pkl)
        for key, data in (storages or {}).items():
            z.writestr(f"archive/data/{key}", data)
        z.writestr("archive/version", "3\n")
    return buffer.getvalue()


def patch_member(archive, name, crc_xor=0, flags_or=0):
    """Sets general-purpose flag bits and/or flips CRC bits of one member, in its local header and central record."""
    data = bytearray(archive)
    for signature, flags_at, crc_at, name_len_at, name_at in ((b"PK\x03\x04", 6, 14, 26, 30), (b"PK\x01\x02", 8, 16, 28, 46)):
        at = 0
        while (at := bytes(data).find(signature, at)) >= 0:
            n = struct.unpack("<H", data[at + name_len_at:at + name_len_at + 2])[0]
            if data[at + name_at:at + name_at + n] == name.encode():
                data[at + flags_at] |= flags_or
                crc = struct.unpack("<I", data[at + crc_at:at + crc_at + 4])[0] ^ crc_xor
                data[at + crc_at:at + crc_at + 4] = struct.pack("<I", crc)
            at += 4
    return bytes(data)


def storage_pid(key="0", numel=2):
    return MARK + text("storage") + glob("torch", "FloatStorage") + text(key) + text("cpu") + int1(numel) + TUPLE + BINPERSID


def legacy_file(body):
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    head = b"".join(pickle.dumps(v, protocol=2) for v in (MAGIC_NUMBER, 1001, sys_info))
    return head + pickle_of(body)


def corpus():
    """(file name, bytes, text Osprey's error must contain, loader limits or None)."""
    items = []

    def add(name, ext, data, expect, limits=None):
        items.append((name + ext, data, expect, limits))

    add("os_system", ".pkl", pickle_of(call(glob("os", "system"), text(touch("os_system")))), "refused global os.system")
    add("posix_system", ".pkl", pickle_of(call(glob("posix", "system"), text(touch("posix_system")))), "refused global posix.system")
    add("subprocess_popen", ".pkl",
        pickle_of(call(glob("subprocess", "Popen"), EMPTY_LIST + MARK + text("touch") + text(marker("subprocess_popen")) + APPENDS)),
        "refused global subprocess.Popen")
    add("builtins_eval", ".pkl",
        pickle_of(call(glob("builtins", "eval"), text(f"__import__('os').system('{touch('builtins_eval')}')"))),
        "refused global builtins.eval")
    add("builtin_exec_py2_name", ".pkl",
        pickle_of(call(glob("__builtin__", "exec"), text(f"import os; os.system('{touch('builtin_exec_py2_name')}')"))),
        "refused global builtins.exec")
    # getattr(__import__('os'), 'system')(cmd): a function found at run time, then called.
    getattr_call = call(glob("builtins", "getattr"), call(glob("builtins", "__import__"), text("os")), text("system"))
    add("getattr_import", ".pkl", pickle_of(getattr_call + MARK + text(touch("getattr_import")) + TUPLE + REDUCE),
        "refused global builtins.getattr")
    # Protocol 4 resolves dotted names by getattr: torch.serialization imports os, so this is os.system.
    add("dotted_name_to_os", ".pkl",
        pickle_of(stack_glob("torch.serialization", "os.system") + MARK + short_text(touch("dotted_name_to_os")) + TUPLE + REDUCE, PROTO4),
        "module 'os'")
    add("main_builtins_dunder", ".pkl",
        pickle_of(stack_glob("__main__", "__builtins__.exec") + MARK
                  + short_text(f"import os; os.system('{touch('main_builtins_dunder')}')") + TUPLE + REDUCE, PROTO4),
        "'__builtins__'")
    # A module on no deny list, used as a function: cProfile.run executes its argument as code.
    add("unlisted_module_function", ".pkl",
        pickle_of(call(glob("cProfile", "run"), text(f"import os; os.system('{touch('unlisted_module_function')}')"))),
        "refused to call cProfile.run")
    # A storage pickled by plain pickle: torch.storage._load_from_bytes runs torch.load on embedded bytes.
    inner = legacy_file(call(glob("os", "system"), text(touch("nested_torch_load"))))
    add("nested_torch_load", ".pkl",
        pickle_of(call(glob("torch.storage", "_load_from_bytes"), b"B" + struct.pack("<I", len(inner)) + inner), b"\x80\x03"),
        "refused global torch.storage._load_from_bytes")

    # torch.save-shaped archives.
    add("zip_hostile_data_pkl", ".pt",
        torch_zip(pickle_of(call(glob("os", "system"), text(touch("zip_hostile_data_pkl")))), {"0": bytes(8)}),
        "refused global os.system")
    hooks = call(glob("posix", "system"), text(touch("nested_in_tensor_rebuild")))
    tensor = call(glob("torch._utils", "_rebuild_tensor_v2"), storage_pid(), int1(0), int1(2) + b"\x85", int1(1) + b"\x85", NEWFALSE, hooks)
    add("nested_in_tensor_rebuild", ".pt",
        torch_zip(pickle_of(call(glob("collections", "OrderedDict")) + MARK + text("w") + tensor + SETITEMS), {"0": bytes(8)}),
        "refused global posix.system")
    # The payload behind zip features a reader might skip: deflate, a wrong CRC, the encryption flag.
    payload_pkl = pickle_of(call(glob("os", "system"), text(touch("deflated_member_payload"))))
    add("deflated_member_payload", ".pt", torch_zip(payload_pkl, compression=zipfile.ZIP_DEFLATED), "refused global os.system")
    add("crc_mismatch_payload", ".pt", patch_member(torch_zip(pickle_of(call(glob("os", "system"), text(touch("crc_mismatch_payload"))))),
                                                    "archive/data.pkl", crc_xor=0x1), "fails its CRC-32 check")
    add("encrypted_flag_payload", ".pt", patch_member(torch_zip(pickle_of(call(glob("os", "system"), text(touch("encrypted_flag_payload"))))),
                                                      "archive/data.pkl", flags_or=0x1), "is encrypted")
    add("legacy_format_payload", ".pt", legacy_file(call(glob("os", "system"), text(touch("legacy_format_payload")))),
        "refused global os.system")

    # Resource abuse before a payload: Python digs through it and then runs the payload.
    depth = 5000
    deep = EMPTY_LIST * depth + APPEND * (depth - 1)
    add("deep_nesting", ".pkl", pickle_of(deep + call(glob("os", "system"), text(touch("deep_nesting"))) + TUPLE2),
        "nest deeper than 1000 levels")
    flood = b"".join(NONE + b"r" + struct.pack("<I", i) + POP for i in range(10_001))
    add("memo_flood", ".pkl", pickle_of(flood + call(glob("os", "system"), text(touch("memo_flood")))),
        "more than 10000 memo entries", {"max_memo_entries": 10_000})

    # Structural damage: Python fails on these before reaching the payload that follows.
    def payload(name):
        return call(glob("os", "system"), text(touch(name)))

    add("memo_missing_index", ".pkl", pickle_of(b"h\x07" + payload("memo_missing_index")),
        "memo index 7 was never stored")
    add("truncated", ".pkl", PROTO2 + MARK + int1(1) + text("abc")[:-2], "truncated")
    add("oversized_length", ".pkl",
        PROTO2 + b"X" + struct.pack("<I", 0xFFFFFFF0) + b"abc" + payload("oversized_length") + STOP,
        "declares 4294967280 bytes")
    traversal = call(glob("torch._utils", "_rebuild_tensor_v2"), storage_pid("../../../etc/passwd"), int1(0),
                     int1(2) + b"\x85", int1(1) + b"\x85", NEWFALSE, NONE)
    add("storage_key_traversal", ".pt", torch_zip(pickle_of(traversal), {"0": bytes(8)}), "not a plain record name")
    outside = call(glob("torch._utils", "_rebuild_tensor_v2"), storage_pid(), int1(0),
                   b"M" + struct.pack("<H", 1000) + b"\x85", int1(1) + b"\x85", NEWFALSE, NONE)
    add("view_outside_storage", ".pt", torch_zip(pickle_of(outside), {"0": bytes(8)}), "reaches element 999 of storage '0', which has 2")
    return items


PROVE = r"""
import pickle, sys
path = sys.argv[1]
if path.endswith(".pt"):
    import torch
    torch.load(path)
else:
    pickle.loads(open(path, "rb").read())
"""


def python_creates_marker(path, name):
    stem = os.path.splitext(name)[0]
    if os.path.exists(marker(stem)):
        os.remove(marker(stem))
    try:
        subprocess.run([sys.executable, "-c", PROVE, path], capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        pass
    created = os.path.exists(marker(stem))
    if created:
        os.remove(marker(stem))
    return created


def main():
    prove = "--no-prove" not in sys.argv
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    for name, data, expect, limits in corpus():
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(data)
        entry = {"file": name, "marker": marker(os.path.splitext(name)[0]), "expect": expect}
        if limits:
            entry["limits"] = limits
        if prove:
            entry["python_creates_marker"] = python_creates_marker(path, name)
        manifest.append(entry)
        print(name, entry.get("python_creates_marker", "not proven"))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
