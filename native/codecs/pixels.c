#include "pixels.h"

#include <stdio.h>

#include "osprey_codecs.h"

void osc_set_error(char* err, size_t err_size, const char* fmt, ...) {
  if (!err || err_size == 0) return;
  va_list args;
  va_start(args, fmt);
  vsnprintf(err, err_size, fmt, args);
  va_end(args);
}

int osc_check_colour_mode(int mode, const char* format, char* err, size_t err_size) {
  if (mode == OSC_INDICES) {
    osc_set_error(err, err_size, "%s files are not read as exact indices: store masks as PNG", format);
    return OSC_ERROR;
  }
  if (mode < OSC_UNCHANGED || mode > OSC_RGBA) {
    osc_set_error(err, err_size, "unknown read mode %d", mode);
    return OSC_ERROR;
  }
  return OSC_OK;
}

int osc_mode_channels(int mode, int src_channels) {
  switch (mode) {
    case OSC_UNCHANGED: return src_channels;
    case OSC_GRAY: return 1;
    case OSC_GRAY_ALPHA: return 2;
    case OSC_RGB: return 3;
    case OSC_RGBA: return 4;
    default: return 0;
  }
}

static inline uint32_t load(const uint8_t* p, size_t i, int wide) {
  return wide ? ((const uint16_t*)p)[i] : p[i];
}

static inline void store(uint8_t* p, size_t i, uint32_t v, int wide) {
  if (wide) ((uint16_t*)p)[i] = (uint16_t)v;
  else p[i] = (uint8_t)v;
}

/* PIL's ImagingConvert RGB->L: (r*19595 + g*38470 + b*7471 + 0x8000) >> 16. */
static inline uint32_t luma(uint32_t r, uint32_t g, uint32_t b) {
  return (uint32_t)(((uint64_t)r * 19595 + (uint64_t)g * 38470 + (uint64_t)b * 7471 + 0x8000) >> 16);
}

void osc_convert_channels(const uint8_t* src, int sc, uint8_t* dst, int dc, size_t count, int bytes_per_sample) {
  int wide = bytes_per_sample == 2;
  uint32_t opaque = wide ? 65535u : 255u;
  for (size_t i = 0; i < count; i++) {
    const size_t s = i * (size_t)sc, d = i * (size_t)dc;
    uint32_t r, g, b, a;
    if (sc <= 2) {
      r = g = b = load(src, s, wide);
      a = sc == 2 ? load(src, s + 1, wide) : opaque;
    } else {
      r = load(src, s, wide);
      g = load(src, s + 1, wide);
      b = load(src, s + 2, wide);
      a = sc == 4 ? load(src, s + 3, wide) : opaque;
    }
    if (dc <= 2) {
      store(dst, d, sc <= 2 ? r : luma(r, g, b), wide);
      if (dc == 2) store(dst, d + 1, a, wide);
    } else {
      store(dst, d, r, wide);
      store(dst, d + 1, g, wide);
      store(dst, d + 2, b, wide);
      if (dc == 4) store(dst, d + 3, a, wide);
    }
  }
}

/* PIL's MULDIV255: a * b / 255, rounded, without a division. */
static inline int muldiv255(int a, int b) {
  const int t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

void osc_cmyk_to_rgb(uint8_t* pixels, size_t count, int inverted) {
  const int flip = inverted ? 255 : 0;
  for (size_t i = 0; i < count; i++) {
    const uint8_t* in = pixels + i * 4;
    uint8_t* out = pixels + i * 3;
    const int c = in[0] ^ flip, m = in[1] ^ flip, y = in[2] ^ flip, n = 255 - (in[3] ^ flip);
    out[0] = (uint8_t)(n - muldiv255(c, n));
    out[1] = (uint8_t)(n - muldiv255(m, n));
    out[2] = (uint8_t)(n - muldiv255(y, n));
  }
}
