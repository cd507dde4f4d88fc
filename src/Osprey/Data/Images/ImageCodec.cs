using System.Runtime.InteropServices;
using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Images;

/// <summary>
/// Reads PNG, JPEG, TIFF and WebP files through libosprey_codecs (libpng, libjpeg-turbo, libtiff, libwebp) and BMP
/// through SkiaSharp's decoder; writes PNG and JPEG. CMYK and YCCK JPEGs become RGB as PIL's <c>convert("RGB")</c>.
/// Images are CHW tensors as torchvision.io.decode_image gives them: uint8 for 8-bit data; int32 holding 0..65535 for
/// 16-bit PNGs (libtorch has no uint16). The codecs produce interleaved HWC rows; they are permuted to CHW here, once,
/// because every transform and model downstream works on CHW. The format is found from the data's first bytes, never
/// from the file name. JPEGs are turned upright by their EXIF orientation (unless asked not to).
/// </summary>
public static partial class ImageCodec
{
    /// <summary>PIL's <c>Image.MAX_IMAGE_PIXELS</c> (89,478,485: about 0.25 GB as 24-bit RGB).</summary>
    public const long DefaultMaxImagePixels = 89_478_485;

    /// <summary>The default largest image file read, 512 MB.</summary>
    public const long DefaultMaxFileBytes = 512L << 20;

    static long maxImagePixels = DefaultMaxImagePixels, maxFileBytes = DefaultMaxFileBytes;

    /// <summary>
    /// Images whose header declares more pixels (width x height) than this are refused before any pixel memory is
    /// allocated: a small file can declare a huge image (a decompression bomb). Like PIL's MAX_IMAGE_PIXELS; process-wide.
    /// </summary>
    public static long MaxImagePixels
    {
        get => Volatile.Read(ref maxImagePixels);
        set => Volatile.Write(ref maxImagePixels, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive"));
    }

    /// <summary>Image files larger than this are refused by <see cref="Read"/> without being read; process-wide.</summary>
    public static long MaxFileBytes
    {
        get => Volatile.Read(ref maxFileBytes);
        set => Volatile.Write(ref maxFileBytes, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive"));
    }

    /// <summary>
    /// Decodes the image file at <paramref name="path"/>; failures name the file and the codec's reason. Only regular
    /// files of at most <see cref="MaxFileBytes"/> are read (a FIFO or a link to /dev/zero is refused, not waited on).
    /// </summary>
    public static Tensor Read(string path, ImageReadMode mode = ImageReadMode.Unchanged, bool applyExifOrientation = true)
        => Decode(ReadBytes(path), mode, path, applyExifOrientation);

    static byte[] ReadBytes(string path)
    {
        try
        {
            return UntrustedFile.ReadAllBytes(path, MaxFileBytes);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"image file not found: {path}", path);
        }
        catch (IOException e)
        {
            throw new ImageDecodeException(path, "an image", e.Message.StartsWith(path) ? e.Message[(path.Length + 2)..] : e.Message);
        }
    }

    /// <summary>
    /// The same decoding as <see cref="Read"/> (codecs, limits, EXIF orientation) into managed memory, without libtorch:
    /// 8-bit images only (a 16-bit PNG is refused, naming the file).
    /// </summary>
    public static HostImage ReadHost(string path, ImageReadMode mode = ImageReadMode.Unchanged, bool applyExifOrientation = true)
    {
        var bytes = ReadBytes(path);
        var format = ImageFormats.Detect(bytes);
        if (format is not (ImageFormat.Png or ImageFormat.Jpeg or ImageFormat.Tiff or ImageFormat.WebP))
            throw new ImageDecodeException(path, "an image", $"not a PNG, JPEG, TIFF or WebP file (starts with {ImageFormats.Head(bytes)}); " +
                                                             "the managed path reads PNG, JPEG, TIFF and WebP");
        var image = DecodeWith(bytes, mode, path, format, (pixels, info) => ToHost(pixels, info, path, format));
        return format == ImageFormat.Jpeg && applyExifOrientation ? image.Oriented(ExifOrientation.Read(bytes)) : image;
    }

    static unsafe HostImage ToHost(IntPtr pixels, CodecImage info, string source, ImageFormat format)
    {
        if (info.BytesPerSample != 1)
            throw new ImageDecodeException(source, format.ToString().ToUpperInvariant(), "a 16-bit image; the managed decoder takes 8-bit images");
        var data = new byte[(long)info.Height * info.Width * info.Channels];
        new ReadOnlySpan<byte>((void*)pixels, data.Length).CopyTo(data);
        return new HostImage(info.Height, info.Width, info.Channels, data);
    }

    /// <summary>Decodes PNG, JPEG, TIFF, WebP or BMP bytes; <paramref name="source"/> names them in errors.</summary>
    public static Tensor Decode(ReadOnlySpan<byte> data, ImageReadMode mode = ImageReadMode.Unchanged, string source = "<memory>",
                                bool applyExifOrientation = true)
    {
        var format = ImageFormats.Detect(data);
        switch (format)
        {
            case ImageFormat.Png:
            case ImageFormat.Tiff:
            case ImageFormat.WebP:
                return DecodeWith(data, mode, source, format);
            case ImageFormat.Jpeg:
                using (var scope = TensorScope.Begin())
                {
                    var image = DecodeWith(data, mode, source, format);
                    var orientation = applyExifOrientation ? ExifOrientation.Read(data) : 1;
                    return scope.Keep(ExifOrientation.Apply(image, orientation));
                }
            case ImageFormat.Bmp:
                var (pixels, info) = BmpDecoder.Decode(data, mode, source, MaxImagePixels);
                return ToChw(pixels, info);
            default:
                throw new ImageDecodeException(source, "an image",
                    $"not a PNG, JPEG, TIFF, WebP or BMP file (starts with {ImageFormats.Head(data)})");
        }
    }

    static Tensor DecodeWith(ReadOnlySpan<byte> data, ImageReadMode mode, string source, ImageFormat format) =>
        DecodeWith(data, mode, source, format, ToChw);

    /// <summary>The codec's decode (of <paramref name="jpegRegion"/> alone, when given: see ReadRegion), converted.</summary>
    static unsafe T DecodeWith<T>(ReadOnlySpan<byte> data, ImageReadMode mode, string source, ImageFormat format, Func<IntPtr, CodecImage, T> convert,
                                  PixelRegion? jpegRegion = null)
    {
        var codec = format.ToString().ToUpperInvariant();
        byte* err = stackalloc byte[CodecNative.ErrorBufferSize];
        CodecImage info;
        IntPtr pixels;
        int status;
        long limit = MaxImagePixels;
        fixed (byte* p = data)
        {
            var size = (nuint)data.Length;
            status = format switch
            {
                ImageFormat.Jpeg when jpegRegion is { } r => CodecNative.osc_jpeg_decode_region(p, size, (int)mode, limit, checked((int)r.Top), checked((int)r.Left),
                    checked((int)r.Height), checked((int)r.Width), out info, out pixels, err, CodecNative.ErrorBufferSize),
                ImageFormat.Png => CodecNative.osc_png_decode(p, size, (int)mode, limit, out info, out pixels, err, CodecNative.ErrorBufferSize),
                ImageFormat.Jpeg => CodecNative.osc_jpeg_decode(p, size, (int)mode, limit, out info, out pixels, err, CodecNative.ErrorBufferSize),
                ImageFormat.Tiff => CodecNative.osc_tiff_decode(p, size, (int)mode, limit, out info, out pixels, err, CodecNative.ErrorBufferSize),
                _ => CodecNative.osc_webp_decode(p, size, (int)mode, limit, out info, out pixels, err, CodecNative.ErrorBufferSize),
            };
        }
        if (status == CodecNative.TooManyPixels) throw TooManyPixels(source, codec, info.Width, info.Height, limit);
        if (status != CodecNative.Ok) throw new ImageDecodeException(source, codec, CodecNative.Message(err));
        try
        {
            return convert(pixels, info);
        }
        finally
        {
            CodecNative.osc_free(pixels);
        }
    }

    internal static ImageDecodeException TooManyPixels(string source, string codec, long width, long height, long limit) =>
        new(source, codec, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the header declares {width} x {height} = {width * height:N0} pixels, over the limit of " +
            $"{limit:N0} (ImageCodec.MaxImagePixels; PIL's MAX_IMAGE_PIXELS) that guards against decompression bombs"));

    static unsafe Tensor ToChw(ReadOnlySpan<byte> pixels, CodecImage info)
    {
        fixed (byte* p = pixels) return ToChw((IntPtr)p, info);
    }

    static unsafe Tensor ToChw(IntPtr pixels, CodecImage info)
    {
        using var scope = TensorScope.Begin();
        long h = info.Height, w = info.Width, c = info.Channels;
        long count = h * w * c;
        Tensor hwc;
        if (info.BytesPerSample == 1)
        {
            hwc = Tensor.Empty([h, w, c], DType.UInt8);
            Buffer.MemoryCopy((void*)pixels, (void*)hwc.DataPointer, count, count);
        }
        else
        {
            // Widened straight into the tensor: libtorch has no uint16.
            hwc = Tensor.Empty([h, w, c], DType.Int32);
            var samples = (ushort*)pixels;
            var target = (int*)hwc.DataPointer;
            for (long i = 0; i < count; i++) target[i] = samples[i];
        }
        return scope.Keep(hwc.Permute(2, 0, 1).Contiguous());
    }

    /// <summary>PNG bytes of a CHW (or HW) image: uint8 with 1-4 channels, or int32 0..65535 written as 16-bit.</summary>
    public static byte[] EncodePng(Tensor image, int compressionLevel = 6)
    {
        if (compressionLevel is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(compressionLevel), compressionLevel, "zlib level 0..9");
        var (bytes, info) = Interleave(image, "PNG", maxChannels: 4, allowSixteenBit: true);
        return Encode(bytes, info, compressionLevel, png: true);
    }

    /// <summary>JPEG bytes of a uint8 CHW (or HW) gray or RGB image; colour is 4:2:0 subsampled.</summary>
    public static byte[] EncodeJpeg(Tensor image, int quality = 90)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality is 1..100");
        var (bytes, info) = Interleave(image, "JPEG", maxChannels: 3, allowSixteenBit: false);
        if (info.Channels == 2) throw new ArgumentException("JPEG stores gray or RGB images, not gray+alpha", nameof(image));
        return Encode(bytes, info, quality, png: false);
    }

    /// <summary>Writes an image atomically (temp file + rename), as PNG or JPEG by the path's extension.</summary>
    public static void Write(string path, Tensor image, int jpegQuality = 90)
    {
        var bytes = ImageFormats.FromExtension(path) switch
        {
            ImageFormat.Png => EncodePng(image),
            ImageFormat.Jpeg => EncodeJpeg(image, jpegQuality),
            _ => throw new ArgumentException($"cannot tell the image format of {path}: use a .png, .jpg or .jpeg extension", nameof(path)),
        };
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    static (byte[] Bytes, CodecImage Info) Interleave(Tensor image, string codec, int maxChannels, bool allowSixteenBit)
    {
        using var scope = TensorScope.Begin();
        var shape = image.Shape;
        if (shape.Length is not (2 or 3))
            throw new ArgumentException($"{codec} encode needs a CHW or HW image, got shape [{string.Join(", ", shape)}]", nameof(image));
        var chw = shape.Length == 2 ? image.Unsqueeze(0) : image;
        long c = chw.Size(0), h = chw.Size(1), w = chw.Size(2);
        if (c < 1 || c > maxChannels)
            throw new ArgumentException($"{codec} encode takes 1..{maxChannels} channels, got {c} (shape [{string.Join(", ", shape)}])", nameof(image));
        var hwc = chw.Permute(1, 2, 0).Contiguous();
        var dtype = image.DType;
        var info = new CodecImage { Width = (int)w, Height = (int)h, Channels = (int)c, BytesPerSample = 1 };
        if (dtype == DType.UInt8) return (hwc.ToBytes(), info);
        if (dtype == DType.Int32 && allowSixteenBit)
        {
            var values = hwc.ToArray<int>();
            var bytes = new byte[values.Length * 2];
            var samples = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
            for (int i = 0; i < values.Length; i++)
            {
                if ((uint)values[i] > ushort.MaxValue)
                    throw new ArgumentException($"16-bit PNG samples must be 0..65535, found {values[i]}", nameof(image));
                samples[i] = (ushort)values[i];
            }
            return (bytes, info with { BytesPerSample = 2 });
        }
        throw new ArgumentException($"{codec} encode takes uint8{(allowSixteenBit ? " (or int32 for 16-bit)" : "")} images, got {dtype.Name()}: " +
                                    "convert floats with (x * 255).Round().Clamp(0, 255).To(DType.UInt8)", nameof(image));
    }

    /// <summary>8-bit palette PNG bytes of a row-major width x height index image; <paramref name="palette"/> holds
    /// one RGB triplet per colour (1..256), and every index must have one.</summary>
    public static unsafe byte[] EncodePalettePng(ReadOnlySpan<byte> indices, int width, int height, ReadOnlySpan<byte> palette, int compressionLevel = 6)
    {
        if (indices.Length != (long)width * height) throw new ArgumentException($"palette PNG: {indices.Length} indices for a {width}x{height} image");
        if (palette.Length % 3 != 0) throw new ArgumentException($"palette PNG: {palette.Length} palette bytes are not RGB triplets");
        byte* err = stackalloc byte[CodecNative.ErrorBufferSize];
        IntPtr output;
        nuint size;
        int status;
        fixed (byte* i = indices)
        fixed (byte* p = palette)
            status = CodecNative.osc_png_encode_palette(i, width, height, p, palette.Length / 3, compressionLevel, out output, out size, err, CodecNative.ErrorBufferSize);
        return TakeOutput(status, output, size, err, "palette PNG");
    }

    static unsafe byte[] Encode(byte[] pixels, CodecImage info, int setting, bool png)
    {
        byte* err = stackalloc byte[CodecNative.ErrorBufferSize];
        IntPtr output;
        nuint size;
        int status;
        fixed (byte* p = pixels)
        {
            status = png
                ? CodecNative.osc_png_encode(p, in info, setting, out output, out size, err, CodecNative.ErrorBufferSize)
                : CodecNative.osc_jpeg_encode(p, in info, setting, out output, out size, err, CodecNative.ErrorBufferSize);
        }
        return TakeOutput(status, output, size, err, png ? "PNG" : "JPEG");
    }

    static unsafe byte[] TakeOutput(int status, IntPtr output, nuint size, byte* err, string what)
    {
        if (status != CodecNative.Ok) throw new ArgumentException($"{what} encode failed: {CodecNative.Message(err)}");
        try
        {
            return new ReadOnlySpan<byte>((void*)output, checked((int)size)).ToArray();
        }
        finally
        {
            CodecNative.osc_free(output);
        }
    }

    /// <summary>The codec library's versions ("libpng 1.6.39, libjpeg-turbo ...") and where it was loaded from, for
    /// diagnostics; loading it throws DllNotFoundException naming every path tried.</summary>
    public static (string Versions, string Path) Library
    {
        get
        {
            var versions = Marshal.PtrToStringUTF8(CodecNative.osc_versions()) ?? "?";
            return (versions, CodecLibrary.LoadedFrom ?? "?");
        }
    }
}
