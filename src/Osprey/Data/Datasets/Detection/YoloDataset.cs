using Osprey.Data.Images;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// Opens a split of an ultralytics detection dataset (<see cref="DatasetYaml"/>): images from the split's folders
/// (recursively) or .txt lists, each image's label file at ultralytics' img2label_paths place (the last
/// <c>/images/</c> of the path becomes <c>/labels/</c>, the extension <c>.txt</c>). Every label is read and validated
/// here, once (<see cref="YoloLabelFile"/>; all errors reported together), and kept in the dataset, so epochs never
/// re-parse; the parse is also saved in a <see cref="LabelCache"/> file for later runs. An image without a label file
/// is a background image, as in ultralytics (counted in the report); a label file in a split's labels folder without
/// its image is an error. Warnings and the summary go to <c>log</c>.
/// </summary>
public static class YoloDataset
{
    /// <summary>ultralytics' IMG_FORMATS; those outside <see cref="ImageFiles.Extensions"/> are named as errors.</summary>
    static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
        { ".bmp", ".dng", ".jpeg", ".jpg", ".mpo", ".png", ".tif", ".tiff", ".webp", ".pfm", ".heic" };

    public static DetectionDataset Open(string yamlPath, string split, Action<string>? log = null, bool cacheFile = true) =>
        Open(DatasetYaml.Read(yamlPath), split, log, cacheFile);

    public static DetectionDataset Open(DatasetYaml yaml, string split, Action<string>? log = null, bool cacheFile = true)
    {
        var source = $"{yaml.YamlPath} ({split})";
        var errors = new List<string>();
        var images = new List<string>();
        foreach (var item in yaml.Split(split))
        {
            if (Directory.Exists(item)) images.AddRange(FolderImages(item, errors));
            else images.AddRange(ListedImages(item, errors));
        }
        DatasetFormatException.ThrowIfAny(source, errors);
        images.Sort(StringComparer.Ordinal); // ultralytics sorts the whole split, list files included
        if (images.Count == 0) throw new InvalidDataException($"{source}: no images in {string.Join(", ", yaml.Split(split))}");
        var labels = images.Select(LabelPathOf).ToArray();
        foreach (var item in yaml.Split(split).Where(Directory.Exists)) CheckOrphanLabels(item, errors);
        DatasetFormatException.ThrowIfAny(source, errors);

        var entries = ReadLabels(images, labels, yaml.Names.Count, cacheFile, log, errors);
        DatasetFormatException.ThrowIfAny(source, errors);
        Report(source, images, labels, entries, log);
        var records = entries.Select((e, i) => new DetectionRecord(images[i], i, e.Boxes, e.Classes, Normalized: true)).ToArray();
        return new DetectionDataset(records, yaml.Names, source);
    }

    /// <summary>ultralytics' img2label_paths for one image.</summary>
    public static string LabelPathOf(string imagePath)
    {
        var sep = Path.DirectorySeparatorChar;
        string images = $"{sep}images{sep}", labels = $"{sep}labels{sep}";
        int at = imagePath.LastIndexOf(images, StringComparison.Ordinal);
        var path = at < 0 ? imagePath : imagePath[..at] + labels + imagePath[(at + images.Length)..];
        int dot = path.LastIndexOf('.');
        return (dot > path.LastIndexOf(sep) ? path[..dot] : path) + ".txt";
    }

    static IEnumerable<string> FolderImages(string folder, List<string> errors)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal).ToArray();
        foreach (var f in files)
        {
            if (!ImageFiles.IsImageName(f))
                errors.Add($"{f}: {Path.GetExtension(f)} images cannot be decoded here (PNG, JPEG, TIFF, WebP and BMP can); convert or remove it");
            else if (UntrustedFile.NotRegularReason(f) is { } reason)  // a FIFO would hang a loader, /dev/zero read for ever
                errors.Add($"{f}: {reason.Replace(f + ": ", "")}; only regular files are read");
        }
        return files;
    }

    // ultralytics: lines starting with "./" are relative to the list's folder; others as written (we also try the list's folder).
    static IEnumerable<string> ListedImages(string listFile, List<string> errors)
    {
        var parent = Path.GetDirectoryName(listFile)!;
        var lines = UntrustedFile.ReadAllText(listFile, 256 << 20).Split('\n');
        var result = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var path = line.StartsWith("./") ? Path.Combine(parent, line[2..]) : line;
            if (!Path.IsPathRooted(path) && !File.Exists(path)) path = Path.Combine(parent, path);
            path = Path.GetFullPath(path);
            if (!File.Exists(path)) errors.Add($"{listFile}:{i + 1}: image {line} not found ({path})");
            else if (!ImageFiles.IsImageName(path)) errors.Add($"{listFile}:{i + 1}: {path} is not a PNG, JPEG, TIFF, WebP or BMP file");
            else if (UntrustedFile.NotRegularReason(path) is { } reason) errors.Add($"{listFile}:{i + 1}: {path} {reason.Replace(path + ": ", "")}");
            else result.Add(path);
        }
        return result;
    }

    static void CheckOrphanLabels(string imageFolder, List<string> errors)
    {
        var labelFolder = Path.GetDirectoryName(LabelPathOf(Path.Combine(imageFolder, "x.png")))!;
        if (labelFolder == imageFolder.TrimEnd(Path.DirectorySeparatorChar) || !Directory.Exists(labelFolder)) return;
        var stems = Directory.EnumerateFiles(imageFolder, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Select(LabelPathOf).ToHashSet(StringComparer.Ordinal);
        foreach (var label in Directory.EnumerateFiles(labelFolder, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            // LabelImg and similar tools keep the class list beside the labels.
            if (Path.GetFileName(label) == "classes.txt") continue;
            if (!stems.Contains(label))
                errors.Add($"{label}: label file without an image (expected {Path.ChangeExtension(label, null)}.png/.jpg under {imageFolder})");
        }
    }

    static LabelCache.Entry[] ReadLabels(List<string> images, string[] labels, int classCount, bool cacheFile,
                                         Action<string>? log, List<string> errors)
    {
        var cachePath = LabelCache.PathFor(labels);
        var key = LabelCache.Key(images, labels, classCount);
        if (cacheFile && LabelCache.TryLoad(cachePath, key, images.Count) is { } cached)
        {
            log?.Invoke($"labels read from cache {cachePath}");
            return cached;
        }
        var entries = new LabelCache.Entry[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            if (!File.Exists(labels[i]))
            {
                entries[i] = new LabelCache.Entry(false, [], [], 0);
                continue;
            }
            var parsed = YoloLabelFile.Parse(labels[i], classCount, errors);
            entries[i] = new LabelCache.Entry(true, parsed.Boxes, parsed.Classes, parsed.Duplicates);
        }
        if (errors.Count == 0 && cacheFile)
        {
            try
            {
                LabelCache.Save(cachePath, key, entries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log?.Invoke($"WARNING: cannot write the label cache {cachePath} ({e.Message}); labels will be parsed again next run");
            }
        }
        return entries;
    }

    static void Report(string source, List<string> images, string[] labels, LabelCache.Entry[] entries, Action<string>? log)
    {
        if (log == null) return;
        int missing = entries.Count(e => !e.HasLabelFile), empty = entries.Count(e => e.HasLabelFile && e.Classes.Length == 0);
        int boxes = entries.Sum(e => e.Classes.Length);
        int duplicates = entries.Sum(e => e.Duplicates), files = entries.Count(e => e.Duplicates > 0);
        if (duplicates > 0)
        {
            int first = Array.FindIndex(entries, e => e.Duplicates > 0);
            log($"WARNING: {source}: {duplicates} duplicate label{(duplicates == 1 ? "" : "s")} removed in {files} " +
                $"file{(files == 1 ? "" : "s")} (first: {labels[first]})");
        }
        if (missing > 0)
            log($"WARNING: {source}: {missing} image{(missing == 1 ? " has" : "s have")} no label file (background), " +
                $"first: {images[Array.FindIndex(entries, e => !e.HasLabelFile)]} (expected {labels[Array.FindIndex(entries, e => !e.HasLabelFile)]})");
        log($"{source}: {images.Count} images, {boxes} boxes, {missing + empty} backgrounds");
    }
}
