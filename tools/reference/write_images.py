"""Writes the image-codec, transform and Fashion-MNIST fixtures for tests/Osprey.Tests.

Run with Debian's python: /usr/bin/python3 tools/reference/write_images.py
- tests/fixtures/images/*: small PNG/JPEG files (and broken ones) written with PIL (16-bit RGB with our own writer,
  as PIL cannot write it).
- tests/fixtures/images.safetensors: the expected decoded pixels, CHW (uint8; int32 for 16-bit), decoded by PIL.
  JPEG pixels are also decoded with torchvision.io.decode_jpeg (libjpeg-turbo); the largest PIL-vs-torchvision
  difference is stored in the metadata so the tests can state a measured tolerance.
- tests/fixtures/transforms.safetensors: torchvision's tensor Resize (bilinear, antialias=False), resized crop,
  centre crop and normalize applied to images/rgb.png.
- tests/fixtures/fashion_mnist.safetensors: counts, the first labels and the first image of Debian's Fashion-MNIST.
"""
import gzip
import io
import os
import struct
import zlib

import numpy as np
import torch
import torchvision.transforms.functional as F
from PIL import Image, ImageOps
from torchvision.io import ImageReadMode, decode_jpeg

from fixtures import FIXTURES, save

IMAGES = os.path.join(FIXTURES, "images")
FASHION = "/usr/share/datasets/fashion-mnist"
rng = np.random.default_rng(20240611)


def chw(array):
    a = np.array(array)
    if a.ndim == 2:
        a = a[:, :, None]
    return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))


def path(name):
    return os.path.join(IMAGES, name)


def pattern(h, w, c):
    """Smooth gradients plus noise: asymmetric, so every flip and rotation is visible."""
    y, x = np.mgrid[0:h, 0:w]
    planes = [(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x + 2 * y) * 7) % 256, 128 + (x - y) * 3]
    a = np.stack(planes[:c], axis=-1).astype(np.int64) + rng.integers(-20, 21, size=(h, w, c))
    return np.clip(a, 0, 255).astype(np.uint8)


def png16(filename, array):
    """A 16-bit gray/GA/RGB/RGBA PNG (array HxWxC uint16) with our own minimal writer."""
    h, w, c = array.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + array[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path(filename), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw)))
        f.write(chunk(b"IEND", b""))


def voc_palette():
    """PASCAL VOC's colour map: class i gets bits of i spread over R, G, B."""
    palette = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette += [r, g, b]
    return palette


def pngs(expected):
    gray = pattern(9, 13, 1)[:, :, 0]
    Image.fromarray(gray, "L").save(path("gray.png"))
    expected["gray"] = chw(Image.open(path("gray.png")))
    assert torch.equal(expected["gray"], chw(gray))

    ga = pattern(9, 13, 2)
    Image.fromarray(ga, "LA").save(path("gray_alpha.png"))
    expected["gray_alpha"] = chw(Image.open(path("gray_alpha.png")))
    expected["gray_alpha_as_rgb"] = chw(Image.open(path("gray_alpha.png")).convert("RGB"))

    rgb = pattern(10, 14, 3)
    Image.fromarray(rgb, "RGB").save(path("rgb.png"))
    expected["rgb"] = chw(Image.open(path("rgb.png")))
    expected["rgb_as_gray"] = chw(Image.open(path("rgb.png")).convert("L"))
    # The same PNG under a .jpg name: formats are found by magic bytes.
    with open(path("rgb.png"), "rb") as src, open(path("png_named.jpg"), "wb") as dst:
        dst.write(src.read())

    rgba = pattern(11, 7, 4)
    Image.fromarray(rgba, "RGBA").save(path("rgba.png"))
    expected["rgba"] = chw(Image.open(path("rgba.png")))
    assert torch.equal(expected["rgba"], chw(rgba))

    # A VOC-style mask: class ids 0..20, 255 = ignore (object borders).
    indices = rng.integers(0, 21, size=(12, 15)).astype(np.uint8)
    indices[0, :] = 255
    indices[5, 3:9] = 255
    mask = Image.fromarray(indices, "P")
    mask.putpalette(voc_palette())
    mask.save(path("palette.png"))
    opened = Image.open(path("palette.png"))
    assert opened.mode == "P"
    expected["palette_indices"] = chw(opened)
    expected["palette_rgb"] = chw(opened.convert("RGB"))
    assert torch.equal(expected["palette_indices"], chw(indices))

    small = rng.integers(0, 16, size=(6, 9)).astype(np.uint8)
    mask4 = Image.fromarray(small, "P")
    mask4.putpalette(voc_palette()[:48])
    mask4.save(path("palette4.png"), bits=4)
    with open(path("palette4.png"), "rb") as f:
        assert f.read(25)[24] == 4, "palette4.png should have bit depth 4"
    expected["palette4_indices"] = chw(Image.open(path("palette4.png")))
    assert torch.equal(expected["palette4_indices"], chw(small))

    with_alpha = Image.fromarray(rng.integers(0, 4, size=(5, 6)).astype(np.uint8), "P")
    with_alpha.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9])
    with_alpha.save(path("palette_trns.png"), transparency=bytes([255, 0, 128, 255]))
    expected["palette_trns_rgba"] = chw(Image.open(path("palette_trns.png")).convert("RGBA"))

    bits = rng.integers(0, 2, size=(7, 10)).astype(bool)
    Image.fromarray(bits).save(path("gray1.png"))
    expected["gray1"] = chw(Image.open(path("gray1.png")).convert("L"))
    expected["gray1_indices"] = chw(bits.astype(np.uint8))

    gray16 = rng.integers(0, 65536, size=(5, 8)).astype(np.uint16)
    gray16[0, 0], gray16[0, 1] = 0, 65535
    Image.fromarray(gray16, "I;16").save(path("gray16.png"))
    expected["gray16"] = chw(np.asarray(Image.open(path("gray16.png"))).astype(np.int32))
    assert torch.equal(expected["gray16"], chw(gray16.astype(np.int32)))

    rgb16 = rng.integers(0, 65536, size=(4, 6, 3)).astype(np.uint16)
    rgb16[0, 0] = [0, 65535, 256]
    png16("rgb16.png", rgb16)
    expected["rgb16"] = chw(rgb16.astype(np.int32))  # PIL cannot read 16-bit RGB: the array we wrote is the truth

    with open(path("rgb.png"), "rb") as f:
        data = f.read()
    with open(path("truncated.png"), "wb") as f:
        f.write(data[: len(data) // 2])
    idat = data.index(b"IDAT")
    idat_length = struct.unpack(">I", data[idat - 4:idat])[0]
    corrupt = bytearray(data)
    corrupt[idat + 4 + idat_length] ^= 0xFF  # the IDAT data is intact, its CRC is not
    with open(path("bad_crc.png"), "wb") as f:
        f.write(bytes(corrupt))


def exif_bytes(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def jpegs(expected, metadata):
    worst = 0
    rgb = pattern(12, 20, 3)
    Image.fromarray(rgb, "RGB").save(path("rgb.jpg"), quality=90)
    entries = [("rgb_jpg", "rgb.jpg", None)]
    Image.fromarray(pattern(17, 23, 1)[:, :, 0], "L").save(path("gray.jpg"), quality=90)
    entries.append(("gray_jpg", "gray.jpg", None))
    for orientation in range(2, 9):
        name = f"exif{orientation}.jpg"
        Image.fromarray(rgb, "RGB").save(path(name), quality=90, exif=exif_bytes(orientation))
        entries.append((f"exif{orientation}", name, orientation))
    for key, name, orientation in entries:
        pil = Image.open(path(name))
        if orientation is not None:
            assert pil.getexif()[0x0112] == orientation
            pil = ImageOps.exif_transpose(pil)
        expected[key] = chw(pil)
        with open(path(name), "rb") as f:
            tv = decode_jpeg(torch.frombuffer(bytearray(f.read()), dtype=torch.uint8), ImageReadMode.UNCHANGED)
        if orientation is None:
            worst = max(worst, int((tv.int() - expected[key].int()).abs().max()))
    # The luma of a colour JPEG, as TurboJPEG/libjpeg decode it straight to gray (not PIL's RGB->L formula).
    with open(path("rgb.jpg"), "rb") as f:
        expected["rgb_jpg_as_gray"] = decode_jpeg(torch.frombuffer(bytearray(f.read()), dtype=torch.uint8), ImageReadMode.GRAY)
    metadata["jpeg_pil_vs_torchvision_max_diff"] = worst

    pattern(8, 8, 4)  # drawn for a CMYK JPEG once (now written by write_image_formats.py): later fixtures stay the same
    # Big enough that the cut falls in the entropy-coded scan, after the headers.
    buffer = io.BytesIO()
    Image.fromarray(pattern(48, 64, 3), "RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    with open(path("truncated.jpg"), "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    with open(path("not_an_image.png"), "wb") as f:
        f.write(b"This is a text file that pretends to be a PNG by its name.\n")


def transforms():
    image = chw(Image.open(path("rgb.png")))  # 3 x 10 x 14
    out = {"image": image}
    for h, w in [(5, 7), (23, 31), (10, 6)]:
        out[f"resize_{h}x{w}"] = F.resize(image, [h, w], antialias=False)
    out["resize_short8"] = F.resize(image, 8, antialias=False)  # shorter edge 8 -> 8 x int(8*14/10) = 8 x 11
    out["resized_crop_2_3_6_9_to_8x8"] = F.resized_crop(image, 2, 3, 6, 9, [8, 8], antialias=False)
    out["center_crop_7x9"] = F.center_crop(image, [7, 9])
    out["center_crop_13x16"] = F.center_crop(image, [13, 16])  # larger than the image: zero padded
    as_float = image.float() / 255
    out["normalized"] = F.normalize(as_float, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    save(os.path.join(FIXTURES, "transforms.safetensors"), out)


def idx(filename):
    with gzip.open(os.path.join(FASHION, filename), "rb") as f:
        return f.read()


def fashion_mnist():
    metadata = {}
    tensors = {}
    for split in ["train", "t10k"]:
        images, labels = idx(f"{split}-images-idx3-ubyte.gz"), idx(f"{split}-labels-idx1-ubyte.gz")
        magic, count, rows, cols = struct.unpack(">IIII", images[:16])
        assert magic == 2051 and rows == cols == 28
        magic_l, count_l = struct.unpack(">II", labels[:8])
        assert magic_l == 2049 and count_l == count
        metadata[f"{split}_count"] = count
        metadata[f"{split}_first_labels"] = ",".join(str(b) for b in labels[8:28])
        metadata[f"{split}_label_sum"] = sum(labels[8:])
        tensors[f"{split}_first_image"] = torch.frombuffer(bytearray(images[16:16 + 784]), dtype=torch.uint8).reshape(1, 28, 28)
        tensors[f"{split}_last_image"] = torch.frombuffer(bytearray(images[-784:]), dtype=torch.uint8).reshape(1, 28, 28)
    save(os.path.join(FIXTURES, "fashion_mnist.safetensors"), tensors, metadata)


def main():
    os.makedirs(IMAGES, exist_ok=True)
    expected, metadata = {}, {}
    pngs(expected)
    jpegs(expected, metadata)
    save(os.path.join(FIXTURES, "images.safetensors"), expected, metadata)
    transforms()
    fashion_mnist()
    print("jpeg PIL vs torchvision max diff:", metadata["jpeg_pil_vs_torchvision_max_diff"])


if __name__ == "__main__":
    main()
