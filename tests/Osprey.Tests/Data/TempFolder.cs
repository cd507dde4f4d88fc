namespace Osprey.Tests.Data;

/// <summary>A temporary directory deleted on Dispose, with helpers to lay out dataset folders.</summary>
public sealed class TempFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("osprey-data-").FullName;

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Copies a committed fixture image to <paramref name="relative"/>.</summary>
    public string CopyImage(string fixture, string relative) => Write(relative, File.ReadAllBytes(TestImages.PathOf(fixture)));

    public string Write(string relative, byte[] content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Folder(string relative) => Directory.CreateDirectory(PathOf(relative)).FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
