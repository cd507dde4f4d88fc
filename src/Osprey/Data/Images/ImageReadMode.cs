namespace Osprey.Data.Images;

/// <summary>The channel layout a decoded image is converted to (values match the C ABI's osc_mode).</summary>
public enum ImageReadMode
{
    /// <summary>As stored: gray 1, gray+alpha 2, RGB 3, RGBA 4; a palette PNG gives its colours (RGBA if it has transparency).</summary>
    Unchanged = 0,
    /// <summary>One channel; colour becomes ITU-R 601 luma (PNG: PIL's integer formula; JPEG: the decoder's Y channel).</summary>
    Gray = 1,
    GrayAlpha = 2,
    /// <summary>Three channels; alpha is dropped without compositing, gray is replicated.</summary>
    Rgb = 3,
    /// <summary>Four channels; a missing alpha is opaque.</summary>
    Rgba = 4,
    /// <summary>The raw samples of a single-channel PNG, unscaled: palette indices of a palette PNG (class ids of a
    /// PASCAL VOC mask, 255 = ignore) or the values of a gray PNG (0/1 for a 1-bit image).</summary>
    Indices = 5,
}
