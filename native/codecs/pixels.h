/* Channel conversion between interleaved layouts (internal to libosprey_codecs). */
#ifndef OSPREY_CODECS_PIXELS_H
#define OSPREY_CODECS_PIXELS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* osc_convert_channels (exported, see osprey_codecs.h): gray from colour uses ITU-R 601-2 luma with PIL's integer
 * rounding; a dropped alpha is discarded (no compositing), as torchvision does. */

/* Converts count CMYK pixels (4 bytes each) to RGB (3 bytes each) in place, as PIL's cmyk2rgb: with n = 255 - K,
 * R = n - C * n / 255 (rounded). inverted: the samples are stored as 255 - value (Adobe's CMYK JPEG convention). */
void osc_cmyk_to_rgb(uint8_t* pixels, size_t count, int inverted);

/* Output channel count of a mode for a source with src_channels, or 0 when mode is not a channel layout. */
int osc_mode_channels(int mode, int src_channels);

/* For codecs without exact indices: OSC_OK for a channel layout; else an error naming the format (indices are refused:
 * masks belong in PNG). */
int osc_check_colour_mode(int mode, const char* format, char* err, size_t err_size);

/* printf into the caller's error buffer (always NUL-terminated). */
void osc_set_error(char* err, size_t err_size, const char* fmt, ...);

/* Largest decoded image we allocate (bytes). */
#define OSC_MAX_PIXEL_BYTES ((size_t)1 << 32)

#endif
