/* WebP (lossy and lossless, still images) through libwebp's simple decoding API, which returns by status. */
#include <stdlib.h>
#include <webp/decode.h>

#include "osprey_codecs.h"
#include "pixels.h"

static const char* status_text(VP8StatusCode status) {
  switch (status) {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "not enough data (the file is truncated)";
    default: return "unknown error";
  }
}

int osc_webp_decode(const uint8_t* data, size_t size, int mode, int64_t max_pixels, osc_image* result,
                    uint8_t** pixels, char* err, size_t err_size) {
  *pixels = NULL;
  if (osc_check_colour_mode(mode, "WebP", err, err_size) != OSC_OK) return OSC_ERROR;
  WebPBitstreamFeatures features;
  VP8StatusCode status = WebPGetFeatures(data, size, &features);
  if (status != VP8_STATUS_OK) {
    osc_set_error(err, err_size, "cannot read the WebP header: %s", status_text(status));
    return OSC_ERROR;
  }
  const int src_channels = features.has_alpha ? 4 : 3;
  if (max_pixels >= 0 && (uint64_t)features.width * (uint64_t)features.height > (uint64_t)max_pixels) {
    result->width = features.width;
    result->height = features.height;
    result->channels = src_channels;
    result->bytes_per_sample = 1;
    osc_set_error(err, err_size, "the header declares %d x %d pixels", features.width, features.height);
    return OSC_TOO_MANY_PIXELS;
  }
  if (features.has_animation) {
    osc_set_error(err, err_size, "animated WebP files are not supported (extract a frame first)");
    return OSC_ERROR;
  }
  const size_t count = (size_t)features.width * (size_t)features.height;
  const size_t stride = (size_t)features.width * src_channels;
  uint8_t* buffer = (uint8_t*)malloc(count * src_channels + 1);
  if (!buffer) {
    osc_set_error(err, err_size, "out of memory for a %d x %d image", features.width, features.height);
    return OSC_ERROR;
  }
  /* Unpremultiplied RGBA, as PIL gives it. */
  const uint8_t* decoded = features.has_alpha
                               ? WebPDecodeRGBAInto(data, size, buffer, count * src_channels, (int)stride)
                               : WebPDecodeRGBInto(data, size, buffer, count * src_channels, (int)stride);
  if (!decoded) {
    free(buffer);
    osc_set_error(err, err_size, "cannot decode the WebP pixels (a corrupt or truncated file)");
    return OSC_ERROR;
  }
  const int channels = osc_mode_channels(mode, src_channels);
  if (channels != src_channels) {
    uint8_t* converted = (uint8_t*)malloc(count * channels + 1);
    if (!converted) {
      free(buffer);
      osc_set_error(err, err_size, "out of memory for a %d x %d image", features.width, features.height);
      return OSC_ERROR;
    }
    osc_convert_channels(buffer, src_channels, converted, channels, count, 1);
    free(buffer);
    buffer = converted;
  }
  result->width = features.width;
  result->height = features.height;
  result->channels = channels;
  result->bytes_per_sample = 1;
  *pixels = buffer;
  return OSC_OK;
}
