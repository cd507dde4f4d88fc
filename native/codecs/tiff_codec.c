/* TIFF through libtiff 4.5, reading from memory. libtiff reports through handlers, not longjmp; the per-handle
 * handlers of TIFFOpenOptions (libtiff >= 4.5) write into this call's own context, so decoding is thread-safe and
 * nothing is printed to stderr.
 *
 * The first image of the file is decoded. Stripped 8- or 16-bit gray and RGB images (with or without one alpha
 * sample), the common case, are read sample for sample, as PIL reads them. Every other layout (tiles, palette, CMYK,
 * YCbCr, 1-bit, separate planes) goes through libtiff's RGBA interface (TIFFReadRGBAImageOriented), which applies the
 * photometric interpretation and the orientation; CMYK is converted as PIL converts it. */
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "osprey_codecs.h"
#include "pixels.h"

typedef struct memory_file {
  const uint8_t* data;
  toff_t size, position;
  char* err;
  size_t err_size;
  int failed;
} memory_file;

static tmsize_t mem_read(thandle_t handle, void* buffer, tmsize_t size) {
  memory_file* f = (memory_file*)handle;
  if (size <= 0 || f->position >= f->size) return 0;
  toff_t n = f->size - f->position < (toff_t)size ? f->size - f->position : (toff_t)size;
  memcpy(buffer, f->data + f->position, (size_t)n);
  f->position += n;
  return (tmsize_t)n;
}

static tmsize_t mem_write(thandle_t handle, void* buffer, tmsize_t size) { return -1; }

static toff_t mem_seek(thandle_t handle, toff_t offset, int whence) {
  memory_file* f = (memory_file*)handle;
  toff_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->position : f->size;
  f->position = base + offset;
  return f->position;
}

static int mem_close(thandle_t handle) { return 0; }
static toff_t mem_size(thandle_t handle) { return ((memory_file*)handle)->size; }
static int mem_map(thandle_t handle, void** base, toff_t* size) { return 0; }
static void mem_unmap(thandle_t handle, void* base, toff_t size) {}

/* Keeps libtiff's first error: later ones are usually consequences of it. */
static int on_error(TIFF* tif, void* user_data, const char* module, const char* fmt, va_list args) {
  memory_file* f = (memory_file*)user_data;
  if (!f->failed && f->err && f->err_size > 0) vsnprintf(f->err, f->err_size, fmt, args);
  f->failed = 1;
  return 1;
}

static int on_warning(TIFF* tif, void* user_data, const char* module, const char* fmt, va_list args) { return 1; }

static int fail(memory_file* f, const char* what) {
  if (f->failed) {
    char reason[400];
    snprintf(reason, sizeof reason, "%s", f->err);
    osc_set_error(f->err, f->err_size, "%s: %s", what, reason);
  } else {
    osc_set_error(f->err, f->err_size, "%s", what);
  }
  return OSC_ERROR;
}

/* Stripped, contiguous 8/16-bit unsigned gray or RGB with at most one extra (alpha) sample. */
static int samples_readable(TIFF* tif, uint16_t bits, uint16_t spp, uint16_t photometric) {
  uint16_t planar = PLANARCONFIG_CONTIG, format = SAMPLEFORMAT_UINT, extra_count = 0;
  uint16_t* extra = NULL;
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &format);
  TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra);
  uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orientation);
  if (TIFFIsTiled(tif) || planar != PLANARCONFIG_CONTIG || format != SAMPLEFORMAT_UINT || (bits != 8 && bits != 16) ||
      orientation != ORIENTATION_TOPLEFT)
    return 0;
  /* Associated (premultiplied) alpha would need un-premultiplying: libtiff's RGBA path handles it. */
  if (extra_count > 1 || (extra_count == 1 && extra[0] == EXTRASAMPLE_ASSOCALPHA)) return 0;
  if (photometric == PHOTOMETRIC_MINISBLACK) return spp == 1 + extra_count;
  if (photometric == PHOTOMETRIC_RGB) return spp == 3 + extra_count;
  return 0;
}

static int read_samples(TIFF* tif, memory_file* f, uint32_t width, uint32_t height, int src_channels, int wide,
                        uint8_t* buffer) {
  const size_t row_bytes = (size_t)width * src_channels * (wide ? 2 : 1);
  if ((size_t)TIFFScanlineSize64(tif) != row_bytes) return fail(f, "unexpected TIFF scanline size");
  for (uint32_t y = 0; y < height; y++)
    if (TIFFReadScanline(tif, buffer + (size_t)y * row_bytes, y, 0) < 0) return fail(f, "cannot read the TIFF pixels");
  return OSC_OK;
}

/* libtiff's RGBA raster (one uint32 per pixel, R in the low byte) to interleaved RGB or RGBA. CMYK is read raw
 * instead: libtiff's own CMYK conversion rounds differently from PIL's. */
static int read_rgba(TIFF* tif, memory_file* f, uint32_t width, uint32_t height, int src_channels, uint8_t* buffer) {
  const size_t count = (size_t)width * height;
  uint32_t* raster = (uint32_t*)malloc(count * sizeof(uint32_t) + 1);
  if (!raster) return fail(f, "out of memory for the TIFF raster");
  char message[1024] = "";
  if (!TIFFRGBAImageOK(tif, message)) {
    free(raster);
    osc_set_error(f->err, f->err_size, "this TIFF layout cannot be decoded: %s", message);
    return OSC_ERROR;
  }
  if (!TIFFReadRGBAImageOriented(tif, width, height, raster, ORIENTATION_TOPLEFT, 0)) {
    free(raster);
    return fail(f, "cannot read the TIFF pixels");
  }
  for (size_t i = 0; i < count; i++) {
    const uint32_t p = raster[i];
    uint8_t* out = buffer + i * src_channels;
    out[0] = (uint8_t)TIFFGetR(p);
    out[1] = (uint8_t)TIFFGetG(p);
    out[2] = (uint8_t)TIFFGetB(p);
    if (src_channels == 4) out[3] = (uint8_t)TIFFGetA(p);
  }
  free(raster);
  return OSC_OK;
}

/* Separated (CMYK) 8-bit contiguous strips, read raw and converted as PIL's cmyk2rgb. */
static int cmyk_readable(TIFF* tif, uint16_t bits, uint16_t spp, uint16_t photometric) {
  uint16_t planar = PLANARCONFIG_CONTIG, inkset = INKSET_CMYK;
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_INKSET, &inkset);
  uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orientation);
  return photometric == PHOTOMETRIC_SEPARATED && inkset == INKSET_CMYK && spp == 4 && bits == 8 && !TIFFIsTiled(tif) &&
         planar == PLANARCONFIG_CONTIG && orientation == ORIENTATION_TOPLEFT;
}

int osc_tiff_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* result,
                    uint8_t** pixels, char* err, size_t err_size) {
  *pixels = NULL;
  if (size < 8 || !((data[0] == 'I' && data[1] == 'I') || (data[0] == 'M' && data[1] == 'M'))) {
    osc_set_error(err, err_size, "not a TIFF file (bad byte-order mark)");
    return OSC_ERROR;
  }
  if (osc_check_colour_mode(mode, "TIFF", err, err_size) != OSC_OK) return OSC_ERROR;
  memory_file f = {data, (toff_t)size, 0, err, err_size, 0};
  TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
  if (!options) {
    osc_set_error(err, err_size, "libtiff could not allocate its options");
    return OSC_ERROR;
  }
  TIFFOpenOptionsSetErrorHandlerExtR(options, on_error, &f);
  TIFFOpenOptionsSetWarningHandlerExtR(options, on_warning, &f);
  /* Bounds any single allocation libtiff makes for a hostile file (a strip claiming gigabytes). */
  TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)OSC_MAX_PIXEL_BYTES);
  TIFF* tif = TIFFClientOpenExt("<memory>", "rm", (thandle_t)&f, mem_read, mem_write, mem_seek, mem_close, mem_size,
                                mem_map, mem_unmap, options);
  TIFFOpenOptionsFree(options);
  if (!tif) return fail(&f, "cannot read the TIFF header");

  uint32_t width = 0, height = 0;
  uint16_t bits = 1, spp = 1, photometric = PHOTOMETRIC_MINISWHITE;
  TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric)) photometric = spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  int status = OSC_OK;
  uint8_t* buffer = NULL;
  if (width == 0 || height == 0) {
    osc_set_error(err, err_size, "the TIFF header declares no image (%u x %u)", width, height);
    status = OSC_ERROR;
    goto done;
  }
  const int samples = samples_readable(tif, bits, spp, photometric);
  const int cmyk = !samples && cmyk_readable(tif, bits, spp, photometric);
  int src_channels, wide = 0;
  if (samples) {
    src_channels = spp;
    wide = bits == 16;
  } else if (cmyk) {
    src_channels = 4;
  } else {
    uint16_t extra_count = 0;
    uint16_t* extra = NULL;
    TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &extra_count, &extra);
    src_channels = extra_count > 0 ? 4 : 3;
  }
  if (max_pixels >= 0 && (uint64_t)width * height > (uint64_t)max_pixels) {
    result->width = (int32_t)width;
    result->height = (int32_t)height;
    result->channels = cmyk ? 3 : src_channels;
    result->bytes_per_sample = wide ? 2 : 1;
    osc_set_error(err, err_size, "the header declares %u x %u pixels", width, height);
    status = OSC_TOO_MANY_PIXELS;
    goto done;
  }
  const size_t count = (size_t)width * height;
  if (width > INT32_MAX || height > INT32_MAX || count > OSC_MAX_PIXEL_BYTES / 8) {
    osc_set_error(err, err_size, "image too large to decode (%u x %u)", width, height);
    status = OSC_ERROR;
    goto done;
  }
  const int bytes = wide ? 2 : 1;
  buffer = (uint8_t*)malloc(count * src_channels * bytes + 1);
  if (!buffer) {
    osc_set_error(err, err_size, "out of memory for a %u x %u image", width, height);
    status = OSC_ERROR;
    goto done;
  }
  status = samples || cmyk ? read_samples(tif, &f, width, height, src_channels, wide, buffer)
                           : read_rgba(tif, &f, width, height, src_channels, buffer);
  if (status != OSC_OK) goto done;
  if (cmyk) {
    osc_cmyk_to_rgb(buffer, count, 0);
    src_channels = 3;
  }
  const int channels = osc_mode_channels(mode, src_channels);
  if (channels != src_channels) {
    uint8_t* converted = (uint8_t*)malloc(count * channels * bytes + 1);
    if (!converted) {
      osc_set_error(err, err_size, "out of memory for a %u x %u image", width, height);
      status = OSC_ERROR;
      goto done;
    }
    osc_convert_channels(buffer, src_channels, converted, channels, count, bytes);
    free(buffer);
    buffer = converted;
  }
  result->width = (int32_t)width;
  result->height = (int32_t)height;
  result->channels = channels;
  result->bytes_per_sample = bytes;
  *pixels = buffer;
  buffer = NULL;
done:
  free(buffer);
  TIFFClose(tif);
  return status;
}
