/* libosprey_codecs: PNG (libpng 1.6), JPEG (libjpeg-turbo's TurboJPEG), TIFF (libtiff 4.5+) and WebP (libwebp)
 * behind a small C ABI.
 *
 * Why a C library of our own rather than P/Invoke into libpng: libpng reports errors with longjmp, and a longjmp
 * must never unwind through .NET frames. libpng's simplified API (png_image_*) catches its own longjmp, but it
 * cannot give what we need: its 16-bit output is linear-light (gamma-converted, alpha-premultiplied), not the raw
 * samples, and its colour-mapped output is a colormap libpng builds itself, not the file's palette indices (which
 * are the class ids of segmentation masks). So setjmp/longjmp stay inside this library: every export returns a
 * status and writes the codec's message into the caller's buffer; nothing crosses the ABI but data.
 *
 * Pixels are interleaved HWC, row-major, 1 or 2 bytes per sample (2 = native-endian uint16).
 * Buffers returned in *pixels / *out are malloc'd here and released with osc_free. All functions are thread-safe. */
#ifndef OSPREY_CODECS_H
#define OSPREY_CODECS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define OSC_EXPORT __attribute__((visibility("default")))
#else
#define OSC_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define OSC_OK 0
#define OSC_ERROR 1
/* The header declares more than max_pixels pixels: nothing was allocated; info holds the declared width and height. */
#define OSC_TOO_MANY_PIXELS 2

/* Output channel layouts. OSC_INDICES: the raw samples of a single-channel image (palette indices of a palette PNG,
 * gray values of a gray PNG, unscaled even at bit depths 1/2/4). */
enum osc_mode { OSC_UNCHANGED = 0, OSC_GRAY = 1, OSC_GRAY_ALPHA = 2, OSC_RGB = 3, OSC_RGBA = 4, OSC_INDICES = 5 };

typedef struct osc_image {
  int32_t width, height, channels, bytes_per_sample;
} osc_image;

/* max_pixels (width x height) is checked against the header before any pixel memory is allocated (a decompression
 * bomb: a small file that declares a huge image). */
OSC_EXPORT int osc_png_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* info,
                              uint8_t** pixels, char* err, size_t err_size);
OSC_EXPORT int osc_jpeg_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* info,
                               uint8_t** pixels, char* err, size_t err_size);
/* CMYK and YCCK JPEGs are converted to RGB as PIL's convert("RGB") does (see osc_cmyk_to_rgb). */
/* TIFF: the first image of the file; 8/16-bit gray and RGB(A) strips exactly, any other layout through libtiff's RGBA
 * interface (8-bit). */
/* The JPEG's header: width, height, channels (1 gray, 3 otherwise) and whether it is CMYK/YCCK. */
OSC_EXPORT int osc_jpeg_header(const uint8_t* data, size_t size, osc_image* info, int* cmyk, char* err, size_t err_size);
/* Only the region top, left, height x width (inside the image) of a gray or YCbCr JPEG, to mode OSC_GRAY or OSC_RGB:
 * the same pixels as the whole decode cropped, at about the region's share of its cost (libjpeg's
 * jpeg_skip_scanlines / jpeg_crop_scanline). CMYK files are an error: decode them whole. */
OSC_EXPORT int osc_jpeg_decode_region(const uint8_t* data, size_t size, int mode, int64_t max_pixels, int32_t top,
                                      int32_t left, int32_t height, int32_t width, osc_image* info, uint8_t** pixels,
                                      char* err, size_t err_size);
OSC_EXPORT int osc_tiff_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* info,
                               uint8_t** pixels, char* err, size_t err_size);
/* WebP: still images, lossy or lossless, RGB or unpremultiplied RGBA. */
OSC_EXPORT int osc_webp_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* info,
                               uint8_t** pixels, char* err, size_t err_size);
/* channels 1..4 (gray, gray+alpha, RGB, RGBA); bytes_per_sample 1 or 2. */
OSC_EXPORT int osc_png_encode(const uint8_t* pixels, const osc_image* info, int compression_level, uint8_t** out,
                              size_t* out_size, char* err, size_t err_size);
/* An 8-bit palette PNG of width x height indices, each below colors (1..256); palette holds colors RGB triplets. */
OSC_EXPORT int osc_png_encode_palette(const uint8_t* indices, int32_t width, int32_t height, const uint8_t* palette,
                                      int32_t colors, int compression_level, uint8_t** out, size_t* out_size, char* err,
                                      size_t err_size);
/* channels 1 or 3, 8-bit; quality 1..100; colour is 4:2:0 subsampled. */
OSC_EXPORT int osc_jpeg_encode(const uint8_t* pixels, const osc_image* info, int quality, uint8_t** out,
                               size_t* out_size, char* err, size_t err_size);
/* Converts count interleaved pixels between gray, gray+alpha, RGB and RGBA (1..4 channels, 1 or 2 bytes per sample):
 * gray from colour by PIL's integer ITU-R 601-2 luma, a missing alpha opaque, a dropped alpha discarded. */
OSC_EXPORT void osc_convert_channels(const uint8_t* src, int src_channels, uint8_t* dst, int dst_channels, size_t count,
                                     int bytes_per_sample);
OSC_EXPORT void osc_free(void* p);
/* "libpng X.Y.Z, libjpeg-turbo (TurboJPEG API), libtiff X.Y.Z, libwebp X.Y.Z" */
OSC_EXPORT const char* osc_versions(void);

#ifdef __cplusplus
}
#endif
#endif
