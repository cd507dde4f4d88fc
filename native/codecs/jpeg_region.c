/* A region of a JPEG through libjpeg's own API, which TurboJPEG 2.1 does not expose: the rows above the region are
 * skipped (entropy-decoded only, no IDCT or colour conversion), the columns outside it are not converted
 * (jpeg_crop_scanline), and decoding stops after the region's last row. A random-resized crop of a photo then costs
 * about the region's share of a full decode, as NVIDIA DALI's ROI decoding does. Errors come back by longjmp. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

#include "osprey_codecs.h"
#include "pixels.h"

/* As TurboJPEG's TJFLAG_LIMITSCANS: a progressive file of thousands of tiny scans would take minutes. */
#define MAX_SCANS 500

typedef struct region_error {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char* err;
  size_t err_size;
} region_error;

static void fail(j_common_ptr info) {
  region_error* e = (region_error*)info->err;
  char message[JMSG_LENGTH_MAX];
  (*info->err->format_message)(info, message);
  osc_set_error(e->err, e->err_size, "%s", message);
  longjmp(e->jump, 1);
}

/* Warnings (level -1) are harmless but for a premature end of data: the bottom of the picture would be invented
 * gray, so the file is truncated (the full decoder treats it the same way). */
static void message(j_common_ptr info, int level) {
  if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
    region_error* e = (region_error*)info->err;
    osc_set_error(e->err, e->err_size, "Premature end of JPEG file (the file is truncated)");
    longjmp(e->jump, 1);
  }
}

static void limit_scans(j_common_ptr info) {
  j_decompress_ptr d = (j_decompress_ptr)info;
  if (d->input_scan_number > MAX_SCANS) {
    region_error* e = (region_error*)info->err;
    osc_set_error(e->err, e->err_size, "a progressive JPEG of more than %d scans", MAX_SCANS);
    longjmp(e->jump, 1);
  }
}

static struct jpeg_error_mgr* reporting_to(region_error* e, char* err, size_t err_size) {
  jpeg_std_error(&e->pub);
  e->pub.error_exit = fail;
  e->pub.emit_message = message;
  e->err = err;
  e->err_size = err_size;
  return &e->pub;
}

int osc_jpeg_header(const uint8_t* data, size_t size, osc_image* info, int* cmyk, char* err, size_t err_size) {
  memset(info, 0, sizeof *info);
  *cmyk = 0;
  struct jpeg_decompress_struct d;
  region_error e;
  d.err = reporting_to(&e, err, err_size);
  if (setjmp(e.jump)) {
    jpeg_destroy_decompress(&d);
    return OSC_ERROR;
  }
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, data, (unsigned long)size);
  jpeg_read_header(&d, TRUE);
  info->width = (int32_t)d.image_width;
  info->height = (int32_t)d.image_height;
  info->channels = d.jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
  info->bytes_per_sample = 1;
  *cmyk = d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK;
  jpeg_destroy_decompress(&d);
  return OSC_OK;
}

static int decode_region(const uint8_t* data, size_t size, const int channels, int64_t max_pixels, int32_t top,
                         int32_t left, int32_t height, int32_t width, osc_image* result, uint8_t** pixels, char* err,
                         size_t err_size) {
  struct jpeg_decompress_struct d;
  struct jpeg_progress_mgr progress;
  region_error e;
  uint8_t* volatile out = NULL;
  uint8_t* volatile row = NULL;
  d.err = reporting_to(&e, err, err_size);
  if (setjmp(e.jump)) {
    jpeg_destroy_decompress(&d);
    free(out);
    free(row);
    return OSC_ERROR;
  }
  jpeg_create_decompress(&d);
  progress.progress_monitor = limit_scans;
  d.progress = &progress;
  jpeg_mem_src(&d, data, (unsigned long)size);
  jpeg_read_header(&d, TRUE);
  if (d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK) {
    osc_set_error(err, err_size, "a CMYK JPEG has no region decoding (decode it whole)");
    jpeg_destroy_decompress(&d);
    return OSC_ERROR;
  }
  const int64_t image_width = d.image_width, image_height = d.image_height;
  if (max_pixels >= 0 && image_width * image_height > max_pixels) {
    result->width = (int32_t)image_width;
    result->height = (int32_t)image_height;
    osc_set_error(err, err_size, "the header declares %lld x %lld pixels", (long long)image_width, (long long)image_height);
    jpeg_destroy_decompress(&d);
    return OSC_TOO_MANY_PIXELS;
  }
  if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + (int64_t)height > image_height ||
      left + (int64_t)width > image_width) {
    osc_set_error(err, err_size, "region %d,%d %dx%d (top, left, height x width) is not inside the %lld x %lld image",
                  top, left, height, width, (long long)image_height, (long long)image_width);
    jpeg_destroy_decompress(&d);
    return OSC_ERROR;
  }
  d.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&d);
  /* Fancy (smooth) chroma upsampling reads chroma beyond an output pixel: libjpeg computes a cropped run's edge
   * columns as if the image ended there. So the decoded run is one iMCU wider on each side than the region (within
   * the image; libjpeg widens it further to iMCU boundaries), and the rows above it start one iMCU row early: the
   * region's pixels then equal the whole decode's. */
  const int32_t margin_x = d.max_h_samp_factor * DCTSIZE, margin_y = d.max_v_samp_factor * DCTSIZE;
  const int32_t x0 = left > margin_x ? left - margin_x : 0;
  const int32_t x1 = (int64_t)left + width + margin_x < image_width ? left + width + margin_x : (int32_t)image_width;
  JDIMENSION x = (JDIMENSION)x0, w = (JDIMENSION)(x1 - x0);
  jpeg_crop_scanline(&d, &x, &w);
  row = (uint8_t*)malloc((size_t)d.output_width * channels + 1);
  if (!row) {
    osc_set_error(err, err_size, "out of memory for a %d x %d region", width, height);
    longjmp(e.jump, 1);
  }
  const int32_t first = top > margin_y ? top - margin_y : 0;
  if (first > 0) jpeg_skip_scanlines(&d, (JDIMENSION)first);
  for (int32_t y = first; y < top; y++) {
    JSAMPROW rows[1] = {row};
    if (jpeg_read_scanlines(&d, rows, 1) != 1) {
      osc_set_error(err, err_size, "the JPEG ended at row %d, above the region", y);
      longjmp(e.jump, 1);
    }
  }
  const size_t out_row = (size_t)width * channels;
  out = (uint8_t*)malloc(out_row * (size_t)height + 1);
  if (!out) {
    osc_set_error(err, err_size, "out of memory for a %d x %d region", width, height);
    longjmp(e.jump, 1);
  }
  const size_t skip = (size_t)(left - (int32_t)x) * channels;
  for (int32_t y = 0; y < height; y++) {
    JSAMPROW rows[1] = {row};
    if (jpeg_read_scanlines(&d, rows, 1) != 1) {
      osc_set_error(err, err_size, "the JPEG ended at row %d of the region", y);
      longjmp(e.jump, 1);
    }
    memcpy(out + (size_t)y * out_row, row + skip, out_row);
  }
  free(row);
  row = NULL;
  jpeg_abort_decompress(&d);
  jpeg_destroy_decompress(&d);
  result->width = width;
  result->height = height;
  result->channels = channels;
  result->bytes_per_sample = 1;
  *pixels = out;
  return OSC_OK;
}

int osc_jpeg_decode_region(const uint8_t* data, size_t size, int mode, int64_t max_pixels, int32_t top, int32_t left,
                           int32_t height, int32_t width, osc_image* result, uint8_t** pixels, char* err,
                           size_t err_size) {
  *pixels = NULL;
  memset(result, 0, sizeof *result);
  if (mode != OSC_GRAY && mode != OSC_RGB) {
    osc_set_error(err, err_size, "a JPEG region decodes to gray or RGB (mode %d)", mode);
    return OSC_ERROR;
  }
  return decode_region(data, size, mode == OSC_GRAY ? 1 : 3, max_pixels, top, left, height, width, result, pixels, err,
                       err_size);
}
