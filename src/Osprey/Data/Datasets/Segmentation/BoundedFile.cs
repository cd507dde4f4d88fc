namespace Osprey.Data.Datasets.Segmentation;

/// <summary>Reads whole files with a size limit, so a wrong path (a video, a disk image) fails with a clear message
/// instead of exhausting memory.</summary>
public static class BoundedFile
{
    /// <summary>Largest image or mask file read (a 16-bit 16k x 16k PNG is far below it).</summary>
    public const long MaxImageBytes = 512L << 20;
    /// <summary>Largest list or YAML file read.</summary>
    public const long MaxTextBytes = 16L << 20;

    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{what} not found: {path}", path);
        if (info.Length > maxBytes)
            throw new InvalidDataException($"{what} {path} is {info.Length} bytes, more than the {maxBytes} bytes read at most");
        return File.ReadAllBytes(path);
    }

    public static string ReadAllText(string path, string what) =>
        System.Text.Encoding.UTF8.GetString(ReadAllBytes(path, MaxTextBytes, what));

    /// <summary>The non-empty, trimmed lines of a list file (ImageSets/Segmentation/train.txt).</summary>
    public static string[] ReadLines(string path, string what) =>
        ReadAllText(path, what).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
}
