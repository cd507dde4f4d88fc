/* PNG through libpng 1.6's full API. libpng's errors longjmp back to the setjmp in each export below and become a
 * status + message; no longjmp ever leaves this file. State that must survive a longjmp lives in a heap-allocated
 * context (locals modified after setjmp would be indeterminate after the longjmp). */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "osprey_codecs.h"
#include "pixels.h"

typedef struct png_context {
  const uint8_t* data;
  size_t size, pos;
  uint8_t *raw, *pixels, *out; /* freed on error */
  png_bytep* rows;
  size_t out_size, out_capacity;
  char* err;
  size_t err_size;
} png_context;

static void on_error(png_structp png, png_const_charp message) {
  png_context* ctx = (png_context*)png_get_error_ptr(png);
  osc_set_error(ctx->err, ctx->err_size, "%s", message);
  png_longjmp(png, 1);
}

/* Benign problems (an unusual iCCP profile, a bad ancillary chunk) are not worth a message on stderr. */
static void on_warning(png_structp png, png_const_charp message) {
  (void)png;
  (void)message;
}

static void read_bytes(png_structp png, png_bytep out, png_size_t n) {
  png_context* ctx = (png_context*)png_get_io_ptr(png);
  if (n > ctx->size - ctx->pos) png_error(png, "file is truncated (data ends before the image does)");
  memcpy(out, ctx->data + ctx->pos, n);
  ctx->pos += n;
}

static void release(png_context* ctx) {
  free(ctx->raw);
  free(ctx->pixels);
  free(ctx->out);
  free(ctx->rows);
  ctx->raw = ctx->pixels = ctx->out = NULL;
  ctx->rows = NULL;
}

static const char* color_type_name(int color_type) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return "grayscale";
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "grayscale+alpha";
    case PNG_COLOR_TYPE_RGB: return "RGB";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "RGBA";
    case PNG_COLOR_TYPE_PALETTE: return "palette";
    default: return "unknown";
  }
}

/* Sets the libpng transformations for mode; returns the output channel count (0 after writing an error). */
static int choose_transforms(png_structp png, png_infop info, int mode, png_context* ctx) {
  int color_type = png_get_color_type(png, info), bit_depth = png_get_bit_depth(png, info);
  if (mode == OSC_INDICES) {
    if (color_type != PNG_COLOR_TYPE_PALETTE && color_type != PNG_COLOR_TYPE_GRAY) {
      osc_set_error(ctx->err, ctx->err_size,
                    "indices need a palette or single-channel grayscale PNG; this one is %s", color_type_name(color_type));
      return 0;
    }
    if (bit_depth < 8) png_set_packing(png); /* one byte per sample, values unscaled */
  } else {
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png); /* also turns tRNS into alpha */
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if ((mode == OSC_GRAY_ALPHA || mode == OSC_RGBA) && png_get_valid(png, info, PNG_INFO_tRNS))
      png_set_tRNS_to_alpha(png);
  }
  if (bit_depth == 16) {
    const uint16_t probe = 1;
    if (*(const uint8_t*)&probe == 1) png_set_swap(png); /* PNG is big-endian; hand out native uint16 */
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return png_get_channels(png, info);
}

int osc_png_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* result,
                   uint8_t** pixels, char* err, size_t err_size) {
  *pixels = NULL;
  if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
    osc_set_error(err, err_size, "not a PNG file (bad signature)");
    return OSC_ERROR;
  }
  if (mode < OSC_UNCHANGED || mode > OSC_INDICES) {
    osc_set_error(err, err_size, "unknown read mode %d", mode);
    return OSC_ERROR;
  }
  png_context* const ctx = (png_context*)calloc(1, sizeof(png_context));
  if (!ctx) {
    osc_set_error(err, err_size, "out of memory");
    return OSC_ERROR;
  }
  ctx->data = data;
  ctx->size = size;
  ctx->err = err;
  ctx->err_size = err_size;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    free(ctx);
    osc_set_error(err, err_size, "libpng could not allocate its state");
    return OSC_ERROR;
  }
  if (setjmp(png_jmpbuf(png))) {
    release(ctx);
    free(ctx);
    png_destroy_read_struct(&png, &info, NULL);
    return OSC_ERROR;
  }
  png_set_read_fn(png, ctx, read_bytes);
  /* The pixel limit below replaces libpng's default 1,000,000 x 1,000,000; ancillary chunks (iCCP, zTXt, ...)
   * may not decompress to more than 16 MB each, nor be more than 1000. */
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
  png_set_chunk_malloc_max(png, 16u << 20);
  png_set_chunk_cache_max(png, 1000);
  png_read_info(png, info);
  {
    const uint64_t declared = (uint64_t)png_get_image_width(png, info) * png_get_image_height(png, info);
    if (max_pixels >= 0 && declared > (uint64_t)max_pixels) {
      result->width = (int32_t)png_get_image_width(png, info);
      result->height = (int32_t)png_get_image_height(png, info);
      result->channels = png_get_channels(png, info);
      result->bytes_per_sample = png_get_bit_depth(png, info) == 16 ? 2 : 1;
      osc_set_error(err, err_size, "the header declares %u x %u pixels", png_get_image_width(png, info),
                    png_get_image_height(png, info));
      release(ctx);
      free(ctx);
      png_destroy_read_struct(&png, &info, NULL);
      return OSC_TOO_MANY_PIXELS;
    }
  }
  const int channels = choose_transforms(png, info, mode, ctx);
  if (channels == 0) png_longjmp(png, 1);
  const size_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
  const int bytes = png_get_bit_depth(png, info) == 16 ? 2 : 1;
  const size_t row_bytes = png_get_rowbytes(png, info);
  if (row_bytes != width * channels * bytes) png_error(png, "unexpected row size after transformations");
  if (height != 0 && row_bytes > OSC_MAX_PIXEL_BYTES / height) png_error(png, "image too large to decode");
  ctx->raw = (uint8_t*)malloc(row_bytes * height + 1);
  ctx->rows = (png_bytep*)malloc(sizeof(png_bytep) * (height + 1));
  if (!ctx->raw || !ctx->rows) png_error(png, "out of memory");
  for (size_t y = 0; y < height; y++) ctx->rows[y] = ctx->raw + y * row_bytes;
  png_read_image(png, ctx->rows);
  png_read_end(png, NULL);

  const int out_channels = mode == OSC_INDICES ? 1 : osc_mode_channels(mode, channels);
  if (out_channels != channels) {
    ctx->pixels = (uint8_t*)malloc(width * height * out_channels * bytes + 1);
    if (!ctx->pixels) png_error(png, "out of memory");
    osc_convert_channels(ctx->raw, channels, ctx->pixels, out_channels, width * height, bytes);
    free(ctx->raw);
  } else {
    ctx->pixels = ctx->raw;
  }
  ctx->raw = NULL;
  free(ctx->rows);
  ctx->rows = NULL;
  png_destroy_read_struct(&png, &info, NULL);
  result->width = (int32_t)width;
  result->height = (int32_t)height;
  result->channels = out_channels;
  result->bytes_per_sample = bytes;
  *pixels = ctx->pixels;
  free(ctx);
  return OSC_OK;
}

static void write_bytes(png_structp png, png_bytep in, png_size_t n) {
  png_context* ctx = (png_context*)png_get_io_ptr(png);
  if (n > ctx->out_capacity - ctx->out_size) {
    size_t capacity = ctx->out_capacity ? ctx->out_capacity : 4096;
    while (capacity - ctx->out_size < n) capacity *= 2;
    uint8_t* grown = (uint8_t*)realloc(ctx->out, capacity);
    if (!grown) png_error(png, "out of memory");
    ctx->out = grown;
    ctx->out_capacity = capacity;
  }
  memcpy(ctx->out + ctx->out_size, in, n);
  ctx->out_size += n;
}

static void flush_nothing(png_structp png) { (void)png; }

/* Writes rows of row_bytes each; palette (colors RGB triplets) only for PNG_COLOR_TYPE_PALETTE. */
static int encode(const uint8_t* pixels, int width, int height, int bit_depth, int color_type, size_t row_bytes,
                  const uint8_t* palette, int colors, int compression_level, uint8_t** out, size_t* out_size, char* err,
                  size_t err_size) {
  *out = NULL;
  *out_size = 0;
  png_context* const ctx = (png_context*)calloc(1, sizeof(png_context));
  if (!ctx) {
    osc_set_error(err, err_size, "out of memory");
    return OSC_ERROR;
  }
  ctx->err = err;
  ctx->err_size = err_size;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    free(ctx);
    osc_set_error(err, err_size, "libpng could not allocate its state");
    return OSC_ERROR;
  }
  if (setjmp(png_jmpbuf(png))) {
    release(ctx);
    free(ctx);
    png_destroy_write_struct(&png, &info);
    return OSC_ERROR;
  }
  png_set_write_fn(png, ctx, write_bytes, flush_nothing);
  if (compression_level >= 0) png_set_compression_level(png, compression_level);
  png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    png_color entries[256];
    for (int i = 0; i < colors; i++) {
      entries[i].red = palette[3 * i];
      entries[i].green = palette[3 * i + 1];
      entries[i].blue = palette[3 * i + 2];
    }
    png_set_PLTE(png, info, entries, colors);
  }
  png_write_info(png, info);
  if (bit_depth == 16) {
    const uint16_t probe = 1;
    if (*(const uint8_t*)&probe == 1) png_set_swap(png);
  }
  for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + (size_t)y * row_bytes));
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  *out = ctx->out;
  *out_size = ctx->out_size;
  free(ctx);
  return OSC_OK;
}

int osc_png_encode(const uint8_t* pixels, const osc_image* image, int compression_level, uint8_t** out,
                   size_t* out_size, char* err, size_t err_size) {
  static const int color_types[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                    PNG_COLOR_TYPE_RGB_ALPHA};
  *out = NULL;
  *out_size = 0;
  if (image->channels < 1 || image->channels > 4 || (image->bytes_per_sample != 1 && image->bytes_per_sample != 2) ||
      image->width <= 0 || image->height <= 0) {
    osc_set_error(err, err_size, "PNG encode needs 1-4 channels, 1 or 2 bytes per sample and a non-empty image");
    return OSC_ERROR;
  }
  const size_t row_bytes = (size_t)image->width * image->channels * image->bytes_per_sample;
  return encode(pixels, image->width, image->height, image->bytes_per_sample * 8, color_types[image->channels - 1],
                row_bytes, NULL, 0, compression_level, out, out_size, err, err_size);
}

int osc_png_encode_palette(const uint8_t* indices, int32_t width, int32_t height, const uint8_t* palette, int32_t colors,
                           int compression_level, uint8_t** out, size_t* out_size, char* err, size_t err_size) {
  *out = NULL;
  *out_size = 0;
  if (width <= 0 || height <= 0 || colors < 1 || colors > 256) {
    osc_set_error(err, err_size, "palette PNG encode needs a non-empty image and 1..256 colours");
    return OSC_ERROR;
  }
  const size_t count = (size_t)width * (size_t)height;
  for (size_t i = 0; i < count; i++)
    if (indices[i] >= colors) {
      osc_set_error(err, err_size, "index %d at pixel %zu has no colour (the palette has %d)", indices[i], i, colors);
      return OSC_ERROR;
    }
  return encode(indices, width, height, 8, PNG_COLOR_TYPE_PALETTE, (size_t)width, palette, colors, compression_level,
                out, out_size, err, err_size);
}

void osc_free(void* p) { free(p); }

