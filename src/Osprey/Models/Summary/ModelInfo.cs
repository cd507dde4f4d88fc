using Osprey.Data;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;

namespace Osprey.Models.Summary;

/// <summary>
/// What <c>osprey info</c> reports for a registered model: its layer table and summary. YOLO models list their
/// model.N layers (from, n, params, module, arguments, as ultralytics prints them) and count GFLOPs as ultralytics
/// does: thop's multiply-accumulates times 2, one image at the given size, the freshly built model in train mode
/// (the head's raw maps, no box decoding). Other models list their top-level children and count in eval mode.
/// </summary>
public static class ModelInfo
{
    public static ModelSummary Describe(string name, long? classes = null, long? imageSize = null, bool fused = false)
    {
        var entry = ModelRegistry.Get(name);
        using var model = entry.Build(new ModelArgs(NumClasses: classes));
        var size = imageSize ?? entry.DefaultImageSize;
        if (size < 1) throw new ArgumentException($"image size must be positive, got {size}");
        long[] input = [1, entry.DefaultInChannels, size, size];
        if (model is YoloModel yolo)
        {
            if (fused) yolo.Fuse();
            return ModelSummary.Of(name, yolo, yolo.Rows(), x => yolo.Call(x), input, countInTrainMode: true, fused: fused);
        }
        if (fused) throw new ArgumentException($"{name}: --fused applies to YOLO models (conv + BatchNorm folding); this is a {entry.Task} model");
        var imageModel = model as IImageModel ?? throw new ArgumentException($"{name}: {model.TypeName} takes no image batch");
        return ModelSummary.Of(name, model, null, x =>
        {
            using var batch = ImageBatch.FromTensor(x);
            return imageModel.Run(batch);
        }, input);
    }

    /// <summary>The table and the summary line, as printed.</summary>
    public static string Format(ModelSummary summary) => LayerTable.Format(summary.Rows) + summary.SummaryLine + Environment.NewLine;
}
