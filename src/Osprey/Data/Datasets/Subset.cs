namespace Osprey.Data.Datasets;

/// <summary>Some samples of a dataset, by index; regions are decoded as the source decodes them.</summary>
public sealed class Subset(IDataset<Sample> source, int[] indices) : IRegionDataset
{
    public IReadOnlyList<int> Indices { get; } = indices;
    public IDataset<Sample> Source => source;
    public int Count => indices.Length;
    public Sample Get(int index) => source.Get(indices[index]);

    public Sample Get(int index, Func<long, long, PixelRegion> choose)
    {
        if (source is IRegionDataset regions) return regions.Get(indices[index], choose);
        var whole = source.Get(indices[index]);
        var r = choose(whole.Height, whole.Width).Inside(whole.Height, whole.Width);
        return Transforms.Geometry.Crop(whole, r.Top, r.Left, r.Height, r.Width) with { OriginalSize = whole.OriginalSize ?? (whole.Height, whole.Width) };
    }

    /// <summary>A fixed random <paramref name="fraction"/> of the dataset (at least one sample), in the source's order.</summary>
    public static Subset Random(IDataset<Sample> source, double fraction, int seed)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "a fraction in (0, 1]");
        int take = Math.Max(1, (int)Math.Round(source.Count * fraction));
        var order = Enumerable.Range(0, source.Count).ToArray();
        SeedMix.Generator(seed, -1, -2).Shuffle(order);
        var chosen = order[..take];
        Array.Sort(chosen);
        return new Subset(source, chosen);
    }
}
