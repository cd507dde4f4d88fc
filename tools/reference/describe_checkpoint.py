"""Prints what torch.load makes of a file, for Osprey's round-trip tests to compare against.

    /usr/bin/python3 tools/reference/describe_checkpoint.py FILE

Line 1: the loaded object's type (module.qualname). Then one line per entry, in order:
key<TAB>dtype<TAB>shape (comma-separated)<TAB>sha256 of the row-major element bytes.
"""
import hashlib
import sys

import torch


def element_bytes(t):
    t = t.detach().contiguous().reshape(-1)
    return t.view(torch.uint8).numpy().tobytes() if t.numel() else b""


def main(path):
    obj = torch.load(path)
    print(f"{type(obj).__module__}.{type(obj).__qualname__}")
    for key, t in obj.items():
        dtype = str(t.dtype).replace("torch.", "")
        shape = ",".join(str(d) for d in t.shape)
        print(f"{key}\t{dtype}\t{shape}\t{hashlib.sha256(element_bytes(t)).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1])
