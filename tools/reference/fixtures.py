"""Writes golden fixtures in the safetensors layout (read by Osprey.Torch.Serialization.SafeTensors).

Our own minimal writer: 8-byte little-endian header length, JSON header, raw little-endian data.
"""
import json
import os
import struct

import torch

_DTYPES = {
    torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures")


def save(path, tensors, metadata=None):
    """Saves a dict name -> tensor (and optional str -> str metadata) to path."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        blob = t.view(torch.uint8).numpy().tobytes() if t.dim() > 0 else t.reshape(1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
