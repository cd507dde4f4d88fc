namespace Osprey.Data.Images;

/// <summary>A file that is not a decodable image: corrupt, truncated, unsupported, or no image at all.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Where the bytes came from (a path, or a description for in-memory data).</summary>
    public string ImageSource { get; }
    public string Codec { get; }
    public string Reason { get; }

    public ImageDecodeException(string source, string codec, string reason)
        : base($"cannot decode {source} as {codec}: {reason}")
    {
        ImageSource = source;
        Codec = codec;
        Reason = reason;
    }
}
