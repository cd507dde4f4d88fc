using System.Globalization;
using System.Text.Json.Nodes;
using Osprey.Data;
using Osprey.Data.Images;
using Osprey.Data.Transforms;
using Osprey.Torch;
using Osprey.Visuals;
using SkiaSharp;

namespace Osprey.Training.Segmentation;

/// <summary>
/// One image segmented: the class of every pixel at the image's original size (uint8 (H, W); owned here) and the
/// pixel count of each class (index = class id).
/// </summary>
public sealed class SegmentationResult(string source, Tensor mask, long[] classAreas, IReadOnlyList<string> classes) : IDisposable
{
    public string Source { get; } = source;
    public Tensor Mask { get; } = mask;
    public IReadOnlyList<long> ClassAreas { get; } = classAreas;
    public IReadOnlyList<string> Classes { get; } = classes;

    public void Dispose() => Mask.Dispose();
}

/// <summary>What <c>osprey predict</c> prints for one image: the pixels of each class present, and the files written.</summary>
public sealed record SegmentationPrediction(string Source, long Height, long Width, IReadOnlyList<(int Class, string Name, long Pixels)> Areas,
                                            string? MaskFile, string? OverlayFile) : IPrediction
{
    public string Text => $"{Width}x{Height}: " + string.Join(", ", Areas.Where(a => a.Pixels > 0)
        .Select(a => $"{a.Name} {a.Pixels} px ({(100.0 * a.Pixels / (Width * Height)).ToString("F1", CultureInfo.InvariantCulture)}%)"));

    public JsonNode ToJson()
    {
        var json = new JsonObject
        {
            ["source"] = Source, ["width"] = Width, ["height"] = Height,
            ["classes"] = new JsonArray(Areas.Select(a => (JsonNode)new JsonObject { ["class"] = a.Class, ["name"] = a.Name, ["pixels"] = a.Pixels }).ToArray()),
        };
        if (MaskFile != null) json["mask"] = MaskFile;
        if (OverlayFile != null) json["overlay"] = OverlayFile;
        return json;
    }
}

/// <summary>
/// Runs a trained segmentation model on image files: the image normalized as in training, whole or by sliding window,
/// optionally with multi-scale + flip test-time augmentation (<see cref="SegmentationRunner"/>), the arg-max class per
/// pixel at the original size; masks are drawn in the training data's palette, recorded in the checkpoint.
/// <code>
/// using var model = TrainedModel.Load("runs/segment/train/best.ckpt");
/// using var result = new Segmenter(model).Segment("street.jpg");
/// // result.Mask: (H, W) class ids; result.ClassAreas[c]: pixels of class c
/// </code>
/// </summary>
public sealed class Segmenter
{
    readonly TrainedModel trained;
    readonly SegmentationRunner runner;
    readonly ITransform transform;

    /// <summary>Class colours for the mask PNG and the overlay (index = class id).</summary>
    public IReadOnlyList<Rgb> Palette { get; }

    /// <param name="crop">Largest input run at once (null: the training size); larger images go by sliding window.</param>
    /// <param name="palette">Class colours (null: the training data's palette recorded in the checkpoint; the PASCAL VOC
    /// colour map for a checkpoint that recorded none).</param>
    /// <param name="test">Whole or sliding window, crop, stride and test-time augmentation (null: by size, no TTA);
    /// its crop, when set, wins over <paramref name="crop"/>.</param>
    public Segmenter(TrainedModel trained, int? crop = null, IReadOnlyList<Rgb>? palette = null, SegmentationTestOptions? test = null)
    {
        this.trained = trained;
        runner = new SegmentationRunner(trained.Model, crop ?? trained.Info.ImageSize, test ?? SegmentationTestOptions.Default);
        transform = SegmentationPipelines.Val(trained.Info.Mean, trained.Info.Std);
        Palette = palette ?? trained.Info.Palette ?? Rgb.VocColormap(trained.Classes.Count);
        if (Palette.Count < trained.Classes.Count)
            throw new ArgumentException($"segmenter: {Palette.Count} palette colours for {trained.Classes.Count} classes");
    }

    public SegmentationResult Segment(string file)
    {
        using var scope = TensorScope.Begin();
        var image = ImageCodec.Read(file, ImageReadMode.Rgb);
        var mask = SegmentImage(image, file);
        return new SegmentationResult(file, scope.Keep(mask), Areas(mask), trained.Classes);
    }

    /// <summary>Segments <paramref name="file"/>; with <paramref name="saveDirectory"/>, writes STEM_mask.png (palette PNG)
    /// and STEM_overlay.jpg there (each atomically).</summary>
    public SegmentationPrediction Predict(string file, string? saveDirectory = null)
    {
        using var scope = TensorScope.Begin();
        var image = ImageCodec.Read(file, ImageReadMode.Rgb);
        var mask = SegmentImage(image, file);
        var areas = Areas(mask);
        var (maskFile, overlayFile) = saveDirectory == null ? (null, null) : Save(file, image, mask, Palette, saveDirectory);
        return new SegmentationPrediction(file, mask.Size(0), mask.Size(1),
            areas.Select((n, c) => (c, trained.Classes[c], n)).ToArray(), maskFile, overlayFile);
    }

    /// <summary>Writes <paramref name="source"/>'s mask as STEM_mask.png (palette PNG) and the image with it as
    /// STEM_overlay.jpg into <paramref name="folder"/>, each atomically; returns both paths.</summary>
    public static (string Mask, string Overlay) Save(string source, Tensor image, Tensor mask, IReadOnlyList<Rgb> palette, string folder)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.GetFileNameWithoutExtension(source);
        var (maskFile, overlayFile) = (Path.Combine(folder, stem + "_mask.png"), Path.Combine(folder, stem + "_overlay.jpg"));
        PalettePng.Write(maskFile, mask, palette);
        WriteOverlay(overlayFile, image, mask, palette);
        return (maskFile, overlayFile);
    }

    /// <summary>The image with each pixel of a class blended half with its palette colour (no outline), as a JPEG.</summary>
    public static void WriteOverlay(string path, Tensor image, Tensor mask, IReadOnlyList<Rgb> palette)
    {
        using var bitmap = TensorBitmap.ToBitmap(image);
        int[] ids;
        using (var scope = TensorScope.Begin()) ids = mask.To(DType.Int32).Contiguous().ToArray<int>();
        MaskOverlay.Classes(bitmap, ids, alpha: 0.5, outline: false, colours: Colours(palette));
        ImageFile.Write(path, bitmap);
    }

    /// <summary>A palette as Skia colours.</summary>
    public static SKColor[] Colours(IReadOnlyList<Rgb> palette) => palette.Select(c => new SKColor(c.R, c.G, c.B)).ToArray();

    /// <summary>The class mask (H, W) uint8 of a decoded RGB image (3, H, W) uint8.</summary>
    public Tensor SegmentImage(Tensor image, string source = "<image>")
    {
        using var scope = TensorScope.Begin();
        using var inference = Autograd.InferenceMode();
        var input = transform.Apply(new Sample(image) { Source = source }, new Random(0)).Image.Unsqueeze(0);
        return scope.Keep(runner.Scores(input).ArgMax(1)[0].To(DType.UInt8));
    }

    long[] Areas(Tensor mask)
    {
        var areas = new long[trained.Classes.Count];
        foreach (var id in mask.Contiguous().ToArray<byte>()) areas[id]++;
        return areas;
    }
}
