"""Writes the BMP, TIFF, WebP and CMYK/YCCK JPEG fixtures for tests/Osprey.Tests (ImageFormatTests).

Run with Debian's python: /usr/bin/python3 tools/reference/write_image_formats.py
- tests/fixtures/images/formats/*: small files written by PIL (python3-pil 9.4, linked to Debian's libtiff6, libwebp7,
  libjpeg-turbo); the YCCK JPEG is written by TurboJPEG itself (tjCompress2 with TJPF_CMYK, through ctypes), as PIL
  cannot write YCCK.
- tests/fixtures/image_formats.safetensors: the pixels PIL decodes, CHW uint8: `<name>` is Image.open(...) in the
  file's own mode (only where that mode is L, LA, RGB or RGBA), `<name>_rgb` is Image.open(...).convert("RGB").
  16-bit gray TIFF is int32 as Osprey holds 16-bit samples.
"""
import ctypes
import os

import numpy as np
import torch
from PIL import Image

from fixtures import FIXTURES, save
from write_images import chw, pattern, rng  # the same pixel patterns (and random stream) as the PNG/JPEG fixtures

FORMATS = os.path.join(FIXTURES, "images", "formats")


def path(name):
    return os.path.join(FORMATS, name)


def record(expected, key, filename, native_mode=None):
    image = Image.open(path(filename))
    if native_mode is not None:
        assert image.mode == native_mode, f"{filename}: PIL opens it as {image.mode}, expected {native_mode}"
        expected[key] = chw(image)
    expected[key + "_rgb"] = chw(image.convert("RGB"))
    return image


def palette_image(h, w, colors):
    indices = rng.integers(0, colors, size=(h, w)).astype(np.uint8)
    image = Image.fromarray(indices, "P")
    image.putpalette(rng.integers(0, 256, size=3 * colors).astype(np.uint8).tolist())
    return image


def bmps(expected):
    Image.fromarray(pattern(9, 13, 3), "RGB").save(path("rgb24.bmp"))
    record(expected, "bmp_rgb24", "rgb24.bmp", "RGB")
    Image.fromarray(pattern(7, 10, 1)[:, :, 0], "L").save(path("gray8.bmp"))
    record(expected, "bmp_gray8", "gray8.bmp", "L")
    palette_image(8, 11, 200).save(path("palette8.bmp"))
    record(expected, "bmp_palette8", "palette8.bmp")
    Image.fromarray(rng.integers(0, 2, size=(6, 19)).astype(bool)).save(path("bw1.bmp"))
    record(expected, "bmp_bw1", "bw1.bmp")
    # PIL writes RGBA as a 32-bit BI_RGB BMP and reads it back as RGB (the fourth byte is padding to it).
    Image.fromarray(pattern(5, 6, 4), "RGBA").save(path("rgba32.bmp"))
    record(expected, "bmp_rgba32", "rgba32.bmp")


def tiffs(expected):
    rgb = pattern(10, 14, 3)
    Image.fromarray(rgb, "RGB").save(path("rgb.tif"))
    record(expected, "tiff_rgb", "rgb.tif", "RGB")
    Image.fromarray(rgb, "RGB").save(path("rgb_lzw.tif"), compression="tiff_lzw")
    record(expected, "tiff_rgb_lzw", "rgb_lzw.tif", "RGB")
    Image.fromarray(pattern(9, 12, 1)[:, :, 0], "L").save(path("gray_deflate.tif"), compression="tiff_adobe_deflate")
    record(expected, "tiff_gray_deflate", "gray_deflate.tif", "L")
    Image.fromarray(pattern(8, 7, 4), "RGBA").save(path("rgba.tif"), compression="packbits")
    record(expected, "tiff_rgba", "rgba.tif", "RGBA")
    palette_image(6, 9, 40).save(path("palette.tif"))
    record(expected, "tiff_palette", "palette.tif")
    Image.fromarray(pattern(7, 9, 4), "CMYK").save(path("cmyk.tif"))
    record(expected, "tiff_cmyk", "cmyk.tif")
    gray16 = rng.integers(0, 65536, size=(5, 8)).astype(np.uint16)
    gray16[0, 0], gray16[0, 1] = 0, 65535
    Image.fromarray(gray16, "I;16").save(path("gray16.tif"))
    opened = Image.open(path("gray16.tif"))
    assert opened.mode == "I;16"
    expected["tiff_gray16"] = chw(np.asarray(opened).astype(np.int32))
    assert torch.equal(expected["tiff_gray16"], chw(gray16.astype(np.int32)))
    # JPEG-compressed YCbCr (lossy): Osprey reads it through libtiff's RGBA interface, PIL through libtiff too.
    Image.fromarray(pattern(16, 24, 3), "RGB").save(path("rgb_jpeg.tif"), compression="jpeg", quality=90)
    record(expected, "tiff_rgb_jpeg", "rgb_jpeg.tif")


def webps(expected):
    rgb = pattern(11, 15, 3)
    Image.fromarray(rgb, "RGB").save(path("lossless.webp"), lossless=True)
    record(expected, "webp_lossless", "lossless.webp", "RGB")
    assert torch.equal(expected["webp_lossless"], chw(rgb))
    rgba = pattern(9, 10, 4)
    Image.fromarray(rgba, "RGBA").save(path("lossless_alpha.webp"), lossless=True, exact=True)
    record(expected, "webp_lossless_alpha", "lossless_alpha.webp", "RGBA")
    assert torch.equal(expected["webp_lossless_alpha"], chw(rgba))
    Image.fromarray(pattern(16, 20, 3), "RGB").save(path("lossy.webp"), quality=80)
    record(expected, "webp_lossy", "lossy.webp", "RGB")
    Image.fromarray(pattern(12, 18, 4), "RGBA").save(path("lossy_alpha.webp"), quality=80)
    record(expected, "webp_lossy_alpha", "lossy_alpha.webp", "RGBA")


def ycck_jpeg(filename, cmyk):
    """A YCCK JPEG from TurboJPEG (TJPF_CMYK input is stored as YCCK with an Adobe marker, transform 2)."""
    tj = ctypes.CDLL("libturbojpeg.so.0")
    tj.tjInitCompress.restype = ctypes.c_void_p
    tj.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                               ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int,
                               ctypes.c_int]
    tj.tjFree.argtypes = [ctypes.c_void_p]
    tj.tjDestroy.argtypes = [ctypes.c_void_p]
    TJPF_CMYK, TJSAMP_444 = 11, 0
    h, w, _ = cmyk.shape
    handle = tj.tjInitCompress()
    out, size = ctypes.c_void_p(), ctypes.c_ulong(0)
    status = tj.tjCompress2(handle, cmyk.tobytes(), w, 0, h, TJPF_CMYK, ctypes.byref(out), ctypes.byref(size), TJSAMP_444, 92, 0)
    assert status == 0, "tjCompress2 failed"
    data = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(handle)
    adobe = data.find(b"Adobe")
    assert adobe > 0 and data[adobe + 11] == 2, "expected an Adobe APP14 marker with transform 2 (YCCK)"
    with open(path(filename), "wb") as f:
        f.write(data)


def jpegs(expected):
    # PIL writes CMYK JPEGs inverted (Adobe's convention) with an Adobe APP14 marker, transform 0.
    Image.fromarray(pattern(10, 12, 4), "CMYK").save(path("cmyk.jpg"), quality=90)
    assert record(expected, "jpeg_cmyk", "cmyk.jpg").mode == "CMYK"
    ycck_jpeg("ycck.jpg", pattern(8, 16, 4))
    assert record(expected, "jpeg_ycck", "ycck.jpg").mode == "CMYK"


def main():
    os.makedirs(FORMATS, exist_ok=True)
    expected = {}
    bmps(expected)
    tiffs(expected)
    webps(expected)
    jpegs(expected)
    save(os.path.join(FIXTURES, "image_formats.safetensors"), expected)
    for name in sorted(os.listdir(FORMATS)):
        print(name, os.path.getsize(path(name)))


if __name__ == "__main__":
    main()
