using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Osprey.Data.Datasets.Scenes;

/// <summary>
/// What the built-in "fashion-scenes" dataset is generated from. Everything that changes the bytes written is part of
/// <see cref="Hash"/>, which names the cache folder, so a changed option means a new dataset, never a stale one.
/// </summary>
public sealed record FashionScenesOptions
{
    /// <summary>Bumped whenever the generator's output changes for the same options.</summary>
    public const int GeneratorVersion = 1;

    public int Seed { get; init; }
    public int TrainImages { get; init; } = 2000;
    public int ValImages { get; init; } = 300;
    /// <summary>Each image's width and height are drawn from MinSize..MaxSize pixels.</summary>
    public int MinSize { get; init; } = 160;
    public int MaxSize { get; init; } = 256;
    public int MinObjects { get; init; } = 2;
    public int MaxObjects { get; init; } = 6;
    /// <summary>An item's side as a fraction of the image's short side, drawn log-uniformly from this range.</summary>
    public double MinScale { get; init; } = 0.15;
    public double MaxScale { get; init; } = 0.55;
    /// <summary>Chance that an item is placed over an earlier one (otherwise anywhere).</summary>
    public double OverlapProbability { get; init; } = 0.5;
    /// <summary>Placements that would hide more than this fraction of any object are redrawn.</summary>
    public double MaxOcclusion { get; init; } = 0.8;
    /// <summary>"jpg" (default: the per-pixel noise makes lossless PNGs ~90 KB each, 5x the JPEGs) or "png".</summary>
    public string ImageFormat { get; init; } = "jpg";
    public int JpegQuality { get; init; } = 95;
    /// <summary>Where Debian's dataset-fashion-mnist puts the idx files.</summary>
    public string FashionMnistDirectory { get; init; } = FashionMnist.DefaultDirectory;
    /// <summary>Parent of the generated folder; default $OSPREY_CACHE, else $XDG_CACHE_HOME/osprey, else ~/.cache/osprey.</summary>
    public string? CacheRoot { get; init; }

    public void Validate()
    {
        void Check(bool ok, string message) { if (!ok) throw new ArgumentException($"fashion-scenes: {message}"); }
        Check(TrainImages >= 0 && ValImages >= 0 && TrainImages + ValImages > 0, $"image counts must not be negative and not both 0 (train {TrainImages}, val {ValImages})");
        Check(MinSize >= 32 && MaxSize >= MinSize && MaxSize <= 4096, $"sizes must satisfy 32 <= MinSize <= MaxSize <= 4096 (got {MinSize}..{MaxSize})");
        Check(MinObjects >= 0 && MaxObjects >= MinObjects && MaxObjects <= 100, $"object counts must satisfy 0 <= MinObjects <= MaxObjects <= 100 (got {MinObjects}..{MaxObjects})");
        Check(MinScale > 0 && MaxScale >= MinScale && MaxScale <= 1, $"scales must satisfy 0 < MinScale <= MaxScale <= 1 (got {MinScale}..{MaxScale})");
        Check(MinScale * MinSize >= 8, $"the smallest item would be under 8 pixels (MinScale {MinScale} x MinSize {MinSize})");
        Check(OverlapProbability is >= 0 and <= 1, $"OverlapProbability {OverlapProbability} is not in [0, 1]");
        Check(MaxOcclusion is >= 0 and < 1, $"MaxOcclusion {MaxOcclusion} is not in [0, 1)");
        Check(ImageFormat is "png" or "jpg", $"ImageFormat '{ImageFormat}' is neither png nor jpg");
        Check(JpegQuality is >= 1 and <= 100, $"JpegQuality {JpegQuality} is not in 1..100");
    }

    /// <summary>The options that decide the output, in a fixed text form.</summary>
    public string Canonical() => string.Join(";", new object[]
    {
        $"v{GeneratorVersion}", Seed, TrainImages, ValImages, MinSize, MaxSize, MinObjects, MaxObjects, MinScale, MaxScale,
        OverlapProbability, MaxOcclusion, ImageFormat, ImageFormat == "jpg" ? JpegQuality : 0,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical())))[..12].ToLowerInvariant();

    public string ResolvedCacheRoot()
    {
        if (CacheRoot != null) return Path.GetFullPath(CacheRoot);
        if (Environment.GetEnvironmentVariable("OSPREY_CACHE") is { Length: > 0 } osprey) return osprey;
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg) return Path.Combine(xdg, "osprey");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "osprey");
    }
}
