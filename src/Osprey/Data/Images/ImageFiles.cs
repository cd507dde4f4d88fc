using System.Text;
using System.Text.RegularExpressions;

namespace Osprey.Data.Images;

/// <summary>
/// The image files a list of sources names, as <c>osprey predict --source</c> takes them: a file (any extension: its
/// decoder is chosen by its bytes), a folder (its image files by extension, recursively), or a glob (<c>*</c> and
/// <c>?</c> within a name, <c>**</c> across folders: <c>shots/*.jpg</c>, <c>data/**/val/*.png</c>). In source order,
/// each folder or glob sorted, a file named twice listed once. A source that matches nothing is an error naming it.
/// </summary>
public static class ImageFiles
{
    /// <summary>The extensions a folder or a glob without one is searched for (what the codecs decode).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp"];

    public static IReadOnlyList<string> Find(IEnumerable<string> sources)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
            foreach (var file in Find(source))
                if (seen.Add(Path.GetFullPath(file))) files.Add(file);
        return files;
    }

    public static IReadOnlyList<string> Find(string source)
    {
        if (File.Exists(source)) return [source];
        if (Directory.Exists(source))
        {
            var found = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(IsImageName).Order(StringComparer.Ordinal).ToArray();
            return found.Length > 0 ? found
                : throw new InvalidDataException($"source folder {source} holds no images ({string.Join(", ", Extensions)})");
        }
        if (source.IndexOfAny(['*', '?']) < 0) throw new FileNotFoundException($"source {source} does not exist", source);
        var matches = Glob(source);
        return matches.Count > 0 ? matches : throw new FileNotFoundException($"source pattern {source} matches no files", source);
    }

    /// <summary>Whether the file's extension is one of <see cref="Extensions"/> (any case).</summary>
    public static bool IsImageName(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Files under the pattern's fixed leading folders whose relative path matches the rest; a pattern whose last
    /// part names no extension (<c>shots/*</c>) keeps image files only.</summary>
    static List<string> Glob(string pattern)
    {
        var parts = pattern.Replace('\\', '/').Split('/');
        int fixedParts = 0;
        while (fixedParts < parts.Length - 1 && parts[fixedParts].IndexOfAny(['*', '?']) < 0) fixedParts++;
        var root = fixedParts == 0 ? (pattern.StartsWith('/') ? "/" : ".") : string.Join('/', parts[..fixedParts]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var regex = new Regex("^" + ToRegex(parts[fixedParts..]) + "$", RegexOptions.CultureInvariant);
        bool imagesOnly = !Path.GetFileName(pattern).Contains('.');
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => regex.IsMatch(Path.GetRelativePath(root, f).Replace('\\', '/')) && (!imagesOnly || IsImageName(f)))
            .Select(f => fixedParts == 0 && !pattern.StartsWith('/') ? Path.GetRelativePath(".", f) : f)
            .Order(StringComparer.Ordinal).ToList();
    }

    static string ToRegex(string[] parts)
    {
        var text = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] == "**")
            {
                text.Append(i == parts.Length - 1 ? ".*" : "(?:[^/]+/)*");
                continue;
            }
            foreach (var c in parts[i])
                text.Append(c switch { '*' => "[^/]*", '?' => "[^/]", _ => Regex.Escape(c.ToString()) });
            if (i < parts.Length - 1) text.Append('/');
        }
        return text.ToString();
    }
}
