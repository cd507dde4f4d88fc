using System.Runtime.InteropServices;

namespace Osprey.Data.Images;

[StructLayout(LayoutKind.Sequential)]
internal struct CodecImage
{
    public int Width, Height, Channels, BytesPerSample;
}

/// <summary>The C ABI of libosprey_codecs (native/codecs/osprey_codecs.h). Every call returns 0 or writes a message.</summary>
internal static unsafe partial class CodecNative
{
    public const int Ok = 0;
    public const int TooManyPixels = 2;
    public const int ErrorBufferSize = 512;

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_png_decode(byte* data, nuint size, int mode, long maxPixels, out CodecImage info, out IntPtr pixels, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_jpeg_decode(byte* data, nuint size, int mode, long maxPixels, out CodecImage info, out IntPtr pixels, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_jpeg_header(byte* data, nuint size, out CodecImage info, out int cmyk, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_jpeg_decode_region(byte* data, nuint size, int mode, long maxPixels, int top, int left, int height, int width,
                                                     out CodecImage info, out IntPtr pixels, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_tiff_decode(byte* data, nuint size, int mode, long maxPixels, out CodecImage info, out IntPtr pixels, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_webp_decode(byte* data, nuint size, int mode, long maxPixels, out CodecImage info, out IntPtr pixels, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial void osc_convert_channels(byte* source, int sourceChannels, byte* target, int targetChannels, nuint count, int bytesPerSample);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_png_encode(byte* pixels, in CodecImage info, int compressionLevel, out IntPtr output, out nuint outputSize, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_png_encode_palette(byte* indices, int width, int height, byte* palette, int colors, int compressionLevel,
                                                     out IntPtr output, out nuint outputSize, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial int osc_jpeg_encode(byte* pixels, in CodecImage info, int quality, out IntPtr output, out nuint outputSize, byte* err, nuint errSize);

    [LibraryImport(CodecLibrary.Name)]
    public static partial void osc_free(IntPtr p);

    [LibraryImport(CodecLibrary.Name)]
    public static partial IntPtr osc_versions();

    public static string Message(byte* err) => Marshal.PtrToStringUTF8((IntPtr)err) ?? "";
}
