using Osprey.Models.Backbones;
using Osprey.Models.Detection;
using Osprey.Models.Detection.Yolo;
using Osprey.Models.Layers;
using Osprey.Models.Segmentation;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models;

public enum ModelTask { Classify, Segment, Detect }

/// <summary>What a caller may choose when building a registered model; null keeps the model's default.</summary>
public sealed record ModelArgs(long? NumClasses = null, long? InChannels = null);

/// <summary>A registered model: its name, task, defaults, and how to build it and run it on a batch.</summary>
public sealed record ModelEntry(string Name, ModelTask Task, string Description, long DefaultClasses, long DefaultInChannels,
                                long DefaultImageSize, Func<ModelArgs, Module> Build)
{
    /// <summary>Runs the model's forward (its typed output is returned as object; the caller disposes it).</summary>
    public static object Forward(Module model, Tensor input) => model switch
    {
        Module<Tensor, Tensor> m => m.Call(input),
        Module<Tensor, SegmentationOutput> m => m.Call(input),
        Module<Tensor, DetectionOutput> m => m.Call(input),
        _ => throw new ArgumentException($"{model.TypeName} has no tensor forward"),
    };
}

/// <summary>Every model Osprey builds by name (the CLI's --model and `osprey info`).</summary>
public static class ModelRegistry
{
    static readonly List<ModelEntry> entries = Create();

    public static IReadOnlyList<ModelEntry> All => entries;

    public static ModelEntry Get(string name) =>
        entries.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown model '{name}'; registered: {string.Join(", ", entries.Select(e => e.Name))}");

    public static Module Create(string name, ModelArgs? args = null) => Get(name).Build(args ?? new ModelArgs());

    static List<ModelEntry> Create()
    {
        var list = new List<ModelEntry>();
        foreach (var depth in new[] { 18, 34, 50, 101, 152 })
        {
            list.Add(ResNetEntry($"resnet{depth}", depth, ResidualAttention.None, $"ResNet-{depth} (torchvision layout)"));
            list.Add(ResNetEntry($"seresnet{depth}", depth, ResidualAttention.Se(), $"SE-ResNet-{depth} (SE r=16 in every block)"));
        }
        list.Add(new ModelEntry("unet", ModelTask.Segment, "UNet with padded convolutions and BatchNorm (output = input size)",
            2, 3, 256, a => new UNet(new UNetOptions { InChannels = a.InChannels ?? 3, NumClasses = a.NumClasses ?? 2 })));
        list.Add(new ModelEntry("unet-valid", ModelTask.Segment, "the original UNet: valid convolutions, 572 -> 388",
            2, 1, 572, a => new UNet(new UNetOptions { InChannels = a.InChannels ?? 1, NumClasses = a.NumClasses ?? 2, Valid = true, BatchNorm = false })));
        foreach (var depth in new[] { 50, 101 })
            list.Add(new ModelEntry($"pspnet-r{depth}", ModelTask.Segment, $"PSPNet on a dilated ResNet-{depth} (output stride 8), aux head on stage 3",
                150, 3, 473, a => new PSPNet(new PSPNetOptions { Depth = depth, NumClasses = a.NumClasses ?? 150, InChannels = a.InChannels ?? 3 })));
        foreach (var (file, suffix, head) in YoloVariants)
            foreach (var scale in new[] { "n", "s", "m", "l", "x" })
                list.Add(new ModelEntry($"yolo11{scale}{suffix}", ModelTask.Detect, $"YOLO11{scale} with the {head} head ({file})",
                    80, 3, 640, a => YoloModel.FromResource(file, $"yolo11{scale}{suffix}", scale, a.NumClasses, a.InChannels ?? 3)));
        return list;
    }

    static (string File, string Suffix, string Head)[] YoloVariants =>
    [
        ("yolo11.yaml", "", "Detect"),
        ("yolo11-seam.yaml", "-seam", "Detect_SEAM"),
        ("yolo11-multiseam.yaml", "-multiseam", "Detect_MultiSEAM"),
    ];

    static ModelEntry ResNetEntry(string name, int depth, ResidualAttention attention, string description) =>
        new(name, ModelTask.Classify, description, 1000, 3, 224, a => new ResNet(new ResNetOptions
        {
            Depth = depth, NumClasses = a.NumClasses ?? 1000, InChannels = a.InChannels ?? 3, Attention = attention,
        }));
}
