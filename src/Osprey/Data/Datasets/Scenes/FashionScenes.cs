namespace Osprey.Data.Datasets.Scenes;

/// <summary>
/// The built-in "fashion-scenes" dataset: Fashion-MNIST items composed on varied backgrounds at several scales, with
/// overlaps and occlusion (<see cref="SceneComposer"/>), written in the real formats (<see cref="SceneWriter"/>).
/// Deterministic for its options: image i of a split is drawn from <see cref="SeedMix"/>(seed, split, i), train scenes
/// from Fashion-MNIST's training items and val scenes from its test items. Generated once into
/// <c>CACHE/fashion-scenes-HASH</c> (a temp folder renamed when complete, so a folder that exists is whole) and
/// reused after.
/// </summary>
public static class FashionScenes
{
    public const string Name = "fashion-scenes";

    /// <summary>The dataset folder for <paramref name="options"/>, generated first if needed; holds data.yaml.</summary>
    public static string Ensure(FashionScenesOptions? options = null, Action<string>? log = null)
    {
        options ??= new FashionScenesOptions();
        options.Validate();
        var cacheRoot = options.ResolvedCacheRoot();
        var folder = Path.Combine(cacheRoot, $"{Name}-{options.Hash()}");
        if (Directory.Exists(folder)) return folder;

        Directory.CreateDirectory(cacheRoot);
        var temp = Path.Combine(cacheRoot, $".{Name}-{options.Hash()}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            log?.Invoke($"generating {Name} ({options.TrainImages} train + {options.ValImages} val images) into {folder}");
            Generate(temp, options);
            try
            {
                Directory.Move(temp, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                Directory.Delete(temp, recursive: true); // another process finished the same dataset first
            }
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
        return folder;
    }

    /// <summary>Writes the dataset into <paramref name="folder"/> (which must not exist yet).</summary>
    public static void Generate(string folder, FashionScenesOptions options)
    {
        options.Validate();
        if (Directory.Exists(folder)) throw new IOException($"{folder} already exists");
        Directory.CreateDirectory(folder);
        (string Split, int Stream, int Count, Func<IdxDataset> Items)[] splits =
        [
            ("train", 0, options.TrainImages, () => FashionMnist.Train(options.FashionMnistDirectory)),
            ("val", 1, options.ValImages, () => FashionMnist.Test(options.FashionMnistDirectory)),
        ];
        foreach (var (split, stream, count, items) in splits)
        {
            var source = items();
            var writer = new SceneWriter(folder, split, options);
            for (int i = 0; i < count; i++)
                writer.Add(i, SceneComposer.Compose(SeedMix.Generator(options.Seed, stream, i), source, options));
            writer.Finish();
        }
        SceneWriter.WriteDataYaml(folder, options);
    }
}
