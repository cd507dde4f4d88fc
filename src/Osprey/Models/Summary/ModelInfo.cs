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
    public static ModelSummary Describe(string name, long? classes = null, long? imageSize = null, bool fused = false) =>
        Describe(name, new ModelArgs(NumClasses: classes), imageSize, fused);

    /// <summary>A registered model built with <paramref name="args"/> (classes, channels, the family's options such as
    /// a ResNet's width), counted at <paramref name="imageSize"/> (default: args' size, else the model's).</summary>
    public static ModelSummary Describe(string name, ModelArgs args, long? imageSize = null, bool fused = false)
    {
        var entry = ModelRegistry.Get(name);
        using var model = entry.Build(args);
        return Describe(name, model, args.InChannels ?? entry.DefaultInChannels, imageSize ?? args.ImageSize ?? entry.DefaultImageSize, fused);
    }

    /// <summary>An already built model (a trained checkpoint's, say) counted for one image of inChannels x size x size;
    /// <paramref name="fused"/> folds the model's conv + BatchNorm pairs in place (YOLO's Conv blocks; any other family in eval mode).</summary>
    public static ModelSummary Describe(string name, Module model, long inChannels, long size, bool fused = false)
    {
        if (size < 1) throw new ArgumentException($"image size must be positive, got {size}");
        long[] input = [1, inChannels, size, size];
        if (model is YoloModel yolo)
        {
            if (fused) yolo.Fuse();
            return ModelSummary.Of(name, yolo, yolo.Rows(), x => yolo.Call(x), input, countInTrainMode: true, fused: fused);
        }
        var imageModel = model as IImageModel ?? throw new ArgumentException($"{name}: {model.TypeName} takes no image batch");
        if (fused)
        {
            model.Eval();
            model.FoldBatchNorms();
        }
        return ModelSummary.Of(name, model, null, x =>
        {
            using var batch = ImageBatch.FromTensor(x);
            return imageModel.Run(batch);
        }, input, fused: fused);
    }

    /// <summary>The table and the summary line, as printed.</summary>
    public static string Format(ModelSummary summary) => LayerTable.Format(summary.Rows) + summary.SummaryLine + Environment.NewLine;
}
