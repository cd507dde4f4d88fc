/* Channel conversion between interleaved layouts (internal to libosprey_codecs). */
#ifndef OSPREY_CODECS_PIXELS_H
#define OSPREY_CODECS_PIXELS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Converts count pixels from src_channels to dst_channels (each 1..4: G, GA, RGB, RGBA) at 1 or 2 bytes per sample.
 * Gray from colour uses ITU-R 601-2 luma with PIL's integer rounding; a missing alpha is opaque; a dropped alpha is
 * discarded (no compositing), as torchvision does. */
void osc_convert_channels(const uint8_t* src, int src_channels, uint8_t* dst, int dst_channels, size_t count,
                          int bytes_per_sample);

/* Output channel count of a mode for a source with src_channels, or 0 when mode is not a channel layout. */
int osc_mode_channels(int mode, int src_channels);

/* printf into the caller's error buffer (always NUL-terminated). */
void osc_set_error(char* err, size_t err_size, const char* fmt, ...);

/* Largest decoded image we allocate (bytes). */
#define OSC_MAX_PIXEL_BYTES ((size_t)1 << 32)

#endif
