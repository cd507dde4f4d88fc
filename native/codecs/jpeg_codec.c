/* JPEG through libjpeg-turbo's TurboJPEG API, which handles libjpeg's longjmp internally and reports by status. */
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

#include "osprey_codecs.h"
#include "pixels.h"

static void set_tj_error(char* err, size_t err_size, tjhandle handle, const char* what) {
  osc_set_error(err, err_size, "%s: %s", what, tjGetErrorStr2(handle));
}

int osc_jpeg_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* result,
                    uint8_t** pixels, char* err, size_t err_size) {
  *pixels = NULL;
  if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
    osc_set_error(err, err_size, "not a JPEG file (bad SOI marker)");
    return OSC_ERROR;
  }
  if (osc_check_colour_mode(mode, "JPEG (lossy)", err, err_size) != OSC_OK) return OSC_ERROR;
  tjhandle handle = tjInitDecompress();
  if (!handle) {
    osc_set_error(err, err_size, "TurboJPEG could not allocate its state: %s", tjGetErrorStr2(NULL));
    return OSC_ERROR;
  }
  /* Initialized: for a tables-only (abbreviated) stream TurboJPEG returns success without setting them. */
  int width = 0, height = 0, subsampling = -1, colorspace = -1;
  if (tjDecompressHeader3(handle, data, (unsigned long)size, &width, &height, &subsampling, &colorspace) != 0) {
    set_tj_error(err, err_size, handle, "cannot read the JPEG header");
    tjDestroy(handle);
    return OSC_ERROR;
  }
  if (width <= 0 || height <= 0) {
    osc_set_error(err, err_size, "the JPEG header declares no image (%d x %d; a tables-only stream?)", width, height);
    tjDestroy(handle);
    return OSC_ERROR;
  }
  if (max_pixels >= 0 && (uint64_t)width * (uint64_t)height > (uint64_t)max_pixels) {
    result->width = width;
    result->height = height;
    result->channels = colorspace == TJCS_GRAY ? 1 : 3;
    result->bytes_per_sample = 1;
    osc_set_error(err, err_size, "the header declares %d x %d pixels", width, height);
    tjDestroy(handle);
    return OSC_TOO_MANY_PIXELS;
  }
  /* CMYK and YCCK files decode to CMYK (libjpeg turns YCCK into CMYK) and are converted to RGB as PIL converts them. */
  const int cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  const int gray_source = colorspace == TJCS_GRAY;
  int channels = osc_mode_channels(mode, gray_source ? 1 : 3);
  /* TurboJPEG decodes straight to gray (the Y channel, as libjpeg's JCS_GRAYSCALE), RGB or RGBA (alpha 255);
   * gray+alpha is gray plus an opaque channel added after. */
  const int decode_channels = cmyk ? 4 : channels == 2 ? 1 : channels;
  const int format = cmyk ? TJPF_CMYK : decode_channels == 1 ? TJPF_GRAY : decode_channels == 3 ? TJPF_RGB : TJPF_RGBA;
  const size_t count = (size_t)width * (size_t)height;
  if (count > OSC_MAX_PIXEL_BYTES / 4) {
    osc_set_error(err, err_size, "image too large to decode (%d x %d)", width, height);
    tjDestroy(handle);
    return OSC_ERROR;
  }
  uint8_t* buffer = (uint8_t*)malloc(count * decode_channels + 1);
  if (!buffer) {
    osc_set_error(err, err_size, "out of memory for a %d x %d image", width, height);
    tjDestroy(handle);
    return OSC_ERROR;
  }
#ifdef TJFLAG_LIMITSCANS
  /* A progressive JPEG of thousands of tiny scans takes minutes to decode; libjpeg-turbo stops after 500. */
  const int flags = TJFLAG_LIMITSCANS;
#else
  const int flags = 0;
#endif
  if (tjDecompress2(handle, data, (unsigned long)size, buffer, width, 0, height, format, flags) != 0) {
    /* A warning still yields an image. Most warnings are harmless (extraneous bytes before a marker), but a
     * premature end of data means the bottom of the picture is invented gray: that file is truncated. */
    const char* message = tjGetErrorStr2(handle);
    if (tjGetErrorCode(handle) == TJERR_FATAL || strstr(message, "Premature end") != NULL) {
      osc_set_error(err, err_size, "%s%s", message,
                    strstr(message, "Premature end") ? " (the file is truncated)" : "");
      free(buffer);
      tjDestroy(handle);
      return OSC_ERROR;
    }
  }
  tjDestroy(handle);
  int have_channels = decode_channels;
  if (cmyk) {
    osc_cmyk_to_rgb(buffer, count, 1); /* PIL reads every CMYK JPEG as Adobe's inverted CMYK */
    have_channels = 3;
  }
  if (have_channels != channels) {
    uint8_t* converted = (uint8_t*)malloc(count * channels + 1);
    if (!converted) {
      free(buffer);
      osc_set_error(err, err_size, "out of memory for a %d x %d image", width, height);
      return OSC_ERROR;
    }
    osc_convert_channels(buffer, have_channels, converted, channels, count, 1);
    free(buffer);
    buffer = converted;
  }
  result->width = width;
  result->height = height;
  result->channels = channels;
  result->bytes_per_sample = 1;
  *pixels = buffer;
  return OSC_OK;
}

int osc_jpeg_encode(const uint8_t* pixels, const osc_image* image, int quality, uint8_t** out, size_t* out_size,
                    char* err, size_t err_size) {
  *out = NULL;
  *out_size = 0;
  if ((image->channels != 1 && image->channels != 3) || image->bytes_per_sample != 1 || image->width <= 0 ||
      image->height <= 0) {
    osc_set_error(err, err_size, "JPEG encode needs an 8-bit gray or RGB image (got %d channels, %d bytes per sample)",
                  image->channels, image->bytes_per_sample);
    return OSC_ERROR;
  }
  if (quality < 1 || quality > 100) {
    osc_set_error(err, err_size, "JPEG quality must be 1..100, got %d", quality);
    return OSC_ERROR;
  }
  tjhandle handle = tjInitCompress();
  if (!handle) {
    osc_set_error(err, err_size, "TurboJPEG could not allocate its state: %s", tjGetErrorStr2(NULL));
    return OSC_ERROR;
  }
  unsigned char* jpeg = NULL;
  unsigned long jpeg_size = 0;
  const int gray = image->channels == 1;
  if (tjCompress2(handle, pixels, image->width, 0, image->height, gray ? TJPF_GRAY : TJPF_RGB, &jpeg, &jpeg_size,
                  gray ? TJSAMP_GRAY : TJSAMP_420, quality, 0) != 0) {
    set_tj_error(err, err_size, handle, "JPEG encode failed");
    tjFree(jpeg);
    tjDestroy(handle);
    return OSC_ERROR;
  }
  tjDestroy(handle);
  *out = (uint8_t*)malloc(jpeg_size);
  if (!*out) {
    tjFree(jpeg);
    osc_set_error(err, err_size, "out of memory");
    return OSC_ERROR;
  }
  memcpy(*out, jpeg, jpeg_size);
  tjFree(jpeg);
  *out_size = jpeg_size;
  return OSC_OK;
}
