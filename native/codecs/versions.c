/* The codec libraries' versions, for diagnostics (osprey doctor). */
#include <png.h>
#include <stdio.h>
#include <tiffvers.h>
#include <webp/decode.h>

#include "osprey_codecs.h"

#define OSC_STR2(x) #x
#define OSC_STR(x) OSC_STR2(x)

/* libpng and libtiff as compiled against; libwebp as loaded (it reports its version at run time). */
const char* osc_versions(void) {
  static _Thread_local char text[160];
  const int webp = WebPGetDecoderVersion();
  snprintf(text, sizeof text,
           "libpng " PNG_LIBPNG_VER_STRING ", libjpeg-turbo (TurboJPEG API), libtiff " OSC_STR(TIFFLIB_MAJOR_VERSION) "." OSC_STR(
               TIFFLIB_MINOR_VERSION) "." OSC_STR(TIFFLIB_MICRO_VERSION) ", libwebp %d.%d.%d",
           (webp >> 16) & 0xff, (webp >> 8) & 0xff, webp & 0xff);
  return text;
}
