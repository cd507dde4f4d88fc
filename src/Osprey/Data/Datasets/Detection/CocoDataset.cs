namespace Osprey.Data.Datasets.Detection;

/// <summary>How COCO category ids become class indices.</summary>
public enum CocoCategoryIds
{
    /// <summary>Sorted category ids -> 0..n-1, names kept in that order (ultralytics' convert_coco, custom sets).</summary>
    Contiguous,
    /// <summary>The class is the category id itself, as the official DETR code keeps them (91 logits for COCO: ids
    /// 1..90, the gaps and 0 named "N/A" as in its demo).</summary>
    Original,
}

/// <summary>
/// A COCO detection dataset (<c>instances_*.json</c>: images, annotations with <c>bbox</c> x, y, w, h in pixels,
/// categories). Boxes are clamped to the image and those left without area are dropped and counted (as DETR's
/// ConvertCocoPolysToMask); a negative width or height is an error. Crowd regions (<c>iscrowd</c> 1) stay in the
/// samples' annotations for evaluation and out of the training targets; images without annotations are kept as
/// background. Every problem is an error naming the file and the image or annotation id, all reported together: a
/// missing image file, an annotation for an unknown image or category, a bad box, duplicate ids.
/// </summary>
public static class CocoDataset
{
    public static DetectionDataset Open(string annotationFile, string? imageFolder = null,
                                        CocoCategoryIds categories = CocoCategoryIds.Contiguous, Action<string>? log = null)
    {
        var file = Path.GetFullPath(annotationFile);
        var json = CocoJson.Read(file);
        var folder = imageFolder != null ? Path.GetFullPath(imageFolder) : FindImageFolder(file);
        var errors = new List<string>();

        var (classOf, names) = Categories(json, file, categories, errors);
        var images = new Dictionary<long, (CocoJson.CocoImage Image, string Path)>();
        foreach (var image in json.Images ?? throw new InvalidDataException($"{file}: no 'images' array"))
        {
            if (image.Id is not { } id) { errors.Add($"{file}: an image ({image.FileName}) has no id"); continue; }
            if (string.IsNullOrEmpty(image.FileName)) { errors.Add($"{file}: image id {id} has no file_name"); continue; }
            if (image.Width is not > 0 || image.Height is not > 0) { errors.Add($"{file}: image id {id} has no positive width and height"); continue; }
            var path = Path.GetFullPath(Path.Combine(folder, image.FileName));
            if (!File.Exists(path)) errors.Add($"{file}: image id {id}: {image.FileName} not found at {path}");
            if (!images.TryAdd(id, (image, path))) errors.Add($"{file}: image id {id} appears twice");
        }

        var perImage = images.Keys.ToDictionary(id => id, _ => new List<(CocoJson.CocoAnnotation A, float[] Box)>());
        int degenerate = 0, crowd = 0;
        long? firstDegenerate = null;
        var annotationIds = new HashSet<long>();
        foreach (var a in json.Annotations ?? [])
        {
            var name = a.Id is { } aid ? $"annotation id {aid}" : $"an annotation without id (image {a.ImageId})";
            if (a.Id is { } idValue && !annotationIds.Add(idValue)) { errors.Add($"{file}: {name} appears twice"); continue; }
            if (a.ImageId is not { } imageId || !images.TryGetValue(imageId, out var owner))
            { errors.Add($"{file}: {name} refers to image id {a.ImageId?.ToString() ?? "(none)"}, which is not in 'images'"); continue; }
            if (a.CategoryId is not { } category || !classOf.ContainsKey(category))
            { errors.Add($"{file}: {name} refers to category id {a.CategoryId?.ToString() ?? "(none)"}, which is not in 'categories'"); continue; }
            if (a.Bbox is not { Length: 4 } b || b.Any(v => !double.IsFinite(v)))
            { errors.Add($"{file}: {name}: bbox must be 4 finite numbers [x, y, width, height]"); continue; }
            if (b[2] < 0 || b[3] < 0) { errors.Add($"{file}: {name}: bbox [{string.Join(", ", b)}] has a negative width or height"); continue; }
            if (a.IsCrowd is not (null or 0 or 1)) { errors.Add($"{file}: {name}: iscrowd is {a.IsCrowd}, expected 0 or 1"); continue; }
            int w = owner.Image.Width!.Value, h = owner.Image.Height!.Value;
            var box = new[]
            {
                (float)Math.Clamp(b[0], 0, w), (float)Math.Clamp(b[1], 0, h),
                (float)Math.Clamp(b[0] + b[2], 0, w), (float)Math.Clamp(b[1] + b[3], 0, h),
            };
            if (!(box[2] > box[0] && box[3] > box[1]))
            {
                degenerate++;
                firstDegenerate ??= a.Id;
                continue;
            }
            if (a.IsCrowd == 1) crowd++;
            perImage[imageId].Add((a, box));
        }
        DatasetFormatException.ThrowIfAny(file, errors);

        var records = images.OrderBy(p => p.Key).Select(p =>
        {
            var anns = perImage[p.Key];
            return new DetectionRecord(p.Value.Path, p.Key, anns.SelectMany(x => x.Box).ToArray(),
                anns.Select(x => classOf[x.A.CategoryId!.Value]).ToArray(), Normalized: false)
            {
                Width = p.Value.Image.Width!.Value,
                Height = p.Value.Image.Height!.Value,
                Crowd = anns.Select(x => x.A.IsCrowd == 1).ToArray(),
                Areas = anns.Select(x => (float)(x.A.Area ?? (double)x.A.Bbox![2] * x.A.Bbox[3])).ToArray(),
                AnnotationIds = anns.Select(x => x.A.Id ?? -1).ToArray(),
            };
        }).ToArray();
        if (log != null)
        {
            int background = records.Count(r => r.Count == 0);
            if (degenerate > 0)
                log($"WARNING: {file}: {degenerate} degenerate box{(degenerate == 1 ? "" : "es")} (no area inside the image) dropped, " +
                    $"first: annotation id {firstDegenerate}");
            log($"{file}: {records.Length} images ({background} without annotations, kept as background), " +
                $"{records.Sum(r => r.Count)} annotations ({crowd} crowd, evaluation only), {names.Count} classes");
        }
        return new DetectionDataset(records, names, file);
    }

    static (Dictionary<long, long> ClassOf, IReadOnlyList<string> Names) Categories(CocoJson json, string file, CocoCategoryIds mode, List<string> errors)
    {
        var byId = new SortedDictionary<long, string>();
        foreach (var c in json.Categories ?? throw new InvalidDataException($"{file}: no 'categories' array"))
        {
            if (c.Id is not { } id || id < 0) { errors.Add($"{file}: category '{c.Name}' has no id (or a negative one)"); continue; }
            if (string.IsNullOrEmpty(c.Name)) { errors.Add($"{file}: category id {id} has no name"); continue; }
            if (!byId.TryAdd(id, c.Name)) errors.Add($"{file}: category id {id} appears twice");
        }
        if (byId.Count == 0) errors.Add($"{file}: 'categories' is empty");
        if (mode == CocoCategoryIds.Contiguous)
            return (byId.Keys.Select((id, i) => (id, (long)i)).ToDictionary(p => p.id, p => p.Item2), byId.Values.ToArray());
        if (byId.Count > 0 && byId.Keys.Last() > 100_000) errors.Add($"{file}: category id {byId.Keys.Last()} is too large to be a class index");
        var names = Enumerable.Range(0, byId.Count == 0 ? 0 : (int)Math.Min(byId.Keys.Last(), 100_000) + 1)
            .Select(i => byId.TryGetValue(i, out var n) ? n : "N/A").ToArray();
        return (byId.Keys.ToDictionary(id => id, id => id), names);
    }

    /// <summary>The images of <c>root/annotations/instances_SPLIT.json</c>: <c>root/SPLIT</c> (COCO's layout),
    /// <c>root/images/SPLIT</c>, or <c>root/images</c>.</summary>
    static string FindImageFolder(string annotationFile)
    {
        var name = Path.GetFileNameWithoutExtension(annotationFile);
        var split = name.StartsWith("instances_") ? name["instances_".Length..] : name;
        var folder = Path.GetDirectoryName(annotationFile)!;
        var root = Path.GetFileName(folder) == "annotations" ? Path.GetDirectoryName(folder)! : folder;
        string[] candidates = [Path.Combine(root, split), Path.Combine(root, "images", split), Path.Combine(root, "images")];
        return candidates.FirstOrDefault(Directory.Exists)
               ?? throw new DirectoryNotFoundException($"{annotationFile}: no image folder found (tried {string.Join(", ", candidates)}); " +
                                                       "pass the folder explicitly");
    }
}
